"""Search with Pagefind: what the build indexes, and the switch that skips it."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from storyportal.adapter.search import index_site

pytestmark = pytest.mark.slow  # each build runs the Pagefind binary


def fragments(site_dir: Path) -> list[str]:
    """The text of every indexed page (Pagefind writes one gzip-compressed fragment per page)."""
    return sorted(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                  for p in (site_dir / "pagefind" / "fragment").glob("*.pf_fragment"))


def portal(site, **plugin):
    site.plugin.update(search=True, **plugin)
    site.advocate("jane-doe")
    site.advocate("gone", name="Gone Person", consent={"scopes": ["name", "case-study"], "granted": dt.date(2025, 1, 1),
                                                       "expires": dt.date(2026, 1, 1)})
    site.story("northwind", title="Northwind cuts checkout time", summary="A faster till.",
               products=["analytics"], use_cases=["retention"])
    site.story("withheld-one", title="Zanzibar quokka migration", advocates=["gone"])


def test_the_build_indexes_each_published_story_once(site):
    portal(site)
    out = site.build()
    [page] = fragments(out)
    assert "Northwind cuts checkout time" in page
    assert '"industry":["Retail"]' in page and '"use case":["Retention"]' in page


def test_a_withheld_story_is_not_in_the_index(site):
    portal(site)
    out = site.build()
    assert not any("Zanzibar" in text for text in fragments(out))


def test_material_search_index_is_not_written(site):
    portal(site)
    out = site.build()
    assert not (out / "search").exists()
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert not list((out / "pagefind").glob("pagefind-ui.*"))  # Pagefind's own UI is not shipped


def test_only_story_pages_are_indexed(site):
    portal(site)
    out = site.build()
    assert all('"url":"/stories/' in text for text in fragments(out))


def test_pages_get_the_search_box_and_a_csp_that_lets_it_run(site):
    portal(site)
    home = (site.build() / "index.html").read_text(encoding="utf-8")
    assert "data-sp-search-input" in home and "assets/sp-search.js" in home
    assert "'wasm-unsafe-eval'" in home


def test_no_search_skips_the_index_and_the_box(site):
    portal(site)
    out = site.build("--no-search")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "pagefind").exists()
    assert "data-sp-search-input" not in home and "sp-search.js" not in home


def test_search_false_in_the_config_skips_the_index(site):
    portal(site)
    site.plugin["search"] = False
    assert not (site.build() / "pagefind").exists()


def test_reindexing_replaces_the_whole_index(site):
    portal(site)
    out = site.build()
    story = out / "stories" / "northwind" / "index.html"
    story.write_text(story.read_text(encoding="utf-8").replace("Northwind cuts checkout time", "Renamed"),
                     encoding="utf-8")
    index_site(out, "en")
    [page] = fragments(out)
    assert "Renamed" in page and "Northwind cuts checkout time" not in page
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".storyportal-build.json"]  # no staging left
    assert not [p.name for p in out.parent.iterdir() if "pagefind" in p.name]
