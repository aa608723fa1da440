"""Right-to-left stories: their content, cards and badges carry dir="rtl"; an RTL page is RTL throughout."""

import re

from sitebuilder import rtl_stories
from storyportal.core.languages import direction


def page(out, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def test_an_arabic_story_on_an_english_site_is_right_to_left_inside_a_left_to_right_page(site):
    rtl_stories(site)
    html = page(site.build(), "stories/acme-ar")
    assert '<body dir="ltr"' in html
    assert re.search(r'<div class="sp-story" lang="ar" dir="rtl" data-pagefind-body>', html)


def test_the_interface_words_inside_an_rtl_story_keep_the_pages_language_and_direction(site):
    rtl_stories(site)
    html = page(site.build(), "stories/acme-ar")
    assert '<div class="sp-share" data-pagefind-ignore lang="en" dir="ltr">' in html
    assert 'aria-label="About Acme Corp" lang="en" dir="ltr">' in html


def test_a_hebrew_card_is_right_to_left_in_the_list(site):
    rtl_stories(site)
    html = page(site.build(), "stories")
    assert re.search(r'<li class="sp-card" lang="he" dir="rtl">', html)
    assert re.search(r'<li class="sp-card">', html)  # the English story: the page's own language


def test_the_embed_card_of_an_arabic_story_is_right_to_left(site):
    rtl_stories(site)
    html = (site.build() / "embed" / "acme-ar" / "index.html").read_text(encoding="utf-8")
    assert '<article class="spe-card" lang="ar" dir="rtl">' in html
    assert '<p class="spe-card__more" lang="en" dir="ltr">' in html


def test_the_wall_data_says_each_cards_direction(site):
    rtl_stories(site)
    out = site.build()
    text = "".join(p.read_text(encoding="utf-8") for p in (out / "embed" / "wall").glob("cards-*.json"))
    assert '"lang":"ar"' in text.replace(" ", "") and '"dir":"rtl"' in text.replace(" ", "")


def test_direction_comes_from_one_table():
    assert [direction(c) for c in ("ar", "he", "fa-IR", "ur", "en", "ja")] == ["rtl"] * 4 + ["ltr"] * 2
