"""What search engines and link previews read, on every public page kind (Lighthouse SEO basics)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def public_pages(demo) -> list[str]:
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    return ["", "stories/", f"stories/{rows[0]['slug']}/", f"industries/{rows[0]['industry']}/"]


def test_public_pages_are_indexable_and_described(page, demo):
    for path in public_pages(demo):
        page.goto(demo(path))
        facts = page.evaluate("""() => ({
            lang: document.documentElement.lang,
            title: document.title,
            description: document.querySelector('meta[name=description]')?.content || '',
            canonical: document.querySelector('link[rel=canonical]')?.href || '',
            robots: document.querySelector('meta[name=robots]')?.content || '',
            h1: document.querySelectorAll('h1').length,
            imgsWithoutAlt: [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src),
            headingJumps: [...document.querySelectorAll('main h1, main h2, main h3, main h4')]
                .map(h => +h.tagName[1]).filter((n, i, a) => i > 0 && n > a[i - 1] + 1).length,
        })""")
        assert facts["lang"] and facts["title"] and facts["description"], (path, facts)
        assert facts["canonical"].startswith("https://"), (path, facts)
        assert "noindex" not in facts["robots"], path
        assert facts["h1"] == 1 and facts["imgsWithoutAlt"] == [] and facts["headingJumps"] == 0, (path, facts)


def test_story_pages_declare_a_different_language_on_the_article(page, demo):
    rows = json.loads((demo.root / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    foreign = next((r for r in rows if r["lang"] != "en"), None)
    if foreign is None:
        pytest.skip("the demo has no story in another language")
    page.goto(demo(urlsplit(foreign["url"]).path))  # on its language's site: the page (or the article) says so
    declared = page.locator(".sp-story").get_attribute("lang") or page.locator("html").get_attribute("lang")
    assert declared == foreign["lang"]
    english = next(r for r in rows if r["lang"] == "en")
    page.goto(demo(f"stories/{english['slug']}/"))
    assert page.locator(".sp-story").get_attribute("lang") is None


def test_sales_pages_are_noindex(page, demo):
    page.goto(demo("sales/"))
    assert "noindex" in page.locator('meta[name="robots"]').get_attribute("content")
