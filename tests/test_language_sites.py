"""A site per language in one build: pages under each prefix, fallback listing, selector, hreflang, sitemap, sales."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from sitebuilder import TAXONOMY
from storyportal.sales.index import sales_rows
from storyportal.site.leakguard import scan_output
from storyportal.site.pages import plan_pages
from storyportal.site.plan import plan_site

SITE = "https://stories.test/"
SECTIONS = ["Challenge", "Solution", "Results"]
METRICS = [{"value": "40%", "label": "faster onboarding"}]


def labelled(taxonomy: dict) -> dict:
    return {facet: {slug: {"en": label, "de": f"{label}-DE", "fr": f"{label}-FR"} for slug, label in values.items()}
            for facet, values in taxonomy.items()}


@pytest.fixture
def multi(site):
    """English (root), German (/de/) and French (/fr/); "acme" has a German translation, "globex" none."""
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}, "fr": {"label": "Français"}}
    site.plugin["taxonomy"] = labelled(TAXONOMY)
    site.plugin["case_study_sections"] = SECTIONS
    site.story("acme", metrics=METRICS)
    site.story("acme-de", title="Wie Acme das Onboarding beschleunigte", translation_of="acme", lang="de",
               metrics=[{"value": "40%", "label": "schnelleres Onboarding"}])
    site.story("globex", title="Globex goes global", industry="healthcare", published=dt.date(2026, 5, 1))
    return site


def page(out, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def html_pages(out):
    """Every page the site serves (redirects, embeds and the 404 page aside)."""
    for path in sorted(out.rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' not in text and "embed" not in path.relative_to(out).parts:
            yield path.relative_to(out).parent.as_posix(), text


def test_every_language_has_its_home_list_industries_and_own_stories(multi):
    out = multi.build()
    for path in ("", "stories", "industries/retail", "stories/acme", "stories/globex",
                 "de", "de/stories", "de/industries/retail", "de/stories/acme-de", "fr", "fr/stories"):
        assert (out / path / "index.html").is_file(), path
    assert not (out / "de/stories/globex").exists()  # no copy pretending to be a translation
    assert not (out / "fr/stories/acme").exists()


def test_a_language_without_a_translation_lists_the_original_with_a_badge(multi):
    german = page(multi.build(), "de/stories")
    globex = re.search(r'<li class="sp-card" lang="en">.*?</li>', german, re.S).group(0)
    assert 'href="../../stories/globex/"' in globex
    assert '<span class="sp-badge sp-badge--lang">English</span>' in globex
    acme = re.search(r'<li class="sp-card">.*?Wie Acme.*?</li>', german, re.S).group(0)
    assert 'href="acme-de/"' in acme and "sp-badge--lang" not in acme


def test_the_german_index_chunks_hold_german_labels_and_the_fallback(multi):
    out = multi.build()
    facets = json.loads((out / "de/stories/facets.json").read_text())
    industry = next(f for f in facets["facets"] if f["name"] == "industry")
    assert ["healthcare", "Healthcare-DE"] in industry["values"]
    cards = json.loads((out / "de/stories/cards-0.json").read_text())
    assert [(c["url"], c["lang"]) for c in cards] == [("stories/globex/", "en"), ("de/stories/acme-de/", "de")]


def test_every_page_has_absolute_hreflang_alternates_and_x_default(multi):
    out = multi.build()
    pages = dict(html_pages(out))
    for path, text in pages.items():
        if path.startswith("sales"):
            continue  # /sales/ is one page in the default language, noindex
        links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text)
        assert links, path
        assert all(href.startswith(SITE) for _, href in links), path
        assert links[-1][0] == "x-default", path


def test_story_alternates_name_only_the_real_versions(multi):
    out = multi.build()
    links = re.findall(r'hreflang="([^"]+)" href="([^"]+)"', page(out, "de/stories/acme-de"))
    assert links[:3] == [("en", SITE + "stories/acme/"), ("de", SITE + "de/stories/acme-de/"),
                         ("x-default", SITE + "stories/acme/")]
    links = re.findall(r'hreflang="([^"]+)" href="([^"]+)"', page(out, "stories/globex"))
    assert links[:2] == [("en", SITE + "stories/globex/"), ("x-default", SITE + "stories/globex/")]


def test_the_selector_goes_to_the_translation_else_to_that_languages_home(multi):
    out = multi.build()
    links = dict(re.findall(r'href="([^"]+)" hreflang="[^"]+" lang="[^"]+"[^>]*data-sp-lang-link="([^"]+)"',
                            page(out, "stories/acme")))
    assert {code: href for href, code in links.items()} == {"en": "./", "de": "../../de/stories/acme-de/",
                                                            "fr": "../../fr/"}
    listing = page(out, "de/stories")
    assert 'href="../../stories/" hreflang="en"' in listing and 'href="../../fr/stories/" hreflang="fr"' in listing


def test_without_site_url_there_are_no_alternates_but_the_selector_stays(multi):
    multi.mkdocs.pop("site_url")
    out = multi.build()
    text = page(out, "stories/acme")
    assert 'rel="alternate" hreflang' not in text
    assert 'data-sp-lang-link="de"' in text


def test_open_graph_locales_and_json_ld_link_the_versions(multi):
    out = multi.build()
    german = page(out, "de/stories/acme-de")
    assert '<meta property="og:locale" content="de">' in german
    assert '<meta property="og:locale:alternate" content="en">' in german
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', german, re.S).group(1))
    assert ld["inLanguage"] == "de"
    assert ld["translationOfWork"] == {"@type": "Article", "inLanguage": "en", "url": SITE + "stories/acme/"}
    original = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page(out, "stories/acme"), re.S).group(1))
    assert original["workTranslation"] == [{"@type": "Article", "inLanguage": "de", "url": SITE + "de/stories/acme-de/"}]


def test_the_sitemap_lists_every_language_page_with_its_alternates(multi):
    root = ET.parse(multi.build() / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: [(a.get("hreflang"), a.get("href")) for a in u.findall("x:link", ns)]
            for u in root.findall("s:url", ns)}
    assert urls[SITE + "de/stories/acme-de/"] == [("en", SITE + "stories/acme/"), ("de", SITE + "de/stories/acme-de/"),
                                                 ("x-default", SITE + "stories/acme/")]
    assert (SITE + "fr/industries/retail/") in urls
    assert urls[SITE + "stories/globex/"] == [("en", SITE + "stories/globex/"), ("x-default", SITE + "stories/globex/")]


def test_every_generated_page_names_its_language_site(multi):
    portal = multi.load()
    pages = plan_pages(plan_site(portal), portal).pages
    langs = {uri: spec.lang for uri, spec in pages.items()}
    assert langs["de/stories/acme-de.md"] == "de" and langs["fr/index.md"] == "fr"
    assert langs["stories/acme.md"] == "en" and langs["sales/index.md"] == "en"
    assert all(lang == uri.split("/")[0] for uri, lang in langs.items() if uri.startswith(("de/", "fr/")))


def test_an_old_address_of_a_story_now_under_a_prefix_redirects(multi):
    multi.story("medora", title="Weniger Terminausfälle", lang="de", industry="healthcare")
    out = multi.build()
    assert 'url=../../de/stories/medora/' in page(out, "stories/medora")


def test_lapsed_consent_takes_the_story_down_in_every_language(multi):
    multi.advocates["jane-doe"]["consent"]["expires"] = dt.date(2026, 5, 1)
    multi.advocate("john-roe", company="globex-co")
    multi.story("globex", title="Globex goes global", industry="healthcare", advocates=["john-roe"])
    out = multi.build()
    assert not (out / "stories/acme").exists() and not (out / "de/stories/acme-de").exists()
    for lang in ("", "de/", "fr/"):
        cards = json.loads((out / f"{lang}stories/cards-0.json").read_text())
        assert [c["url"] for c in cards] == ["stories/globex/"], lang
    assert "acme" not in (out / "sitemap.xml").read_text()


def test_the_leak_guard_reads_the_language_sites(multi):
    out = multi.build()
    (out / "de/stories/acme-de/index.html").write_text("<p>jane@acme.example</p>", encoding="utf-8")
    leaks = scan_output(out, [("jane-doe", "email", "jane@acme.example")], set())
    assert {leak.file for leak in leaks} == {"de/stories/acme-de/index.html"}


def test_sales_lists_a_story_once_with_its_languages(multi):
    portal = multi.load()
    rows = {r.slug: (r.languages, r.language_urls) for r in sales_rows(portal)}
    assert rows == {
        "acme": (("en", "de"), (("en", SITE + "stories/acme/"), ("de", SITE + "de/stories/acme-de/"))),
        "globex": (("en",), (("en", SITE + "stories/globex/"),)),
    }
    assert len(sales_rows(portal)) == 2 and len(portal.published) == 3


def test_the_sales_link_builder_offers_each_languages_list(multi):
    text = page(multi.build(), "sales")
    assert re.findall(r'<option value="([^"]+)" lang="(\w+)">', text) == [
        (SITE + "stories/", "en"), (SITE + "de/stories/", "de"), (SITE + "fr/stories/", "fr")]


def test_match_lang_puts_the_prospects_language_first_with_its_address(multi):
    code, out, _ = multi.cli("match", "--lang", "de", "--format", "json", "--build-date", "2026-06-01")
    stories = json.loads(out)["stories"]
    assert code == 0
    assert [(s["slug"], s["url"], s["tie_break"]) for s in stories] == [
        ("acme", SITE + "de/stories/acme-de/", "published in the prospect's language"),
        ("globex", SITE + "stories/globex/", ""),
    ]


def test_match_without_lang_keeps_the_newest_first(multi):
    code, out, _ = multi.cli("match", "--format", "json", "--build-date", "2026-06-01")
    assert [s["slug"] for s in json.loads(out)["stories"]] == ["globex", "acme"]


def test_match_lang_refuses_a_language_the_site_lacks(multi):
    code, out, err = multi.cli("match", "--lang", "es")
    assert (code, out) == (2, "")
    assert err == "storyportal: error: unknown language 'es': the site's languages are en, de, fr\n"


def test_a_language_site_has_its_own_name_in_the_header_title_and_home(multi):
    multi.plugin["languages"]["de"] = {"label": "Deutsch", "site_name": "Acme-Kundengeschichten",
                                       "site_description": "Wie Kunden mit uns arbeiten."}
    out = multi.build()
    home, story = page(out, "de"), page(out, "de/stories/acme-de")
    assert "<title>Acme-Kundengeschichten</title>" in home
    assert re.search(r"<h1>Acme-Kundengeschichten</h1>\s*<p class=\"sp-lead\">Wie Kunden mit uns arbeiten.</p>", home)
    assert 'md-header__topic"' in story and "Acme-Kundengeschichten" in story.split('md-header__topic"')[1][:400]
    assert "- Acme-Kundengeschichten</title>" in story
    assert "Acme-Kundengeschichten" not in page(out, "") and "Acme-Kundengeschichten" not in page(out, "fr")


def test_the_sales_table_links_every_language_version_of_a_story(multi):
    text = page(multi.build(), "sales")
    assert '<th scope="col" class="sp-salestable__langs-head"><span class="sp-salestable__long">Languages</span>' in text
    row = text.split("stories/acme/\">", 1)[1].split("</tr>", 1)[0]
    assert f'<a href="{SITE}stories/acme/" hreflang="en" lang="en">EN</a>' in row
    assert f'<a href="{SITE}de/stories/acme-de/" hreflang="de" lang="de">DE</a>' in row


def test_without_site_url_the_sales_language_links_are_relative(multi):
    multi.mkdocs.pop("site_url")
    row = page(multi.build(), "sales").split('stories/acme/">', 1)[1].split("</tr>", 1)[0]
    assert '<a href="../de/stories/acme-de/" hreflang="de"' in row and 'href="/' not in row


def test_match_takes_a_facet_label_in_any_of_the_sites_languages(multi):
    code, out, err = multi.cli("match", "--industry", "Healthcare-DE", "--format", "json", "--build-date", "2026-06-01")
    assert code == 0, err
    assert [s["slug"] for s in json.loads(out)["stories"]][0] == "globex"
