"""The interface follows the page's language (page.meta["sp_lang"]): our strings, Material's, <html lang>, dir."""

import json
import re

import pytest

from htmlscan import scan

LANGUAGES = {"en": {"label": "English"}, "de": {"label": "Deutsch"}, "fr": {"label": "Français"},
             "ar": {"label": "العربية"}}


def build_with_page_languages(site, wanted: dict[str, str]):
    site.plugin["languages"] = LANGUAGES
    site.page_languages(wanted)
    return site.build()


def page(out, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def test_a_german_page_shows_materials_german_strings_and_ours(site):
    site.story("acme", metrics=[{"value": "40%", "label": "faster onboarding"}], tags=["omnichannel"])
    html = page(build_with_page_languages(site, {"stories/acme.md": "de"}), "stories/acme")
    assert '<html lang="de"' in html
    assert 'aria-label="Kopfzeile"' in html  # Material's header, in German
    assert "Link zu dieser Geschichte kopieren" in html
    assert "Ergebnisse in Zahlen" in html
    assert ">Schlagwörter</h2>" in html
    assert "Copy link to this story" not in html and "Results in numbers" not in html


def test_a_page_without_sp_lang_stays_in_the_default_language(site):
    site.story("acme")
    html = page(build_with_page_languages(site, {}), "stories/acme")
    assert '<html lang="en"' in html and 'aria-label="Header"' in html and "Copy link to this story" in html


def test_an_unknown_sp_lang_falls_back_to_the_default_language(site):
    site.story("acme")
    html = page(build_with_page_languages(site, {"stories/acme.md": "xx"}), "stories/acme")
    assert '<html lang="en"' in html and "Copy link to this story" in html


def test_the_scripts_get_the_pages_strings_as_json(site):
    site.story("acme")
    html = page(build_with_page_languages(site, {"stories/index.md": "fr"}), "stories")
    blob = next(e.attrs["data-sp-messages"] for e in scan(html).elements if e.attrs.get("id") == "sp-messages")
    data = json.loads(blob)
    assert data["lang"] == "fr" and data["zeroIsOne"] is True
    assert data["m"]["no_match"] == "Aucun témoignage ne correspond à ces filtres."
    assert data["m"]["count"] == {"one": "{count} témoignage", "other": "{count} témoignages"}


def test_the_facet_legends_and_type_labels_follow_the_page(site):
    site.story("acme")
    html = page(build_with_page_languages(site, {"stories/index.md": "de"}), "stories")
    assert '<legend class="sp-facet__legend">Branche</legend>' in html
    assert '<span class="sp-facet__label">Fallstudie</span>' in html
    assert ">Alle Filter zurücksetzen</button>" in html


def test_taxonomy_labels_follow_the_page_and_fall_back_to_the_default(site):
    site.plugin["taxonomy"] = {**site.plugin["taxonomy"],
                               "industry": {"retail": {"en": "Retail", "de": "Einzelhandel"}, "healthcare": "Healthcare"}}
    site.story("acme")
    site.story("medora", industry="healthcare")
    out = build_with_page_languages(site, {"index.md": "de"})
    home = page(out, "")
    assert '<span class="sp-industries__label">Einzelhandel</span>' in home
    assert '<span class="sp-industries__label">Healthcare</span>' in home
    assert '<span class="sp-industries__label">Retail</span>' in page(out, "industries/healthcare")


@pytest.mark.parametrize("lang, expected", [("en", "2 stories"), ("de", "2 Erfolgsgeschichten"),
                                            ("fr", "2 témoignages clients")])
def test_counts_take_the_plural_form_of_the_language(site, lang, expected):
    site.story("acme")
    site.story("medora", title="Medora")
    html = page(build_with_page_languages(site, {"index.md": lang}), "")
    assert f'<span class="sp-industries__count">{expected}</span>' in html


def test_an_arabic_page_is_right_to_left(site):
    site.story("acme")
    html = page(build_with_page_languages(site, {"stories/acme.md": "ar"}), "stories/acme")
    assert '<html lang="ar"' in html
    assert re.search(r'<body dir="rtl"', html)


def test_the_404_page_keeps_the_sites_theme_language(site):
    site.story("acme")
    html = (build_with_page_languages(site, {}) / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html


def test_a_portal_string_with_markup_and_quotes_stays_text_in_the_scripts_data(site):
    hostile = """It's "done" </div><script>alert(1)</script> & more"""
    site.write("messages/en.yaml", f"js.no_match: '{hostile.replace(chr(39), chr(39) * 2)}'\n")
    site.story("acme")
    html = page(build_with_page_languages(site, {}), "stories")
    blob = next(e.attrs["data-sp-messages"] for e in scan(html).elements if e.attrs.get("id") == "sp-messages")
    assert json.loads(blob)["m"]["no_match"] == hostile
    assert "<script>alert" not in html
