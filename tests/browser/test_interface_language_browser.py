"""The page scripts speak the page's language: /stories/ in German counts, says "no match" and copies in German."""

from __future__ import annotations

import pytest

from sitebuilder import SiteBuilder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def german(tmp_path_factory, serve):
    site = SiteBuilder(tmp_path_factory.mktemp("german"))
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.plugin["taxonomy"] = {f: {k: {"en": v, "de": v} for k, v in values.items()}
                               for f, values in site.plugin["taxonomy"].items()}
    site.story("acme")
    site.story("medora", title="Medora", industry="healthcare")
    site.page_languages({"stories/index.md": "de", "stories/acme.md": "de"})
    return serve(site.build())


def test_the_story_browser_counts_in_german(page, german):
    page.goto(german("stories/?industry=healthcare"))
    page.wait_for_function("() => document.querySelector('[data-sp-status]').textContent === '1 Geschichte'")
    page.get_by_role("group", name="Branche").get_by_label("Healthcare").uncheck()
    page.wait_for_function("() => document.querySelector('[data-sp-status]').textContent === '2 Geschichten'")


def test_a_mistyped_filter_is_explained_in_german(page, german):
    page.goto(german("stories/?industry=healthcar"))
    notice = page.locator("[data-sp-notice]")
    notice.get_by_role("button", name="Stattdessen Healthcare anzeigen").wait_for()
    assert "Der Link verlangte Branche „healthcar“" in notice.inner_text()


def test_the_copy_button_answers_in_german(page, german):
    page.goto(german("stories/acme/"))
    page.locator("[data-sp-copy][data-sp-ready]").wait_for()
    page.get_by_role("button", name="Link zu dieser Geschichte kopieren").click()
    status = page.locator("[data-sp-copy-status]")
    status.filter(has_text="kopier").wait_for()  # copied, or the German fallback asking to copy by hand


def test_an_instant_navigation_into_another_language_loads_that_page_whole(browser, tmp_path, serve):
    site = SiteBuilder(tmp_path)
    out = tmp_path / "site"
    out.mkdir()
    served = serve(out)
    site.mkdocs["site_url"] = served.url  # instant navigation needs the address it is served from
    site.theme = {"features": ["navigation.instant"]}
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.story("acme")
    site.page_languages({"stories/index.md": "de"})
    site.build()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served(""))
        page.locator("main a[href$='stories/']").first.click()
        page.wait_for_url(served("stories/"))
        page.wait_for_function("() => document.documentElement.lang === 'de'")
        assert page.locator("header nav").first.get_attribute("aria-label") == "Kopfzeile"
        assert page.locator("[data-sp-status]").inner_text() == "1 Erfolgsgeschichte"
    finally:
        context.close()
