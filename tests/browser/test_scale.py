"""The /stories/ browser past the first card chunk (a 500-story synthetic portal) and at 10,000 stories."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from browserkit import REPO, build_site

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
