"""Script-injection payloads in every field a page shows are inert.

A scratch portal puts payloads in the title, summary, quote, metrics, tags, company and
advocate names, the body (raw HTML, javascript: links) and text that tries to close the
JSON-LD script. Every page kind is opened twice: under the site's Content-Security-Policy,
and with CSP bypassed, so the proof is the escaping itself, not the policy. No dialog may
open, ``window.__xss`` must stay undefined, and the payload text must still be shown as text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from browserkit import build_site

from sitebuilder import SiteBuilder

pytestmark = pytest.mark.browser

X = "window.__xss=1;alert(1)"
TITLE = f'</script><script>{X}</script>"><img src=x onerror="{X}"> Acme'
SUMMARY = f"\"><img src=x onerror={X}> '-alert(1)-' </title><script>{X}</script>"
QUOTE = f"<img src=x onerror={X}> \"quoted\" </script>"
COMPANY = f"Evil <script>{X}</script> & Sons"
BODY = f"""## Challenge

<script>{X}</script>
<img src="pixel.png" onload="{X}" onerror="{X}">
[a link](javascript:{X}) and <a href="javascript:{X}">raw</a> and <a href=" jAvAsCrIpT:{X}">spaced</a>

## Solution

<iframe src="javascript:{X}"></iframe><svg onload="{X}"></svg>

## Results

`</script><script>{X}</script>`
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, serve):
    site = SiteBuilder(tmp_path_factory.mktemp("hostile"))
    site.image("stories/pixel.png")  # a real body image: the core rejects missing ones, and onload fires
    site.company("acme", name=COMPANY)
    site.advocate("jane-doe", company="acme", name=f"Jane <b onmouseover={X}>Doe</b>",
                  title=f'"><svg onload={X}>', reference_calls={"available": True, "max_per_quarter": 2,
                                                                 "owner": "owner@ourco.example"})
    common = dict(industry="retail", products=["analytics"], tags=[f"<script>{X}</script>", "ok"],
                  metrics=[{"value": "<svg onload=alert(1)>", "label": f'"><svg onload={X}>'}])
    site.story("evil-case", title=TITLE, summary=SUMMARY, quote=QUOTE, body=BODY, featured=True,
               published=dt.date(2026, 3, 14), **common)
    site.story("evil-video", type="video", title="Video " + TITLE[:80], summary=SUMMARY, quote=QUOTE,
               video={"url": "https://www.youtube.com/watch?v=abc123XYZ_0", "duration": "2:45"},
               published=dt.date(2026, 3, 10), body=f"<script>{X}</script> transcript\n", **common)
    site.story("evil-testimonial", type="testimonial", title="Testimonial " + TITLE[:80], summary=SUMMARY,
               quote=QUOTE, published=dt.date(2026, 3, 1), **common)
    site.flush()
    out = build_site(site.root / "mkdocs.yml", site.root / "site",
                     STORYPORTAL_BUILD_DATE="2026-06-01", STORYPORTAL_AUDIENCE="internal")
    return serve(out)


PAGES = ["", "stories/", "stories/?industry=retail", "stories/?q=acme", "stories/evil-case/",
         "stories/evil-video/", "stories/evil-testimonial/", "industries/retail/", "sales/",
         "sales/roster/", "sales/report/"]


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_payloads_are_inert_on_every_page(browser, hostile, bypass_csp):
    context = browser.new_context(bypass_csp=bypass_csp)
    dialogs, fired = [], []
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in PAGES:
            response = page.goto(hostile(path))
            assert response.status == 200, path  # a withheld story would make this test vacuous
            page.wait_for_load_state("networkidle")
            if page.locator(".sp-video__play").count():
                page.locator(".sp-video__play").click()  # the facade must not turn the title into script
            page.mouse.move(200, 300)
            page.wait_for_timeout(150)
            if page.evaluate("typeof window.__xss") != "undefined":
                fired.append(path)
        assert dialogs == [] and fired == [], (dialogs, fired)
    finally:
        context.close()


def test_payload_text_is_shown_as_text(browser, hostile):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(hostile("stories/evil-case/"))
        assert page.locator("h1").inner_text() == TITLE.strip()
        assert page.locator(".sp-hero__company").inner_text() == COMPANY
        assert QUOTE.strip() in page.locator(".sp-quote blockquote").inner_text()
        assert page.title().startswith(TITLE.strip()[:20])
        # JSON-LD is still one valid script element whose text holds the whole title
        jsonld = page.locator('script[type="application/ld+json"]')
        assert jsonld.count() == 1
        assert page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text).headline") == TITLE
        # No javascript: URL survives anywhere in the page
        assert page.evaluate("""() => [...document.querySelectorAll('[href],[src],[action],[formaction]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
            .filter(u => /^\\s*javascript:/i.test(u))""") == []
        # Cards the script builds from cards-0.json carry the payload as text too
        page.goto(hostile("stories/?industry=retail"))
        page.wait_for_function("() => document.querySelector('[data-sp-status]').textContent.includes('3 stories')")
        assert TITLE.strip() in page.locator("[data-sp-cards] .sp-card__title").all_inner_texts()
        assert page.locator("[data-sp-cards] img:not(.sp-img)").count() == 0
    finally:
        context.close()
