"""yaml-invisible-character: characters that hide inside text or turn it around on screen.

A zero-width space makes an id or an e-mail look right and not match; a bidirectional
override makes a title display differently from what the reviewer of a pull request reads.
YAML accepts both as text, so the loader reports each one where it stands. Zero-width
(non-)joiners stay allowed between two non-ASCII characters (emoji, Persian), and a story
body may hold any of them: the leak guard and story-private-value ignore them.
"""

from __future__ import annotations

import pytest

P = "stories/northwind.md"
HINT = "(delete it and type the text again; it often comes from copying out of Word, a PDF or a chat)"
HIDES = "hides inside the text, so it looks right but does not match"
TURNS = "changes the direction the text is shown in, so it reads differently from what it says"


def invisible(path: str, line: int, col: int, code: str, name: str, effect: str) -> str:
    return (f"{path}:{line}:{col}: error: There is an invisible character here ({code}, {name}) that {effect} "
            f"{HINT} [yaml-invisible-character]")


@pytest.mark.parametrize("front, expected", [
    ({"title": "Acme \u202egnidraobno\u202c in days"}, [
        invisible(P, 2, 13, "U+202E", "RIGHT-TO-LEFT OVERRIDE", TURNS),
        invisible(P, 2, 24, "U+202C", "POP DIRECTIONAL FORMATTING", TURNS)]),
    ({"summary": "Onboarding \u2067in days\u2069."}, [
        invisible(P, 6, 21, "U+2067", "RIGHT-TO-LEFT ISOLATE", TURNS),
        invisible(P, 6, 29, "U+2069", "POP DIRECTIONAL ISOLATE", TURNS)]),
    ({"advocates": ["jane\u200b-doe"]}, [invisible(P, 5, 7, "U+200B", "ZERO WIDTH SPACE", HIDES)]),
    ({"tags": ["retail\u2060ops"]}, [invisible(P, 9, 9, "U+2060", "WORD JOINER", HIDES)]),
    # the YAML dumper writes this one as an escape, "on\uFEFFboarding": found at the start of the value
    ({"tags": ["on\ufeffboarding"]}, [invisible(P, 9, 3, "U+FEFF", "ZERO WIDTH NO-BREAK SPACE", HIDES)]),
    ({"tags": ["co\u200cop", "b2b\u200d"]}, [
        invisible(P, 9, 5, "U+200C", "ZERO WIDTH NON-JOINER", HIDES),
        invisible(P, 10, 6, "U+200D", "ZERO WIDTH JOINER", HIDES)]),
], ids=["bidi-override-in-title", "bidi-isolate-in-summary", "zero-width-space-in-id", "word-joiner",
        "bom-written-as-an-escape", "joiners-between-ascii"])
def test_an_invisible_character_in_front_matter_is_reported_where_it_stands(site, front, expected):
    site.story("northwind", **front)
    assert site.issues() == expected


def test_joiners_that_shape_emoji_and_scripts_are_allowed(site):
    site.story("northwind", title="Our team \U0001F469\u200D\U0001F4BB in Tehran: \u0645\u06CC\u200C\u0634\u0648\u062F")
    assert site.issues() == []


def test_a_body_may_hold_invisible_characters(site):
    site.story("northwind", type="testimonial", quote="Great.",
               body="Emoji \U0001F469\u200D\U0001F4BB, a soft hy\u00adphen and a zero\u200bwidth space.\n")
    assert site.issues() == []


def test_an_invisible_character_in_the_registry_is_reported_where_it_stands(site):
    site.registry("""
        companies:
          acme: {name: Acme Corp, industry: retail, size: 201-1000, region: emea}
        advocates:
          jane-doe:
            name: "Jane\u202e Doe"
            company: acme
            consent: {scopes: [case-study], granted: 2026-01-10}
            private: {email: "jane\u200b@acme.example"}
    """)
    site.story("northwind")
    assert site.issues() == [
        invisible("advocates.yaml", 5, 16, "U+202E", "RIGHT-TO-LEFT OVERRIDE", TURNS),
        invisible("advocates.yaml", 8, 27, "U+200B", "ZERO WIDTH SPACE", HIDES),
    ]
