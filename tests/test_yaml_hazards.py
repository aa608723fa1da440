"""YAML hazards in story front matter: each one a located problem, never silently changed data."""

from __future__ import annotations

import datetime as dt

import pytest

BUILD_DATE = dt.date(2026, 6, 1)  # the date site.load() and the site fixture judge on


# A valid testimonial; line 8 is the first free line for each case's extra fields.
HEAD = ("---\ntitle: T\ntype: testimonial\nadvocates: [jane-doe]\n"
        "summary: S\npublished: 2026-01-01\nquote: Q\n")
P = "stories/northwind.md"


def located(site, raw: str | bytes) -> list[tuple]:
    """Write the story verbatim (bytes untouched) and return (path, line, col, rule) of every issue."""
    site.advocate()
    site.write(P, raw.encode("utf-8") if isinstance(raw, str) else raw)
    return [(i.path, i.line, i.col, i.rule) for i in site.load(BUILD_DATE).issues]


def messages(site, raw: str | bytes) -> list[str]:
    site.advocate()
    site.write(P, raw.encode("utf-8") if isinstance(raw, str) else raw)
    return [i.format() for i in site.load(BUILD_DATE).issues]


LOCATED = [
    ("duplicate-key", HEAD + "title: Again\n---\nB\n", [(P, 8, 1, "yaml-duplicate-key")]),
    ("anchor-and-alias-at-the-alias", HEAD + "tags: &t [x]\nproducts: *t\n---\nB\n", [(P, 9, 11, "yaml-alias")]),
    ("alias-inside-a-list", HEAD + "video: &v\n  url: https://youtu.be/abcdefghijk\nmetrics: [*v]\n---\nB\n",
     [(P, 10, 11, "yaml-alias")]),
    ("alias-as-a-key", HEAD + "tags: [&k foo]\n*k : 1\n---\nB\n", [(P, 9, 1, "yaml-alias")]),
    ("alias-after-a-duplicate-key-keeps-positions",
     HEAD + "tags: &t [x]\ntags: *t\nproducts: *t\n---\nB\n",
     [(P, 9, 1, "yaml-duplicate-key"), (P, 10, 11, "yaml-alias")]),
    ("merge-key", HEAD + "video:\n  <<: {transcript: true}\n  url: https://youtu.be/abcdefghijk\n---\nB\n",
     [(P, 9, 3, "yaml-alias")]),
    ("python-tag", HEAD + "tags: !!python/object/apply:os.system ['echo hi']\n---\nB\n", [(P, 8, 7, "yaml-tag")]),
    ("binary-tag", HEAD + "tags: !!binary aGVsbG8=\n---\nB\n", [(P, 8, 7, "yaml-tag")]),
    ("local-tag", HEAD + "tags: !secret x\n---\nB\n", [(P, 8, 7, "yaml-tag")]),
    ("str-tag-on-a-mapping", HEAD + "video: !!str {url: x}\n---\nB\n", [(P, 8, 8, "yaml-tag")]),
    ("sexagesimal-duration", HEAD + "video:\n  url: https://youtu.be/abcdefghijk\n  duration: 2:45\n---\nB\n",
     [(P, 10, 13, "yaml-ambiguous-number")]),
    ("octal-looking-number", HEAD + "tags: [0755]\n---\nB\n", [(P, 8, 8, "yaml-ambiguous-number")]),
    ("hex-number", HEAD + "tags: [0x1F]\n---\nB\n", [(P, 8, 8, "yaml-ambiguous-number")]),
    ("underscore-number", HEAD + "tags: [1_000]\n---\nB\n", [(P, 8, 8, "yaml-ambiguous-number")]),
    ("not-a-number", HEAD + "tags: [.nan]\n---\nB\n", [(P, 8, 8, "yaml-ambiguous-number")]),
    ("impossible-date", HEAD.replace("2026-01-01", "2024-02-30") + "---\nB\n", [(P, 6, 12, "yaml-invalid-date")]),
    ("impossible-date-in-the-registry-reported-once", None, None),  # see test below
    ("datetime-with-t", HEAD.replace("2026-01-01", "2026-03-14T10:00:00") + "---\nB\n", [(P, 6, 12, "yaml-datetime")]),
    ("datetime-with-space-no-seconds", HEAD.replace("2026-01-01", "2026-03-14 10:00") + "---\nB\n",
     [(P, 6, 12, "story-field-type")]),
    ("number-as-title", HEAD.replace("title: T", "title: 20.24") + "---\nB\n", [(P, 2, 8, "story-field-type")]),
    ("tab-indentation", HEAD + "tags:\n\t- x\n---\nB\n", [(P, 9, 1, "yaml-syntax")]),
    ("tab-before-a-key", HEAD + "tags: [x]\n\tregion: emea\n---\nB\n", [(P, 9, 1, "yaml-syntax")]),
    ("unclosed-front-matter", HEAD + "Body without a closing fence\n", [(P, 1, 1, "frontmatter-unclosed")]),
    ("no-front-matter", "# Just Markdown\n", [(P, 1, 1, "frontmatter-missing")]),
    ("second-yaml-document", HEAD + "--- # more\nregion: emea\n---\nB\n", [(P, 8, 1, "yaml-syntax")]),
    ("front-matter-is-a-list", "---\n- a\n- b\n---\nB\n", [(P, 2, 1, "story-field-type")]),
    ("front-matter-is-text", "---\nhello\n---\nB\n", [(P, 2, 1, "story-field-type")]),
    ("empty-front-matter", "---\n---\nB\n", [(P, 1, 1, "story-required-field")] * 5),
    ("nesting-too-deep", HEAD + "tags: " + "[" * 12 + "x" + "]" * 12 + "\n---\nB\n",
     [(P, 8, 8, "story-field-type"), (P, 8, 15, "yaml-too-deep")]),
    ("nesting-absurdly-deep-does-not-crash", HEAD + "tags: " + "[" * 50_000 + "]" * 50_000 + "\n---\nB\n",
     [(P, 8, 70, "yaml-too-deep")]),
    ("non-utf8-bytes", (HEAD + "region: caf\xe9\n---\nB\n").encode("latin-1"), [(P, 8, 1, "file-encoding")]),
    ("nul-byte", (HEAD + "tags: [a\x00b]\n---\nB\n").encode(), [(P, 1, 1, "file-encoding")]),
    ("control-character", HEAD + "tags: [a\x07b]\n---\nB\n", [(P, 8, 9, "yaml-invisible-character")]),
    ("line-separator-keeps-lines-true", HEAD.replace("title: T", "title: a\u2028b") + "---\nB\n",
     [(P, 2, 9, "yaml-invisible-character")]),
    ("next-line-character", HEAD + "summary2: a\x85b\n---\nB\n", [(P, 8, 12, "yaml-invisible-character")]),
]
LOCATED = [case for case in LOCATED if case[1] is not None]


@pytest.mark.parametrize("raw, expected", [c[1:] for c in LOCATED], ids=[c[0] for c in LOCATED])
def test_hazard_is_located(site, raw, expected):
    assert located(site, raw) == expected


CLEAN = [
    ("utf8-bom", "\ufeff" + HEAD + "---\nB\n"),
    ("crlf-line-endings", (HEAD + "---\nB\n").replace("\n", "\r\n")),
    ("cr-line-endings", (HEAD + "---\nB\n").replace("\n", "\r")),
    ("quoted-yes", HEAD + "tags: [\"yes\", \"no\"]\n---\nB\n"),
    ("quoted-duration", HEAD + "video:\n  url: https://youtu.be/abcdefghijk\n  duration: \"2:45\"\n---\nB\n"),
    ("quoted-number-title", HEAD.replace("title: T", "title: \"2024\"") + "---\nB\n"),
    ("true-false-booleans", HEAD + "featured: True\ndraft: false\n---\nB\n"),
    ("dots-close-the-front-matter", HEAD + "...\nB\n"),
    ("tab-inside-a-flow-list", HEAD + "tags: [a,\tb]\n---\nB\n"),
]


@pytest.mark.parametrize("raw", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_harmless_variant_is_accepted(site, raw):
    assert located(site, raw) == []


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO"])
def test_yes_no_words_say_put_it_in_quotes(site, word):
    assert messages(site, HEAD + f"region: {word}\n---\nB\n") == [
        f"{P}:8:9: error: '{word}' is read by YAML as true/false, not as text "
        f"(put it in quotes (\"{word}\") if you meant the word, or write true or false) [yaml-ambiguous-bool]"
    ]


EXACT = [
    ("duplicate-key-names-first-line", HEAD + "title: Again\n---\nB\n",
     f"{P}:8:1: error: The field 'title' appears twice (first on line 2) (keep only one of them) [yaml-duplicate-key]"),
    ("python-tag", HEAD + "tags: !!python/object/apply:os.system ['echo hi']\n---\nB\n",
     f"{P}:8:7: error: The YAML tag '!!python/object/apply:os.system' is not allowed "
     "(remove the tag; write plain values) [yaml-tag]"),
    ("sexagesimal", HEAD + "video:\n  url: https://youtu.be/abcdefghijk\n  duration: 2:45\n---\nB\n",
     f"{P}:10:13: error: '2:45' is read by YAML as a number in a special notation, not as text "
     "(put it in quotes (\"2:45\")) [yaml-ambiguous-number]"),
    ("impossible-date", HEAD.replace("2026-01-01", "2024-02-30") + "---\nB\n",
     f"{P}:6:12: error: '2024-02-30' is not a real date (write a date that exists, as YYYY-MM-DD) [yaml-invalid-date]"),
    ("datetime", HEAD.replace("2026-01-01", "2026-03-14T10:00:00") + "---\nB\n",
     f"{P}:6:12: error: '2026-03-14T10:00:00' has a time; a date is expected here "
     "(write just the date, like 2026-03-14) [yaml-datetime]"),
    ("datetime-without-seconds", HEAD.replace("2026-01-01", "2026-03-14 10:00") + "---\nB\n",
     f"{P}:6:12: error: 'published' must be a date like 2026-03-14, but '2026-03-14 10:00' also has a time "
     "(write just the date, like 2026-03-14) [story-field-type]"),
    ("number-meant-as-text", HEAD.replace("title: T", "title: 20.24") + "---\nB\n",
     f"{P}:2:8: error: 'title' must be text, not 20.24 (put it in quotes: \"20.24\") [story-field-type]"),
    ("tab", HEAD + "tags:\n\t- x\n---\nB\n",
     f"{P}:9:1: error: The YAML could not be read: a tab character is used; YAML needs spaces for indentation "
     "(replace the tab with spaces) [yaml-syntax]"),
    ("second-document", HEAD + "--- # more\nregion: emea\n---\nB\n",
     f"{P}:8:1: error: The YAML could not be read: there is more than one YAML document (a second '---') "
     "(keep one block of fields; remove the extra '---' line) [yaml-syntax]"),
    ("list-front-matter", "---\n- a\n---\nB\n",
     f"{P}:2:1: error: The file must hold fields like 'name: value', one per line, but it holds a list "
     "(write each field on its own line, like title: My story) [story-field-type]"),
    ("non-utf8", (HEAD + "region: caf\xe9\n---\nB\n").encode("latin-1"),
     f"{P}:8:1: error: The file is not UTF-8 text (save it as UTF-8) [file-encoding]"),
    ("control-character", HEAD + "tags: [a\x07b]\n---\nB\n",
     f"{P}:8:9: error: There is an invisible character here (U+0007, a control character) that YAML does not "
     "accept as text (delete it and type the text again; it often comes from copying out of Word or a PDF) "
     "[yaml-invisible-character]"),
    ("too-deep", HEAD + "video: " + "{a: " * 9 + "1" + "}" * 9 + "\n---\nB\n",
     f"{P}:8:40: error: The data is nested more than 8 levels deep [yaml-too-deep]"),
]


@pytest.mark.parametrize("raw, line", [c[1:] for c in EXACT], ids=[c[0] for c in EXACT])
def test_hazard_message(site, raw, line):
    assert line in messages(site, raw)


def test_crlf_keeps_line_numbers(site):
    raw = (HEAD + "sumary: x\n---\nB\n").replace("\n", "\r\n")
    assert located(site, raw) == [(P, 8, 1, "story-unknown-field")]


def test_bom_keeps_columns(site):
    raw = "\ufeff" + HEAD.replace("title: T", "title: 20.24") + "---\nB\n"
    assert located(site, raw) == [(P, 2, 8, "story-field-type")]


def test_impossible_date_in_registry_is_reported_once(site):
    site.registry("""
        companies:
          acme: {name: Acme, industry: retail, size: 201-1000, region: emea}
        advocates:
          jane-doe:
            name: Jane
            company: acme
            consent: {scopes: [case-study], granted: 2026-02-30}
    """)
    site.story()
    assert [(i.path, i.line, i.col, i.rule) for i in site.load().issues if i.path == "advocates.yaml"] == [
        ("advocates.yaml", 7, 46, "yaml-invalid-date")]
