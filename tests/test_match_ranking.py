"""`storyportal match`: published stories only, and a ranking that explains itself."""

from __future__ import annotations

import datetime as dt
import json

from storyportal.sales.match import Prospect, match


def calls(log=(), max_per_quarter=2) -> dict:
    return {"available": True, "max_per_quarter": max_per_quarter, "log": list(log), "owner": "owner@ourco.example"}


def health_and_retail(site) -> None:
    """A healthcare company in APAC and a retail company in EMEA, each with one advocate."""
    site.company("medco", name="MedCo", industry="healthcare", region="apac", size="1-200")
    site.company("shopco", name="ShopCo", industry="retail", region="emea", size="1-200")
    site.advocate("doc", company="medco", name="Dr Doc", reference_calls=calls([dt.date(2026, 5, 4)]))
    site.advocate("sam", company="shopco", name="Sam Shop", reference_calls=calls())


# -- published stories only ------------------------------------------------------------

def test_scheduled_and_withheld_stories_are_never_matched(site):
    site.advocate("jane-doe")
    site.advocate("no-video", scopes=["name", "case-study"])
    site.story("live")
    site.story("next-month", published=dt.date(2026, 7, 1))
    site.story("withheld", type="video", advocates=["no-video"], body="Intro.\n",
               video={"url": "https://youtu.be/abcdefghijk"})
    portal = site.load()
    assert {s: portal.status[f"stories/{s}.md"].value for s in ("live", "next-month", "withheld")} == {
        "live": "published", "next-month": "scheduled", "withheld": "withheld"}
    assert [m.row.slug for m in match(portal, Prospect(industry="retail")).stories] == ["live"]


def test_unpublished_stories_give_an_advocate_no_reasons(site):
    site.advocate("jane-doe", reference_calls=calls())
    site.story("draft", draft=True, products=["analytics"])
    site.story("scheduled", published=dt.date(2026, 7, 1), products=["analytics"])
    assert match(site.load(), Prospect(products=("analytics",))).advocates == ()


def test_the_command_judges_on_the_sites_own_build_date(site):
    site.plugin["build_date"] = dt.date(2026, 3, 1)  # the site is built as of March: the story is not out yet
    site.story(published=dt.date(2026, 3, 14))
    code, out, err = site.cli("match", "--industry", "retail", "--format", "json")
    assert (code, err) == (0, "")
    assert (json.loads(out)["build_date"], json.loads(out)["stories"]) == ("2026-03-01", [])


# -- same industry first ----------------------------------------------------------------

def test_a_same_industry_story_comes_first_on_the_same_score(site):
    health_and_retail(site)
    site.story("health-old", advocates=["doc"], published=dt.date(2025, 1, 1))
    site.story("retail-new", advocates=["sam"], products=["analytics"], published=dt.date(2026, 5, 1))
    prospect = Prospect(industry="healthcare", region="emea", products=("analytics",))
    assert [(m.row.slug, m.score, m.tie_break) for m in match(site.load(), prospect).stories] == [
        ("health-old", 3, "same industry as the prospect"),  # 3 for the industry
        ("retail-new", 3, ""),  # 2 for analytics, 1 for EMEA, and newer
    ]


def test_a_same_industry_advocate_with_a_call_used_ranks_above_less_relevant_ones(site):
    health_and_retail(site)
    site.story("health", advocates=["doc"], products=["journeys"])
    site.story("retail", advocates=["sam"], products=["journeys"], use_cases=["onboarding"])
    prospect = Prospect(industry="healthcare", products=("journeys",), use_cases=("onboarding",))
    # doc used one of two calls this quarter; a load discount must not outweigh the industry
    assert [(m.entry.advocate, m.score) for m in match(site.load(), prospect).advocates] == [("doc", 5), ("sam", 4)]


def test_a_same_industry_advocate_comes_first_on_the_same_score(site):
    health_and_retail(site)
    site.story("health", advocates=["doc"])
    site.story("retail", advocates=["sam"], products=["analytics"])
    prospect = Prospect(industry="healthcare", region="emea", products=("analytics",))
    assert [(m.entry.advocate, m.score, m.tie_break) for m in match(site.load(), prospect).advocates] == [
        ("doc", 3, "same industry as the prospect"), ("sam", 3, "")]


# -- the explanation ------------------------------------------------------------------------

def test_text_output_gives_scores_and_tie_breaks(site):
    site.advocate("jane-doe")
    site.story("older", published=dt.date(2026, 1, 5))
    site.story("newer", published=dt.date(2026, 2, 5))
    code, out, _ = site.cli("match", "--industry", "retail", "--build-date", "2026-06-01")
    assert code == 0
    assert out.split("\n\n")[1].splitlines() == [
        " 1. How Acme cut onboarding time by 40%",
        "    Case study · Acme Corp · published 2026-02-05",
        "    why: same industry (score 3)",
        "    ahead of 2 on the same score: newer (published 2026-02-05)",
        "    https://stories.test/stories/newer/",
        " 2. How Acme cut onboarding time by 40%",
        "    Case study · Acme Corp · published 2026-01-05",
        "    why: same industry (score 3)",
        "    https://stories.test/stories/older/",
    ]


def test_json_output_gives_tie_breaks(site):
    health_and_retail(site)
    site.story("health", advocates=["doc"])
    site.story("retail", advocates=["sam"], products=["analytics"])
    code, out, _ = site.cli("match", "--industry", "healthcare", "--region", "emea", "--product", "analytics",
                            "--format", "json", "--build-date", "2026-06-01")
    data = json.loads(out)
    assert [(a["advocate"], a["score"], a["tie_break"]) for a in data["advocates"]] == [
        ("doc", 3, "same industry as the prospect"), ("sam", 3, "")]
    assert [(s["slug"], s["tie_break"]) for s in data["stories"]] == [
        ("health", "same industry as the prospect"), ("retail", "")]
