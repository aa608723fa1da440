"""Matching a prospect to stories and reference advocates: scores, reasons, consent, quotas, load."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sitebuilder import BUILD_DATE, dedent
from storyportal.sales.match import Prospect, ProspectError, match, resolve_prospect

EVERYTHING = Prospect(industry="retail", size="201-1000", region="emea", products=("analytics",), use_cases=("onboarding",))


def calls(log=(), max_per_quarter=2, available=True, owner="owner@ourco.example") -> dict:
    return {"available": available, "max_per_quarter": max_per_quarter, "log": list(log), "owner": owner}


def consent(scopes=("name", "case-study", "reference-call"), granted=None, **more) -> dict:
    # a fresh date each time: PyYAML writes a shared object as an alias, which the registry refuses
    return {"scopes": list(scopes), "granted": granted or dt.date(2025, 1, 1), **more}


def advocate_ids(result) -> list[str]:
    return [m.entry.advocate for m in result.advocates]


# -- stories ----------------------------------------------------------------------

def test_story_reasons_and_score(site):
    site.story(products=["analytics"], use_cases=["onboarding"])
    found = match(site.load(), EVERYTHING).stories
    assert [(m.row.slug, m.score, [str(r) for r in m.reasons]) for m in found] == [
        ("northwind", 9, ["same industry", "same size band", "same region", "uses analytics", "use case onboarding"]),
    ]


def test_stories_rank_by_score_then_recency_then_slug(site):
    site.company("medco", name="MedCo", industry="healthcare", region="north-america", size="1-200")
    site.advocate("jane-doe")
    site.advocate("doc", company="medco")
    site.story("old-retail", published=dt.date(2025, 1, 1))
    site.story("new-retail-b", published=dt.date(2026, 2, 1))
    site.story("new-retail-a", published=dt.date(2026, 2, 1))
    site.story("health-analytics", advocates=["doc"], products=["analytics"])
    site.story("health-other", advocates=["doc"])
    result = match(site.load(), Prospect(industry="retail", products=("analytics",)))
    assert [(m.row.slug, m.score) for m in result.stories] == [
        ("new-retail-a", 3), ("new-retail-b", 3), ("old-retail", 3), ("health-analytics", 2)]


def test_limit_and_empty_prospect_lists_newest(site):
    for day in (1, 2, 3):
        site.story(f"s{day}", published=dt.date(2026, 1, day))
    result = match(site.load(), Prospect(), limit=2)
    assert [(m.row.slug, m.score, m.reasons) for m in result.stories] == [("s3", 0, ()), ("s2", 0, ())]


def test_drafts_and_withheld_stories_are_never_matched(site):
    site.story("draft", draft=True)
    assert match(site.load(), Prospect(industry="retail")).stories == ()


# -- validating the prospect ------------------------------------------------------------

def test_unknown_values_get_did_you_mean(site):
    site.story()
    prospect = Prospect(industry="retial", size="huge", products=("analytic",), use_cases=("onboarding",))
    _, problems = resolve_prospect(site.load().taxonomy, prospect)
    assert problems == [
        "unknown industry 'retial': did you mean 'retail'?",
        "unknown company size 'huge': allowed: 1-200, 201-1000, 1001-5000",
        "unknown product 'analytic': did you mean 'analytics'?",
    ]


def test_labels_and_case_are_accepted(site):
    site.story()
    prospect, problems = resolve_prospect(site.load().taxonomy, Prospect(industry="Retail", region="north america"))
    assert (prospect.industry, prospect.region, problems) == ("retail", "north-america", [])


def test_match_refuses_an_unknown_value(site):
    site.story()
    with pytest.raises(ProspectError, match="did you mean 'retail'"):
        match(site.load(), Prospect(industry="retial"))


# -- reference advocates: consent, availability, quota ------------------------------------

@pytest.mark.parametrize("ident, fields", [
    ("no-scope", {"consent": consent(scopes=("name", "case-study"))}),
    ("expired", {"consent": consent(expires=dt.date(2026, 5, 31))}),
    ("revoked", {"consent": consent(revoked=True)}),
    ("not-yet-granted", {"consent": consent(granted=dt.date(2026, 6, 2))}),
    ("unavailable", {"reference_calls": calls(available=False)}),
    ("at-quota", {"reference_calls": calls([dt.date(2026, 4, 1), dt.date(2026, 6, 1)])}),
    ("no-calls-block", {}),
])
def test_advocates_who_cannot_take_a_call_are_skipped(site, ident, fields):
    site.advocate("ready", consent=consent(), reference_calls=calls())
    site.advocate(ident, **({"reference_calls": calls()} | fields if fields else {}))
    site.story(advocates=["ready"])
    portal = site.load()
    assert set(portal.registry.advocates) == {"ready", ident}, portal.issues  # skipped by the rule, not broken
    assert advocate_ids(match(portal, Prospect(industry="retail"))) == ["ready"]


@pytest.mark.parametrize("today, listed", [
    (dt.date(2026, 3, 31), False),  # the call of 2026-03-31 used the one call of Q1
    (dt.date(2026, 4, 1), True),  # a new quarter: last quarter's calls do not count
])
def test_quarter_boundary(site, today, listed):
    site.advocate("jane-doe", reference_calls=calls([dt.date(2026, 3, 31)], max_per_quarter=1))
    site.story()
    result = match(site.load(today), Prospect(industry="retail"))
    assert advocate_ids(result) == (["jane-doe"] if listed else [])
    if listed:
        entry = result.advocates[0].entry
        assert (entry.calls_left_this_quarter, entry.calls_this_quarter, entry.last_call) == (1, 0, dt.date(2026, 3, 31))


def test_consent_expiring_on_the_build_date_still_holds(site):
    site.advocate("jane-doe", consent=consent(expires=BUILD_DATE), reference_calls=calls())
    site.story()
    assert advocate_ids(match(site.load(), Prospect(industry="retail"))) == ["jane-doe"]
    assert advocate_ids(match(site.load(BUILD_DATE + dt.timedelta(days=1)), Prospect(industry="retail"))) == []


def test_advocate_reasons_come_from_company_and_stories(site):
    site.advocate("jane-doe", reference_calls=calls())
    site.story(products=["journeys"], use_cases=["retention"])
    prospect = Prospect(industry="retail", region="apac", products=("journeys", "analytics"), use_cases=("retention",))
    [found] = match(site.load(), prospect).advocates
    assert ([str(r) for r in found.reasons], found.score) == (["same industry", "uses journeys", "use case retention"], 7)
    assert (found.entry.owner, found.entry.stories) == ("owner@ourco.example", ("northwind",))


def test_advocates_sharing_nothing_are_not_listed(site):
    site.company("medco", name="MedCo", industry="healthcare", region="apac", size="1-200")
    site.advocate("doc", company="medco", reference_calls=calls())
    site.story(advocates=["doc"])
    assert match(site.load(), Prospect(industry="retail", region="emea")).advocates == ()


# -- spreading the load --------------------------------------------------------------

def test_load_is_spread_between_equally_good_advocates(site):
    site.advocate("alex", reference_calls=calls(max_per_quarter=3))
    site.advocate("blair", reference_calls=calls(max_per_quarter=2))
    site.story()
    prospect = Prospect(industry="retail")
    assert advocate_ids(match(site.load(), prospect)) == ["alex", "blair"]  # more calls left
    site.advocates["alex"]["reference_calls"]["log"] = [dt.date(2026, 5, 4)]
    result = match(site.load(), prospect)
    assert advocate_ids(result) == ["blair", "alex"]  # alex was called this quarter
    assert [(m.score, m.tie_break) for m in result.advocates] == [
        (3, "more of this quarter's calls left (2 of 2)"), (3, "")]


def test_a_much_better_match_wins_even_when_busier(site):
    site.company("other", name="Other Co", industry="retail", region="apac", size="1-200")
    site.advocate("perfect", reference_calls=calls([dt.date(2026, 5, 4)], max_per_quarter=2))
    site.advocate("partial", company="other", reference_calls=calls(max_per_quarter=2))
    site.story()
    result = match(site.load(), Prospect(industry="retail", region="emea", size="201-1000"))
    assert [(m.entry.advocate, m.score, m.tie_break) for m in result.advocates] == [
        ("perfect", 5, ""), ("partial", 3, "")]


def test_ties_go_to_fewer_calls_then_least_recently_called(site):
    site.advocate("called-may", reference_calls=calls([dt.date(2026, 2, 3), dt.date(2026, 5, 1)], max_per_quarter=4))
    site.advocate("called-april", reference_calls=calls([dt.date(2026, 4, 1)], max_per_quarter=2))
    site.advocate("called-jan", reference_calls=calls([dt.date(2026, 1, 9), dt.date(2026, 4, 9)], max_per_quarter=2))
    site.story(advocates=["called-april"])
    # called-may: 3 of 4 left (factor 7/8); the others 1 of 2 (factor 3/4), ordered by last call
    assert advocate_ids(match(site.load(), Prospect(industry="retail"))) == ["called-may", "called-april", "called-jan"]


# -- the command ----------------------------------------------------------------------

def tiny_portal(site) -> None:
    site.company("acme", name="Acme Corp")
    site.advocate("jane-doe", reference_calls=calls([dt.date(2026, 4, 20)], owner="alex@ourco.example"))
    site.advocate("fiona", name="Fiona Grant", title="Digital Services Manager",
                  scopes=["quote", "case-study", "reference-call"], reference_calls=calls(max_per_quarter=1))
    site.story(products=["analytics"], metrics=[{"value": "40%", "label": "faster onboarding"}])


def test_match_command_text(site):
    tiny_portal(site)
    code, out, err = site.cli("match", "--industry", "retail", "--product", "analytics", "--build-date", "2026-06-01")
    assert (code, err) == (0, "")
    assert out == dedent("""
        Stories for Retail, Analytics (as of 2026-06-01)
        Ranked by score: same industry 3, each product or use case 2, same size band 1, same region 1; on the same score, same industry first, then newest.

         1. How Acme cut onboarding time by 40%
            Case study · Acme Corp · published 2026-03-14 · 40% faster onboarding
            why: same industry, uses analytics (score 5)
            https://stories.test/stories/northwind/

        Reference calls (ask the account owner; never contact the advocate directly)
        Ranked by score; on the same score, same industry first, then whoever has more of this quarter's calls left.

         1. Jane Doe, VP Customer Experience, Acme Corp
            why: same industry, uses analytics (score 5)
            calls left this quarter: 1 of 2 · last call 2026-04-20
            ask: alex@ourco.example
         2. Fiona Grant, Digital Services Manager, Acme Corp (do not name to the prospect)
            why: same industry (score 3)
            calls left this quarter: 1 of 1 · no calls yet
            ask: owner@ourco.example
    """)


def test_match_command_json(site):
    tiny_portal(site)
    code, out, _ = site.cli("match", "--region", "EMEA", "--use-case", "onboarding,retention", "--limit", "1",
                            "--format", "json", "--build-date", "2026-06-01")
    data = json.loads(out)
    assert code == 0
    assert data["prospect"] == {"industry": None, "size": None, "region": "emea", "products": [],
                                "use_cases": ["onboarding", "retention"], "lang": None}
    assert [(s["slug"], s["score"], s["reasons"]) for s in data["stories"]] == [("northwind", 1, ["same region"])]
    assert [(a["advocate"], a["owner"], a["calls_left_this_quarter"]) for a in data["advocates"]] == [
        ("fiona", "owner@ourco.example", 1)]


def test_unknown_industry_exits_2_with_did_you_mean(site):
    tiny_portal(site)
    code, out, err = site.cli("match", "--industry", "retial")
    assert (code, out) == (2, "")
    assert err == "storyportal: error: unknown industry 'retial': did you mean 'retail'?\n"


def test_unreadable_config_exits_2_in_one_line(site):
    code, out, err = site.cli("match", "-f", "missing.yml")
    assert (code, out) == (2, "")
    assert err == ("storyportal: error: missing.yml: There is no missing.yml here, so this is not a portal's folder "
                   "(run this in the portal's folder, where missing.yml is, or give its path with -f)\n")


def test_bad_limit_is_refused(site):
    tiny_portal(site)
    code, _, err = site.cli("match", "--limit", "0")
    assert code == 2 and "at least 1" in err
