"""Embeds in real Chromium: a host page on another loopback origin frames a card and a wall (issue 17)."""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest
from browserkit import run_axe

pytestmark = pytest.mark.browser

HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host page</title>
<script src="{portal}embed/embed.js" defer></script></head>
<body><h1>Our product</h1>
<div id="card" data-storyportal-story="{slug}"><a href="{portal}stories/{slug}/">Read the story</a></div>
<div id="wall" data-storyportal-wall="industry=retail&amp;limit=3"></div>
</body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A second web server on 127.0.0.2: another origin than the portal's 127.0.0.1."""
    root = tmp_path_factory.mktemp("host")
    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.2:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def wall_cards(demo) -> list[dict]:
    return json.loads((demo.root / "embed" / "wall" / "cards-0.json").read_text(encoding="utf-8"))


def retail_titles(demo) -> list[str]:
    """Titles of the retail stories, newest first, from the /stories/ index (not from the wall's code)."""
    index = json.loads((demo.root / "stories" / "facets.json").read_text(encoding="utf-8"))
    f = [facet["name"] for facet in index["facets"]].index("industry")
    retail = [slug for slug, _ in index["facets"][f]["values"]].index("retail")
    slugs = [row[0] for row in index["stories"] if retail in row[f + 1]]
    titles = {c["slug"]: c["title"] for c in wall_cards(demo)}
    return [titles[slug] for slug in slugs]


@pytest.fixture
def hosted(page, demo, host):
    """The host page loaded, both frames in, and the slug of its card."""
    root, origin = host
    slug = wall_cards(demo)[0]["slug"]
    (root / "index.html").write_text(HOST.format(portal=demo.url, slug=slug), encoding="utf-8")
    page.goto(origin)
    page.wait_for_function("document.querySelectorAll('iframe').length === 2")
    page.wait_for_function("""() => [...document.querySelectorAll('iframe')].every(f =>
        f.style.height !== '360px' && f.style.height !== '720px')""")
    return slug


def frame_of(page, selector):
    return page.locator(selector + " iframe").element_handle().content_frame()


def content_height(frame) -> int:
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


def frame_height(page, selector) -> int:
    return page.eval_on_selector(selector + " iframe", "f => Math.round(f.getBoundingClientRect().height)")


def test_the_card_frame_shows_its_story_and_fits_its_content(page, demo, hosted):
    card = frame_of(page, "#card")
    title = next(c["title"] for c in wall_cards(demo) if c["slug"] == hosted)
    assert card.locator("h1").inner_text() == title
    assert frame_height(page, "#card") == content_height(card)


def test_the_wall_frame_shows_the_filtered_stories_and_fits_its_content(page, demo, hosted):
    wall = frame_of(page, "#wall")
    want = retail_titles(demo)[:3]
    wall.wait_for_function("n => document.querySelectorAll('.spe-list h2').length === n", arg=len(want))
    assert wall.locator(".spe-list h2").all_inner_texts() == want
    page.wait_for_function("h => Math.round(document.querySelector('#wall iframe').getBoundingClientRect().height) === h",
                           arg=content_height(wall))


def test_the_embeds_make_no_third_party_request(page, demo, host, hosted):
    own = (demo.url, host[1])
    assert [u for u in page.record.requests if not u.startswith(own)] == []


SEND = """([origin, message]) => window.dispatchEvent(new MessageEvent('message', {data: message, origin: origin,
    source: document.querySelector('#card iframe').contentWindow}))"""


@pytest.mark.parametrize(("origin", "message", "applied"), [
    ("portal", {"type": "storyportal:height", "height": 1234}, True),
    ("host", {"type": "storyportal:height", "height": 1234}, False),
    ("http://127.0.0.1:1", {"type": "storyportal:height", "height": 1234}, False),
    ("portal", {"type": "other", "height": 1234}, False),
    ("portal", {"type": "storyportal:height", "height": "1234px"}, False),
    ("portal", {"type": "storyportal:height", "height": 10**9}, False),
], ids=["the-portal", "the-host", "another-port", "wrong-type", "height-as-text", "absurd-height"])
def test_only_well_formed_messages_from_the_portal_resize_a_frame(page, demo, host, hosted, origin, message, applied):
    before = frame_height(page, "#card")
    sender = {"portal": demo.url.rstrip("/"), "host": host[1].rstrip("/")}.get(origin, origin)
    page.evaluate(SEND, [sender, message])
    assert frame_height(page, "#card") == (1234 if applied else before)


@pytest.mark.parametrize("path", ["embed/{slug}/", "embed/wall/", "embed/wall/?industry=retail&layout=carousel",
                                  "embed/wall/?layout=rotate", "embed/{slug}/?theme=dark"])
def test_embed_pages_have_no_serious_axe_violation(browser, demo, path):
    context = browser.new_context(bypass_csp=True, reduced_motion="reduce")
    page = context.new_page()
    page.goto(demo(path.format(slug=wall_cards(demo)[0]["slug"])))
    page.wait_for_load_state("networkidle")
    assert run_axe(page) == []
    context.close()


def test_the_rotating_wall_shows_one_card_at_a_time(page, demo):
    page.emulate_media(reduced_motion="reduce")
    page.goto(demo("embed/wall/?layout=rotate&limit=4"))
    page.wait_for_selector(".spe-list--rotate")
    visible = page.eval_on_selector_all(".spe-list > li", "els => els.map(e => getComputedStyle(e).visibility)")
    assert visible == ["visible", "hidden", "hidden", "hidden"]
    page.get_by_role("button", name="Next").click()
    visible = page.eval_on_selector_all(".spe-list > li", "els => els.map(e => getComputedStyle(e).visibility)")
    assert visible == ["hidden", "visible", "hidden", "hidden"]


@pytest.mark.parametrize(("query", "background"), [("?theme=light", "rgb(255, 255, 255)"),
                                                   ("?theme=dark", "rgb(13, 17, 23)")])
def test_the_theme_parameter_overrides_the_system_colours(page, demo, query, background):
    page.emulate_media(color_scheme="dark" if "light" in query else "light")
    page.goto(demo("embed/wall/" + query))
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == background


def test_a_story_page_previews_its_card_only_once_the_embed_box_opens(page, demo):
    slug = wall_cards(demo)[0]["slug"]
    page.goto(demo(f"stories/{slug}/"))
    assert page.locator(".sp-embed iframe").count() == 0
    page.get_by_text("Embed this story").click()
    preview = page.locator(".sp-embed iframe").element_handle().content_frame()
    preview.wait_for_selector(".spe-card")
    assert preview.url == demo(f"embed/{slug}/")


def test_the_sales_embed_code_follows_the_filters(page, demo):
    page.goto(demo("sales/?industry=retail&type=testimonial"))
    page.get_by_text("Embed these stories").click()
    code = page.locator("[data-sp-embed-script]").input_value()
    assert '<div data-storyportal-wall="type=testimonial&amp;industry=retail">' in code
    page.wait_for_function("() => document.querySelector('.sp-embed iframe')")
    assert page.locator(".sp-embed iframe").get_attribute("src") == "../embed/wall/?type=testimonial&industry=retail"


@pytest.mark.parametrize(("path", "button"), [("stories/{slug}/", "Embed this story"),
                                              ("sales/?industry=retail", "Embed these stories")])
def test_the_open_embed_box_has_no_serious_axe_violation(browser, demo, path, button):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(demo(path.format(slug=wall_cards(demo)[0]["slug"])))
    page.get_by_text(button).click()
    page.wait_for_load_state("networkidle")
    assert run_axe(page) == []
    context.close()


def test_the_wall_filters_by_language(page, demo):
    french = [c["title"] for c in wall_cards(demo) if c["lang"] == "fr"]
    page.goto(demo("embed/wall/?lang=fr&limit=50"))
    page.wait_for_function("n => document.querySelectorAll('.spe-list h2').length === n", arg=len(french))
    assert french and page.locator(".spe-list h2").all_inner_texts() == french


def test_a_wall_that_matches_nothing_says_so(page, demo):
    page.goto(demo("embed/wall/?industry=no-such-industry"))
    page.wait_for_selector(".spe-empty")
    assert page.locator(".spe-list").inner_text() == "No customer stories match this selection yet."
