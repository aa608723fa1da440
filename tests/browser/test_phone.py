"""Every page of both builds on real screens: no sideways scrolling, the sales tools usable on a phone.

The public demo is the ``demo`` fixture; the internal demo (roster, report) is built once here.
"""

from __future__ import annotations

import json
import re

import pytest
from browserkit import BUILD_DATE, REPO, build_site, run_axe

pytestmark = pytest.mark.browser

WIDTHS = [360, 390, 768, 1280]
INTERNAL_PAGES = ["sales/", "sales/roster/", "sales/report/"]


@pytest.fixture(scope="module")
def internal(tmp_path_factory, serve):
    out = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("internal") / "site",
                     STORYPORTAL_BUILD_DATE=BUILD_DATE, STORYPORTAL_AUDIENCE="internal")
    return serve(out)


def public_pages(demo) -> list[str]:
    """Every public page kind: home, the list, an industry, a story of each type, /sales/, the 404 page."""
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    stories = [f"stories/{next(r['slug'] for r in rows if r['type'] == kind)}/"
               for kind in ("case-study", "testimonial", "video")]
    return ["", "stories/", "stories/?industry=retail", "industries/retail/", *stories, "sales/", "404.html"]


def overflowing(browser, served, paths: list[str], width: int) -> list[str]:
    """The pages wider than the screen, with their width: ``document.documentElement.scrollWidth``."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        wide = []
        for path in paths:
            page.goto(served(path))
            page.wait_for_load_state("networkidle")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide.append(f"/{path} is {scroll} px wide")
        return wide
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_page_scrolls_sideways(browser, demo, width):
    assert overflowing(browser, demo, public_pages(demo), width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_internal_page_scrolls_sideways(browser, internal, width):
    paths = ["", "stories/", *INTERNAL_PAGES]
    assert overflowing(browser, internal, paths, width) == []


@pytest.mark.parametrize("path", INTERNAL_PAGES)
def test_no_serious_axe_violation_on_internal_pages(browser, internal, path):
    # The site's Content-Security-Policy forbids inline scripts; axe is injected inline by the test only.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(internal(path))
        page.wait_for_load_state("networkidle")
        violations = run_axe(page)
        assert violations == [], json.dumps(violations, indent=1)
    finally:
        context.close()


def screen(browser, width: int, height: int = 900):
    return browser.new_context(viewport={"width": width, "height": height})


@pytest.mark.parametrize("width", [390, 1280])
def test_the_sales_table_comes_before_the_folded_link_builder(browser, demo, width):
    context = screen(browser, width)
    try:
        page = context.new_page()
        page.goto(demo("sales/"))
        page.locator("[data-sp-sales][data-sp-ready]").wait_for(state="attached")
        first_row = page.locator("[data-sp-row]").first.bounding_box()
        builder = page.locator("[data-sp-lb]")
        assert first_row["y"] + first_row["height"] < 900  # the first story is on the first screen
        assert builder.bounding_box()["y"] > first_row["y"]
        assert builder.evaluate("d => d.open") is False
        page.get_by_role("link", name="Build a prospect link for this view").click()
        assert builder.evaluate("d => d.open") is True
        assert page.get_by_label("Link", exact=True).input_value().endswith("/stories/?utm_medium=sales-link")
    finally:
        context.close()


def open_sales_at(browser, demo, width: int):
    """A new context at ``width`` px on /sales/, once its script has run: (context, page)."""
    context = screen(browser, width)
    page = context.new_page()
    page.goto(demo("sales/"))
    page.locator("[data-sp-sales][data-sp-ready]").wait_for(state="attached")
    return context, page


@pytest.mark.parametrize("width", [768, 1024, 1280])  # cards on a tablet, the whole table from 992 px
def test_every_sales_column_and_copy_button_fits_without_scrolling_the_table(browser, demo, width):
    context, page = open_sales_at(browser, demo, width)
    try:
        scroll, client = page.locator(".sp-table-wrap").evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert scroll <= client
        copy = page.locator("[data-sp-row]").first.get_by_role("button", name=re.compile("^Copy link to "))
        box = copy.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # no scrolling to reach it
    finally:
        context.close()


@pytest.mark.parametrize("width, beside", [(1024, False), (1280, True)])
def test_the_sales_filters_sit_beside_the_table_only_where_it_still_fits(browser, demo, width, beside):
    context, page = open_sales_at(browser, demo, width)
    try:
        panel = page.locator("[data-sp-panel]")
        table = page.locator("[data-sp-table]").bounding_box()
        assert panel.evaluate("d => d.open") is beside
        assert (panel.bounding_box()["x"] + panel.bounding_box()["width"] <= table["x"]) is beside
    finally:
        context.close()


def test_the_short_languages_heading_keeps_its_full_name_for_screen_readers(browser, demo):
    context, page = open_sales_at(browser, demo, 1280)
    try:
        heading = page.get_by_role("columnheader", name="Languages", exact=True)
        shown = heading.evaluate("th => [...th.children].filter(el => el.getBoundingClientRect().width > 1)"
                                 ".map(el => el.textContent)")
        assert shown == ["Lang."]
    finally:
        context.close()


def test_a_sales_row_is_a_card_on_a_phone(browser, demo):
    context = screen(browser, 390)
    try:
        page = context.new_page()
        page.goto(demo("sales/"))
        row = page.locator("[data-sp-row]").first
        box = row.bounding_box()
        assert box["width"] <= 390 - 2 * 16  # inside the page margins, not a 1008 px wide table
        assert row.locator('[data-sp-key="company"]').evaluate(
            "td => getComputedStyle(td, '::before').content") == '"Company: "'
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_roster_addresses_and_dates_never_break(browser, internal, width):
    context = screen(browser, width)
    try:
        page = context.new_page()
        page.goto(internal("sales/roster/"))
        broken = page.evaluate("""() => [...document.querySelectorAll('.sp-roster__owner a, .sp-roster td.sp-nowrap')]
            .filter(el => {
                const range = document.createRange();
                range.selectNodeContents(el);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
            }).map(el => el.textContent)""")
        assert page.locator(".sp-roster__owner a").count() > 3
        assert broken == []
    finally:
        context.close()


def test_roster_rows_are_compact_cards_on_a_phone(browser, internal):
    context = screen(browser, 390, 844)
    try:
        page = context.new_page()
        page.goto(internal("sales/roster/"))
        wrap = page.locator(".sp-table-wrap")
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")  # no scroll box inside the page
        # A card is as tall as its content: no cell stretched by a neighbour column, no blank band.
        blank = page.evaluate("""() => [...document.querySelectorAll('.sp-roster tbody tr')].map(tr => {
            const cells = [...tr.cells].filter(td => td.getClientRects().length);
            const bottom = Math.max(...cells.map(td => td.getBoundingClientRect().bottom));
            return Math.round(tr.getBoundingClientRect().bottom - bottom);
        }).filter(gap => gap > 20)""")
        assert blank == []
        titles = page.locator(".sp-roster__stories a").all_inner_texts()
        assert "Andina Salud onboards new patients over WhatsApp and halves front-desk paperwork" in titles
    finally:
        context.close()


def test_the_internal_navigation_reaches_every_tool(page, internal):
    page.goto(internal(""))
    bar = page.get_by_role("navigation", name="Internal site")
    assert bar.get_by_role("link").all_inner_texts() == ["Home", "Stories", "Sales", "Roster", "Report"]
    bar.get_by_role("link", name="Roster").click()
    page.wait_for_url(internal("sales/roster/"))
    assert page.locator("h1").inner_text() == "Reference-call roster"
    bar.get_by_role("link", name="Report").click()
    page.wait_for_url(internal("sales/report/"))
    assert page.locator("h1").inner_text() == "Program report"
    assert bar.locator('[aria-current="page"]').inner_text() == "Report"


def test_the_sales_index_leaves_an_unknown_filter_value_out_with_a_notice(page, demo):
    page.goto(demo("sales/?type=case-studdy"))
    notice = page.locator("[data-sp-notice]")
    notice.wait_for()
    assert notice.locator("p").inner_text() == ("The link asked for Story type “case-studdy”, which is not one of "
                                                "the filters here, so it was left out. Show Case study instead")
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    assert page.locator("[data-sp-status]").inner_text() == f"{len(rows)} stories"
    page.get_by_role("button", name="Show Case study instead").click()
    page.wait_for_function("() => location.search === '?type=case-study'")
    page.wait_for_function("n => document.querySelectorAll('[data-sp-row]').length === n",
                           arg=sum(r["type"] == "case-study" for r in rows))
    assert page.locator("[data-sp-row]:visible").count() == sum(r["type"] == "case-study" for r in rows)
