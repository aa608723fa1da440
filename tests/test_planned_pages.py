"""Story pages are rendered without setting up Python-Markdown (adapter/plugin.py PlannedPage): their
Markdown is empty, and what MkDocs' conversion of it would give is given directly."""

from __future__ import annotations

from mkdocs.structure.pages import Page

from sitebuilder import BUILD_DATE


def test_no_story_page_sets_up_markdown(site, monkeypatch):
    rendered: list[str] = []
    render = Page.render
    monkeypatch.setattr(Page, "render", lambda page, config, files: rendered.append(page.file.src_uri) or render(page, config, files))
    site.story("northwind")
    site.story("contoso")
    site.write("docs/about.md", "# About\n\nHand-written.\n")
    site.build(today=BUILD_DATE)
    assert "about.md" in rendered  # a hand-written page is converted as before
    assert "stories/index.md" in rendered  # the listing's page is not a story page
    assert [uri for uri in rendered if uri.startswith("stories/")] == ["stories/index.md"]


def test_a_story_page_is_the_same_with_and_without_markdown_set_up(site, monkeypatch):
    site.story("northwind")
    planned = (site.build(today=BUILD_DATE) / "stories/northwind/index.html").read_text()
    monkeypatch.setattr("storyportal.adapter.plugin.PlannedPage.render", Page.render)
    converted = (site.build(today=BUILD_DATE) / "stories/northwind/index.html").read_text()
    assert planned == converted
