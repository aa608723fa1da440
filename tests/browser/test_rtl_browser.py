"""Right-to-left pages in Chromium: axe finds nothing serious, nothing scrolls sideways on a phone, text runs right."""

from __future__ import annotations

import json

import pytest
from browserkit import run_axe

from sitebuilder import SiteBuilder, rtl_stories

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each story's page is on its language's site (in that language); the English list shows them with a badge.
PAGES = ["ar/stories/acme-ar/", "he/stories/acme-he/", "stories/", ""]


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory, serve):
    site = SiteBuilder(tmp_path_factory.mktemp("rtl"))
    site.plugin["languages"] = {"en": {"label": "English"}, "ar": {"label": "العربية"}, "he": {"label": "עברית"}}
    site.plugin["taxonomy"] = {f: {k: {"en": v, "ar": v, "he": v} for k, v in values.items()}
                               for f, values in site.plugin["taxonomy"].items()}
    rtl_stories(site)
    return serve(site.build())


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violation_on_rtl_pages(browser, rtl_site, path):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(rtl_site(path))
        page.wait_for_load_state("networkidle")
        violations = run_axe(page)
        assert violations == [], json.dumps(violations, indent=1)
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_rtl_page_scrolls_sideways_on_a_phone(browser, rtl_site, path):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(rtl_site(path))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_rtl_text_starts_at_the_right_edge(browser, rtl_site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(rtl_site("stories/"))
        page.wait_for_load_state("networkidle")
        card = page.locator('li.sp-card[lang="he"] .sp-card__summary')
        box, text = card.bounding_box(), card.evaluate("""el => {
            const range = document.createRange(); range.selectNodeContents(el);
            const r = range.getBoundingClientRect(); return {left: r.left, right: r.right}; }""")
        assert card.evaluate("el => getComputedStyle(el).direction") == "rtl"
        assert abs((box["x"] + box["width"]) - text["right"]) < 2  # flush right
        badge = page.locator('li.sp-card[lang="he"] .sp-badge--lang')
        meta = page.locator('li.sp-card[lang="he"] .sp-card__meta')
        assert badge.bounding_box()["x"] + badge.bounding_box()["width"] > meta.bounding_box()["x"] + meta.bounding_box()["width"] - 2
    finally:
        context.close()


def test_the_arabic_page_is_right_to_left_with_materials_arabic_strings(browser, rtl_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(rtl_site("ar/stories/acme-ar/"))
        assert page.evaluate("[document.documentElement.lang, document.body.dir]") == ["ar", "rtl"]
        assert page.locator("header nav").get_attribute("aria-label") != "Header"
    finally:
        context.close()
