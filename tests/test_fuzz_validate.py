"""Property tests: whatever is thrown at the loader and at validate, it answers with located issues.

Bounded for CI (about 20 s in all); run longer with ``STORYPORTAL_FUZZ_EXAMPLES=5000``.
The number of examples run is printed in the terminal summary.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyportal.core.issues import Issue, Severity
from storyportal.core.yamlload import parse_yaml

ALL_SCOPES = ["name", "quote", "logo", "case-study", "testimonial", "video", "reference-call"]
EXAMPLES = int(os.environ.get("STORYPORTAL_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

VALID = ("---\ntitle: How Acme cut onboarding time\ntype: video\nadvocates: [jane-doe, bob]\n"
         "summary: Acme onboards in days.\npublished: 2026-03-14\nupdated: 2026-04-01\nindustry: retail\n"
         "products: [analytics]\ntags: [omnichannel]\nmetrics:\n  - value: \"40%\"\n    label: faster\n"
         "quote: >-\n  We stopped guessing.\nvideo:\n  url: https://www.youtube.com/watch?v=abcdefghijk\n"
         "  duration: \"2:45\"\nimage: hero.png\naliases: [/stories/old/]\n---\n## Challenge\n\nBody.\n")
TOKENS = ["---", "...", "&a", "*a", "<<:", "!!python/object:os.system", "!x", "- ", ": ", "? ", "[", "]", "{", "}",
          "#", "|", ">-", "\t", "'", '"', "yes", "no", "2:45", "0755", "2024-02-30", "2026-03-14T10:00:00", "~",
          "\ufeff", "\u200b", "\u2028", "\x85", "\x00", "\r", "\r\n", "%", "\\", "null", ".inf", "1e3", "@", "`"]


@st.composite
def mutated(draw) -> str:
    """The valid story with a few lines deleted, doubled, replaced, or tokens and unicode inserted."""
    lines = VALID.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "token", "unicode"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "replace":
            lines[i] = draw(st.text(max_size=30))
        else:
            piece = draw(st.sampled_from(TOKENS)) if action == "token" else draw(st.text(min_size=1, max_size=3))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + piece + lines[i][at:]
    return "\n".join(lines)


def assert_well_formed(issues) -> None:
    for issue in issues:
        assert isinstance(issue, Issue)
        assert issue.path and issue.line >= 0 and issue.col >= 0 and issue.rule, issue
        assert issue.message and isinstance(issue.severity, Severity), issue


def setup_portal(site) -> None:
    site.advocate("jane-doe")
    site.advocate("bob", scopes=["name", "case-study"])
    site.image("stories/hero.png")
    site.flush()


@FUZZ
@given(text=st.one_of(st.text(max_size=300), mutated()))
def test_loader_never_raises(count, text):
    count("loader")
    parsed, issues = parse_yaml(text, "stories/x.md", 1)
    assert_well_formed(issues)
    assert parsed is not None or issues


@FUZZ
@given(raw=st.one_of(mutated().map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_validate_never_raises_and_locates_every_issue(site, count, raw):
    count("validate")
    if not site.advocates:
        setup_portal(site)
    site.write("stories/fuzz.md", raw)
    portal = site.load()
    assert_well_formed(portal.issues)


def assert_published_stories_are_covered(portal) -> None:
    for story in portal.published:
        for advocate in story.advocates:
            assert advocate.consent.problem(portal.today) is None, (story.source, advocate.id)
            assert story.type in advocate.consent.scopes, (story.source, advocate.id)


@FUZZ
@given(text=mutated())
def test_published_mutations_have_consent(site, count, text):
    count("consent-mutated")
    if not site.advocates:
        setup_portal(site)
    site.write("stories/fuzz.md", text.encode("utf-8", "surrogatepass"))
    assert_published_stories_are_covered(site.load())


DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def consents(draw) -> dict:
    granted = draw(DAYS)
    entry = {"scopes": draw(st.lists(st.sampled_from(ALL_SCOPES), unique=True)), "granted": granted,
             "revoked": draw(st.booleans())}
    if draw(st.booleans()):
        entry["expires"] = draw(DAYS)
    return entry


@FUZZ
@given(first=consents(), second=consents(), kind=st.sampled_from(["case-study", "testimonial", "video"]),
       both=st.booleans(), today=DAYS)
def test_published_story_has_consent_on_the_build_date(site, count, first, second, kind, both, today):
    count("consent-registry")
    site.advocate("jane-doe", consent=first)
    site.advocate("bob", consent=second)
    extra = {"quote": "We love it."} if kind == "testimonial" else {}
    if kind == "video":
        extra["video"] = {"url": "https://youtu.be/abcdefghijk"}
    site.story(type=kind, advocates=["jane-doe", "bob"] if both else ["jane-doe"],
               published=dt.date(2025, 1, 1), **extra)
    portal = site.load(today)
    assert_published_stories_are_covered(portal)
