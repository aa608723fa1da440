"""Reference activities, the request log and `storyportal request`."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from pathlib import Path

import pytest

from sitebuilder import ALL_SCOPES, run_cli
from storyportal.core.config import load_settings
from storyportal.core.portal import load_portal
from storyportal.sales.asks import standing

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY_SCOPES = ALL_SCOPES + ["site-visit", "webinar"]


def request(site, *args: str) -> tuple[int, str, str]:
    """Run `storyportal request` in the portal as it is on disk (no re-flush of the registry)."""
    return site.run("request", *args)


def advocate_with(site, activities: dict, requests: list | None = None, scopes=None, **fields):
    site.advocate(scopes=ACTIVITY_SCOPES if scopes is None else scopes, activities=activities,
                  requests=requests or [], **fields)
    site.flush()


def ask(number: int, day: str, activity: str = "site-visit", outcome: str = "done") -> dict:
    return {"id": number, "date": dt.date.fromisoformat(day), "activity": activity, "rep": "rep@ourco.example",
            "opportunity": f"OPP-{number}", "outcome": outcome}


def jane(site, on: str):
    """Jane as the registry on disk has her (after `request` wrote to it)."""
    settings, problems = load_settings(site.root / "mkdocs.yml")
    assert settings is not None, problems
    return load_portal(settings, dt.date.fromisoformat(on)).registry.advocates["jane-doe"]


# -- limits, cool-downs, declines ---------------------------------------------------


def test_a_quarterly_limit_holds_to_the_last_day_of_the_quarter(site):
    advocate_with(site, {"site-visit": {"limit": 1, "per": "quarter"}}, [ask(1, "2026-01-05")])
    assert standing(jane(site, "2026-03-31"), "site-visit", dt.date(2026, 3, 31)).refusals == (
        "the limit of 1 per quarter is reached for 2026 Q1 (next from 2026-04-01)",)


def test_a_quarterly_limit_frees_a_slot_on_the_first_day_of_the_next_quarter(site):
    advocate_with(site, {"site-visit": {"limit": 1, "per": "quarter"}}, [ask(1, "2026-03-31")])
    assert standing(jane(site, "2026-04-01"), "site-visit", dt.date(2026, 4, 1)).can_ask


def test_a_yearly_limit_is_the_default_for_site_visits(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-01-05")])
    now = standing(jane(site, "2026-12-31"), "site-visit", dt.date(2026, 12, 31))
    assert (now.period, now.used, now.left) == ("2026", 1, 0)


def test_the_cool_down_refuses_until_its_last_day(site):
    advocate_with(site, {"webinar": {"cooldown_days": 30}}, [ask(1, "2026-05-01", "webinar", "declined")])
    assert standing(jane(site, "2026-05-30"), "webinar", dt.date(2026, 5, 30)).refusals == (
        "they were last asked on 2026-05-01; with a cool-down of 30 days they can be asked again from 2026-05-31",)


def test_the_cool_down_ends_after_its_days(site):
    advocate_with(site, {"webinar": {"cooldown_days": 30}}, [ask(1, "2026-05-01", "webinar")])
    assert standing(jane(site, "2026-05-31"), "webinar", dt.date(2026, 5, 31)).can_ask


def test_a_decline_uses_no_slot_but_counts_as_fatigue(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-02-01", outcome="declined")])
    now = standing(jane(site, "2026-06-01"), "site-visit", dt.date(2026, 6, 1))
    assert (now.can_ask, now.used, now.declines) == (True, 0, 1)


def test_a_cancelled_ask_counts_for_nothing(site):
    advocate_with(site, {"site-visit": {"limit": 1, "cooldown_days": 90}}, [ask(1, "2026-05-01", outcome="cancelled")])
    now = standing(jane(site, "2026-06-01"), "site-visit", dt.date(2026, 6, 1))
    assert (now.can_ask, now.used, now.last_asked, now.declines) == (True, 0, None, 0)


def test_an_activity_without_terms_cannot_be_asked(site):
    advocate_with(site, {})
    assert standing(jane(site, "2026-06-01"), "webinar", dt.date(2026, 6, 1)).refusals == (
        "advocates.yaml sets no terms for the webinar activity (activities: webinar:)",)


def test_an_activity_outside_the_consent_cannot_be_asked(site):
    advocate_with(site, {"press": {"available": True}})
    assert standing(jane(site, "2026-06-01"), "press", dt.date(2026, 6, 1)).refusals == (
        "their consent does not cover the press activity (scope 'press')",)


# -- the older reference_calls block ---------------------------------------------------


def test_the_reference_calls_block_means_the_reference_call_activity(site):
    site.advocate(reference_calls={"available": True, "max_per_quarter": 2, "log": [dt.date(2026, 4, 2)]})
    site.flush()
    old = standing(jane(site, "2026-05-01"), "reference-call", dt.date(2026, 5, 1))
    site.advocate(activities={"reference-call": {"limit": 2, "per": "quarter"}}, requests=[
        ask(1, "2026-04-02", "reference-call")])
    site.flush()
    new = standing(jane(site, "2026-05-01"), "reference-call", dt.date(2026, 5, 1))
    assert (old.period, old.limit, old.used, old.left, old.last_asked) == (
        new.period, new.limit, new.used, new.left, new.last_asked) == ("2026 Q2", 2, 1, 1, dt.date(2026, 4, 2))


def test_reference_calls_set_twice_is_an_error(site):
    site.registry("""
        companies:
          acme: {name: Acme, industry: retail, size: 201-1000, region: emea}
        advocates:
          jane-doe:
            name: Jane Doe
            company: acme
            consent: {scopes: [name, reference-call], granted: 2026-01-10}
            reference_calls: {available: true, max_per_quarter: 1}
            activities:
              reference-call: {limit: 2}
        """)
    assert site.issues() == ["advocates.yaml:10:7: error: Reference calls are set twice: in 'reference_calls' and "
                             "under 'activities' (keep one: move available and max_per_quarter under activities: "
                             "reference-call:) [registry-activity-twice]"]


def test_an_unknown_activity_says_which_one_was_meant(site):
    site.advocate(activities={"site-vist": {"limit": 1}})
    [issue] = site.issues()
    assert "did you mean 'site-visit'?" in issue and issue.endswith("[registry-invalid-value]")


def test_a_request_number_used_twice_is_located(site):
    site.advocate(requests=[ask(1, "2026-02-01"), ask(1, "2026-03-01")])
    assert site.issues() == ["advocates.yaml:31:11: error: Request 1 is logged twice (also under 'jane-doe') "
                             "(give each request its own number; storyportal request does this for you) "
                             "[registry-request-id-repeated]"]


# -- storyportal request ----------------------------------------------------------------


def test_request_records_an_ask(site):
    advocate_with(site, {"site-visit": {"limit": 1}})
    code, out, err = request(site, "jane-doe", "--activity", "site-visit", "--rep", "sam@ourco.example",
                             "--opportunity", "OPP-7 Northwind", "--date", "2026-06-01")
    assert (code, err) == (0, "")
    assert out.startswith("Recorded request 1 in advocates.yaml: Site visit with Jane Doe (Acme Corp), "
                          "asked by sam@ourco.example for \"OPP-7 Northwind\" on 2026-06-01 (requested).\n")
    [logged] = jane(site, "2026-06-01").requests
    assert (logged.id, logged.activity, logged.rep, logged.opportunity, logged.outcome.value) == (
        1, "site-visit", "sam@ourco.example", "OPP-7 Northwind", "requested")


def test_request_refuses_past_the_limit_with_the_reason(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-02-01")])
    before = (site.root / "advocates.yaml").read_text()
    code, out, err = request(site, "jane-doe", "--activity", "site-visit", "--rep", "sam", "--opportunity", "OPP-8",
                             "--date", "2026-06-01")
    assert (code, out) == (1, "")
    assert err == ("storyportal request: refused: Site visit with Jane Doe (Acme Corp) on 2026-06-01:\n"
                   "  - the limit of 1 per year is reached for 2026 (next from 2027-01-01)\n"
                   "Record it anyway with --force --reason \"...\" (the reason is kept in the log).\n")
    assert (site.root / "advocates.yaml").read_text() == before


def test_request_refuses_an_unavailable_advocate(site):
    advocate_with(site, {"webinar": {"available": False}})
    code, _, err = request(site, "jane-doe", "--activity", "webinar", "--rep", "s", "--opportunity", "o",
                           "--date", "2026-06-01")
    assert code == 1
    assert "  - they are not available for the webinar activity now (available: false)\n" in err


def test_force_needs_a_reason(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-02-01")])
    code, _, err = request(site, "jane-doe", "--activity", "site-visit", "--rep", "s", "--opportunity", "o", "--force")
    assert (code, err) == (2, "storyportal: error: --force needs --reason \"why this ask goes ahead\": "
                              "the reason is kept in the log\n")


def test_force_with_a_reason_records_the_exception(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-02-01")])
    code, _, _ = request(site, "jane-doe", "--activity", "site-visit", "--rep", "s", "--opportunity", "o",
                         "--date", "2026-06-01", "--force", "--reason", "CEO-to-CEO visit, agreed by Jane")
    assert code == 0
    assert jane(site, "2026-06-01").requests[-1].exception == "CEO-to-CEO visit, agreed by Jane"


def test_update_moves_a_request_on(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(4, "2026-05-20", outcome="requested")])
    code, out, _ = request(site, "--update", "4", "--outcome", "scheduled", "--date", "2026-06-01")
    assert (code, out) == (0, "Request 4 (Site visit with Jane Doe (Acme Corp)) is now scheduled.\n")
    assert jane(site, "2026-06-01").requests[0].outcome.value == "scheduled"


def test_update_refuses_to_schedule_past_the_limit(site):
    advocate_with(site, {"site-visit": {"limit": 1}}, [ask(1, "2026-02-01"), ask(2, "2026-05-20", outcome="requested")])
    code, _, err = request(site, "--update", "2", "--outcome", "done", "--date", "2026-06-01")
    assert code == 1
    assert "the limit for this period is reached (done would pass it)" in err


def test_an_unknown_advocate_gets_a_suggestion(site):
    advocate_with(site, {})
    code, _, err = request(site, "jane-do", "--activity", "webinar", "--rep", "s", "--opportunity", "o")
    assert (code, err) == (2, "storyportal: error: no advocate 'jane-do' in advocates.yaml: did you mean 'jane-doe'?\n")


def test_dry_run_shows_the_diff_and_writes_nothing(site):
    advocate_with(site, {"webinar": {}})
    before = (site.root / "advocates.yaml").read_text()
    code, out, _ = request(site, "jane-doe", "--activity", "webinar", "--rep", "s", "--opportunity", "no",
                           "--date", "2026-06-01", "--dry-run")
    assert code == 0
    assert "+        opportunity: \"no\"\n" in out  # quoted: YAML's 'no' stays text
    assert (site.root / "advocates.yaml").read_text() == before


@pytest.fixture
def demo(tmp_path) -> Path:
    for name in ("mkdocs.yml", "advocates.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("stories", "assets", "docs", "theme"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def run_in(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(root, "request", *args)


def added_and_removed(before: str, after: str) -> tuple[list[str], list[str]]:

    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in lines if line.startswith("+ ")], [line[2:] for line in lines if line.startswith("- ")]


def test_request_changes_only_the_lines_it_adds_in_the_demo_registry(demo):
    before = (demo / "advocates.yaml").read_text()
    code, _, err = run_in(demo, "marcus-bell", "--activity", "reference-call", "--rep", "sam.ortiz@lumencloud.example",
                          "--opportunity", "OPP-2420 Bayside Outfitters", "--build-date", "2026-11-24")
    assert (code, err) == (0, "")
    added, removed = added_and_removed(before, (demo / "advocates.yaml").read_text())
    assert removed == []
    assert added == ["    requests:", "      - id: 12", "        date: 2026-11-24", "        activity: reference-call",
                     "        rep: \"sam.ortiz@lumencloud.example\"", "        opportunity: \"OPP-2420 Bayside Outfitters\"",
                     "        outcome: requested"]


def test_request_appends_to_an_existing_log_keeping_every_comment(demo):
    before = (demo / "advocates.yaml").read_text()
    code, _, _ = run_in(demo, "--update", "6", "--outcome", "scheduled", "--build-date", "2026-11-24")
    assert code == 0
    added, removed = added_and_removed(before, (demo / "advocates.yaml").read_text())
    assert (added, removed) == (["        outcome: scheduled"], ["        outcome: requested"])
    assert [line for line in before.splitlines() if "#" in line] == [
        line for line in (demo / "advocates.yaml").read_text().splitlines() if "#" in line]


# -- match --activity --------------------------------------------------------------------


def two_advocates(site, first_requests: list, second_requests: list):
    for ident, requests in (("ana", first_requests), ("ben", second_requests)):
        site.advocate(ident, scopes=ACTIVITY_SCOPES, name=ident.title(),
                      activities={"site-visit": {"limit": 2}}, requests=requests)


def test_match_activity_asks_the_less_asked_advocate_first(site):
    two_advocates(site, [ask(1, "2026-02-01")], [])
    code, out, _ = site.cli("match", "--activity", "site-visit", "--industry", "retail", "--format", "json")
    import json
    assert code == 0
    assert [a["advocate"] for a in json.loads(out)["advocates"]] == ["ben", "ana"]


def test_match_activity_skips_who_cannot_be_asked_and_says_why(site):
    two_advocates(site, [ask(1, "2026-02-01"), ask(2, "2026-03-01")], [])
    code, out, _ = site.cli("match", "--activity", "site-visit", "--industry", "retail")
    assert code == 0
    assert "\nNot to be asked now:\n  - Ana (Acme Corp): the limit of 2 per year is reached for 2026 (next from 2027-01-01)\n" in out
    assert " 1. Ben, VP Customer Experience, Acme Corp\n    why: same industry\n    2 of 2 left in 2026 · not asked yet\n" in out


# -- the report ---------------------------------------------------------------------------


def test_the_report_lists_asks_declines_and_gaps(site):
    advocate_with(site, {"site-visit": {"limit": 1}, "webinar": {"cooldown_days": 60}},
                  [ask(1, "2026-03-01"), ask(2, "2026-05-20", "webinar", "declined")])
    code, out, _ = site.cli("report", "--build-date", "2026-06-01")
    assert code == 0
    assert out.split("Reference activities this period")[1] == (
        " (asks scheduled or done)\n"
        "  Jane Doe (Acme Corp): Site visit 1 of 1 in 2026, last asked 2026-03-01; at limit\n"
        "  Jane Doe (Acme Corp): Webinar 0 (no limit) in 2026, last asked 2026-05-20; cool-down until 2026-07-19\n"
        "\nDeclined asks in the last 12 months (ask them less)\n"
        "  Jane Doe (Acme Corp): 1 declined\n"
        "\nActivities with nobody to ask in an industry today\n"
        "  Site visit: every industry\n"
        "  Webinar: every industry\n")


# -- the request log stays internal -----------------------------------------------------

REP, DEAL, WHY = "reprep-5v5v@ourco.example", "OPPDEAL-8z8z Northwind renewal", "EXCEPTION-4q4q CEO asked"


def logged_portal(site):
    advocate_with(site, {"site-visit": {"limit": 2}, "webinar": {}}, [
        {"id": 1, "date": dt.date(2026, 5, 2), "activity": "site-visit", "rep": REP, "opportunity": DEAL,
         "outcome": "done", "exception": WHY},
        {"id": 2, "date": dt.date(2026, 5, 9), "activity": "webinar", "rep": REP, "opportunity": DEAL,
         "outcome": "declined"}])
    site.story()


def every_file(out: Path) -> str:
    return "\n".join(p.read_bytes().decode("latin-1") for p in sorted(out.rglob("*")) if p.is_file()).lower()


def test_the_public_build_holds_no_request_log_value(site):
    logged_portal(site)
    text = every_file(site.build())
    assert [m for m in (REP, DEAL, WHY, "reprep-5v5v", "OPPDEAL-8z8z", "EXCEPTION-4q4q") if m.lower() in text] == []


def test_the_internal_roster_shows_the_request_log(site):
    logged_portal(site)
    roster = (site.build("--audience", "internal") / "sales" / "roster" / "index.html").read_text(encoding="utf-8")
    assert (f"<li>#2 2026-05-09 webinar, declined: {DEAL} ({REP})</li>"
            f"<li>#1 2026-05-02 site-visit, done: {DEAL} ({REP}); exception: {WHY}</li>") in roster
    assert "<li><strong>Site visit</strong>: 1 of 2 left in 2026 (last asked 2026-05-02)</li>" in roster


def test_a_request_log_value_pasted_into_a_story_withholds_it(site):
    logged_portal(site)
    site.story(body="## Challenge\n\nWe won OPPDEAL-8z8z Northwind renewal.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    assert [i.rule for i in site.load().issues] == ["story-private-value"]
    assert "oppdeal-8z8z" not in every_file(site.build())


def test_force_never_overrides_consent(site):
    advocate_with(site, {"press": {"available": True}})  # terms, but no press scope in the consent
    before = (site.root / "advocates.yaml").read_text()
    code, _, err = request(site, "jane-doe", "--activity", "press", "--rep", "s", "--opportunity", "o",
                           "--date", "2026-06-01", "--force", "--reason", "they offered on the phone")
    assert code == 1
    assert err.endswith("Consent cannot be overridden: ask the program owner to update the advocate's consent first.\n")
    assert (site.root / "advocates.yaml").read_text() == before
