"""axe-core finds no serious or critical violation on the public page kinds.

axe-core 4.14.1 is vendored in tests/browser/vendor/axe-core/ (with its MPL-2.0 licence): no npm.
"""

from __future__ import annotations

import json

import pytest
from browserkit import run_axe

pytestmark = pytest.mark.browser


def a_story(demo, kind: str) -> str:
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    return f"stories/{next(r['slug'] for r in rows if r['type'] == kind)}/"


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def axe_page(browser, request):
    # The site's Content-Security-Policy forbids inline scripts; axe is injected inline by the test only.
    # At phone width the header shows controls (the search button) that desktop hides: both are checked.
    context = browser.new_context(bypass_csp=True, viewport={"width": request.param, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["", "stories/", "stories/?industry=retail,healthcare&type=case-study",
                                  "case-study", "video", "industries/retail/", "sales/"])
def test_no_serious_axe_violation(axe_page, demo, path):
    if path in ("case-study", "video"):
        path = a_story(demo, path)
    axe_page.goto(demo(path))
    axe_page.wait_for_load_state("networkidle")
    violations = run_axe(axe_page)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize("width", [375, 1280])
def test_every_control_on_stories_has_a_name_and_visible_focus(browser, demo, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(demo("stories/"))
        unnamed = page.evaluate("""() => [...document.querySelectorAll('main input, main button, main select')]
            .filter(el => !el.hidden && !el.closest('[hidden]'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
            .map(el => el.outerHTML)""")
        assert unnamed == []
        panel = page.locator("[data-sp-panel]")
        assert panel.evaluate("d => d.open") == (width >= 960)  # on phones the cards come first
        if width < 960:
            page.get_by_text("Filter stories").click()
        box = page.get_by_role("group", name="Industry").get_by_label("Retail")
        box.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        outline = box.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
        assert outline.startswith("solid") and outline != "solid 0px"
    finally:
        context.close()
