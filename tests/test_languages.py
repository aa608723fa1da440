"""The site's languages (`lang`, `languages`) and taxonomy labels per language."""

import pytest

from sitebuilder import TAXONOMY
from storyportal.core.languages import Language, direction, site_languages

THREE = {"en": {"label": "English"}, "de": {"label": "Deutsch"}, "fr": {"label": "Français", "prefix": "fr-fr"}}


def test_languages_come_default_first_with_prefixes_directions_and_theme_languages(site):
    site.plugin.update(
        lang="de",
        languages={
            "en": {"label": "English"},
            "de": {"label": "Deutsch"},
            "ar-EG": {"label": "العربية", "theme_language": "ar"},
        },
    )
    site.story()
    assert site.load().languages == (
        Language("de", "Deutsch", "", "ltr", "de"),
        Language("en", "English", "en", "ltr", "en"),
        Language("ar-EG", "العربية", "ar-eg", "rtl", "ar"),
    )


def test_a_site_without_languages_has_one_language_named_in_its_own_words(site):
    site.plugin["lang"] = "fr"
    site.story()
    assert site.load().languages == (Language("fr", "Français", "", "ltr", "fr"),)


def test_an_explicit_prefix_is_kept_and_url_prefix_ends_in_a_slash(site):
    site.plugin["languages"] = THREE
    site.story()
    langs = {lang.code: lang for lang in site.load().languages}
    assert (langs["en"].url_prefix, langs["de"].url_prefix, langs["fr"].url_prefix) == ("", "de/", "fr-fr/")


@pytest.mark.parametrize(
    "code, expected",
    [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("en", "ltr"), ("ja", "ltr"), ("arn", "ltr")],
)
def test_direction_follows_the_primary_subtag(code, expected):
    assert direction(code) == expected


CONFIG = """\
site_name: Test stories
docs_dir: docs
theme:
  name: material
plugins:
  - storyportal:
      lang: {lang}
      languages:
        en: {{label: English}}
        de: {{label: Deutsch{de_extra}}}
      taxonomy:
        industry: {{retail: Retail}}
        company_size: {{1-200: "1-200"}}
        region: {{emea: EMEA}}
"""


def _validate(site, lang="en", de_extra=""):
    site.story()
    site.flush()
    site.write("mkdocs.yml", CONFIG.format(lang=lang, de_extra=de_extra))
    return site.run("validate")


def test_a_default_language_outside_languages_is_a_located_config_error(site):
    code, _, err = _validate(site, lang="fr")
    assert code == 2
    assert err == (
        "mkdocs.yml:7:7: error: The default language 'fr' is not one of 'languages' "
        "(add it under languages, or set lang to en or de) [config-language-default]\n"
    )


def test_a_prefix_that_takes_a_portal_folder_is_a_located_config_error(site):
    code, _, err = _validate(site, de_extra=", prefix: stories")
    assert code == 2
    assert err == (
        "mkdocs.yml:10:30: error: The prefix 'stories' of 'de' cannot be used: it is the address of the list of stories "
        "(choose another prefix) [config-language-prefix]\n"
    )


def test_two_languages_with_one_prefix_are_a_config_error(site):
    site.plugin["languages"] = {
        "en": {"label": "English"},
        "de": {"label": "Deutsch"},
        "de-AT": {"label": "Deutsch (Österreich)", "prefix": "de"},
    }
    code, _, err = site.cli("validate")
    assert code == 2
    assert (
        "'de-AT' and 'de' both use the prefix 'de' (give each language its own prefix) [config-language-prefix]" in err
    )


def test_the_default_language_cannot_have_a_prefix(site):
    site.plugin["languages"] = {"en": {"label": "English", "prefix": "en"}, "de": {"label": "Deutsch"}}
    code, _, err = site.cli("validate")
    assert code == 2
    assert "'en' is the default language: its pages are at the site root (remove its prefix)" in err


def test_a_malformed_language_code_is_refused(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "German": {"label": "Deutsch"}}
    code, _, err = site.cli("validate")
    assert code == 2 and "[config-invalid-value]" in err


# -- taxonomy labels per language ---------------------------------------------------------------


def _taxonomy_in_two_languages():
    taxonomy = {facet: dict(values) for facet, values in TAXONOMY.items()}
    taxonomy["industry"] = {
        "retail": {"en": "Retail", "de": "Einzelhandel"},
        "healthcare": {"en": "Healthcare", "de": "Gesundheitswesen"},
        "logistics": "Logistics",
    }
    return taxonomy


def test_a_label_map_gives_each_language_its_label_and_falls_back_to_the_default(site):
    site.plugin.update(languages=THREE, taxonomy=_taxonomy_in_two_languages())
    site.story()
    taxonomy = site.load().taxonomy
    assert taxonomy.label("industry", "healthcare", "de") == "Gesundheitswesen"
    assert taxonomy.label("industry", "healthcare", "fr") == "Healthcare"
    assert taxonomy.label("industry", "logistics", "de") == "Logistics"
    assert taxonomy.term("industry", "retail").label == "Retail"


def test_missing_labels_are_one_warning_per_language_listing_them(site):
    taxonomy = {
        "industry": {"retail": {"en": "Retail", "de": "Einzelhandel"}, "logistics": "Logistics"},
        "company_size": {"1-200": {"de": "1-200", "en": "1-200"}},
        "region": {"emea": {"en": "EMEA"}},
    }
    site.plugin.update(languages={"en": {"label": "English"}, "de": {"label": "Deutsch"}}, taxonomy=taxonomy)
    site.company("acme", industry="retail", size="1-200", region="emea")
    site.story()
    warnings = [i for i in site.issues() if "config-taxonomy-label-missing" in i]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        "warning: 2 taxonomy value(s) have no 'de' label: industry logistics, region emea "
        "(they show the 'en' label; add 'de: ...' to each) [config-taxonomy-label-missing]"
    )


def test_validate_reports_the_missing_labels_once_and_strict_fails_on_them(site):
    site.plugin.update(languages={"en": {"label": "English"}, "de": {"label": "Deutsch"}})
    site.story()
    code, out, _ = site.cli("validate", "--strict")
    assert code == 1
    assert out.count("[config-taxonomy-label-missing]") == 1
    assert "13 taxonomy value(s) have no 'de' label: industry retail, industry healthcare" in out


def test_a_single_language_site_never_warns_about_labels(site):
    site.story()
    assert not [i for i in site.issues() if "label-missing" in i]


def test_site_languages_reads_only_the_config(site):
    site.plugin.update(lang="de", languages={"de": {"label": "Deutsch"}})
    site.story()
    config = site.load().settings.portal
    assert site_languages(config) == (Language("de", "Deutsch", "", "ltr", "de"),)


def test_the_plain_label_form_still_works_unchanged(site):
    site.story(industry="healthcare")
    story = site.load().stories[0]
    assert story.industry.label == "Healthcare"


@pytest.mark.parametrize(
    "label, expected",
    [
        (5, "'taxonomy > industry > retail' must be text, not 5"),
        ({"en": "Retail", "de": 5}, "'taxonomy > industry > retail > de' must be text, not 5"),
        ({"en": "Retail", "de": ""}, "'taxonomy > industry > retail > de' is empty"),
    ],
)
def test_a_wrong_label_gets_one_message_about_what_was_written(site, label, expected):
    site.plugin["taxonomy"] = {**TAXONOMY, "industry": {**TAXONOMY["industry"], "retail": label}}
    site.story()
    code, _, err = site.cli("validate")
    assert code == 2
    assert len(err.splitlines()) == 1 and expected in err and "constrained" not in err
