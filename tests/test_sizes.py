"""What a visitor downloads before the first view stays small however many stories the portal has.

Issue 16's budget: no page or file fetched before the first view above 300 KB gzip at 10,000
stories. Building 10,000 stories here would take minutes, so this builds the same portal at two
sizes and checks that the pages that list stories do not grow with the count beyond their first
view, and that every first-view file is inside the budget (bench/bench_sizes.py measures 10,000).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path, PurePosixPath

import pytest

from sitebuilder import SiteBuilder
from storyportal.sales.index import FIRST_ROWS, ROW_CHUNK
from storyportal.site import pages

BUDGET = 300 * 1024
SMALL, LARGE = FIRST_ROWS + 5, 3 * FIRST_ROWS
CONSTANT_PAGES = ["index.html", "stories/index.html", "sales/index.html"]  # first views that must not grow
REFERENCE = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+\.(?:js|css))"')


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def portal(root: Path, stories: int) -> Path:
    root.mkdir()
    site = SiteBuilder(root)
    site.advocate()
    for i in range(stories):
        site.story(f"story-{i:04d}", title=f"How customer {i} cut onboarding time by {i % 90 + 5}%",
                   published=dt.date(2026, 5, 1) - dt.timedelta(days=i),
                   metrics=[{"value": f"{i % 90 + 5}%", "label": "faster onboarding"}])
    return site.build("--audience", "internal")


# Two whole-portal builds of up to 150 stories: `make check` (-m "not slow") leaves these to `make test`.
two_sizes = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("sizes")
    return {n: portal(base / str(n), n) for n in (SMALL, LARGE)}


@two_sizes
@pytest.mark.parametrize("page", CONSTANT_PAGES)
def test_a_listing_page_does_not_grow_with_the_portal(built, page):
    small, large = gz(built[SMALL] / page), gz(built[LARGE] / page)
    assert large - small < 256, f"{page}: {small} B gzip at {SMALL} stories, {large} B at {LARGE}"


@two_sizes
def test_the_sales_page_holds_only_its_first_rows(built):
    page = (built[LARGE] / "sales" / "index.html").read_text(encoding="utf-8")
    assert page.count("<tr class=\"sp-row") == FIRST_ROWS + 1  # and the <template> row the script copies
    assert f"Showing {FIRST_ROWS} of {LARGE} stories" in page


@two_sizes
def test_the_sales_rows_are_all_in_the_chunks(built):
    chunks = sorted((built[LARGE] / "sales").glob("rows-*.json"))
    assert len(chunks) == -(-LARGE // ROW_CHUNK)
    assert sum(chunk.read_text(encoding="utf-8").count('"slug":') for chunk in chunks) == LARGE


def first_view_files(site: Path, page: str) -> list[Path]:
    """The page and the stylesheets and scripts it references (all fetched before the first view)."""
    here = PurePosixPath(page).parent
    found = [site / page]
    for ref in REFERENCE.findall((site / page).read_text(encoding="utf-8")):
        if "://" not in ref:
            found.append((site / here / ref).resolve())
    return found


@two_sizes
@pytest.mark.parametrize("page", [*CONSTANT_PAGES, "stories/story-0000/index.html", "industries/retail/index.html",
                                  "sales/roster/index.html", "sales/report/index.html"])
def test_every_first_view_file_is_inside_the_budget(built, page):
    sizes = {f.name: gz(f) for f in first_view_files(built[LARGE], page)}
    assert len(sizes) > 2  # the page, Material's bundle and stylesheet at least
    assert max(sizes.values()) < BUDGET, sizes


def roster_portal(site, advocates: int) -> Path:
    calls = {"available": True, "max_per_quarter": 2, "log": [], "owner": "owner@ourco.example"}
    for i in range(advocates):
        site.advocate(f"advocate-{i}", name=f"Advocate {i}", reference_calls=calls)
    site.story(advocates=["advocate-0"])
    return site.build("--audience", "internal")


def roster_names(page: Path) -> list[str]:
    return re.findall(r'<td class="sp-roster__who"><strong>([^<]+)</strong>', page.read_text(encoding="utf-8"))


def test_the_roster_is_split_into_pages_that_link_each_other(site, monkeypatch):
    monkeypatch.setattr(pages, "ROSTER_PAGE", 2)
    out = roster_portal(site, 5)
    first, second, third = (out / "sales" / "roster" / p / "index.html" for p in ("", "2", "3"))
    assert [len(roster_names(p)) for p in (first, second, third)] == [2, 2, 1]
    assert sorted(roster_names(first) + roster_names(second) + roster_names(third)) == [
        f"Advocate {i}" for i in range(5)]
    assert not (out / "sales" / "roster" / "4").exists()
    html = second.read_text(encoding="utf-8")
    assert "Page 2 of 3: advocates 3–4 of 5." in html
    assert '<a href="../" rel="prev">Previous page</a>' in html and '<a href="../3/" rel="next">Next page</a>' in html


def test_a_roster_that_fits_one_page_has_no_pager(site):
    out = roster_portal(site, 3)
    html = (out / "sales" / "roster" / "index.html").read_text(encoding="utf-8")
    assert len(roster_names(out / "sales" / "roster" / "index.html")) == 3
    assert "sp-pager" not in html and not (out / "sales" / "roster" / "2").exists()
