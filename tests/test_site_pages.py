"""What the server-rendered pages hold before any script runs: order, empty groups, badges, the video poster."""

from __future__ import annotations

import re

import pytest

from storyportal.site.context import PageContext
from storyportal.site.plan import FIRST_VIEW, SitePlan

VIDEO = {"url": "https://www.youtube.com/watch?v=abc123XYZ_0"}


def html(out, page: str) -> str:
    return (out / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("stories, shown", [
    (FIRST_VIEW, FIRST_VIEW),
    (FIRST_VIEW + 1, FIRST_VIEW + 1),  # one card more, not a "Show more" button for a single card
    (FIRST_VIEW + 2, FIRST_VIEW),
])
def test_the_first_view_never_leaves_a_single_card_behind(stories, shown):
    plan = SitePlan(stories={}, cards=tuple(range(stories)), facets=(), industries=(), featured=(), aliases=())
    assert len(PageContext("stories", plan, "stories/", lambda path, kind: None).first_cards) == shown


def test_a_facet_group_no_story_uses_is_hidden(site):
    site.story("northwind", products=["analytics"])  # no story has a use case
    page = html(site.build(), "stories")
    assert '<fieldset class="sp-facet" data-sp-facet="use_cases" hidden>' in page
    assert '<fieldset class="sp-facet" data-sp-facet="products">' in page


def test_a_card_in_another_language_carries_its_language_name(site):
    site.story("northwind")
    site.story("medora", title="Weniger Terminausfälle", lang="de", body="## Herausforderung\n\nA.\n\n"
               "## Lösung\n\nB.\n\n## Ergebnisse\n\nC.\n")
    site.plugin["case_study_sections"] = {"en": ["Challenge", "Solution", "Results"],
                                          "de": ["Herausforderung", "Lösung", "Ergebnisse"]}
    home = html(site.build(), "")
    cards = re.findall(r'<li class="sp-card"( lang="de")?>.*?<p class="sp-card__meta">(<span[^>]*>[^<]*</span>)?',
                       home, re.S)
    assert sorted(cards) == [("", ""), (' lang="de"', '<span class="sp-badge sp-badge--lang">Deutsch</span>')]


def test_the_video_poster_never_shows_the_headline_card(site):
    site.story("talk", type="video", video=VIDEO, body="Transcript.\n")
    page = html(site.build(), "stories/talk")
    poster = re.search(r'<button type="button" class="sp-video__play[^"]*">(.*?)</button>', page, re.S).group(1)
    assert "<img" not in poster  # the Open Graph card repeats the headline, under the play button
    assert 'class="sp-video__play sp-video__play--plain"' in page


def test_the_video_poster_uses_the_story_image(site):
    site.image("stories/talk.png", size=(640, 360))
    site.story("talk", type="video", video=VIDEO, body="Transcript.\n", image="talk.png")
    page = html(site.build(), "stories/talk")
    poster = re.search(r'<button type="button" class="sp-video__play">(.*?)</button>', page, re.S).group(1)
    assert '<img class="sp-img sp-img--hero"' in poster


def test_the_sales_table_comes_before_the_folded_link_builder(site):
    site.story("northwind")
    page = html(site.build(), "sales")
    assert page.index("data-sp-table") < page.index('<details class="sp-linkbuilder"')
