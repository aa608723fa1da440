"""Faults in advocates.yaml, each reported at its line and column."""

from __future__ import annotations

import datetime as dt

import pytest

BUILD_DATE = dt.date(2026, 6, 1)  # the date site.load() and the site fixture judge on


R = "advocates.yaml"
COMPANY = """
companies:
  acme:
    name: Acme
    industry: retail
    size: 201-1000
    region: emea
"""
ADVOCATE = """advocates:
  jane-doe:
    name: Jane
    company: acme
    consent:
      scopes: [case-study]
      granted: 2026-01-10
"""


def registry_issues(site, text: str) -> list[tuple]:
    site.registry(text)
    site.story()
    return [(i.path, i.line, i.col, i.rule) for i in site.load().issues if i.path == R]


def registry_lines(site, text: str) -> list[str]:
    site.registry(text)
    site.story()
    return [i.format() for i in site.load().issues if i.path == R]


CASES = [
    ("duplicate-advocate-id", COMPANY + ADVOCATE + "  jane-doe:\n    name: Again\n",
     [(R, 14, 3, "yaml-duplicate-key")]),
    ("company-does-not-exist", COMPANY + ADVOCATE.replace("company: acme", "company: acm"),
     [(R, 10, 14, "registry-company-unknown")]),
    ("company-taxonomy-unknown", COMPANY.replace("retail", "retial") + ADVOCATE,
     [(R, 4, 15, "registry-taxonomy-unknown")]),
    ("consent-is-the-string-true", COMPANY + ADVOCATE.split("    consent:")[0] + "    consent: \"true\"\n",
     [(R, 11, 14, "registry-field-type")]),
    ("unknown-scope", COMPANY + ADVOCATE.replace("[case-study]", "[case-studdy]"),
     [(R, 12, 16, "registry-invalid-value")]),
    ("expires-before-granted", COMPANY + ADVOCATE + "      expires: 2025-01-01\n",
     [(R, 14, 16, "registry-consent-dates")]),
    ("invalid-advocate-id", COMPANY + ADVOCATE.replace("jane-doe:", "Jane_Doe:"), [(R, 8, 3, "registry-id-invalid")]),
    ("invalid-company-id", COMPANY.replace("acme:", "ACME:") + ADVOCATE.replace("company: acme", "company: ACME"),
     [(R, 2, 3, "registry-id-invalid")]),
    ("logo-missing", COMPANY + "    logo: assets/logos/acme.png\n" + ADVOCATE, [(R, 7, 11, "path-missing")]),
    ("logo-remote", COMPANY + "    logo: https://cdn.example/acme.png\n" + ADVOCATE, [(R, 7, 11, "path-remote")]),
    ("logo-outside", COMPANY + "    logo: ../acme.png\n" + ADVOCATE, [(R, 7, 11, "path-outside")]),
    ("logo-absolute", COMPANY + "    logo: /srv/acme.png\n" + ADVOCATE, [(R, 7, 11, "path-absolute")]),
    ("registry-is-a-list", "- jane-doe\n- bob\n", [(R, 1, 1, "registry-field-type")]),
    ("registry-is-text", "just some text\n", [(R, 1, 1, "registry-field-type")]),
    ("empty-registry", "", [(R, 1, 1, "registry-required-field")] * 2),
    ("entry-is-not-a-mapping", COMPANY + "advocates:\n  jane-doe: hello\n", [(R, 8, 13, "registry-field-type")]),
    ("second-document", COMPANY + ADVOCATE + "---\nmore: 1\n", [(R, 14, 1, "yaml-syntax")]),
    ("alias-reported-where-it-is-used-and-once",
     COMPANY + ADVOCATE.replace("    consent:\n", "    consent: &c\n") + "  bob:\n    name: Bob\n    company: acme\n    consent: *c\n",
     [(R, 17, 14, "yaml-alias")]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_registry_fault_is_located(site, text, expected):
    assert registry_issues(site, text) == expected


MESSAGES = [
    ("company-did-you-mean", COMPANY + ADVOCATE.replace("company: acme", "company: acm"),
     f"{R}:10:14: error: The company 'acm' is not in the companies section (did you mean 'acme'?) [registry-company-unknown]"),
    ("taxonomy-did-you-mean", COMPANY.replace("retail", "retial") + ADVOCATE,
     f"{R}:4:15: error: 'retial' is not one of the allowed values of industry (did you mean 'retail'?) [registry-taxonomy-unknown]"),
    ("scope-did-you-mean", COMPANY + ADVOCATE.replace("[case-study]", "[case-studdy]"),
     f"{R}:12:16: error: 'consent > scopes > item 1' cannot be 'case-studdy'; allowed: name, quote, logo, case-study, "
     "testimonial, video, reference-call, site-visit, webinar, event-speaker, press, analyst, peer-review, "
     "advisory-board (did you mean 'case-study'?) [registry-invalid-value]"),
    ("consent-true-says-group", COMPANY + ADVOCATE.split("    consent:")[0] + "    consent: \"true\"\n",
     f"{R}:11:14: error: 'consent' must be a group of fields, not 'true' (indent its fields under it) [registry-field-type]"),
    ("dates-named", COMPANY + ADVOCATE + "      expires: 2025-01-01\n",
     f"{R}:14:16: error: The consent expires (2025-01-01) before it was granted (2026-01-10) "
     "(check both dates; expires is the last day the consent holds) [registry-consent-dates]"),
    ("logo-hint-is-from-the-repository", COMPANY + "    logo: ../acme.png\n" + ADVOCATE,
     f"{R}:7:11: error: '../acme.png' points outside the repository (put the file in the repository and give its "
     "path, like assets/logos/acme.png, from the repository folder) [path-outside]"),
    ("not-a-mapping-in-plain-words", "- jane-doe\n",
     f"{R}:1:1: error: The file must hold fields like 'name: value', one per line, but it holds a list "
     "(write each field on its own line, like title: My story) [registry-field-type]"),
    ("entry-not-a-mapping-names-the-entry", COMPANY + "advocates:\n  jane-doe: hello\n",
     f"{R}:8:13: error: 'jane-doe' must hold fields like 'name: value', indented below it, but it holds the text "
     "'hello' (write each field on its own line, like title: My story) [registry-field-type]"),
]


@pytest.mark.parametrize("text, line", [c[1:] for c in MESSAGES], ids=[c[0] for c in MESSAGES])
def test_registry_fault_message(site, text, line):
    assert registry_lines(site, text) == [line]


def test_broken_entry_makes_its_stories_invalid(site):
    site.registry(COMPANY + ADVOCATE.replace("company: acme", "company: acm"))
    site.story()
    assert [(i.path, i.line, i.col, i.rule) for i in site.load().issues if i.path != R] == [
        ("stories/northwind.md", 5, 3, "story-advocate-invalid")]


def test_valid_logo_is_accepted(site):
    site.image("assets/logos/acme.png")
    assert registry_issues(site, COMPANY + "    logo: assets/logos/acme.png\n" + ADVOCATE) == []


def test_missing_registry_exits_2(site):
    site.story()
    site.flush()
    (site.root / R).unlink()
    code, out, err = run_cli_without_flush(site, "validate", "--build-date", BUILD_DATE.isoformat())
    assert (code, out, err) == (2, "", "advocates.yaml: error: The advocate registry 'advocates.yaml' does not exist [registry-missing]\n")


def run_cli_without_flush(site, *args):
    """``site.cli`` rewrites advocates.yaml; this runs the command on the files as they are."""
    site.flush = lambda: None
    return site.cli(*args)


REQUEST = "    requests:\n      - id: {id}\n        date: 2026-05-02\n        activity: site-visit\n        rep: Bob\n" \
          "        opportunity: Deal 1\n"


@pytest.mark.parametrize("written, message", [
    ("[1]", "'requests > item 1 > id' must be a whole number, not list"),
    ("{n: 1}", "'requests > item 1 > id' must be a whole number, not dict"),
    ("true", "'requests > item 1 > id' must be a whole number, not True"),
    ('"1"', "'requests > item 1 > id' must be a whole number, not '1'"),
])
def test_a_request_number_of_the_wrong_kind_is_located_not_hashed(site, written, message):
    # The uniqueness check across the registry ran on the raw values, before the schema's type check.
    text = COMPANY + ADVOCATE + REQUEST.format(id=written) + "  bob:\n    name: Bob\n    company: acme\n" \
        "    consent:\n      scopes: [case-study]\n      granted: 2026-01-10\n" + REQUEST.format(id=written)
    assert registry_lines(site, text) == [f"{R}:{line}:13: error: {message} [registry-field-type]" for line in (15, 27)]
