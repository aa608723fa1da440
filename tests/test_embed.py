"""Embeddable cards and the wall (/embed/, issue 17): what each shows, what none may show, their files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import pytest

from sitebuilder import ALL_SCOPES, SiteBuilder
from storyportal.site.leakguard import Leak, scan_output

NO_LOGO_NO_NAME = ["quote", "case-study", "testimonial"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One portal: a quoted story, one whose advocate gave no logo or name scope, one withheld, six more."""
    site = SiteBuilder(tmp_path_factory.mktemp("embed"))
    site.image("assets/logos/acme.png")
    site.image("assets/logos/globex.png")
    site.company("acme", logo="assets/logos/acme.png")
    site.company("globex", name="Globex", logo="assets/logos/globex.png")
    site.advocate("jane-doe", company="acme")
    site.advocate("bob-roe", company="globex", scopes=NO_LOGO_NO_NAME, name="Bob Roe")
    site.advocate("wally-poe", company="acme", name="Wally Poe",
                  consent={"scopes": ALL_SCOPES, "granted": dt.date(2026, 1, 10), "revoked": True})
    site.story("acme-quote", type="testimonial", title="Acme in their words", quote="Acme-words-quote.",
               metrics=[{"value": "40%", "label": "faster onboarding"}], published=dt.date(2026, 5, 1))
    site.story("globex-quote", type="testimonial", advocates=["bob-roe"], title="Globex in their words",
               quote="Globex-words-quote.", published=dt.date(2026, 4, 1))
    site.story("withheld", advocates=["wally-poe"], summary="WITHHELD-EMBED-SUMMARY", published=dt.date(2026, 5, 2))
    for day in range(1, 7):
        site.story(f"story-{day}", title=f"Story {day}", published=dt.date(2026, 3, day))
    return site.build()


def text(path) -> str:
    return path.read_text(encoding="utf-8")


def test_a_withheld_story_has_no_embed_files(built):
    assert not (built / "embed" / "withheld").exists()
    assert "withheld" not in [c["slug"] for c in json.loads(text(built / "embed/wall/cards-0.json"))]
    assert not [p for p in (built / "embed").rglob("*") if p.is_file() and "WITHHELD-EMBED" in text(p)]


@pytest.mark.parametrize(("slug", "logos"), [("acme-quote", 1), ("globex-quote", 0)], ids=["logo-scope", "no-logo-scope"])
def test_a_card_shows_a_logo_only_with_the_logo_scope(built, slug, logos):
    page = text(built / "embed" / slug / "index.html")
    assert page.count('<div class="spe-card__logo">') == logos
    assert page.count("<img") == logos


def test_the_wall_data_has_no_logo_without_the_logo_scope(built):
    cards = {c["slug"]: c for c in json.loads(text(built / "embed/wall/cards-0.json"))}
    assert cards["globex-quote"]["logo"] is None
    assert cards["acme-quote"]["logo"].startswith("img/")


def test_a_card_without_the_name_scope_names_no_one(built):
    page = text(built / "embed/globex-quote/index.html")
    assert "Bob Roe" not in page
    assert "<figcaption>VP Customer Experience, Globex</figcaption>" in page


def test_a_card_shows_the_quote_its_consent_allows_with_the_name(built):
    page = text(built / "embed/acme-quote/index.html")
    assert "<blockquote><p>Acme-words-quote.</p></blockquote>" in page
    assert "<figcaption><strong>Jane Doe</strong>, VP Customer Experience, Acme Corp</figcaption>" in page
    assert '<p class="spe-card__metric">40% faster onboarding</p>' in page


def test_a_card_without_a_quote_shows_the_summary(built):
    page = text(built / "embed/story-1/index.html")
    assert '<p class="spe-card__summary">Acme onboards customers in days, not weeks.</p>' in page
    assert "<blockquote" not in page


def test_the_card_links_to_the_story_with_utm_parameters(built):
    page = text(built / "embed/acme-quote/index.html")
    assert ('<a href="../../stories/acme-quote/?utm_source=embed&amp;utm_medium=story-card&amp;'
            'utm_campaign=acme-quote" target="_blank" rel="noopener">') in page


def test_the_card_page_is_our_own_minimal_page_in_the_story_language(built):
    page = text(built / "embed/acme-quote/index.html")
    assert page.startswith("<!doctype html>\n<html lang=\"en\">")
    assert re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', page) == ["../embed.css", "../frame.js"]


def test_oembed_of_a_card_is_a_rich_record(built):
    record = json.loads(text(built / "embed/acme-quote/oembed.json"))
    assert record == {
        "version": "1.0",
        "type": "rich",
        "html": '<iframe src="https://stories.test/embed/acme-quote/" title="Acme in their words" width="480" '
                'height="360" style="border:0;width:100%;max-width:480px" loading="lazy"></iframe>',
        "width": 480,
        "height": 360,
        "title": "Acme in their words",
        "provider_name": "Test stories",
        "provider_url": "https://stories.test/",
    }


def test_oembed_of_the_wall_is_a_rich_record(built):
    record = json.loads(text(built / "embed/wall/oembed.json"))
    assert {k: record[k] for k in ("version", "type", "width", "height")} == {
        "version": "1.0", "type": "rich", "width": 960, "height": 720}
    assert record["html"].startswith('<iframe src="https://stories.test/embed/wall/" title="Test stories"')


@pytest.mark.parametrize("path", ["embed/acme-quote/", "embed/wall/"])
def test_an_embed_page_links_its_oembed_record(built, path):
    page = text(built / path / "index.html")
    assert (f'<link rel="alternate" type="application/json+oembed" href="https://stories.test/{path}oembed.json"'
            in page)


def test_the_wall_without_javascript_shows_the_six_newest_cards(built):
    page = text(built / "embed/wall/index.html")
    titles = re.findall(r'<h2 class="spe-card__title">([^<]+)</h2>', page)
    assert titles == ["Acme in their words", "Globex in their words", "Story 6", "Story 5", "Story 4", "Story 3"]


def test_a_card_first_view_is_under_30_kb_compressed(built):
    page = text(built / "embed/acme-quote/index.html")
    files = [built / "embed/acme-quote/index.html", built / "embed/embed.css", built / "embed/frame.js"]
    files += [built / "embed/acme-quote" / src for src in re.findall(r'<img[^>]* src="([^"]+)"', page)]
    assert sum(len(gzip.compress(p.read_bytes())) for p in files) <= 30_000


def test_the_story_page_offers_the_embed_code(built):
    page = text(built / "stories/acme-quote/index.html")
    assert ('&lt;div data-storyportal-story=&#34;acme-quote&#34;&gt;&lt;a href=&#34;'
            'https://stories.test/stories/acme-quote/&#34;&gt;Acme in their words&lt;/a&gt;&lt;/div&gt;') in page
    assert '<div data-sp-embed-preview data-sp-embed-src="../../embed/acme-quote/"></div>' in page


def test_no_headers_file_without_frame_ancestors(built):
    assert not (built / "_headers").exists()


def test_frame_ancestors_are_written_as_a_headers_file(site):
    site.story("northwind")
    site.plugin["embed_frame_ancestors"] = ["https://www.example.com", "https://*.partner.example"]
    out = site.build()
    assert text(out / "_headers") == (
        "/embed/*\n  Content-Security-Policy: frame-ancestors 'self' https://www.example.com https://*.partner.example\n"
    )


def test_a_frame_ancestor_with_a_path_is_a_located_error(site):
    site.story("northwind")
    site.plugin["embed_frame_ancestors"] = ["https://www.example.com/page"]
    code, out, err = site.cli("validate", "--build-date", "2026-06-01")
    lines = text(site.root / "mkdocs.yml").splitlines()
    line = lines.index("    - https://www.example.com/page") + 1
    assert (code, err) == (2, (
        f"mkdocs.yml:{line}:7: error: 'embed_frame_ancestors > item 1' has an invalid format: "
        "'https://www.example.com/page' (write a site's origin without a path, like https://www.example.com) "
        "[config-invalid-value]\n"))


def test_the_leak_guard_reads_the_embed_files(site):
    site.story("northwind")
    out = site.build()
    wall = out / "embed/wall/cards-0.json"
    wall.write_text(text(wall).replace("Acme Corp", "Acme Corp jane@acme.example"), encoding="utf-8")
    leaks = scan_output(out, [("jane-doe", "email", "jane@acme.example")])
    assert leaks == [Leak("embed/wall/cards-0.json", "private value of jane-doe.email")]  # said once, as what it is


def test_the_wall_chunks_follow_the_order_of_the_stories_index(built):
    index = json.loads(text(built / "stories/facets.json"))
    cards = json.loads(text(built / "embed/wall/cards-0.json"))
    assert [c["slug"] for c in cards] == [row[0] for row in index["stories"]]


def test_a_portal_with_nothing_published_has_an_empty_wall_and_no_cards(site):
    site.advocate("jane-doe", consent={"scopes": ALL_SCOPES, "granted": dt.date(2026, 1, 10), "revoked": True})
    site.story("northwind")
    out = site.build()
    assert sorted(p.relative_to(out).as_posix() for p in (out / "embed").rglob("*") if p.is_file()) == [
        "embed/embed.css", "embed/embed.js", "embed/frame.js", "embed/wall.js", "embed/wall/index.html",
        "embed/wall/oembed.json"]
    assert '<li class="spe-empty">No customer stories yet.</li>' in text(out / "embed/wall/index.html")


def test_a_hand_written_page_cannot_replace_a_card(site):
    site.story("northwind")
    site.write("docs/embed/northwind.md", "# Not the card\n")
    code, out, err = site.cli("build", "--build-date", "2026-06-01")
    assert ("docs/embed/northwind.md:1:1: error: This hand-written file would replace the generated page "
            "/embed/northwind/, which the site builds itself (give the page another name; stories go in stories/, "
            "with their consent checked) [docs-replaces-page]") in err
    assert "Not the card" not in text(site.root / "site/embed/northwind/index.html")


def test_embed_pages_are_not_in_the_sitemap(built):
    assert "/embed/" not in text(built / "sitemap.xml")
