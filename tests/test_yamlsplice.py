"""advocates.yaml parsed again entry by entry gives exactly what a full parse gives, or a full parse."""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.config import load_settings
from storyportal.core.portal import PortalLoader, load_portal
from storyportal.core.yamlload import parse_yaml
from storyportal.core.yamlsplice import EntryParser

REGISTRY = """\
# Advocates
companies:
  acme:
    name: Acme Corp
    industry: retail

advocates:
  jane-doe:
    name: Jane Doe
    company: acme
    consent:
      scopes: [name, quote]
      granted: 2024-01-10
      revoked: false
    quote: "Fast,
      and friendly"

  sam-lee:
    name: Sam Lee
    company: acme
    consent:
      granted: 2024-02-01
      revoked: false
    notes: |
      Met at the fair.
      # not a comment

  kim-park:
    name: Kim Park
    company: acme
    consent:
      granted: 2024-03-01
      revoked: false
"""

TRAILER = "\nsettings:\n  owner: ann\n"


def replaced(text: str, old: str, new: str, nth: int = 1) -> str:
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


def same_as_a_full_parse(text: str, edited: str) -> EntryParser:
    parser = EntryParser("advocates")
    parser(text, "advocates.yaml")
    got, got_issues = parser(edited, "advocates.yaml")
    want, want_issues = parse_yaml(edited, "advocates.yaml")
    assert got_issues == want_issues
    assert got == want
    if got is not None and want is not None:  # the same positions in the same order as well
        assert list(got.values.items()) == list(want.values.items())
        assert list(got.keys.items()) == list(want.keys.items())
    return parser


# (name, base text, edit) of edits that stay inside one entry's lines: parsed as that entry alone
SPLICED = {
    "a revocation": (REGISTRY, lambda t: replaced(t, "revoked: false", "revoked: true", 2)),
    "the last entry of the file": (REGISTRY, lambda t: replaced(t, "revoked: false", "revoked: true", 3)),
    "the last entry before another top-level key": (
        REGISTRY + TRAILER,
        lambda t: replaced(t, "revoked: false", "revoked: true", 3),
    ),
    "a quoted value over two lines": (REGISTRY, lambda t: replaced(t, "and friendly", "and kind")),
    "a block of text": (REGISTRY, lambda t: replaced(t, "Met at the fair.", "Met at the show.")),
    "a flow list": (REGISTRY, lambda t: replaced(t, "[name, quote]", "[name]")),
}


@pytest.mark.parametrize("name", SPLICED)
def test_an_edit_inside_one_entry_is_parsed_alone_and_equals_a_full_parse(name):
    text, edit = SPLICED[name]
    assert same_as_a_full_parse(text, edit(text)).spliced == 1


# Edits that a parse of one entry cannot be shown to read as the whole file does: parsed whole.
FULL = {
    "a line added": lambda t: replaced(t, "    company: acme\n", "    company: acme\n    title: CTO\n"),
    "an id renamed": lambda t: replaced(t, "  sam-lee:", "  sam-li:"),
    "two entries edited": lambda t: replaced(
        replaced(t, "revoked: false", "revoked: true", 1), "revoked: false", "revoked: true", 2
    ),
    "a line moved out to the entries' indentation": lambda t: replaced(t, "    notes: |", "  notes: |"),
    "a line moved to the top": lambda t: replaced(
        t,
        "    company: acme\n    consent:\n      granted: 2024-02-01",
        "company: acme\n    consent:\n      granted: 2024-02-01",
    ),
    "a quote left open over the next entries": lambda t: replaced(t, "    name: Sam Lee", '    name: "Sam Lee'),
    "a value YAML reads as a boolean": lambda t: replaced(t, "revoked: false", "revoked: yes", 2),
    "a duplicate field": lambda t: replaced(t, "    name: Kim Park", "    company: acme"),
    "the companies section": lambda t: replaced(t, "name: Acme Corp", "name: Acme Inc"),
    "an alias": lambda t: replaced(t, "    name: Sam Lee", "    name: *x"),
    "a document end": lambda t: replaced(t, "    name: Kim Park", "...       "),
}


@pytest.mark.parametrize("name", FULL)
def test_an_edit_not_provably_inside_one_entry_is_parsed_whole(name):
    assert same_as_a_full_parse(REGISTRY, FULL[name](REGISTRY)).spliced == 0


def test_after_a_file_with_a_problem_the_next_edit_is_parsed_whole():
    broken = replaced(REGISTRY, "revoked: false", "revoked: yes", 2)
    parser = same_as_a_full_parse(REGISTRY, broken)
    fixed = replaced(broken, "revoked: yes", "revoked: no")
    parser(fixed, "advocates.yaml")
    assert parser.spliced == 0 and parser(fixed, "advocates.yaml") == parse_yaml(fixed, "advocates.yaml")


def test_a_run_of_revocations_and_grants_stays_equal_to_full_parses():
    parser = EntryParser("advocates")
    text = REGISTRY
    parser(text, "advocates.yaml")
    for n in range(6):
        old, new = ("revoked: false", "revoked: true") if n % 2 == 0 else ("revoked: true", "revoked: false")
        text = replaced(text, old, new, 1)
        assert parser(text, "advocates.yaml") == parse_yaml(text, "advocates.yaml")
    assert parser.spliced == 6


SITE_REGISTRY = """\
companies:
  acme:
    name: Acme Corp
    industry: retail
    size: 201-1000
    region: emea
advocates:
  jane-doe:
    name: Jane Doe
    title: VP Customer Experience
    company: acme
    consent:
      scopes: [name, title, quote, photo, logo]
      granted: 2026-01-10
      revoked: false
    private:
      email: jane@acme.example
  sam-lee:
    name: Sam Lee
    company: acme
    consent:
      scopes: [name]
      granted: 2026-01-10
      revoked: false
"""

REGISTRY_EDITS = {
    "a consent revoked": ("revoked: false", "revoked: true"),
    "a private value changed": ("jane@acme.example", "jane.doe@acme.example"),
    "a company the registry lacks": (
        "    company: acme\n    consent:\n      scopes: [name]\n",
        "    company: acne\n    consent:\n      scopes: [name]\n",
    ),
    "a date before the grant": ("      revoked: false\n    private", "      expires: 2025-01-01\n    private"),
}


@pytest.mark.parametrize("name", REGISTRY_EDITS)
def test_a_preview_loader_reads_an_edited_registry_as_a_fresh_load_does(site, name):
    site.registry(SITE_REGISTRY)
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")
    loader = PortalLoader(settings)
    loader.load(BUILD_DATE)
    old, new = REGISTRY_EDITS[name]
    assert old in SITE_REGISTRY
    site.registry(SITE_REGISTRY.replace(old, new, 1))
    site.flush()
    kept, fresh = loader.load(BUILD_DATE), load_portal(settings, BUILD_DATE)
    assert kept.registry == fresh.registry and kept.issues == fresh.issues
    assert loader._registry_parser.spliced == 1  # the edit stayed inside one entry
