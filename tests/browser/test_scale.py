"""The /stories/ browser and the /sales/ table past their first view and first chunk (a 500-story synthetic
portal), and filtering at 10,000 stories."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from browserkit import REPO, build_site, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def big(tmp_path_factory, serve):
    root = tmp_path_factory.mktemp("big") / "portal"
    subprocess.run([sys.executable, str(REPO / "bench" / "synth.py"), str(root), "--stories", "500"],
                   check=True, capture_output=True, timeout=300)
    return serve(build_site(root / "mkdocs.yml", root / "site"))


def test_show_more_crosses_card_chunks_on_demand(page, big):
    index = json.loads((big.root / "stories" / "facets.json").read_text(encoding="utf-8"))
    assert index["count"] > index["chunk"], "the portal must need a second chunk"
    page.goto(big("stories/"))
    more = page.get_by_role("button", name="Show more stories")
    while page.locator("[data-sp-cards] > li").count() < index["chunk"] + 10:
        count = page.locator("[data-sp-cards] > li").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('[data-sp-cards] > li').length > n", arg=count)
    fetched = [u.rsplit("/", 1)[1] for u in page.record.requests if "/cards-" in u]
    assert fetched == ["cards-0.json", "cards-1.json"]  # each chunk once, only when needed
    slugs = [row[0] for row in index["stories"]]
    shown = page.locator("[data-sp-cards] .sp-card__title a").evaluate_all(
        "els => els.map(a => a.getAttribute('href').replace(/\\/$/, '').split('/').pop())")
    assert shown == slugs[:len(shown)]
    # focus moved to the first new card, so keyboard users continue where the new cards begin
    assert page.evaluate("document.activeElement.closest('li') !== null")


def test_filtering_10000_stories_is_fast(page, big):
    page.goto(big("stories/"))
    ms = page.evaluate("""() => {
        const facets = ['type', 'industry', 'company_size', 'region', 'products', 'use_cases'];
        const items = [];
        for (let i = 0; i < 10000; i++) {
            const values = {};
            facets.forEach((f, k) => { values[f] = ['v' + ((i * (k + 3)) % 7), 'w' + (i % (k + 2))]; });
            items.push({values});
        }
        const state = {facets: {industry: ['v1', 'v2'], region: ['v3'], type: []}, q: ''};
        const t0 = performance.now();
        for (let r = 0; r < 10; r++) window.storyportal.filterItems(items, state, facets, () => '');
        return (performance.now() - t0) / 10;
    }""")
    assert ms < 50, f"one filter pass over 10,000 stories took {ms:.1f} ms"


def sales_rows(big) -> list[dict]:
    return json.loads((big.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]


def open_sales(page, url: str) -> None:
    page.goto(url)
    page.locator("[data-sp-sales][data-sp-ready]").wait_for(state="attached")


def shown_slugs(page) -> list[str]:
    return page.locator("[data-sp-row] td[data-sp-key=title] a").evaluate_all(
        "els => els.map(a => a.getAttribute('href').replace(/\\/$/, '').split('/').pop())")


def test_the_sales_page_holds_only_its_first_rows(page, big):
    rows = sales_rows(big)
    open_sales(page, big("sales/"))
    first = page.locator("[data-sp-sales]").get_attribute("data-sp-page")
    assert shown_slugs(page) == [r["slug"] for r in rows[: int(first)]]
    assert page.locator("[data-sp-status]").inner_text() == f"Showing {first} of {len(rows)} stories"
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.record.requests if "/sales/index." in u]  # the downloads only when asked for


def test_a_sales_search_finds_a_story_that_is_only_in_a_later_chunk(page, big):
    rows = sales_rows(big)
    late = rows[-1]  # in the last rows-<k>.json, far past the rows the page holds
    assert len(list((big.root / "sales").glob("rows-*.json"))) > 1, "the portal must need two chunks"
    assert late["slug"] not in (big.root / "sales" / "index.html").read_text(encoding="utf-8")
    open_sales(page, big("sales/"))
    page.get_by_label("Search title, company, metric").fill(late["title"])
    page.locator(f'[data-sp-row] a[href$="/{late["slug"]}/"]').wait_for()
    want = [r["slug"] for r in rows if late["title"].lower() in " ".join(
        [r["title"], r["company"], r["headline_metric"]]).lower()]
    assert shown_slugs(page) == want[: len(shown_slugs(page))]


def test_a_sales_filter_and_sort_cover_every_row(page, big):
    rows = sales_rows(big)
    region = rows[-1]["region"]
    matching = [r for r in rows if r["region"] == region]
    open_sales(page, big(f"sales/?region={region}&sort=company"))
    status = page.locator("[data-sp-status]").inner_text()
    assert status.endswith(f"of {len(matching)} stories") or status == f"{len(matching)} stories"
    companies = page.locator('[data-sp-row] td[data-sp-key="company"]').all_inner_texts()
    assert companies[0] == min((r["company"] for r in matching), key=str.casefold)
    assert companies == sorted(companies, key=str.casefold)
    fetched = sorted(u.rsplit("/", 1)[1] for u in page.record.requests if "/rows-" in u)
    assert fetched == sorted(p.name for p in (big.root / "sales").glob("rows-*.json"))


def test_show_more_sales_rows_continues_in_index_order(page, big):
    rows = sales_rows(big)
    open_sales(page, big("sales/"))
    first = len(shown_slugs(page))
    page.get_by_role("button", name="Show more stories").click()
    page.wait_for_function("n => document.querySelectorAll('[data-sp-row]').length > n", arg=first)
    assert shown_slugs(page) == [r["slug"] for r in rows[: 2 * first]]
    assert page.evaluate("document.activeElement.closest('[data-sp-row]') !== null")  # focus on the first new row


def test_drawn_sales_rows_copy_their_story_url(page, context, big):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    rows = sales_rows(big)
    open_sales(page, big(f"sales/?q={rows[-1]['slug'].split('-')[0]}"))
    row = page.locator(f'[data-sp-row]:has(a[href$="/{rows[-1]["slug"]}/"])')
    row.get_by_role("button", name=f"Copy link to {rows[-1]['title']}").click()
    row.locator("[data-sp-copy]", has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == rows[-1]["url"]


def drawn_sales_view(browser, big, width: int):
    """A new context at ``width`` px on a /sales/ view drawn by the script from the row chunks."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 844})
    page = context.new_page()
    rows = sales_rows(big)
    open_sales(page, big(f"sales/?industry={rows[-1]['industry']}&sort=-updated"))
    assert page.locator("[data-sp-row]").count() > 0
    return context, page


def test_the_drawn_sales_table_fits_a_phone(browser, big):
    context, page = drawn_sales_view(browser, big, 390)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_drawn_sales_table_has_no_serious_axe_violation(browser, big):
    context, page = drawn_sales_view(browser, big, 1280)
    try:
        assert run_axe(page) == []
    finally:
        context.close()
