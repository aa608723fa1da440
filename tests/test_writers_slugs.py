"""Slugs for writers: titles in any Latin, Greek or Cyrillic spelling become readable addresses."""

from __future__ import annotations

import pytest

from storyportal.core.slugs import slugify, unspellable_script

DATE = "2026-06-01"  # the site fixture's build date


@pytest.mark.parametrize("title, lang, slug", [
    ("Fidélisation en boutique", "fr", "fidelisation-en-boutique"),
    ("Weniger Terminausfälle für Ärzte", "de", "weniger-terminausfaelle-fuer-aerzte"),
    ("Weniger Terminausfälle für Ärzte", "de-AT", "weniger-terminausfaelle-fuer-aerzte"),
    ("Straße", "de", "strasse"),
    ("Mälardalen växer", "sv", "malardalen-vaxer"),  # German convention only for German
    ("Москва: быстрее", "ru", "moskva-bystree"),
    ("Łódź  --  2026!", None, "lodz-2026"),
    ("!!!", None, "story"),
])
def test_slugify_transliterates(title, lang, slug):
    assert slugify(title, lang) == slug


@pytest.mark.parametrize("text, script", [
    ("東京 launch", "Chinese characters"),
    ("ソフト launch", "Japanese kana"),
    ("مرحبا", "Arabic"),
    ("Café Москва Αθήνα", None),
])
def test_scripts_without_a_readable_latin_spelling_are_named(text, script):
    assert unspellable_script(text) == script


@pytest.mark.parametrize("args, file", [
    (["--title", "Fidélisation en boutique"], "fidelisation-en-boutique.md"),
    (["--title", "Weniger Terminausfälle für Ärzte", "--lang", "de"], "weniger-terminausfaelle-fuer-aerzte.md"),
])
def test_new_writes_a_transliterated_file_name(site, args, file):
    site.advocate()
    code, out, err = site.cli("new", "case-study", "--advocate", "jane-doe", *args, "--build-date", DATE)
    assert (code, err) == (0, "")
    assert [p.name for p in (site.root / "stories").iterdir()] == [file]


def test_new_follows_the_sites_language_for_umlauts(site):
    site.plugin["lang"] = "de"
    site.plugin["case_study_sections"] = ["Herausforderung", "Lösung", "Ergebnisse"]
    site.advocate()
    code, _, err = site.cli("new", "case-study", "--advocate", "jane-doe", "--title", "Grüße", "--build-date", DATE)
    assert (code, err) == (0, "")
    assert [p.name for p in (site.root / "stories").iterdir()] == ["gruesse.md"]


def test_new_refuses_a_title_it_cannot_spell_and_asks_for_slug(site):
    site.advocate()
    code, out, err = site.cli("new", "case-study", "--advocate", "jane-doe", "--title", "東京 launch",
                              "--build-date", DATE)
    assert (code, out) == (1, "")
    assert err == ("storyportal: error: the title is written partly in Chinese characters, which has no Latin spelling "
                   "fit for a web address: choose the address yourself with --slug, in lowercase letters a-z, digits "
                   "and '-' (for example --slug tokyo-launch)\n")
    assert list((site.root / "stories").iterdir()) == []


def test_new_with_slug_accepts_any_title(site):
    site.advocate()
    code, _, err = site.cli("new", "case-study", "--advocate", "jane-doe", "--title", "東京 launch",
                            "--slug", "tokyo-launch", "--build-date", DATE)
    assert (code, err) == (0, "")
    assert 'title: "東京 launch"' in (site.root / "stories" / "tokyo-launch.md").read_text(encoding="utf-8")


def test_an_invalid_file_name_gets_a_transliterated_rename_hint(site):
    site.story("Fidélisation")
    assert [i.format() for i in site.load().issues] == [
        "stories/Fidélisation.md:1:1: error: The file name 'Fidélisation' becomes the web address, so it may use only "
        "lowercase letters a-z, digits and '-' (rename it to 'fidelisation') [story-slug-invalid]"]


def test_a_file_name_in_chinese_characters_gets_no_guessed_rename(site):
    site.story("東京")
    assert [i.format() for i in site.load().issues] == [
        "stories/東京.md:1:1: error: The file name '東京' becomes the web address, so it may use only lowercase letters "
        "a-z, digits and '-' (rename it to an address in lowercase letters a-z, digits and '-') [story-slug-invalid]"]
