"""/stories/ in real Chromium: facets, the URL contract, history, search and paging."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def card_titles(page) -> list[str]:
    return page.locator("[data-sp-cards] .sp-card__title").all_inner_texts()


def index(demo) -> dict:
    return json.loads((demo.root / "stories" / "facets.json").read_text(encoding="utf-8"))


def expected_slugs(demo, **wanted) -> list[str]:
    """Slugs matching ``wanted`` (facet -> allowed slugs), computed from facets.json, newest first."""
    data = index(demo)
    names = [f["name"] for f in data["facets"]]
    found = []
    for row in data["stories"]:
        ok = True
        for name, allowed in wanted.items():
            f = names.index(name)
            values = {data["facets"][f]["values"][i][0] for i in row[f + 1]}
            ok = ok and bool(values & set(allowed))
        if ok:
            found.append(row[0])
    return found


def shown_slugs(page) -> list[str]:
    hrefs = page.locator("[data-sp-cards] .sp-card__title a").evaluate_all("els => els.map(a => a.href)")
    return [h.rstrip("/").rsplit("/", 1)[1] for h in hrefs]


def wait_slugs(page, want: list[str]):
    """Wait until the cards on screen are exactly ``want`` (the first view of it), in order."""
    page.wait_for_function("""want => {
        const got = [...document.querySelectorAll('[data-sp-cards] .sp-card__title a')]
            .map(a => a.getAttribute('href').replace(/\\/$/, '').split('/').pop());
        return JSON.stringify(got) === JSON.stringify(want);
    }""", arg=want[:first_view(len(want))])


def wait_status(page, text: str):
    page.wait_for_function("t => document.querySelector('[data-sp-status]').textContent.trim() === t", arg=text)


def plural(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"


def first_view(total: int) -> int:
    """24 cards, or all 25: a "Show more" button for a single card is not worth a click."""
    return total if total <= 25 else 24


def test_first_view_is_server_rendered_and_fetches_no_cards(page, demo):
    page.goto(demo("stories/"))
    total = len(index(demo)["stories"])
    assert len(card_titles(page)) == first_view(total)
    page.wait_for_timeout(300)
    assert not [u for u in page.record.requests if "/cards-" in u or "/text.json" in u]


def test_clicking_a_facet_filters_cards_and_updates_the_url(page, demo):
    page.goto(demo("stories/"))
    page.get_by_role("group", name="Industry").get_by_label("Retail").check()
    retail = expected_slugs(demo, industry=["retail"])
    wait_status(page, plural(len(retail)))
    assert parse_qs(urlsplit(page.url).query) == {"industry": ["retail"]}
    assert shown_slugs(page) == retail
    page.get_by_role("group", name="Industry").get_by_label("Healthcare").check()
    both = expected_slugs(demo, industry=["retail", "healthcare"])
    wait_status(page, plural(len(both)))
    assert urlsplit(page.url).query == "industry=retail,healthcare"  # commas stay literal: the shared-URL format
    assert shown_slugs(page) == both


def test_counts_of_a_facet_apply_the_other_facets_filters(page, demo):
    page.goto(demo("stories/?type=case-study"))
    wait_status(page, plural(len(expected_slugs(demo, type=["case-study"]))))
    retail = page.get_by_role("group", name="Industry").locator("li", has_text="Retail").locator("[data-sp-count]")
    assert retail.inner_text() == str(len(expected_slugs(demo, type=["case-study"], industry=["retail"])))
    # A facet's own selection does not narrow its own counts: other types still show what they would add.
    video = page.get_by_role("group", name="Story type").locator("li", has_text="Video").locator("[data-sp-count]")
    assert video.inner_text() == str(len(expected_slugs(demo, type=["video"])))


def test_a_shared_filtered_url_restores_the_same_view(page, demo):
    url = "stories/?industry=retail,healthcare&type=case-study&utm_source=alex&utm_medium=sales-link"
    page.goto(demo(url))
    want = expected_slugs(demo, industry=["retail", "healthcare"], type=["case-study"])
    wait_status(page, plural(len(want)))
    assert shown_slugs(page) == want
    industry = page.get_by_role("group", name="Industry")
    assert industry.get_by_label("Retail").is_checked() and industry.get_by_label("Healthcare").is_checked()
    assert page.get_by_role("group", name="Story type").get_by_label("Case study").is_checked()
    # utm_ parameters are not filters, and they survive the page's own URL updates
    page.get_by_role("group", name="Region").get_by_label("Europe, Middle East & Africa").check()
    page.wait_for_function("() => location.search.includes('region=emea')")
    query = parse_qs(urlsplit(page.url).query)
    assert query["utm_source"] == ["alex"] and query["utm_medium"] == ["sales-link"]


def test_back_button_restores_the_previous_view(page, demo):
    page.goto(demo("stories/"))
    everything = shown_slugs(page)
    page.get_by_role("group", name="Industry").get_by_label("Retail").check()
    retail = expected_slugs(demo, industry=["retail"])
    wait_status(page, plural(len(retail)))
    page.get_by_role("group", name="Story type").get_by_label("Case study").check()
    narrowed = expected_slugs(demo, industry=["retail"], type=["case-study"])
    wait_status(page, plural(len(narrowed)))
    page.evaluate("window.__same_document = true")
    page.go_back()
    wait_slugs(page, retail)
    wait_status(page, plural(len(retail)))
    assert urlsplit(page.url).query == "industry=retail"
    assert page.evaluate("window.__same_document") is True  # restored in place, no reload
    assert not page.get_by_role("group", name="Story type").get_by_label("Case study").is_checked()
    page.go_back()
    page.wait_for_function("() => location.search === ''")
    wait_slugs(page, everything)
    assert not page.get_by_role("group", name="Industry").get_by_label("Retail").is_checked()
    page.go_forward()
    wait_slugs(page, retail)
    assert page.get_by_role("group", name="Industry").get_by_label("Retail").is_checked()


def test_search_box_loads_text_lazily_and_replaces_history_while_typing(page, demo):
    page.goto(demo("stories/"))
    length = page.evaluate("history.length")
    page.get_by_label("Search stories").press_sequentially("whatsapp", delay=20)
    page.wait_for_function("() => location.search === '?q=whatsapp'")
    texts = json.loads((demo.root / "stories" / "text.json").read_text(encoding="utf-8"))
    slugs = [row[0] for row in index(demo)["stories"]]
    want = [s for s, t in zip(slugs, texts) if "whatsapp" in t]
    wait_status(page, plural(len(want)))
    assert shown_slugs(page) == want
    assert page.evaluate("history.length") == length  # typing replaces, it does not push per key
    assert any(u.endswith("/stories/text.json") for u in page.record.requests)


def test_clear_all_and_show_more(page, demo, tmp_path):
    page.goto(demo("stories/?region=emea"))
    want = expected_slugs(demo, region=["emea"])
    wait_status(page, plural(len(want)))
    page.get_by_role("button", name="Clear all filters").click()
    page.wait_for_function("() => location.search === ''")
    total = len(index(demo)["stories"])
    assert len(card_titles(page)) == first_view(total)
    more = page.get_by_role("button", name="Show more stories")
    assert more.is_visible() == (total > first_view(total))


def test_card_links_work_from_the_script_built_cards(page, demo):
    page.goto(demo("stories/?type=video"))
    want = expected_slugs(demo, type=["video"])
    wait_status(page, plural(len(want)))
    page.locator("[data-sp-cards] .sp-card__title a").first.click()
    page.wait_for_url(demo(f"stories/{want[0]}/"))
    assert page.locator("h1").inner_text()


def test_the_no_javascript_form_query_is_understood_too(page, demo):
    """Submitting the facet form without JavaScript gives ?industry=a&industry=b; the script reads it."""
    page.goto(demo("stories/?industry=retail&industry=healthcare"))
    want = expected_slugs(demo, industry=["retail", "healthcare"])
    wait_slugs(page, want)
    page.get_by_role("group", name="Story type").get_by_label("Case study").check()
    page.wait_for_function("() => location.search.includes('type=case-study')")
    assert parse_qs(urlsplit(page.url).query)["industry"] == ["retail,healthcare"]  # rewritten in the shared format
