"""What a review of the language sites broke, each fixed at its root: located errors instead of a
crash or a silent drop, and no address the build writes taken by a language prefix or an alias."""

from __future__ import annotations

import pytest

from sitebuilder import TAXONOMY


@pytest.fixture
def two(site):
    """English at the root and German under /de/."""
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.story("acme")
    return site


def test_an_empty_map_of_labels_is_a_located_config_error(two):
    two.plugin["taxonomy"] = {**TAXONOMY, "industry": {**TAXONOMY["industry"], "healthcare": {}}}
    code, out, err = two.cli("validate")
    assert code != 0 and "Traceback" not in out + err
    assert "mkdocs.yml:" in out + err and "healthcare" in out + err


@pytest.mark.parametrize("prefix", ["img", "cards", "assets", "pagefind", "stories"])
def test_a_language_prefix_cannot_take_a_folder_the_build_writes(two, prefix):
    two.plugin["languages"]["de"] = {"label": "Deutsch", "prefix": prefix}
    code, out, err = two.cli("validate")
    assert code != 0 and "[config-language-prefix]" in out + err


@pytest.mark.parametrize("alias", ["/de/", "/de/stories/", "/de/industries/retail/", "/de/stories/old-name/"])
def test_an_alias_under_a_language_prefix_is_refused_where_it_is_written(two, alias):
    two.story("globex", aliases=[alias])
    problems = [line for line in two.issues() if "[story-alias-reserved]" in line]
    assert len(problems) == 1 and problems[0].startswith("stories/globex.md:") and "/de/" in problems[0]


def test_an_alias_named_like_a_prefix_is_fine_on_a_site_without_that_language(site):
    site.story("acme")
    site.story("globex", aliases=["/de/old/"])
    assert not [line for line in site.issues() if "alias" in line]


@pytest.mark.parametrize("text", ['"{count} Referenzen}"', '"Aus {site"'])
def test_an_unpaired_brace_in_a_catalogue_string_is_reported_and_english_is_used(two, text):
    two.write("messages/de.yaml", f"home.description: {text}\n")
    code, out, err = two.cli("validate", "--strict")
    assert "messages/de.yaml:1:" in out + err and "[config-message-placeholder]" in out + err
    home = (two.build() / "de" / "index.html").read_text(encoding="utf-8")
    assert "Referenzen}" not in home and "Aus {site" not in home


@pytest.mark.parametrize("name", ["de/index.md", "de.md", "de/stories/index.md"])
def test_a_hand_written_page_over_a_language_sites_page_is_refused_where_it_is(two, name):
    two.write(f"docs/{name}", "# Hallo\n")
    code, out, err = two.cli("build", "--build-date", "2026-06-01")
    assert f"docs/{name}:1:1: error:" in out + err and "[docs-replaces-page]" in out + err


def test_two_stories_naming_each_other_get_a_hint_that_breaks_the_cycle(two):
    two.story("acme-de", lang="de", translation_of="acme-fr")
    two.story("acme-fr", lang="de", translation_of="acme-de")
    problems = [line for line in two.issues() if line.startswith("stories/acme-de.md") and "translation" in line]
    assert problems and "translation_of: acme-de" not in problems[0] and "name each other" in problems[0]
