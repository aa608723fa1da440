"""The language sites of the demo in Chromium: the selector lands on the translation, the German
list filters with German labels, and a German page has no serious axe violation."""

from __future__ import annotations

import json

import pytest
from browserkit import run_axe

pytestmark = pytest.mark.browser


def test_switching_language_on_a_story_lands_on_its_translation(page, demo):
    page.goto(demo("stories/harbor-pine-omnichannel-onboarding/"))
    page.locator("[data-sp-lang] summary").click()
    page.locator('[data-sp-lang-link="de"]').click()
    page.wait_for_url("**/de/stories/harbor-pine-mitglieder-onboarding/")
    assert page.locator("h1").first.inner_text().startswith("Wie Harbor & Pine")
    assert page.locator('[data-sp-lang-link="de"]').get_attribute("aria-current") == "page"


def test_the_selector_opens_and_follows_from_the_keyboard(page, demo):
    page.goto(demo("de/stories/medora-terminerinnerungen/"))
    page.locator("[data-sp-lang] summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the first language: English, the story's translation
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/medora-appointment-reminders/")
    assert "/de/" not in page.url


def test_the_german_list_filters_healthcare_with_german_labels(page, demo):
    page.goto(demo("de/stories/?industry=healthcare"))
    page.wait_for_selector("[data-sp-cards] .sp-card")
    healthcare = page.locator('input[name="industry"][value="healthcare"]')
    assert healthcare.is_checked()
    assert page.locator(f'label[for="{healthcare.get_attribute("id")}"] .sp-facet__label').inner_text() == \
        "Gesundheitswesen"
    facets = json.loads((demo.root / "de/stories/facets.json").read_text(encoding="utf-8"))
    index = facets["facets"][[f["name"] for f in facets["facets"]].index("industry")]["values"]
    position = [slug for slug, _ in index].index("healthcare")
    expected = sum(1 for row in facets["stories"] if position in row[1 + [f["name"] for f in facets["facets"]].index("industry")])
    cards = page.locator("[data-sp-cards] .sp-card")
    assert cards.count() == expected
    titles = cards.locator(".sp-card__title").all_inner_texts()
    assert "Wie Medora Health Terminausfälle in 14 Kliniken um 31 % senkte" in titles
    assert all("Gesundheitswesen" in meta for meta in cards.locator(".sp-card__meta").all_inner_texts())


@pytest.fixture
def axe_page(browser):
    # The site's Content-Security-Policy forbids inline scripts; axe is injected inline by the test only.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["de/", "de/stories/harbor-pine-mitglieder-onboarding/", "de/stories/"])
def test_no_serious_axe_violation_on_a_german_page(axe_page, demo, path):
    axe_page.goto(demo(path))
    axe_page.wait_for_load_state("networkidle")
    violations = run_axe(axe_page)
    assert violations == [], json.dumps(violations, indent=1)


def test_sales_rows_drawn_by_the_script_link_each_language_version(page, demo):
    page.goto(demo("sales/?q=new-member"))  # a search: the script draws the rows from the row chunks
    page.locator("[data-sp-sales][data-sp-ready]").wait_for(state="attached")
    row = page.locator("[data-sp-row]", has_text="new-member onboarding").first
    row.wait_for()
    links = row.locator('[data-sp-key="languages"] a')
    assert links.evaluate_all("els => els.map(a => [a.hreflang, a.textContent])") == [["en", "EN"], ["de", "DE"]]
    assert links.nth(1).get_attribute("href").endswith("/de/stories/harbor-pine-mitglieder-onboarding/")
