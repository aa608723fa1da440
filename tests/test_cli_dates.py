"""Dates outside the years 1900 to 2999, wherever they are read: refused at their place, never a traceback.

A year like 0026 (for 2026) is a typo; kept, it made the rules' sums leave the calendar
(a year of declines before 0001-01-03, a cool-down after 9999-12-30: OverflowError).
"""

from __future__ import annotations

import datetime as dt

import pytest

SALES = [
    ["report"],
    ["match", "--activity", "site-visit"],
    ["match", "--industry", "retail"],
    ["request", "jane-doe", "--activity", "site-visit", "--rep", "B", "--opportunity", "O", "--dry-run"],
    ["validate"],
    ["new", "case-study", "--advocate", "jane-doe"],
]


def program(site) -> None:
    site.advocate(activities={"site-visit": {"available": True, "limit": 5, "per": "year", "cooldown_days": 30}},
                  consent={"scopes": ["name", "case-study", "site-visit"], "granted": dt.date(2026, 1, 1)})
    site.story()


@pytest.mark.parametrize("day", ["0001-01-03", "1899-12-31", "3000-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", SALES, ids=" ".join)
def test_a_build_date_outside_the_years_is_refused_as_a_usage_error(site, command, day):
    program(site)
    code, out, err = site.cli(*command, "--build-date", day)
    assert (code, err.splitlines()[-1]) == (
        2, f"storyportal {command[0]}: error: argument --build-date: '{day}' is outside the years 1900 to 2999: "
           "check the year")


def test_a_request_date_outside_the_years_is_refused(site):
    program(site)
    code, out, err = site.cli(*SALES[3], "--date", "0001-01-01")
    assert (code, err.splitlines()[-1]) == (
        2, "storyportal request: error: argument --date: '0001-01-01' is outside the years 1900 to 2999: check the year")


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31"])
def test_the_first_and_last_days_are_accepted(site, day):
    program(site)
    assert site.cli("report", "--build-date", day)[0] == 0


@pytest.mark.parametrize("where, line, col", [
    (("consent", "granted"), 17, 16),
    (("requests", 0, "date"), 33, 13),
    (("reference_calls", "log", 0), 30, 9),
])
def test_a_registry_date_outside_the_years_is_a_located_error(site, where, line, col):
    program(site)
    entry = site.advocates["jane-doe"]
    entry["reference_calls"] = {"available": True, "max_per_quarter": 2, "log": [dt.date(2026, 2, 1)]}
    entry["requests"] = [{"id": 1, "date": dt.date(2026, 5, 2), "activity": "site-visit", "rep": "B",
                          "opportunity": "O"}]
    parent = entry
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = dt.date(1, 1, 3)
    name = " > ".join(f"item {p + 1}" if isinstance(p, int) else p for p in where)
    assert [i for i in site.issues() if "outside" in i] == [
        f"advocates.yaml:{line}:{col}: error: '{name}' is 0001-01-03, outside the years 1900 to 2999 (check the "
        "year: write the date as YYYY-MM-DD, like 2026-03-14) [registry-invalid-value]"]


@pytest.mark.parametrize("field", ["published", "updated"])
def test_a_story_date_outside_the_years_is_a_located_error(site, field):
    program(site)
    site.story(**{field: dt.date(9999, 12, 31)})
    assert [i for i in site.issues() if "outside" in i] == [
        f"stories/northwind.md:{7 if field == 'published' else 8}:{len(field) + 3}: error: '{field}' is 9999-12-31, "
        "outside the years 1900 to 2999 (check the year: write the date as YYYY-MM-DD, like 2026-03-14) "
        "[story-invalid-value]"]


@pytest.mark.parametrize("command", SALES, ids=" ".join)
def test_a_build_date_setting_outside_the_years_is_a_located_error(site, command):
    program(site)
    site.plugin["build_date"] = dt.date(1, 1, 3)
    code, out, err = site.cli(*command)
    assert code == 2 and "mkdocs.yml:" in err and "'build_date' is 0001-01-03, outside the years" in err


@pytest.mark.parametrize("value", ["0001-01-03", "yesterday"])
@pytest.mark.parametrize("command", [["validate"], ["report"], ["build"]])
def test_a_build_date_variable_outside_the_years_is_refused(site, monkeypatch, command, value):
    program(site)
    monkeypatch.setenv("STORYPORTAL_BUILD_DATE", value)
    code, out, err = site.cli(*command)
    assert code in (1, 2) and "STORYPORTAL_BUILD_DATE" in err and "Traceback" not in err


def test_a_year_written_with_two_digits_in_the_registry_is_a_located_error(site):
    program(site)
    site.flush()
    site.registry((site.root / "advocates.yaml").read_text().replace("granted: 2026-01-01", "granted: 0026-01-01"))
    assert [i for i in site.issues() if "outside" in i][0].startswith("advocates.yaml:17:16: error: 'consent > "
                                                                     "granted' is 0026-01-01")
