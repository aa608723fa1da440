"""With Material's instant navigation really on, page scripts re-run from document$.

Instant navigation only works when site_url matches where the site is served (the sitemap
decides which links it intercepts), so this module builds the demo with site_url set to the
loopback server's own address: the server starts on an empty folder, then the site is built into it.
"""

from __future__ import annotations

import re

import pytest
import yaml
from browserkit import BUILD_DATE, REPO, build_site

pytestmark = pytest.mark.browser


def absolute_paths(config: dict) -> dict:
    """The demo's mkdocs.yml, usable from another folder."""
    config["docs_dir"] = str(REPO / config.get("docs_dir", "docs"))
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "storyportal" in plugin:
            options = plugin["storyportal"]
            for key in ("stories_dir", "registry", "assets_dir"):
                if key in options:
                    options[key] = str(REPO / options[key])
    config.pop("watch", None)
    return config


@pytest.fixture(scope="module")
def instant(tmp_path_factory, serve):
    top = tmp_path_factory.mktemp("instant")
    out = top / "site"
    out.mkdir()
    served = serve(out)
    config = absolute_paths(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")))
    config["site_url"] = served.url
    assert "navigation.instant" in config["theme"]["features"]
    (top / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build_site(top / "mkdocs.yml", out, STORYPORTAL_BUILD_DATE=BUILD_DATE)
    return served


def test_stories_browser_works_after_an_instant_navigation(page, instant):
    page.goto(instant(""))
    page.evaluate("window.__same_document = true")
    page.locator("main a[href$='stories/']").first.click()
    page.wait_for_url(instant("stories/"))
    page.locator("[data-sp-browser][data-sp-ready]").wait_for()
    assert page.evaluate("window.__same_document") is True  # Material swapped the content, no reload
    page.get_by_role("group", name="Industry").get_by_label("Retail").check()
    page.wait_for_function("() => location.search === '?industry=retail'")
    # The address changes before the list is drawn again: wait for the filtered list itself.
    page.wait_for_function("""() => { const m = [...document.querySelectorAll('[data-sp-cards] .sp-card__meta')];
        return m.length > 0 && m.every(x => x.textContent.includes('Retail')); }""")
    # Into a story (instant again), the copy button and video facade bind there; back restores the filter.
    page.locator("[data-sp-cards] .sp-card__title a").first.click()
    page.wait_for_url("**/stories/*/")
    page.locator("[data-sp-copy][data-sp-ready]").wait_for()  # document$ ran setup on the swapped-in page
    page.get_by_role("button", name="Copy link to this story").click()
    page.locator("[data-sp-copy-status]").filter(has_text=re.compile("cop", re.I)).wait_for()  # copied, or the fallback text
    page.go_back()
    page.wait_for_url(instant("stories/?industry=retail"))
    page.wait_for_function("""() => [...document.querySelectorAll('[data-sp-cards] .sp-card__meta')]
        .every(m => m.textContent.includes('Retail'))""")
    assert page.get_by_role("group", name="Industry").get_by_label("Retail").is_checked()
    assert page.evaluate("window.__same_document") is True
