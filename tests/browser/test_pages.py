"""Story, industry and sales pages in real Chromium."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def video_slug(demo) -> str:
    """A published video story of the demo (from the sales index: every published story is there)."""
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    return next(r["slug"] for r in rows if r["type"] == "video")


def test_industry_page_works_without_javascript(browser, demo):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo("industries/retail/"))
        index = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
        retail = [r["title"] for r in index if r["industry"] == "retail"]
        assert page.locator("h1").inner_text() == "Retail customer stories"
        assert page.locator(".sp-card__title").all_inner_texts() == retail
        page.locator(".sp-card__title a").first.click()
        page.wait_for_url("**/stories/*/")
        assert page.locator("h1.sp-hero__title").inner_text() == retail[0]
    finally:
        context.close()


def test_video_facade_makes_no_third_party_request_until_clicked(page, demo):
    page.goto(demo(f"stories/{video_slug(demo)}/"))
    page.wait_for_load_state("networkidle")
    # Material probes <alternate>/sitemap.xml for each hreflang alternate (its own language switch): on the
    # deployed site those are the site's own origin; only this test serves the demo on another one.
    assert [u for u in page.record.foreign() if not u.startswith("https://stories.lumencloud.example/")] == []
    assert page.locator("iframe").count() == 0
    page.route("**/*", lambda route: route.fulfill(status=204) if not route.request.url.startswith("http://127.0.0.1")
               else route.continue_())  # the test never talks to a video host
    page.get_by_role("button", name="Play video").click()
    frame = page.locator("iframe.sp-video__iframe")
    frame.wait_for(state="attached")
    src = frame.get_attribute("src")
    assert urlsplit(src).scheme == "https"
    assert urlsplit(src).hostname in {"www.youtube-nocookie.com", "player.vimeo.com", "fast.wistia.net", "www.loom.com"}
    assert frame.get_attribute("title").startswith("Video: ")


def test_video_facade_refuses_embed_urls_off_the_allow_list(page, demo):
    page.goto(demo(f"stories/{video_slug(demo)}/"))
    refused = page.evaluate("""() => ['javascript:alert(1)', 'http://www.youtube-nocookie.com/embed/x',
        'https://evil.example/embed', 'https://www.youtube-nocookie.com.evil.example/x', 'data:text/html,x',
        'https://user@player.vimeo.com/video/1'].map(u => window.storyportal.embedUrl(u))""")
    assert refused == [None] * 6
    assert page.evaluate("window.storyportal.embedUrl('https://player.vimeo.com/video/1')").startswith(
        "https://player.vimeo.com/video/1")


def test_video_facade_allows_only_the_player_origins_the_page_lists(page, demo):
    page.goto(demo(f"stories/{video_slug(demo)}/"))
    listed = page.locator("[data-sp-video]").get_attribute("data-sp-embed-origins")
    assert listed == ("https://www.youtube-nocookie.com https://player.vimeo.com "
                      "https://fast.wistia.net https://www.loom.com")
    results = page.evaluate("""() => {
        const box = document.querySelector('[data-sp-video]');
        const only = window.storyportal.embedUrl('https://player.vimeo.com/video/1', ['https://www.loom.com']);
        box.setAttribute('data-sp-embed-origins', 'https://player.vimeo.com/video *');
        const malformed = window.storyportal.embedUrl('https://player.vimeo.com/video/1');
        return [only, malformed];
    }""")
    assert results == [None, None]


def test_story_page_meta_and_copy_link(page, context, demo):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    slug = video_slug(demo)
    page.goto(demo(f"stories/{slug}/"))
    canonical = page.locator('meta[property="og:url"]').get_attribute("content")
    assert canonical.endswith(f"/stories/{slug}/")
    assert page.locator('meta[property="og:type"]').get_attribute("content") == "article"
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == "summary_large_image"
    og_image = page.locator('meta[property="og:image"]')
    assert og_image.count() == 1, "og:image needs sp.card_image_url"
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["url"] == canonical
    page.get_by_role("button", name="Copy link to this story").click()
    status = page.locator("[data-sp-copy-status]")
    status.filter(has_text="copied").wait_for()
    # http://127.0.0.1 is a secure context, so the Clipboard API was used
    assert page.evaluate("navigator.clipboard.readText()") == canonical


def test_story_body_is_rendered_html(page, demo):
    page.goto(demo(f"stories/{video_slug(demo)}/"))
    assert page.locator(".sp-body p").count() > 0, "sp.story.body_html must be Markup (it printed as text)"
    assert "<p>" not in page.locator(".sp-body").inner_text()


def test_sales_page_is_noindex_sortable_and_filters_like_stories(page, demo):
    page.goto(demo("sales/?industry=retail&sort=company"))
    page.locator("[data-sp-sales][data-sp-ready]").wait_for(state="attached")  # a shared view: rows loaded
    assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    retail = [r for r in rows if r["industry"] == "retail"]
    visible = page.locator("tbody tr:not([hidden])")
    assert visible.count() == len(retail)
    companies = visible.locator('td[data-sp-key="company"]').all_inner_texts()
    assert companies == sorted(companies, key=str.casefold)
    assert page.locator("th", has_text="Company").get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Published").click()
    page.wait_for_function("() => location.search.includes('sort=published')")
    assert page.locator("th", has_text="Published").get_attribute("aria-sort") == "ascending"
    dates = visible.locator('td[data-sp-key="published"]').all_inner_texts()
    assert dates == sorted(dates)
    page.go_back()
    page.wait_for_function("() => location.search.includes('sort=company')")
    # popstate restores the view after the address changes: wait for the table, not the address
    page.locator('th[aria-sort="ascending"]', has_text="Company").wait_for()


def test_sales_link_builder_makes_a_tagged_stories_link(page, demo):
    page.goto(demo("sales/"))
    page.get_by_role("group", name="Industry").get_by_label("Retail").check()
    page.get_by_role("group", name="Story type").get_by_label("Case study").check()
    page.get_by_text("Build a link for a prospect").click()  # folded below the table
    page.get_by_label("Your name").fill("Alex Kim")
    page.get_by_label("Campaign").fill("q4 retail")
    link = page.get_by_label("Link", exact=True).input_value()
    parts = urlsplit(link)
    assert parts.path.endswith("/stories/")
    assert parse_qs(parts.query) == {"type": ["case-study"], "industry": ["retail"], "utm_source": ["Alex Kim"],
                                     "utm_medium": ["sales-link"], "utm_campaign": ["q4 retail"]}
    # The prospect's view: same filters, utm_ parameters ignored for filtering and kept in the URL.
    page.goto(demo("stories/") + "?" + parts.query)
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    want = [r["slug"] for r in rows if r["industry"] == "retail" and r["type"] == "case-study"]
    page.wait_for_function("n => document.querySelectorAll('[data-sp-cards] > li').length === n", arg=len(want))
    page.get_by_role("group", name="Region").get_by_label("Europe, Middle East & Africa").check()
    page.wait_for_function("() => location.search.includes('region=emea')")
    assert parse_qs(urlsplit(page.url).query)["utm_campaign"] == ["q4 retail"]


def test_stale_rows_are_marked(page, demo):
    page.goto(demo("sales/"))
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    stale = [r["title"] for r in rows if r["stale"]]
    marked = page.locator("tr.sp-row--stale td[data-sp-key=title] a").all_inner_texts()
    assert marked == stale
    assert page.locator(".sp-stale").count() == len(stale)


def test_sales_row_copy_button_copies_the_story_url(page, context, demo):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(demo("sales/"))
    row = page.locator("tbody tr").first
    url = row.locator("[data-sp-copy]").get_attribute("data-sp-copy")
    row.get_by_role("button", name="Copy link to").click()
    row.locator("[data-sp-copy]", has_text="Copied").wait_for()
    assert page.locator("[data-sp-row-status]").inner_text() == "Link copied to the clipboard"
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert url.startswith("https://") and url.endswith("/")
