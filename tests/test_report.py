"""The program report: coverage matrix, expiring consents, quotas, stale stories, gaps; and its renderers."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest

from sitebuilder import BUILD_DATE, TAXONOMY, dedent
from storyportal.sales.report import program_report, render_json, render_markdown, render_matrix_svg, render_text

SVG = "{http://www.w3.org/2000/svg}"


def calls(log=(), max_per_quarter=1) -> dict:
    return {"available": True, "max_per_quarter": max_per_quarter, "log": list(log), "owner": "o@ourco.example"}


def consent(expires=None, revoked=False) -> dict:
    # a fresh date each time: PyYAML writes a shared object as an alias, which the registry refuses
    return {"scopes": ["name", "quote", "case-study", "testimonial", "video", "reference-call"],
            "granted": dt.date(2025, 1, 1), "expires": expires, "revoked": revoked}


def tiny_portal(site) -> None:
    site.plugin["taxonomy"] = dict(TAXONOMY, industry={"retail": "Retail", "healthcare": "Healthcare"})
    site.company("acme", name="Acme Corp")
    site.company("medco", name="MedCo", industry="healthcare")
    site.advocate("jane-doe", consent=consent(expires=dt.date(2026, 6, 21)),
                  reference_calls=calls([dt.date(2026, 5, 2)]))
    site.story("northwind")
    site.story("old-words", type="testimonial", title="Acme in 2024", quote="Q", published=dt.date(2024, 1, 5))


# -- the sections -----------------------------------------------------------------

def test_matrix_counts_and_empty_cells(site):
    site.company("medco", name="MedCo", industry="healthcare")
    site.advocate("jane-doe")
    site.advocate("doc", company="medco")
    site.story("a")
    site.story("b")
    site.story("c", type="video", video={"url": "https://www.youtube.com/watch?v=abc123XYZ_0"})
    site.story("d", advocates=["doc"], type="testimonial", quote="Q")
    site.story("draft", draft=True)
    site.story("override", industry="logistics")  # the story's industry, not the company's
    matrix = program_report(site.load()).matrix
    assert [t.slug for t in matrix.industries] == ["retail", "healthcare", "logistics"]
    assert matrix.types == ("case-study", "testimonial", "video")
    assert matrix.counts == ((2, 0, 1), (0, 1, 0), (1, 0, 0))
    assert matrix.empty == (("retail", "testimonial"), ("healthcare", "case-study"), ("healthcare", "video"),
                            ("logistics", "testimonial"), ("logistics", "video"))


def test_consents_expiring_in_30_60_90_day_buckets(site):
    for days in (0, 30, 31, 60, 61, 90, 91):
        site.advocate(f"in-{days}", consent=consent(expires=BUILD_DATE + dt.timedelta(days=days)))
    site.advocate("expired", consent=consent(expires=BUILD_DATE - dt.timedelta(days=1)))
    site.advocate("revoked", consent=consent(expires=BUILD_DATE + dt.timedelta(days=5), revoked=True))
    site.advocate("open-ended", consent=consent())
    site.story(advocates=["open-ended"])
    portal = site.load()
    assert portal.issues == ()
    expiring = program_report(portal).expiring
    assert [(e.advocate, e.days_left, e.within) for e in expiring] == [
        ("in-0", 0, 30), ("in-30", 30, 30), ("in-31", 31, 60), ("in-60", 60, 60), ("in-61", 61, 90), ("in-90", 90, 90)]
    assert (expiring[0].name, expiring[0].company, expiring[0].expires) == ("Jane Doe", "Acme Corp", BUILD_DATE)


def test_advocates_at_or_over_quota_this_quarter(site):
    site.advocate("at", reference_calls=calls([dt.date(2026, 4, 1)]))
    site.advocate("over", reference_calls=calls([dt.date(2026, 4, 1), dt.date(2026, 5, 1)]))
    site.advocate("under", reference_calls=calls([dt.date(2026, 4, 1)], max_per_quarter=2))
    site.advocate("last-quarter", reference_calls=calls([dt.date(2026, 3, 31)]))
    site.advocate("never", reference_calls=calls())
    site.story(advocates=["under"])
    portal = site.load()
    assert portal.issues == ()
    at_quota = program_report(portal).at_quota
    assert [(q.advocate, q.calls_this_quarter, q.max_per_quarter) for q in at_quota] == [("at", 1, 1), ("over", 2, 1)]


def test_stale_stories_oldest_first(site):
    site.story("fresh", published=dt.date(2025, 1, 1), updated=dt.date(2026, 1, 1))
    site.story("stale", published=dt.date(2024, 11, 30))
    site.story("older", published=dt.date(2023, 2, 1), updated=dt.date(2023, 5, 1))
    site.story("just-in-time", published=dt.date(2024, 12, 1))  # exactly 18 months: not yet stale
    stale = program_report(site.load()).stale
    assert [(s.slug, s.last_changed) for s in stale] == [("older", dt.date(2023, 5, 1)), ("stale", dt.date(2024, 11, 30))]


def test_companies_with_no_published_story(site):
    site.company("zeta", name="Zeta Ltd")
    site.company("beta", name="Beta GmbH", industry="logistics")
    site.company("gamma", name="gamma inc")
    site.advocate("jane-doe")
    site.advocate("g", company="gamma")
    site.story(advocates=["jane-doe", "g"])  # a second advocate's company counts as covered
    site.story("beta-draft", advocates=["jane-doe"], draft=True)
    gaps = program_report(site.load()).companies_without_story
    assert [(g.company, g.name, g.industry) for g in gaps] == [("beta", "Beta GmbH", "Logistics"), ("zeta", "Zeta Ltd", "Retail")]


# -- exact output for a tiny portal ---------------------------------------------------

def test_render_text(site):
    tiny_portal(site)
    assert render_text(program_report(site.load())) == dedent("""
        Customer reference program, 2026-06-01

        Withheld now: 0 stories not on the site
          none

        Published stories by industry and type (– = none yet)
          Industry    Case study  Testimonial  Video
          Retail               1            1      –
          Healthcare           –            –      –

        Consents expiring in the next 90 days
          within 30 days:
            Jane Doe (Acme Corp): expires 2026-06-21, 20 days left
          within 60 days:
            none
          within 90 days:
            none

        At or over their reference-call quota in 2026 Q2
          Jane Doe (Acme Corp): 1 of 1 calls

        Stale stories (last changed more than 18 months ago)
          old-words: last changed 2024-01-05 (Acme Corp)

        Companies with no published story
          MedCo (Healthcare)

        Reference activities this period (asks scheduled or done)
          Jane Doe (Acme Corp): Reference call 1 of 1 in 2026 Q2, last asked 2026-05-02; at limit

        Declined asks in the last 12 months (ask them less)
          none

        Activities with nobody to ask in an industry today
          Reference call: every industry
    """)


def test_render_markdown(site):
    tiny_portal(site)
    assert render_markdown(program_report(site.load())) == dedent("""
        # Customer reference program, 2026-06-01

        ## Withheld now: 0 stories not on the site

        None.

        ## Published stories by industry and type

        – marks a gap: no story yet.

        | Industry | Case study | Testimonial | Video |
        | --- | --- | --- | --- |
        | Retail | 1 | 1 | – |
        | Healthcare | – | – | – |

        ## Consents expiring in the next 90 days

        | Within | Advocate | Company | Expires | Days left |
        | --- | --- | --- | --- | --- |
        | 30 days | Jane Doe | Acme Corp | 2026-06-21 | 20 |

        ## At or over quota in 2026 Q2

        | Advocate | Company | Calls this quarter | Quota |
        | --- | --- | --- | --- |
        | Jane Doe | Acme Corp | 1 | 1 |

        ## Stale stories (last changed more than 18 months ago)

        - Acme in 2024 (Acme Corp), last changed 2024-01-05

        ## Companies with no published story

        - MedCo (Healthcare)

        ## Reference activities this period

        | Advocate | Company | Activity | Period | Asks | Last asked | Now |
        | --- | --- | --- | --- | --- | --- | --- |
        | Jane Doe | Acme Corp | Reference call | 2026 Q2 | 1 of 1 | 2026-05-02 | at limit |

        ## Declined asks in the last 12 months

        None.

        ## Activities with nobody to ask in an industry today

        - Reference call: every industry
    """)


def test_render_markdown_when_all_is_well(site):
    site.story()
    text = render_markdown(program_report(site.load()))
    assert text.count("None.") == 8


def test_render_json(site):
    tiny_portal(site)
    text = render_json(program_report(site.load()))
    assert json.loads(text) == {
        "build_date": "2026-06-01",
        "quarter": "2026 Q2",
        "stale_after_months": 18,
        "matrix": {
            "types": ["case-study", "testimonial", "video"],
            "rows": [
                {"industry": "retail", "label": "Retail", "counts": {"case-study": 1, "testimonial": 1, "video": 0}},
                {"industry": "healthcare", "label": "Healthcare", "counts": {"case-study": 0, "testimonial": 0, "video": 0}},
            ],
            "empty": [{"industry": "retail", "type": "video"}, {"industry": "healthcare", "type": "case-study"},
                      {"industry": "healthcare", "type": "testimonial"}, {"industry": "healthcare", "type": "video"}],
        },
        "withheld": [],
        "expiring": [{"advocate": "jane-doe", "name": "Jane Doe", "company": "Acme Corp", "expires": "2026-06-21",
                      "days_left": 20, "within": 30}],
        "at_quota": [{"advocate": "jane-doe", "name": "Jane Doe", "company": "Acme Corp",
                      "calls_this_quarter": 1, "max_per_quarter": 1}],
        "stale": [{"slug": "old-words", "title": "Acme in 2024", "company": "Acme Corp", "last_changed": "2024-01-05"}],
        "companies_without_story": [{"company": "medco", "name": "MedCo", "industry": "Healthcare"}],
        "activity_use": [{"activity": "reference-call", "advocate": "jane-doe", "company": "Acme Corp",
                          "last_asked": "2026-05-02", "limit": 1, "name": "Jane Doe", "period": "2026 Q2",
                          "status": "at limit", "used": 1}],
        "fatigue": [],
        "activity_gaps": [{"activity": "reference-call", "industries": ["every industry"]}],
    }
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_markdown_escapes_registry_values(site):
    site.company("acme", name="<script>alert(1)</script> | *Corp*")
    site.company("idle", name="Idle <b>Co</b>")
    site.advocate("jane-doe")
    site.story(published=dt.date(2020, 1, 1))
    text = render_markdown(program_report(site.load()))
    assert "<script>" not in text and "<b>" not in text
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\> \\| \\*Corp\\*" in text


# -- the SVG heatmap ------------------------------------------------------------------

def hostile_portal(site) -> None:
    site.plugin["taxonomy"] = dict(TAXONOMY, industry={"retail": '<script>alert("x")</script> & Co', "healthcare": "Healthcare"})
    site.company("acme", name="<script>evil()</script>")
    site.advocate("jane-doe")
    site.story("a")
    site.story("b")
    site.story("c", type="testimonial", quote="Q")


def test_svg_parses_and_escapes_labels(site):
    hostile_portal(site)
    svg = render_matrix_svg(program_report(site.load()))
    assert "<script" not in svg
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script> & Co' in labels


def test_svg_writes_counts_and_marks_empty_cells(site):
    hostile_portal(site)
    root = ET.fromstring(render_matrix_svg(program_report(site.load())))
    cells = [(g.find(f"{SVG}title").text, g.find(f"{SVG}rect"), g.find(f"{SVG}text").text) for g in root.iter(f"{SVG}g")]
    assert [(tip.split(": ")[-1], text) for tip, _, text in cells] == [
        ("2 stories", "2"), ("1 story", "1"), ("no stories", "–"),
        ("no stories", "–"), ("no stories", "–"), ("no stories", "–")]
    fills = [rect.get("fill") for _, rect, _ in cells]
    assert fills[0] == "#1a237e"  # the fullest cell is darkest
    assert fills[1] not in (fills[0], "url(#sp-empty)")
    assert set(fills[2:]) == {"url(#sp-empty)"}
    assert all(rect.get("stroke-dasharray") for _, rect, _ in cells[2:])


# -- the command ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt, renderer", [("text", render_text), ("markdown", render_markdown),
                                           ("json", render_json), ("svg", render_matrix_svg)])
def test_report_command_formats(site, fmt, renderer):
    tiny_portal(site)
    code, out, err = site.cli("report", "--format", fmt, "--build-date", "2026-06-01")
    assert (code, err) == (0, "")
    assert out == renderer(program_report(site.load()))


def test_report_command_writes_a_file(site, tmp_path):
    tiny_portal(site)
    target = tmp_path / "report.md"
    code, out, _ = site.cli("report", "--format", "markdown", "--output", str(target), "--build-date", "2026-06-01")
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == render_markdown(program_report(site.load()))


def test_report_command_unreadable_config(site):
    code, out, err = site.cli("report", "-f", "nope.yml")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_every_sales_option_is_documented():
    from storyportal.cli.main import make_parser
    commands = next(a for a in make_parser()._actions if a.dest == "command")
    for name in ("match", "report"):
        parser = commands.choices[name]
        assert parser.description or commands._choices_actions, name
        undocumented = [a.dest for a in parser._actions if not a.help]
        assert undocumented == [], name
    assert all(c.help for c in commands._choices_actions if c.dest in ("match", "report"))


def test_a_line_break_in_a_value_stays_inside_its_markdown_table_cell():
    from storyportal.sales.report import md

    assert md("Acme\nCorp | Ltd") == "Acme Corp \\| Ltd"
