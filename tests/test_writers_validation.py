"""Validation as a marketing writer meets it: every problem in one run, plain words, exact places.

Each case writes one story with a known layout (title on line 2, the body from line 8) and
checks the whole output of the check, so a changed message or position fails the test.
"""

from __future__ import annotations

import datetime as dt

import pytest

P = "stories/northwind.md"
FRONT = 'title: "T"\ntype: case-study\nadvocates: [jane-doe]\nsummary: "S"\npublished: 2026-03-14\n'
BODY = "## Challenge\n\nA\n\n## Solution\n\nB\n\n## Results\n\nC\n"  # headings on lines 8, 12 and 16


def story(front: str = FRONT, body: str = BODY) -> str:
    return "---\n" + front + "---\n" + body


def issues(site, text: str) -> list[str]:
    site.story(text=text)
    return [i.format() for i in site.load().issues]


BLANK_HINT = "(type the text; delete what is there first, as it may hold characters you cannot see) [story-text-blank]"


# -- text with nothing visible in it ----------------------------------------------------

@pytest.mark.parametrize("value, what", [
    ('"   "', "spaces"),
    ('"\\t"', "tabs"),
    ('" \u00a0"', "spaces and non-breaking spaces"),
])
def test_a_title_with_nothing_visible_is_refused(site, value, what):
    assert issues(site, story(FRONT.replace('"T"', value))) == [
        f"{P}:2:8: error: 'title' has no visible text, only {what} {BLANK_HINT}"]


HIDDEN_HINT = ("that hides inside the text, so it looks right but does not match (delete it and type the text again; "
               "it often comes from copying out of Word, a PDF or a chat) [yaml-invisible-character]")


@pytest.mark.parametrize("value, col, blank, hidden", [
    ('"\u200b"', 9, "U+200B ZERO WIDTH SPACE", "U+200B, ZERO WIDTH SPACE"),
    ('" \u00a0\u2060"', 11, "spaces and non-breaking spaces and U+2060 WORD JOINER", "U+2060, WORD JOINER"),
])
def test_a_title_of_invisible_characters_is_blank_and_names_the_character(site, value, col, blank, hidden):
    assert issues(site, story(FRONT.replace('"T"', value))) == [
        f"{P}:2:8: error: 'title' has no visible text, only {blank} {BLANK_HINT}",
        f"{P}:2:{col}: error: There is an invisible character here ({hidden}) {HIDDEN_HINT}"]


def test_a_blank_summary_quote_and_metric_are_refused(site):
    front = FRONT.replace('"S"', '"  "') + 'quote: "\u200d"\nmetrics:\n  - value: "40%"\n    label: " "\n'
    assert issues(site, story(front)) == [
        f"{P}:5:10: error: 'summary' has no visible text, only spaces {BLANK_HINT}",
        f"{P}:7:8: error: 'quote' has no visible text, only U+200D ZERO WIDTH JOINER {BLANK_HINT}",
        f"{P}:7:9: error: There is an invisible character here (U+200D, ZERO WIDTH JOINER) {HIDDEN_HINT}",
        f"{P}:10:12: error: 'metrics > item 1 > label' has no visible text, only spaces {BLANK_HINT}",
    ]


def test_a_blank_advocate_name_in_the_registry_is_refused(site):
    site.advocate(name="\u200b")
    site.story()
    assert [i.format() for i in site.load().issues if i.path == "advocates.yaml"] == [
        "advocates.yaml:9:11: error: There is an invisible character here (U+200B, ZERO WIDTH SPACE) " + HIDDEN_HINT]


# -- one pass ----------------------------------------------------------------------------

def test_an_empty_title_and_an_empty_section_come_in_one_run(site):
    body = BODY.replace("B\n", "<!-- what did you set up? -->\n")
    assert issues(site, story(FRONT.replace('"T"', '""'), body)) == [
        f"{P}:2:8: error: 'title' is empty (fill it in) [story-required-field]",
        f"{P}:12:1: error: The section '## Solution' is empty (write the story of this part; the questions in "
        "<!-- --> are only guidance) [case-study-section-empty]",
    ]


def test_an_unknown_field_and_a_missing_section_come_in_one_run(site):
    body = BODY.split("## Results")[0]
    assert issues(site, story(FRONT + "industri: retail\n", body)) == [
        f"{P}:7:1: error: 'industri' is not a field we know (did you mean 'industry'?) [story-unknown-field]",
        f"{P}:9:1: error: A case study needs the sections '## Results' (add each as a heading line: ## Results) "
        "[case-study-section-missing]",
    ]


def test_a_yaml_slip_and_an_empty_section_come_in_one_run(site):
    body = BODY.replace("C\n", "")
    assert issues(site, story(FRONT.replace('title: "T"', 'title:"T"'), body)) == [
        f"{P}:2:7: error: There is no space after 'title:', so YAML does not see the field 'title' "
        '(put a space after the colon: title: "T") [yaml-space-after-colon]',
        f"{P}:16:1: error: The section '## Results' is empty (write the story of this part; the questions in "
        "<!-- --> are only guidance) [case-study-section-empty]",
    ]


def test_a_testimonial_with_errors_is_not_asked_for_sections(site):
    front = FRONT.replace("case-study", "testimonial").replace('"T"', '""') + 'quote: "Q"\n'
    assert issues(site, story(front, "Just a line.\n")) == [
        f"{P}:2:8: error: 'title' is empty (fill it in) [story-required-field]"]


# -- near-miss headings -------------------------------------------------------------------

@pytest.mark.parametrize("heading", ["## Result", "### Results", "## results:"])
def test_a_missing_section_points_at_the_nearest_heading(site, heading):
    assert issues(site, story(body=BODY.replace("## Results", heading))) == [
        f"{P}:16:1: error: The section '## Results' is missing: found '{heading}' on line 16 "
        "(did you mean '## Results'?) [case-study-section-missing]"]


def test_a_section_with_no_near_heading_is_reported_at_the_body(site):
    assert issues(site, story(body=BODY.replace("## Results", "## What changed"))) == [
        f"{P}:8:1: error: A case study needs the sections '## Results' (add each as a heading line: ## Results) "
        "[case-study-section-missing]"]


# -- typing slips -------------------------------------------------------------------------

@pytest.mark.parametrize("value, quote, fixed", [
    ("“Acme: a story”", "“", '"Acme: a story"'),
    ("„Acme: eine Geschichte“", "„", '"Acme: eine Geschichte"'),
    ("«Acme : une histoire»", "«", '"Acme : une histoire"'),
])
def test_typographic_quotes_are_named(site, value, quote, fixed):
    assert issues(site, story(FRONT.replace('"T"', value))) == [
        f"{P}:2:8: error: The value of 'title' starts with a typographic quote {quote}, which YAML reads as text, "
        f'not as a quote (type straight quotes " instead, as in: title: {fixed}) [yaml-typographic-quotes]']


@pytest.mark.parametrize("old, new, where, shown", [
    ('title: "T"', 'title:"T"', "2:7", 'title: "T"'),
    ('summary: "S"', 'summary:"S"', "5:9", 'summary: "S"'),
    ("published: 2026-03-14", "published:2026-03-14", "6:11", "published: 2026-03-14"),
])
def test_a_missing_space_after_a_colon_is_named(site, old, new, where, shown):
    key = old.split(":")[0]
    assert issues(site, story(FRONT.replace(old, new))) == [
        f"{P}:{where}: error: There is no space after '{key}:', so YAML does not see the field '{key}' "
        f"(put a space after the colon: {shown}) [yaml-space-after-colon]"]


def test_a_metric_without_a_space_after_the_colon(site):
    front = FRONT + 'metrics:\n  - value:"40%"\n    label: faster\n'
    assert issues(site, story(front)) == [
        f"{P}:8:11: error: There is no space after 'value:', so YAML does not see the field 'value' "
        '(put a space after the colon: value: "40%") [yaml-space-after-colon]']


@pytest.mark.parametrize("old, new, where, hint", [
    ('title: "T"', "title:", "2:7", "write the value on the same line, after 'title: '"),
    ("advocates: [jane-doe]", "advocates:", "4:11", "write the value on the same line, after 'advocates: '"),
    ("advocates: [jane-doe]", "advocates:\n  -", "5:4", "write the value after the '- ', or remove the empty line"),
])
def test_an_empty_value_says_nothing_is_written(site, old, new, where, hint):
    name = "advocates > item 1" if new.endswith("-") else old.split(":")[0]
    assert issues(site, story(FRONT.replace(old, new))) == [
        f"{P}:{where}: error: '{name}' is empty: nothing is written after it ({hint}) [story-required-field]"]


# -- accepted because unambiguous ----------------------------------------------------------

def test_a_quoted_iso_date_and_whole_numbers_are_accepted(site):
    front = (FRONT.replace("published: 2026-03-14", 'published: "2026-03-14"').replace('"T"', "2024")
             + 'updated: "2026-04-01"\nmetrics:\n  - value: 66\n    label: "% fewer no-shows"\n')
    site.story(text=story(front))
    portal = site.load()
    assert portal.issues == ()
    [found] = portal.published
    assert (found.title, found.published, found.updated, found.metrics[0].value) == (
        "2024", dt.date(2026, 3, 14), dt.date(2026, 4, 1), "66")


@pytest.mark.parametrize("value, message", [
    ('"2026-02-30"', "'published' is not a real date: '2026-02-30' (write a date that exists, as YYYY-MM-DD) "
                     "[story-invalid-value]"),
    ('"14.03.2026"', "'published' must be a date like 2026-03-14, not '14.03.2026' (write it as YYYY-MM-DD, like "
                     "2026-03-14) [story-field-type]"),
])
def test_a_quoted_date_that_is_not_iso_or_not_real_is_refused(site, value, message):
    assert issues(site, story(FRONT.replace("2026-03-14", value))) == [f"{P}:6:12: error: {message}"]


def test_a_decimal_where_text_is_expected_still_asks_for_quotes(site):
    front = FRONT + "metrics:\n  - value: 1.50\n    label: x\n"
    assert issues(site, story(front)) == [
        f"{P}:8:12: error: 'metrics > item 1 > value' must be text, not 1.5 (put it in quotes: \"1.5\") "
        "[story-field-type]"]


# -- every location is a real line -------------------------------------------------------

def test_a_stray_file_in_a_story_folder_is_reported_at_its_first_line(site):
    site.story(folder=True)
    site.write("stories/northwind/hero.heic", b"\x00\x00\x00\x18ftypheic")
    assert [i.format() for i in site.load().issues] == [
        "stories/northwind/hero.heic:1:1: warning: This file is not a story or an image, so it is never published "
        "(remove it, or move it out of the stories folder) [story-stray-file]"]


def test_validate_outside_a_portal_says_where_to_run_it(tmp_path):
    import contextlib
    import io
    import os

    from storyportal.cli.main import main

    err, cwd = io.StringIO(), os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stderr(err):
            code = main(["validate"])
    finally:
        os.chdir(cwd)
    assert (code, err.getvalue()) == (2, "mkdocs.yml: error: There is no mkdocs.yml here, so this is not a portal's "
                                         "folder (run this in the portal's folder, where mkdocs.yml is, or give its "
                                         "path with -f) [config-missing]\n")


def test_a_quoted_iso_date_in_the_registry_is_accepted(site):
    site.advocate(consent={"scopes": ["name", "case-study"], "granted": "2026-01-10", "expires": "2026-12-31"})
    site.story()
    portal = site.load()
    assert (portal.issues, portal.registry.advocates["jane-doe"].consent.expires) == ((), dt.date(2026, 12, 31))
