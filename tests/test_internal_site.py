"""The internal build as a tool: its own navigation, canonical URLs on the internal site, a readable roster."""

from __future__ import annotations

import re

import pytest


def internal_portal(site) -> None:
    site.company("northwind", name="Northwind Traders")
    site.advocate("jane-doe", company="northwind",
                  reference_calls={"available": True, "max_per_quarter": 2, "log": [], "owner": "sam@ourco.example"})
    site.story("northwind", advocates=["jane-doe"], title="Northwind halves onboarding time")


def canonical(page: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', page)


def nav(page: str) -> list[tuple[str, str]]:
    bar = re.search(r'<nav class="sp-sitenav".*?</nav>', page, re.S)
    return re.findall(r'<a href="([^"]*)"(?: aria-current="page")?>([^<]*)</a>', bar.group()) if bar else []


def test_every_internal_page_links_sales_roster_and_report(site):
    internal_portal(site)
    out = site.build("--audience", "internal")
    roster = (out / "sales" / "roster" / "index.html").read_text(encoding="utf-8")
    story = (out / "stories" / "northwind" / "index.html").read_text(encoding="utf-8")
    assert nav(roster) == [("../../", "Home"), ("../../stories/", "Stories"), ("../", "Sales"),
                           ("./", "Roster"), ("../report/", "Report")]
    assert '<a href="./" aria-current="page">Roster</a>' in roster
    assert [label for _, label in nav(story)] == ["Home", "Stories", "Sales", "Roster", "Report"]


def test_the_public_build_has_no_internal_navigation(site):
    internal_portal(site)
    out = site.build()
    assert "sp-sitenav" not in (out / "sales" / "index.html").read_text(encoding="utf-8")
    assert "roster" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("configured, expected", [
    ("https://internal.test/stories", ["https://internal.test/stories/sales/roster/"]),
    (None, []),  # never the public domain, where the roster does not exist
])
def test_roster_canonical_names_the_internal_site_or_nothing(site, configured, expected):
    internal_portal(site)
    if configured:
        site.plugin["internal_site_url"] = configured
    out = site.build("--audience", "internal")
    assert canonical((out / "sales" / "roster" / "index.html").read_text(encoding="utf-8")) == expected
    report = canonical((out / "sales" / "report" / "index.html").read_text(encoding="utf-8"))
    assert report == [u.replace("roster", "report") for u in expected]
    assert canonical((out / "sales" / "index.html").read_text(encoding="utf-8")) == ["https://stories.test/sales/"]


def test_the_roster_lists_story_titles_not_slugs(site):
    internal_portal(site)
    out = site.build("--audience", "internal")
    roster = (out / "sales" / "roster" / "index.html").read_text(encoding="utf-8")
    assert '<li><a href="../../stories/northwind/">Northwind halves onboarding time</a></li>' in roster
    assert ">northwind</a>" not in roster


def test_an_internal_site_url_that_is_not_a_web_address_is_refused(site):
    internal_portal(site)
    site.plugin["internal_site_url"] = "intranet/stories"
    code, out, err = site.cli("validate")
    assert (code, out) == (2, "")  # the settings are unusable: nothing was checked
    assert err == "mkdocs.yml:30:24: error: 'internal_site_url' has an invalid format: 'intranet/stories' [config-invalid-value]\n"


def test_the_internal_menu_reaches_the_sales_tools_and_the_public_one_does_not(site):
    site.story()
    menu = re.compile(r'href="([^"]*)" class="md-nav__link')
    internal = (site.build("--audience", "internal") / "index.html").read_text(encoding="utf-8")
    public = (site.build() / "index.html").read_text(encoding="utf-8")
    assert menu.findall(internal) == [".", "stories/", "sales/", "sales/roster/", "sales/report/"]
    assert menu.findall(public) == [".", "stories/"]
