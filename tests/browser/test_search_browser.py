"""Search with Pagefind in real Chromium: nothing loads before the visitor asks, and only
published stories are found."""

from __future__ import annotations

import pytest
from browserkit import run_axe

pytestmark = pytest.mark.browser


def search(page, query: str) -> list[str]:
    page.locator("[data-sp-search-input]").fill(query)
    page.wait_for_function("q => document.querySelector('[data-sp-search-meta]').textContent.includes('match')"
                           " && document.querySelector('[data-sp-search-input]').value === q", arg=query)
    return page.locator("[data-sp-search-results] h1").all_inner_texts()


def open_search(page, demo, path: str = "") -> None:
    page.goto(demo(path))
    page.locator("[data-sp-search-input]").click()  # at 1280 px the box is in the header


def test_a_page_load_makes_no_search_request(page, demo):
    page.goto(demo("stories/"))
    page.wait_for_load_state("networkidle")
    assert [u for u in page.record.requests if "/pagefind/" in u or "search_index" in u] == []


def test_typing_a_query_shows_the_matching_story_with_its_company_and_type(page, demo):
    open_search(page, demo)
    assert search(page, "paperwork") == [
        "Andina Salud onboards new patients over WhatsApp and halves front-desk paperwork"]
    assert page.locator("[data-sp-search-results] .sp-search-result__facts").inner_text() == (
        "Andina Salud · Case study · Healthcare")
    assert page.locator("[data-sp-search-meta]").inner_text() == "1 matching story"


def test_a_result_links_to_its_story(page, demo):
    open_search(page, demo, "industries/retail/")
    search(page, "paperwork")
    page.locator("[data-sp-search-results] a").click()
    page.wait_for_url("**/stories/andina-salud-whatsapp-onboarding/")


def test_a_story_in_another_language_is_found(page, demo):
    open_search(page, demo)
    assert search(page, "Terminausfälle") == ["Wie Medora Health Terminausfälle in 14 Kliniken um 31 % senkte"]


def test_a_withheld_story_is_never_found(page, demo):
    open_search(page, demo)
    # brightline-audit-trail: its consent expired, so it is withheld; Brightline's other stories are found
    titles = search(page, "Brightline")
    hrefs = page.locator("[data-sp-search-results] a").evaluate_all("els => els.map(a => a.href)")
    assert titles and all("brightline" in h for h in hrefs)
    assert not any("brightline-audit-trail" in h for h in hrefs)
    assert "passes its communications audit" not in " ".join(search(page, "communications audit"))


def test_search_loads_only_a_few_files(page, demo):
    open_search(page, demo)
    search(page, "retention")
    fetched = [u for u in page.record.requests if "/pagefind/" in u]
    assert not any("fragment" in u for u in fetched[:3])  # script, wasm and index chunk come first
    assert len(fetched) < 20


def test_the_open_search_dialog_passes_axe(browser, demo):
    # The site's CSP forbids inline scripts; axe is injected inline by the test only.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_search(page, demo)
    search(page, "retention")
    assert run_axe(page) == []
    context.close()


def test_on_a_phone_the_magnifier_opens_the_search_box(browser, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo())
    page.locator("label.md-header__button[for='__search']").click()
    page.wait_for_function("document.activeElement.matches('[data-sp-search-input]')")
    assert search(page, "paperwork") == [
        "Andina Salud onboards new patients over WhatsApp and halves front-desk paperwork"]
    context.close()
