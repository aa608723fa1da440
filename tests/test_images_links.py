"""Links to images and pages are relative, so any base path works: the fast path gives relpath's answers."""

from __future__ import annotations

import posixpath

import pytest

from storyportal.site.context import _relative_url

PAGES = ["", "index.html", "404.html", "stories/", "stories/acme/", "industries/retail/", "sales/roster/"]
PATHS = ["", "stories/", "stories/acme/", "stories/acme-2/", "img/0123456789abcdef-480.webp", "cards/x.png",
         "stories/acme/hero.png", "stories/facets.json", "assets/storyportal.css", "sales/index.json"]


def relpath_url(page_url: str, path: str) -> str:
    """The definition the fast path replaced (posixpath.relpath of the two site paths)."""
    rel = posixpath.relpath("/" + path, "/" + posixpath.dirname(page_url))
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel


@pytest.mark.parametrize("page_url", PAGES)
def test_relative_links_match_relpath(page_url):
    assert [_relative_url(page_url, path) for path in PATHS] == [relpath_url(page_url, path) for path in PATHS]


@pytest.mark.parametrize(("page_url", "path", "expected"), [
    pytest.param("stories/acme/", "img/a-480.webp", "../../img/a-480.webp", id="story-to-image"),
    pytest.param("stories/acme/", "stories/acme/", "./", id="self"),
    pytest.param("stories/acme/", "stories/", "../", id="parent"),
    pytest.param("", "stories/acme/", "stories/acme/", id="home-to-story"),
])
def test_relative_links(page_url, path, expected):
    assert _relative_url(page_url, path) == expected
