"""Translated stories: the rules a translation file must follow, and consent over every language.

Stories written through ``site.story(**front)`` put the extra fields from line 8 on, in the
order given (title 2, type 3, advocates 4-5, summary 6, published 7).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitebuilder import TAXONOMY
from storyportal.core.model import Status

LANGUAGES = {"en": {"label": "English"}, "de": {"label": "Deutsch"}, "fr": {"label": "Français"}}
DE = "stories/acme-de.md"


def labelled(taxonomy: dict) -> dict:
    """Every value labelled in the three languages (the German and French labels marked)."""
    return {facet: {slug: {"en": label, "de": f"{label} (de)", "fr": f"{label} (fr)"} for slug, label in values.items()}
            for facet, values in taxonomy.items()}


@pytest.fixture
def multi(site):
    site.plugin["languages"] = LANGUAGES
    site.plugin["taxonomy"] = labelled(TAXONOMY)
    site.plugin["case_study_sections"] = {
        "en": ["Challenge", "Solution", "Results"],
        "de": ["Challenge", "Solution", "Results"],
        "fr": ["Challenge", "Solution", "Results"],
    }
    site.story("acme", metrics=[{"value": "40%", "label": "faster onboarding"}])
    return site


def located(portal) -> list[tuple]:
    return [(i.path, i.line, i.col, i.severity.value, i.rule) for i in portal.issues]


def test_a_translation_is_published_under_its_language_prefix(multi):
    multi.story(
        "acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "schnelleres Onboarding"}]
    )
    portal = multi.load()
    assert located(portal) == []
    urls = {s.slug: (s.url, s.original) for s in portal.published}
    assert urls == {"acme": ("stories/acme/", "acme"), "acme-de": ("de/stories/acme-de/", "acme")}


def test_missing_original_is_an_error_at_translation_of(multi):
    multi.story("acme-de", translation_of="acmee", lang="de", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert located(portal) == [(DE, 8, 17, "error", "translation-original-missing")]
    assert "did you mean 'acme'" in portal.issues[0].hint
    assert portal.status[DE] is Status.INVALID


def test_a_story_cannot_translate_itself(multi):
    multi.story("acme-de", translation_of="acme-de", lang="de")
    assert located(multi.load()) == [(DE, 8, 17, "error", "translation-original-missing")]


def test_two_translations_in_one_language_refuse_the_second(multi):
    multi.story("acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "x"}])
    multi.story("acme-de2", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "z"}])
    portal = multi.load()
    assert located(portal) == [("stories/acme-de2.md", 9, 7, "error", "translation-language-taken")]
    assert "stories/acme-de.md" in portal.issues[0].message
    assert portal.status[DE] is Status.PUBLISHED


def test_a_translation_into_the_originals_language_is_refused(multi):
    multi.story("acme-en", translation_of="acme", lang="en", metrics=[{"value": "40%", "label": "x"}])
    assert located(multi.load()) == [("stories/acme-en.md", 9, 7, "error", "translation-language-taken")]


def test_a_translation_of_a_translation_names_the_original(multi):
    multi.story("acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "x"}])
    multi.story("acme-fr", translation_of="acme-de", lang="fr", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert located(portal) == [("stories/acme-fr.md", 8, 17, "error", "translation-of-translation")]
    assert portal.issues[0].hint == "translate the original: translation_of: acme"


FACT_CASES = [
    ("type", dict(type="testimonial", quote="Gut."), "type: testimonial", "The type differ"),
    (
        "metric-value",
        dict(metrics=[{"value": "45%", "label": "schneller"}]),
        "- value: 45%",
        "The metric values differ",
    ),
    ("industry", dict(industry="healthcare"), "industry: healthcare", "The industry differ"),
    ("products", dict(products=["analytics"]), "- analytics", "The products differ"),
]


@pytest.mark.parametrize("front, line, message", [c[1:] for c in FACT_CASES], ids=[c[0] for c in FACT_CASES])
def test_mismatched_facts_are_errors_at_the_field(multi, front, line, message):
    front = {"metrics": [{"value": "40%", "label": "schneller"}], **front}
    path = multi.story("acme-de", translation_of="acme", lang="de", **front)
    portal = multi.load()
    facts = [i for i in portal.issues if i.rule == "translation-facts-differ"]
    assert [i.message.startswith(message) for i in facts] == [True]
    assert path.read_text().splitlines()[facts[0].line - 1] == line
    assert portal.status[DE] is Status.INVALID


def test_different_advocates_are_a_mismatch(multi):
    multi.advocate("max-muster", company="acme")
    multi.story(
        "acme-de", translation_of="acme", lang="de", advocates=["max-muster"], metrics=[{"value": "40%", "label": "x"}]
    )
    facts = [(i.line, i.rule) for i in multi.load().issues if i.path == DE]
    assert facts == [(5, "translation-facts-differ")]  # the list of advocates


def test_localized_metric_labels_are_fine(multi):
    multi.story(
        "acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "schnelleres Onboarding"}]
    )
    assert located(multi.load()) == []


def test_a_language_the_site_does_not_have_is_an_error(multi):
    multi.story("acme-es", translation_of="acme", lang="es", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert located(portal) == [("stories/acme-es.md", 9, 7, "error", "story-lang-unknown")]
    assert "(en, de, fr)" in portal.issues[0].message


def test_without_languages_an_original_may_be_in_any_language(site):
    site.plugin["case_study_sections"] = ["Challenge", "Solution", "Results"]
    site.story("acme", lang="de")
    portal = site.load()
    assert located(portal) == [] and portal.published[0].url == "stories/acme/"


def test_without_languages_a_translation_needs_the_sites_language(site):
    site.story("acme")
    site.story("acme-de", translation_of="acme", lang="de")
    assert located(site.load()) == [(DE, 9, 7, "error", "story-lang-unknown")]


# -- a withheld original withholds every translation ---------------------------------------------


def test_lapsed_consent_withholds_the_story_in_every_language(multi):
    multi.advocates["jane-doe"]["consent"]["expires"] = dt.date(2026, 5, 1)
    multi.story("acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert portal.status == {"stories/acme.md": Status.WITHHELD, DE: Status.WITHHELD}
    assert portal.published == ()


def test_an_unpublished_original_withholds_its_translation(multi):
    multi.story("acme", draft=True, metrics=[{"value": "40%", "label": "x"}])
    multi.story("acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert portal.status[DE] is Status.WITHHELD
    assert located(portal) == [(DE, 8, 17, "warning", "translation-original-withheld")]


def test_an_original_with_errors_withholds_its_translation(multi):
    multi.story("acme", industry="retial", metrics=[{"value": "40%", "label": "x"}])
    multi.story("acme-de", translation_of="acme", lang="de", metrics=[{"value": "40%", "label": "x"}])
    portal = multi.load()
    assert portal.status[DE] is Status.WITHHELD
    assert "translation-original-withheld" in [i.rule for i in portal.issues if i.path == DE]
