"""Each shortcut the preview takes at 10,000 stories gives what the long way gives."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from storyportal.adapter.preview import ThemeListing
from storyportal.core.model import StoryType
from storyportal.sales import index as sales
from storyportal.site import plan as plan_module
from storyportal.site.embed import plan_embeds
from storyportal.site.pages import ALTERNATE_KINDS, TextMemo, page_url_of, plan_pages
from storyportal.site.plan import CARD_CHUNK, PlanMemo, _card_json, plan_site, story_facet_values
from test_preview import EDITS, Preview, start

SITE = "https://stories.test/"


def every_page_alternates(pages) -> dict:
    """The long way: a page context for every page."""
    found = {}
    for src_uri, spec in pages.pages.items():
        if spec.kind in ALTERNATE_KINDS:
            links = pages.context(spec, page_url_of(src_uri), lambda path, kind: None).alternates
            if links:
                found[page_url_of(src_uri)] = links
    return found


@pytest.mark.parametrize(
    "languages", [None, {"en": {"label": "English"}, "de": {"label": "Deutsch"}}], ids=["one-language", "two-languages"]
)
@pytest.mark.parametrize("site_url", [SITE, None], ids=["site-url", "no-site-url"])
def test_the_sitemap_alternates_equal_every_page_contexts(site, languages, site_url):
    site.mkdocs["site_url"] = site_url
    site.plugin["languages"] = languages
    site.story("acme")
    site.story("acme-de", title="Wie Acme schneller wurde", translation_of="acme", lang="de")
    site.story("globex", title="Globex goes global", industry="healthcare")
    portal = site.load()
    pages = plan_pages(plan_site(portal), portal)
    assert pages.alternates() == every_page_alternates(pages)
    assert bool(pages.alternates()) == bool(site_url and languages)  # one language: a translation is refused


def test_the_wall_chunks_kept_by_the_memo_follow_a_title_edit(site):
    site.story("acme")
    site.story("globex", title="Globex goes global", industry="healthcare")
    memo: dict = {}
    portal = site.load()
    first = plan_embeds(plan_site(portal), lambda path: None, [], memo).files
    site.story("globex", title="Globex goes further", industry="healthcare")
    portal = site.load()
    kept = plan_embeds(plan_site(portal), lambda path: None, [], memo).files
    fresh = plan_embeds(plan_site(portal), lambda path: None, []).files
    assert kept == fresh and kept != first
    assert "Globex goes further" in kept["embed/wall/cards-0.json"]


def test_a_docs_page_that_would_replace_a_generated_one_is_refused_on_every_rebuild(site, monkeypatch, caplog):
    start(site, material_search=False)
    (site.root / "docs" / "sales").mkdir()
    (site.root / "docs" / "sales" / "index.md").write_text("# Not the sales page\n")
    preview = Preview(site, monkeypatch, dirty=True)
    for rebuild in range(2):  # the second rebuild checks nothing new: it reports what the first found
        caplog.clear()
        served = preview.rebuild()
        assert "docs/sales/index.md" in caplog.text and "docs-replaces-page" in caplog.text, rebuild
        assert served == preview.fresh()
    (site.root / "docs" / "stories").mkdir()
    (site.root / "docs" / "stories" / "alpha.md").write_text("# Not the story\n")
    caplog.clear()
    served = preview.rebuild()
    assert "docs/stories/alpha.md" in caplog.text
    assert served == preview.fresh()


def theme_files(config) -> list[str]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted(f.src_uri for f in files)


def test_the_kept_theme_listing_equals_mkdocs_own_and_follows_the_custom_folder(tmp_path):
    custom = tmp_path / "theme"
    (custom / "assets").mkdir(parents=True)
    (custom / "assets" / "a.js").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\ntheme:\n  name: material\n  custom_dir: {custom}\n")

    def configs():
        plain = load_config(config_file=str(tmp_path / "mkdocs.yml"))
        kept = load_config(config_file=str(tmp_path / "mkdocs.yml"))
        listing.wrap(kept.theme)
        return plain, kept

    listing = ThemeListing()
    plain, kept = configs()
    assert theme_files(kept) == theme_files(plain) and "assets/a.js" in theme_files(kept)
    first = listing.kept
    plain, kept = configs()
    assert theme_files(kept) == theme_files(plain) and listing.kept is first  # listed once
    (custom / "assets" / "b.js").write_text("")
    plain, kept = configs()
    assert theme_files(kept) == theme_files(plain) and "assets/b.js" in theme_files(kept)


def reference_json(rows, portal) -> str:
    data = {
        "columns": sales.column_names(),
        "generated_for": portal.today.isoformat(),
        "stories": [sales.row_dict(r) for r in rows],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def reference_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(sales.column_names())
    for row in rows:
        writer.writerow([sales.csv_cell(getattr(row, name)) for name in sales.column_names()])
    return out.getvalue()


def reference_chunks(rows, labels) -> dict:
    files = {}
    for first in range(0, len(rows), sales.ROW_CHUNK):
        chunk = []
        for row in rows[first : first + sales.ROW_CHUNK]:
            data = sales.row_dict(row)
            del data["featured"]
            data["type_label"] = labels.get(StoryType(row.type), row.type)
            chunk.append(data)
        files[f"sales/rows-{first // sales.ROW_CHUNK}.json"] = json.dumps(
            chunk, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
    return files


def sales_files(portal, memo):
    rows, texts = memo.sales_rows(portal), memo.row_texts  # unchanged rows are kept: their texts too
    labels = plan_site(portal).type_labels
    return (
        sales.render_json(rows, portal, texts),
        sales.render_csv(rows, texts),
        sales.render_row_chunks(rows, labels, texts),
    ), (reference_json(rows, portal), reference_csv(rows), reference_chunks(rows, labels))


def test_the_sales_files_from_kept_row_texts_are_json_dumps_and_csv_own_bytes(site):
    portal = site.load()
    assert sales.render_json([], portal) == reference_json([], portal)
    site.story(
        "acme",
        title='=Acme "quoted", naïve\ttab',
        metrics=[{"value": "40%", "label": "faster, cheaper"}],
        products=["analytics"],
        tags=["a,b", "ü"],
    )
    site.story("globex", title="Globex goes global", industry="healthcare", summary="Line one; 'two'")
    memo = TextMemo()
    made, reference = sales_files(site.load(), memo)
    assert made == reference
    acme = memo.row_texts.kept["acme"]
    site.story("globex", title="Globex goes further", industry="healthcare")  # one row changes, one is kept
    site.story("initech", title="Initech, newly", industry="logistics")
    made, reference = sales_files(site.load(), memo)
    assert made == reference and "Globex goes further" in made[1]
    assert memo.row_texts.kept["acme"] is acme  # the unchanged row was not encoded again


def test_the_stories_card_chunks_from_kept_card_texts_are_json_dumps_own_bytes(site):
    site.story("acme", title='Acme "quoted", naïve\ttab', metrics=[{"value": "40%", "label": "faster"}])
    site.story("globex", title="Globex goes global", industry="healthcare")
    memo = PlanMemo()
    for title in ("Globex goes global", "Globex goes further"):  # the second plan keeps acme's text
        site.story("globex", title=title, industry="healthcare")
        plan = plan_site(site.load(), memo=memo)
        reference = json.dumps(
            [_card_json(card, lambda path: None) for card in plan.cards], ensure_ascii=False, separators=(",", ":")
        )
        assert plan.data_files["stories/cards-0.json"] == reference and title in reference


CARD_EDITS = {
    "logo replaced": lambda s: s.image("assets/logos/acme.png", size=(96, 48), color=(10, 200, 10)),
    "interface string": lambda s: s.write("messages/en.yaml", 'logo.alt: "{company} (logo)"\n'),
}


@pytest.mark.parametrize("change", ["logo replaced", "interface string"])
def test_listing_cards_kept_across_rebuilds_follow_a_logo_or_a_string_edit(site, monkeypatch, change):
    start(site, material_search=False)
    site.company("acme", name="Acme Corp", industry="retail", logo="assets/logos/acme.png")
    site.image("assets/logos/acme.png", size=(96, 48))
    preview = Preview(site, monkeypatch, dirty=True)
    before = preview.rebuild()
    CARD_EDITS[change](site)
    served = preview.rebuild()
    assert served == preview.fresh()
    assert served["industries/retail/index.html"] != before["industries/retail/index.html"]


def reference_index(published, facets) -> tuple[str, str]:
    """facets.json and text.json as one json.dumps each (before rows were kept per story)."""
    positions = {f.name: {v.slug: i for i, v in enumerate(f.values)} for f in facets}
    rows = [
        [s.slug] + [[positions[f.name][v] for v in story_facet_values(s, f.name)] for f in facets] for s in published
    ]
    index = {
        "v": 1,
        "chunk": CARD_CHUNK,
        "count": len(rows),
        "facets": [{"name": f.name, "label": f.label, "values": [[v.slug, v.label] for v in f.values]} for f in facets],
        "stories": rows,
    }
    text = [" ".join([s.title, s.summary, s.company.name, " ".join(s.tags)]).lower() for s in published]
    return (
        json.dumps(index, ensure_ascii=False, separators=(",", ":")),
        json.dumps(text, ensure_ascii=False, separators=(",", ":")),
    )


def test_the_stories_facets_and_text_from_kept_rows_are_json_dumps_own_bytes(site):
    memo = PlanMemo()
    portal = site.load()
    empty = plan_site(portal, memo=memo)
    assert (empty.data_files["stories/facets.json"], empty.data_files["stories/text.json"]) == reference_index(
        (), empty.facets
    )
    site.story("acme", title='Acme "quoted", Naïve', products=["analytics"], tags=["Ü", "b"])
    for industry in ("healthcare", "logistics"):  # the second plan keeps acme's row, moves globex's
        site.story("globex", title="Globex", industry=industry)
        portal = site.load()
        plan = plan_site(portal, memo=memo)
        expected = reference_index(portal.published, plan.facets)
        assert (plan.data_files["stories/facets.json"], plan.data_files["stories/text.json"]) == expected


def related_of(plan) -> dict:
    return {slug: [c.slug for c in view.related] for slug, view in plan.stories.items()}


RELATED_EDITS = {
    "old story added, outside every pool": lambda s: s.story(
        "zz-old", title="Old", products=["analytics"], published=dt.date(2020, 1, 1)
    ),
    "newest story added": lambda s: s.story(
        "zz-new", title="New", products=["analytics"], published=dt.date(2026, 5, 1)
    ),
    "use cases of a pooled story": lambda s: s.story(
        "s-39", title="S 39", products=["analytics"], use_cases=["onboarding"], published=dt.date(2025, 2, 9)
    ),
    "an old story dated into the pools": lambda s: s.story(
        "s-00", title="S 0", products=["analytics"], published=dt.date(2026, 4, 1)
    ),
    "a pooled story removed": lambda s: (s.root / "stories" / "s-38.md").unlink(),
    "an old story removed": lambda s: (s.root / "stories" / "s-01.md").unlink(),
}


def test_related_stories_ranked_only_where_a_pool_changed_equal_a_fresh_plan(site, monkeypatch):
    for i in range(40):  # more than RELATED_POOL stories in one industry and product
        site.story(
            f"s-{i:02d}",
            title=f"S {i}",
            products=["analytics"] if i % 3 else ["analytics", "journeys"],
            published=dt.date(2024, 1, 1) + dt.timedelta(days=10 * i),
        )
    memo, ranked = PlanMemo(), []
    plan_site(site.load(), memo=memo)
    real = plan_module.related_stories
    monkeypatch.setattr(plan_module, "related_stories", lambda story, *a: ranked.append(story.slug) or real(story, *a))
    for name, change in RELATED_EDITS.items():
        ranked.clear()
        change(site)
        kept = plan_site(site.load(), memo=memo)
        if name == "old story added, outside every pool":
            assert ranked == ["zz-old"]  # no pool changed: the others keep their ranking
        assert related_of(kept) == related_of(plan_site(site.load())), name


def test_the_sitemap_is_rendered_again_only_when_what_it_lists_changes(site, monkeypatch):
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    sitemap = preview.instance.preview.sitemap_output
    renders = sitemap.renders
    EDITS["body"](site)
    assert preview.rebuild() == preview.fresh()
    assert sitemap.renders == renders  # the same pages at the same addresses: the last output kept
    EDITS["title"](site)  # other pages rendered, the body-edited one kept again
    assert preview.rebuild() == preview.fresh()
    assert sitemap.renders == renders
    EDITS["new story"](site)
    served = preview.rebuild()
    assert sitemap.renders == renders + 1 and served == preview.fresh()
    assert "/stories/delta/" in (preview.served / "sitemap.xml").read_text()


def test_the_docs_check_finds_output_folders_as_listing_every_folder_would():
    from storyportal.site.handwritten import _Folders

    outputs = ["stories/acme/index.html", "stories/index.html", "img/a/b/c.webp", "sitemap.xml", "stories-x/y.json"]
    every = {"/".join(p.split("/")[:depth]) for p in outputs for depth in range(1, p.count("/") + 1)}
    names = every | {"stories/acme/index.html", "stories/ac", "img/a/b/c.webp", "stories-", "story", "", "img/a/b/c"}
    assert {name for name in names if name in _Folders(outputs)} == every


def test_images_the_served_site_holds_are_not_looked_up_in_the_cache_again(site, monkeypatch):
    from storyportal.site.imagecache import ImageCache

    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    asked: list[str] = []
    get = ImageCache.get
    monkeypatch.setattr(ImageCache, "get", lambda self, name: asked.append(name) or get(self, name))
    EDITS["body"](site)
    served = preview.rebuild()
    assert [name for name in asked if not name.startswith("text/")] == []  # every image held: none looked up
    assert served == preview.fresh()
    asked.clear()
    EDITS["image"](site)  # a new hero: its new copies are looked up (and made)
    served = preview.rebuild()
    assert [name for name in asked if name.startswith("img/")]
    assert served == preview.fresh()


def test_an_embed_cards_inputs_made_without_its_context_equal_those_read_from_its_context(site):
    site.image("assets/logos/acme.png")
    site.company("acme", logo="assets/logos/acme.png")
    site.story("acme", quote="Fast.")
    site.story("globex", title="Globex goes global", industry="healthcare")
    portal = site.load()
    pages = plan_pages(plan_site(portal), portal)
    embeds = pages.embed_pages(lambda path, kind: (path, kind))
    assert [page.slug for page in embeds] == ["acme", "globex", ""]  # one card page each, then the wall
    assert all(page.shows() == pages.embed_shows(page.context) for page in embeds)


def test_a_new_story_writes_its_own_sitemap_entry_and_keeps_the_others(site, monkeypatch):
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    sitemap = preview.instance.preview.sitemap_output
    EDITS["new story"](site)
    preview.rebuild()
    listed, made = sitemap.kept[1].count("<url>"), sitemap.pieces_made
    site.story("epsilon", title="Epsilon story", products=["analytics"])  # one more entry, written alone
    assert preview.rebuild() == preview.fresh()
    assert sitemap.kept[1].count("<url>") == listed + 1
    assert sitemap.pieces_made - made == 1


def test_after_a_new_story_the_sitemap_looks_again_only_at_pages_not_kept_both_times(site, monkeypatch):
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    EDITS["body"](site)
    preview.rebuild()  # the other stories' pages are kept from here on
    state = preview.instance.preview
    looked: list[str] = []
    entry = type(state)._sitemap_entry
    monkeypatch.setattr(type(state), "_sitemap_entry", lambda self, file, *rest: looked.append(file.src_uri) or entry(self, file, *rest))
    EDITS["new story"](site)  # every page after it in the list moves by one
    assert preview.rebuild() == preview.fresh()
    assert any("delta" in uri for uri in looked)
    assert not [uri for uri in looked if "beta" in uri]  # another industry's story, kept both times: its entry kept


def test_pages_kept_by_a_rebuild_keep_their_language_versions_in_the_sitemap(site, monkeypatch):
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.plugin["case_study_sections"] = {code: ["Challenge", "Solution", "Results"] for code in ("en", "de")}
    start(site, material_search=False)
    site.story("alpha-de", title="Alpha auf Deutsch", translation_of="alpha", lang="de")
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    EDITS["body"](site)  # alpha's page only: the home pages, with their language versions, are kept
    assert preview.rebuild() == preview.fresh()
    assert 'hreflang="de" href="https://stories.test/de/"' in (preview.served / "sitemap.xml").read_text()


def test_the_sitemap_joined_from_entries_is_the_templates_render_with_language_alternates():
    from types import SimpleNamespace as Page

    import jinja2

    from storyportal.adapter.preview import SitemapOutput

    theme = Path(__file__).resolve().parents[1] / "theme"
    template = jinja2.Environment(loader=jinja2.FileSystemLoader(theme)).get_template("sitemap.xml")
    pages = [Page(page=Page(is_link=False, abs_url=f"/{n}/", canonical_url=None, update_date=None, url=f"{n}/"))
             for n in ("a", "b&c", "d")]
    config = Page(extra={"sp_alternates": {"a/": [["de", "https://x.test/de/a/"]]}})  # lists, as YAML gives
    sitemap = SitemapOutput()
    first = sitemap.template(template, pages[:2], config.extra["sp_alternates"], "theme", config).render()
    sitemap.rendered(first)
    joined = sitemap.template(template, pages, config.extra["sp_alternates"], "theme", config).render()
    assert first == template.render(pages=pages[:2], config=config)
    assert joined == template.render(pages=pages, config=config)
    assert sitemap.pieces_made == 3
