"""The preview (serve) rebuild: after any edit, exactly what a fresh build of the same files gives.

A serve rebuild keeps one plugin instance (and its caches) across edits, as
`mkdocs serve` does; the reference is a build with a brand-new instance. Both
run in preview mode, so both show the located errors of broken stories.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from sitebuilder import BUILD_DATE

PLUGINS = dict(MkDocsConfig._schema)["plugins"]  # MkDocs keeps serve-time plugin instances here


def tree(folder: Path) -> dict[str, str]:
    """Every file's hash; Pagefind's index aside (its files are not byte-reproducible: see fragments)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def fragments(folder: Path) -> list[str]:
    """The text Pagefind indexed, one gzip-compressed fragment per page."""
    return sorted(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                  for p in (folder / "pagefind" / "fragment").glob("*.pf_fragment"))


class Preview:
    """Builds a portal as `mkdocs serve` would, keeping one plugin instance across rebuilds."""

    def __init__(self, site, monkeypatch, dirty: bool = False):
        self.site = site
        self.dirty = dirty
        monkeypatch.setenv("STORYPORTAL_BUILD_DATE", BUILD_DATE.isoformat())
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
        monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
        self.instance = None
        # tmp_path's parent is shared by the whole session: start empty, or the first sweep of the
        # ledger takes a page another test left there for a template's output and keeps it.
        for folder in ("served", "fresh"):
            shutil.rmtree(site.root.parent / folder, ignore_errors=True)

    def _build(self, site_dir: Path, instance, dirty: bool = False):
        PLUGINS.plugin_cache.clear()
        if instance is not None:
            PLUGINS.plugin_cache["storyportal"] = instance
        config = load_config(config_file=str(self.site.root / "mkdocs.yml"), site_dir=str(site_dir))
        if instance is None:  # a new instance starts up, as when `serve` starts
            config.plugins.on_startup(command="serve", dirty=dirty)
        build(config, dirty=dirty)
        PLUGINS.plugin_cache.clear()
        plugin = config.plugins["storyportal"]
        if plugin.indexer is not None:  # the preview's search index is written in the background
            plugin.indexer.wait()
        return plugin

    def rebuild(self) -> dict[str, str]:
        self.site.flush()
        self.instance = self._build(self.served, self.instance, self.dirty)
        return tree(self.served)

    def fresh(self) -> dict[str, str]:
        self._build(self.fresh_dir, None)
        return tree(self.fresh_dir)

    @property
    def served(self) -> Path:
        return self.site.root.parent / "served"

    @property
    def fresh_dir(self) -> Path:
        return self.site.root.parent / "fresh"

    def walked(self) -> set[str]:
        """The pages MkDocs read and wrote in the last rebuild."""
        return {f.src_uri for f in self.instance.preview.walked.documentation_pages()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def start(site, material_search: bool = True):
    # With Material's search, its index must come out whole too (and MkDocs walks every page for
    # it); without, `storyportal serve` hands MkDocs only the pages whose output changes.
    site.extra_plugins = ["search"] if material_search else []
    site.company("acme", name="Acme Corp", industry="retail")
    site.company("globex", name="Globex", industry="healthcare", size="1-200")
    site.advocate("jane-doe", company="acme")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    site.story("alpha", title="Alpha story", products=["analytics"])
    site.story("beta", title="Beta story", products=["analytics"], advocates=["sam-lee"])
    site.story("gamma", title="Gamma story", folder=True, image="hero.png")
    site.image("stories/gamma/hero.png", size=(640, 360))


EDITS = {
    "body": lambda s: edit(s.root / "stories/alpha.md", "What we did.", "What we did, and more."),
    "title": lambda s: edit(s.root / "stories/beta.md", "Beta story", "Beta story, retold"),
    "facet moves a story to another industry": lambda s: s.story("alpha", title="Alpha story", industry="logistics"),
    "new story": lambda s: s.story("delta", title="Delta story", products=["analytics"]),
    "deleted story": lambda s: (s.root / "stories/beta.md").unlink(),
    "renamed slug": lambda s: (s.root / "stories/alpha.md").rename(s.root / "stories/alpha-two.md"),
    "image": lambda s: s.image("stories/gamma/hero.png", size=(640, 360), color=(10, 200, 10)),
    "consent revoked": lambda s: s.advocates["jane-doe"]["consent"].update(revoked=True),
    "consent granted again": lambda s: s.advocates["jane-doe"]["consent"].update(revoked=False),
    "taxonomy label": lambda s: s.plugin.update(taxonomy={**s.plugin["taxonomy"], "industry": {
        **s.plugin["taxonomy"]["industry"], "retail": "Retail & e-commerce"}}),
    "story broken": lambda s: edit(s.root / "stories/gamma/index.md", "type: case-study", "type: [case-study"),
    "story fixed": lambda s: edit(s.root / "stories/gamma/index.md", "type: [case-study", "type: case-study"),
}


@pytest.mark.parametrize(
    ("dirty", "material_search"),
    [(True, False), (True, True), (False, True)],
    ids=["storyportal-serve", "storyportal-serve-with-material-search", "mkdocs-serve"],
)
def test_every_edit_gives_the_same_site_as_a_fresh_build(site, monkeypatch, dirty, material_search):
    start(site, material_search)
    preview = Preview(site, monkeypatch, dirty)
    preview.rebuild()
    for name, change in EDITS.items():
        change(site)
        served = preview.rebuild()
        assert served == preview.fresh(), f"after '{name}'"


def test_a_broken_story_shows_its_located_error_in_the_preview(site, monkeypatch):
    start(site)
    edit(site.root / "stories/gamma/index.md", "type: case-study", "type: casestudy")
    preview = Preview(site, monkeypatch)
    preview.rebuild()
    page = (site.root.parent / "served" / "stories" / "gamma" / "index.html").read_text()
    assert "stories/gamma/index.md:3:7" in page and "[story-invalid-value]" in page
    home = (site.root.parent / "served" / "index.html").read_text()
    assert "stories/gamma/index.md:3:7" in home


def test_a_real_build_never_shows_preview_errors(site):
    start(site)
    edit(site.root / "stories/gamma/index.md", "type: case-study", "type: casestudy")
    out = site.build()
    assert not (out / "stories" / "gamma").exists()
    assert "story-invalid-value" not in (out / "index.html").read_text()


def test_storyportal_serve_renders_only_the_changed_story_page(site, monkeypatch):
    start(site)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    EDITS["body"](site)
    preview.rebuild()
    assert preview.instance.preview.rendered == {"stories/alpha.md"}


def test_an_unchanged_story_page_is_reused_while_serving(site, monkeypatch):
    start(site)
    preview = Preview(site, monkeypatch)
    preview.rebuild()
    EDITS["body"](site)
    preview.rebuild()
    reused = [k for k, (key, _) in preview.instance.preview.page_cache.items()]
    assert "stories/beta.md" in reused and preview.instance.preview.reused == {"stories/beta.md", "stories/gamma.md"}


BETA_LISTINGS = {"index.md", "stories/index.md", "sales/index.md", "industries/healthcare.md"}  # show beta's card


def walked_after(site, monkeypatch, name: str) -> set[str]:
    """The pages MkDocs was handed by the preview's rebuild after the edit ``name``."""
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    EDITS[name](site)
    preview.rebuild()
    return preview.walked()


def test_a_body_edit_renders_its_story_page_and_no_listing_page(site, monkeypatch):
    assert walked_after(site, monkeypatch, "body") == {"stories/alpha.md"}


def test_a_title_edit_renders_the_listing_pages_that_show_the_card(site, monkeypatch):
    assert walked_after(site, monkeypatch, "title") >= BETA_LISTINGS


def test_an_unchanged_rebuild_writes_no_page_and_keeps_the_site(site, monkeypatch):
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    before = preview.rebuild()
    after = preview.rebuild()
    assert after == before
    assert len(preview.walked()) == 1  # one page kept in MkDocs' list: it dates sitemap.xml.gz
    generated = [f.src_uri for f in preview.instance.preview.walked if f.generated_by and not f.src_uri.endswith(".md")]
    assert generated == []  # data files, images, /embed/ pages: none listed again


SEARCH_EDITS = ("body", "title", "facet moves a story to another industry", "new story", "deleted story",
                "consent revoked", "consent granted again", "taxonomy label")


def test_the_preview_search_index_follows_every_edit(site, monkeypatch):
    """Pagefind's files are not byte-reproducible (names and order vary); the text it indexed is."""
    start(site, material_search=False)
    site.plugin["search"] = True
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    for name in SEARCH_EDITS:
        EDITS[name](site)
        preview.rebuild()
        preview.fresh()
        assert fragments(preview.served) == fragments(preview.fresh_dir), f"after '{name}'"


def test_the_preview_search_index_finds_an_edited_body(site, monkeypatch):
    start(site, material_search=False)
    site.plugin["search"] = True
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    edit(site.root / "stories/alpha.md", "What we did.", "What we did with quokkas.")
    preview.rebuild()
    assert [text for text in fragments(preview.served) if "quokkas" in text]


def test_a_title_edit_renders_the_industry_page_of_its_story_only(site, monkeypatch):
    walked = walked_after(site, monkeypatch, "title")  # beta: healthcare
    assert "industries/healthcare.md" in walked and "industries/retail.md" not in walked


def test_the_internal_preview_gives_the_same_site_as_a_fresh_build(site, monkeypatch):
    """The internal build's own pages (roster, report) follow the edits too."""
    start(site, material_search=False)
    monkeypatch.setenv("STORYPORTAL_AUDIENCE", "internal")
    preview = Preview(site, monkeypatch, dirty=True)
    assert "sales/roster/index.html" in preview.rebuild()
    for name in ("body", "title", "new story", "consent revoked", "consent granted again"):
        EDITS[name](site)
        served = preview.rebuild()
        assert served == preview.fresh(), f"after '{name}'"
