"""The sales enablement index (JSON, CSV) and the internal reference-call roster."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from sitebuilder import dedent
from storyportal.sales.index import (
    COLUMNS,
    FORMULA_PREFIXES,
    SalesRow,
    csv_cell,
    months_before,
    render_csv,
    render_json,
    roster,
    sales_rows,
)

PRIVATE_MARKERS = ("PRIVATE-MARKER-7f3a@acme.example", "PRIVATE-NOTE-91bc", "+44 20 7946 1234")
OWNER_MARKER = "OWNER-MARKER-c4d2@ourco.example"
CALL_DATE = dt.date(2026, 5, 17)  # a reference-call log date no story uses


def two_stories(site) -> None:
    """Acme's case study (2026) and a stale, featured testimonial (2024), plus internal data."""
    site.company("acme", name="Acme Corp")
    site.advocate("jane-doe", private={"email": PRIVATE_MARKERS[0], "notes": PRIVATE_MARKERS[1],
                                       "phone": PRIVATE_MARKERS[2]},
                  reference_calls={"available": True, "max_per_quarter": 2, "log": [CALL_DATE], "owner": OWNER_MARKER})
    site.story("northwind", products=["analytics", "journeys"], use_cases=["onboarding"],
               metrics=[{"value": "40%", "label": "faster onboarding"}, {"value": "3x", "label": "more"}])
    site.story("acme-voices", type="testimonial", title='Acme, "in their words"', quote="We love it.",
               published=dt.date(2024, 1, 10), updated=dt.date(2024, 6, 1), featured=True, region="north-america",
               metrics=[{"value": "-30%", "label": "churn"}])


EXPECTED_JSON = dedent('''
    {
     "columns": [
      "slug",
      "url",
      "title",
      "type",
      "company",
      "industry",
      "industry_label",
      "company_size",
      "company_size_label",
      "region",
      "region_label",
      "products",
      "use_cases",
      "headline_metric",
      "published",
      "updated",
      "lang",
      "languages",
      "language_urls",
      "stale",
      "featured"
     ],
     "generated_for": "2026-06-01",
     "stories": [
      {
       "company": "Acme Corp",
       "company_size": "201-1000",
       "company_size_label": "201–1,000",
       "featured": false,
       "headline_metric": "40% faster onboarding",
       "industry": "retail",
       "industry_label": "Retail",
       "lang": "en",
       "language_urls": {
        "en": "https://stories.test/stories/northwind/"
       },
       "languages": [
        "en"
       ],
       "products": [
        "analytics",
        "journeys"
       ],
       "published": "2026-03-14",
       "region": "emea",
       "region_label": "EMEA",
       "slug": "northwind",
       "stale": false,
       "title": "How Acme cut onboarding time by 40%",
       "type": "case-study",
       "updated": "",
       "url": "https://stories.test/stories/northwind/",
       "use_cases": [
        "onboarding"
       ]
      },
      {
       "company": "Acme Corp",
       "company_size": "201-1000",
       "company_size_label": "201–1,000",
       "featured": true,
       "headline_metric": "-30% churn",
       "industry": "retail",
       "industry_label": "Retail",
       "lang": "en",
       "language_urls": {
        "en": "https://stories.test/stories/acme-voices/"
       },
       "languages": [
        "en"
       ],
       "products": [],
       "published": "2024-01-10",
       "region": "north-america",
       "region_label": "North America",
       "slug": "acme-voices",
       "stale": true,
       "title": "Acme, \\"in their words\\"",
       "type": "testimonial",
       "updated": "2024-06-01",
       "url": "https://stories.test/stories/acme-voices/",
       "use_cases": []
      }
     ]
    }
''')

EXPECTED_CSV = (
    "slug,url,title,type,company,industry,industry_label,company_size,company_size_label,region,region_label,"
    "products,use_cases,headline_metric,published,updated,lang,languages,language_urls,stale,featured\r\n"
    "northwind,https://stories.test/stories/northwind/,How Acme cut onboarding time by 40%,case-study,Acme Corp,"
    'retail,Retail,201-1000,"201–1,000",emea,EMEA,analytics; journeys,onboarding,40% faster onboarding,'
    "2026-03-14,,en,en,en: https://stories.test/stories/northwind/,false,false\r\n"
    'acme-voices,https://stories.test/stories/acme-voices/,"Acme, ""in their words""",testimonial,Acme Corp,'
    'retail,Retail,201-1000,"201–1,000",north-america,North America,,,\'-30% churn,'
    "2024-01-10,2024-06-01,en,en,en: https://stories.test/stories/acme-voices/,true,true\r\n"
)


def test_json_index_is_exact(site):
    two_stories(site)
    portal = site.load()
    assert render_json(sales_rows(portal), portal) == EXPECTED_JSON


def test_csv_index_is_exact(site):
    two_stories(site)
    assert render_csv(sales_rows(site.load())) == EXPECTED_CSV


def test_csv_reads_back_with_the_csv_module(site):
    two_stories(site)
    parsed = list(csv.reader(io.StringIO(render_csv(sales_rows(site.load())), newline="")))
    assert parsed[0] == [name for name, _ in COLUMNS]
    assert [row[0] for row in parsed[1:]] == ["northwind", "acme-voices"]
    assert parsed[2][2] == 'Acme, "in their words"'
    assert parsed[1][11] == "analytics; journeys"
    assert parsed[2][13] == "'-30% churn"  # neutralised like any cell starting with "-"
    assert all(len(row) == len(COLUMNS) for row in parsed)


def test_columns_are_the_row_fields_in_order():
    assert [f.name for f in dataclasses.fields(SalesRow)] == [name for name, _ in COLUMNS]
    assert all(description for _, description in COLUMNS)


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example")', "+1 for Acme", "-2 days to launch", "@SUM(1)"])
def test_formula_like_titles_are_neutralised_in_csv_only(site, title):
    site.story(title=title)
    portal = site.load()
    rows = sales_rows(portal)
    cell = list(csv.reader(io.StringIO(render_csv(rows), newline="")))[1][2]
    assert cell == "'" + title
    assert json.loads(render_json(rows, portal))["stories"][0]["title"] == title


@pytest.mark.parametrize("value, expected", [
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-30%", "'-30%"), ("a=b", "a=b"), ("", ""),
    (("a", "b"), "a; b"), (True, "true"), (None, ""), (dt.date(2026, 1, 2), "2026-01-02"),
])
def test_csv_cells(value, expected):
    assert csv_cell(value) == expected


def test_every_formula_prefix_is_covered():
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("site_url, expected", [
    ("https://stories.test/", "https://stories.test/stories/northwind/"),
    ("https://ourco.example/customers", "https://ourco.example/customers/stories/northwind/"),
    ("", "/stories/northwind/"),
])
def test_urls_are_absolute_under_site_url(site, site_url, expected):
    site.mkdocs["site_url"] = site_url
    site.story()
    assert [row.url for row in sales_rows(site.load())] == [expected]


def test_no_private_or_reference_call_value_in_the_index(site):
    two_stories(site)
    portal = site.load()
    rows = sales_rows(portal)
    outputs = render_json(rows, portal) + render_csv(rows) + repr(rows)
    for marker in PRIVATE_MARKERS + (OWNER_MARKER, CALL_DATE.isoformat()):
        assert marker not in outputs


def test_only_published_stories_are_listed(site):
    site.advocate("jane-doe")
    site.advocate("old-friend", consent={"scopes": ["case-study"], "granted": dt.date(2025, 1, 1),
                                         "expires": dt.date(2026, 1, 1)})
    site.story("live")
    site.story("draft", draft=True)
    site.story("future", published=dt.date(2026, 9, 1))
    site.story("withheld", advocates=["old-friend"])
    assert [row.slug for row in sales_rows(site.load())] == ["live"]


def test_rows_newest_first_then_by_slug(site):
    site.story("b-story", published=dt.date(2026, 1, 1))
    site.story("a-story", published=dt.date(2026, 1, 1))
    site.story("newest", published=dt.date(2026, 5, 1))
    assert [row.slug for row in sales_rows(site.load())] == ["newest", "a-story", "b-story"]


@pytest.mark.parametrize("published, months, stale", [
    (dt.date(2024, 12, 1), 18, False),  # exactly 18 months before 2026-06-01
    (dt.date(2024, 11, 30), 18, True),
    (dt.date(2026, 4, 30), 1, True),
    (dt.date(2026, 5, 1), 1, False),
])
def test_stale_after_months(site, published, months, stale):
    site.plugin["stale_after_months"] = months
    site.story(published=published)
    assert [row.stale for row in sales_rows(site.load())] == [stale]


def test_stale_uses_the_last_update(site):
    site.story(published=dt.date(2020, 1, 1), updated=dt.date(2026, 1, 1))
    assert sales_rows(site.load())[0].stale is False


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
    (dt.date(2026, 6, 1), 18, dt.date(2024, 12, 1)),
    (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


# -- the roster -------------------------------------------------------------------

def calls(log=(), max_per_quarter=2, available=True, owner="owner@ourco.example") -> dict:
    return {"available": available, "max_per_quarter": max_per_quarter, "log": list(log), "owner": owner}


def test_roster_lists_who_can_take_a_call_now(site):
    site.advocate("ready", reference_calls=calls([dt.date(2026, 4, 2)]))
    site.advocate("never-called", reference_calls=calls())
    site.advocate("no-scope", scopes=["name", "case-study"], reference_calls=calls())
    site.advocate("unavailable", reference_calls=calls(available=False))
    site.advocate("at-quota", reference_calls=calls([dt.date(2026, 4, 2), dt.date(2026, 5, 2)]))
    site.advocate("expired", consent={"scopes": ["reference-call"], "granted": dt.date(2025, 1, 1),
                                      "expires": dt.date(2026, 5, 31)}, reference_calls=calls())
    site.advocate("revoked", consent={"scopes": ["reference-call"], "granted": dt.date(2025, 1, 1),
                                      "revoked": True}, reference_calls=calls())
    site.advocate("no-block")
    site.story(advocates=["ready"])
    portal = site.load()
    assert len(portal.registry.advocates) == 8 and portal.issues == ()
    entries = roster(portal)
    assert [e.advocate for e in entries] == ["never-called", "ready"]
    ready = entries[1]
    assert (ready.calls_left_this_quarter, ready.calls_this_quarter, ready.max_per_quarter) == (1, 1, 2)
    assert (ready.last_call, ready.owner, ready.stories) == (dt.date(2026, 4, 2), "owner@ourco.example", ("northwind",))
    assert (ready.company, ready.industry, ready.region, ready.consent_expires) == ("Acme Corp", "retail", "emea", None)


def test_roster_order_most_calls_left_then_least_recently_called(site):
    site.advocate("busy", reference_calls=calls([dt.date(2026, 5, 20)], max_per_quarter=3))
    site.advocate("quiet", reference_calls=calls([dt.date(2026, 1, 5)], max_per_quarter=2))
    site.advocate("recent", reference_calls=calls([dt.date(2026, 2, 5)], max_per_quarter=2))
    site.advocate("one-left", reference_calls=calls([dt.date(2026, 4, 5)], max_per_quarter=2))
    site.story(advocates=["quiet"])
    # busy, quiet and recent all have 2 calls left (the January and February calls were last quarter)
    assert [e.advocate for e in roster(site.load())] == ["quiet", "recent", "busy", "one-left"]


def test_roster_flags_advocates_who_may_not_be_named(site):
    site.advocate("anonymous", scopes=["quote", "case-study", "reference-call"], reference_calls=calls())
    site.story(advocates=["anonymous"])
    assert [e.name_public for e in roster(site.load())] == [False]
