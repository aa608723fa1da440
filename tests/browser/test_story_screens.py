"""What a prospect sees: story pages on a laptop and a phone, and /stories/ opened from an imperfect link."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

CASE_STUDY = "stories/harbor-pine-omnichannel-onboarding/"  # a case study with a hero image
VIDEO = "stories/tidewater-cdo-interview-video/"  # a video story without an image of its own


def rows(demo) -> list[dict]:
    return json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]


def count(demo, **wanted) -> int:
    return sum(all(r[k] == v for k, v in wanted.items()) for r in rows(demo))


def wait_status(page, text: str):
    page.wait_for_function("t => document.querySelector('[data-sp-status]').textContent.trim() === t", arg=text)


def on_screen(browser, served, path: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(served(path))
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.fixture(scope="module")
def square(tmp_path_factory, serve):
    """A one-story portal whose hero image is square, the shape that used to fill the screen."""
    from sitebuilder import SiteBuilder
    site = SiteBuilder(tmp_path_factory.mktemp("square"))
    site.image("stories/square.png", size=(1200, 1200), color=(30, 120, 60))
    site.story("square", image="square.png")
    return serve(site.build())


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_a_square_hero_image_is_capped_and_cropped(browser, square, width, height):
    context, page = on_screen(browser, square, "stories/square/", width, height)
    try:
        img = page.locator(".sp-hero__image img")
        box = img.bounding_box()
        assert box["height"] <= 0.4 * height + 1
        assert box["width"] > box["height"]  # cropped to a band, not shrunk to a small square
        assert img.evaluate("i => getComputedStyle(i).objectFit") == "cover"
    finally:
        context.close()


def test_story_text_is_above_the_fold_on_a_laptop(browser, demo):
    context, page = on_screen(browser, demo, CASE_STUDY, 1280, 900)
    try:
        assert page.locator(".sp-metrics").bounding_box()["y"] < 900 * 0.6
        assert page.locator(".sp-body").bounding_box()["y"] < 900
    finally:
        context.close()


def test_body_lines_are_about_70_characters(browser, demo):
    context, page = on_screen(browser, demo, CASE_STUDY, 1280, 900)
    try:
        per_line = page.evaluate("""() => {
            const p = document.querySelector('.sp-body p');
            const ctx = document.createElement('canvas').getContext('2d');
            const style = getComputedStyle(p);
            ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const average = ctx.measureText(p.textContent).width / p.textContent.length;
            return p.getBoundingClientRect().width / average;
        }""")
        assert 60 <= per_line <= 80, per_line
    finally:
        context.close()


def test_the_video_poster_has_no_headline_under_its_play_button(browser, demo):
    context, page = on_screen(browser, demo, VIDEO, 1280, 900)
    try:
        play = page.locator(".sp-video__play")
        assert play.locator("img").count() == 0  # the Open Graph card (the headline as a picture) is not reused
        frame, label = page.locator(".sp-video__frame").bounding_box(), page.locator(".sp-video__label").bounding_box()
        assert frame["x"] <= label["x"] and label["x"] + label["width"] <= frame["x"] + frame["width"]
        assert frame["height"] <= 0.7 * 900  # the player does not fill the screen either
    finally:
        context.close()


def test_an_unknown_filter_value_is_left_out_with_a_notice(page, demo):
    page.goto(demo("stories/?industry=retial&utm_source=sam"))
    notice = page.locator("[data-sp-notice]")
    notice.wait_for()
    assert notice.locator("p").inner_text() == ("The link asked for Industry “retial”, which is not one of the "
                                                "filters here, so it was left out. Show Retail instead")
    page.wait_for_function("() => location.search === '?utm_source=sam'")
    assert page.locator("[data-sp-active]").inner_text() == ""  # not "(1 active)" with nothing ticked
    page.get_by_role("button", name="Show Retail instead").click()
    wait_status(page, f"{count(demo, industry='retail')} stories")
    assert page.get_by_role("group", name="Industry").get_by_label("Retail").is_checked()
    assert notice.is_hidden()


def test_an_empty_result_offers_the_nearest_views(page, demo):
    page.goto(demo("stories/?industry=education&region=emea"))
    wait_status(page, "No stories match these filters.")
    offers = page.locator("[data-sp-empty] button").all_inner_texts()
    assert offers == [f"Remove Industry: Education ({count(demo, region='emea')} stories)",
                      f"Remove Region: Europe, Middle East & Africa ({count(demo, industry='education')} stories)"]
    page.locator("[data-sp-empty] button").first.click()
    wait_status(page, f"{count(demo, region='emea')} stories")
    assert page.locator("[data-sp-empty]").is_hidden()


def test_no_facet_heading_is_shown_without_values(page, demo):
    page.goto(demo("stories/?industry=education&region=emea"))
    wait_status(page, "No stories match these filters.")
    empty = page.evaluate("""() => [...document.querySelectorAll('[data-sp-facet]')]
        .filter(f => f.checkVisibility() && !f.querySelector('.sp-facet__value:not([hidden])'))
        .map(f => f.getAttribute('data-sp-facet'))""")
    assert page.get_by_role("group", name="Story type").is_hidden()  # no video, case study... in that view
    assert empty == []


@pytest.mark.parametrize("path", ["industries/manufacturing/", "stories/?industry=manufacturing"])
def test_a_card_in_another_language_carries_a_language_badge(page, demo, path):
    page.goto(demo(path))  # Kestrel Werke's German story has no English translation: the English site lists it
    page.wait_for_load_state("networkidle")
    card = page.locator('li.sp-card[lang="de"]').first  # server-rendered on the industry page, script-built when filtered
    card.wait_for()
    assert card.locator(".sp-badge--lang").inner_text() == "Deutsch"
    assert page.locator('li.sp-card:not([lang]) .sp-badge--lang').count() == 0
