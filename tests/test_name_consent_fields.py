"""A registry field that pages show names someone no page may name (review finding: the leak guard
stopped the whole build on it, and validate said nothing).

An advocate's title or a company's name holding the full name of an advocate who may not be named
that day (no 'name' scope, consent lapsed, an entry with errors) is reported at the field
(registry-name-unconsented); the entry is left out as an entry with an error is, so its stories are
withheld and every other story builds. Which names may not be shown depends on the day.
"""

from __future__ import annotations

import datetime as dt

from sitebuilder import BUILD_DATE
from test_name_consent_registry import UNNAMED

RULE = "[registry-name-unconsented]"


def field_issues(site, today: dt.date = BUILD_DATE) -> list[str]:
    return [line for line in site.issues(today) if RULE in line]


def sams_title_names_jane(site, **jane) -> None:
    site.advocate("jane-doe", **jane)
    site.advocates["sam-lee"]["title"] = "Deputy to Jane Doe"
    site.story("globex", advocates=["sam-lee"])


def test_a_title_naming_an_advocate_who_may_not_be_named_is_reported_at_the_field(sam):
    sams_title_names_jane(sam, scopes=UNNAMED)
    [issue] = field_issues(sam)
    assert issue.startswith("advocates.yaml:") and "Jane Doe" in issue


def test_the_entry_is_left_out_and_every_other_story_builds(sam):
    sams_title_names_jane(sam, scopes=UNNAMED)
    sam.company("initech", name="Initech")
    sam.advocate("kim-park", company="initech", name="Kim Park")
    sam.story("initech", advocates=["kim-park"])
    site = sam.build()
    assert (site / "stories" / "initech" / "index.html").is_file()
    assert not (site / "stories" / "globex").exists()


def test_a_title_may_name_an_advocate_who_may_be_named(sam):
    sams_title_names_jane(sam)
    assert field_issues(sam) == []


def test_an_advocates_own_title_may_not_show_the_name_they_may_not_show(sam):
    sam.advocate("jane-doe", scopes=UNNAMED, title="Founder, Jane Doe Studio")
    sam.story("globex", advocates=["sam-lee"])
    assert len(field_issues(sam)) == 1


def test_a_company_name_naming_them_leaves_the_company_and_its_advocates_out(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.company("doe-consulting", name="Jane Doe Consulting")
    sam.advocate("kim-park", company="doe-consulting", name="Kim Park")
    sam.story("doe-consulting", advocates=["kim-park"])
    assert len(field_issues(sam)) == 1
    assert any("[story-advocate-invalid]" in line for line in sam.issues())


def test_the_field_is_reported_from_the_day_their_consent_lapses(sam):
    sams_title_names_jane(sam)
    sam.advocates["jane-doe"]["consent"]["expires"] = BUILD_DATE
    assert field_issues(sam, BUILD_DATE - dt.timedelta(days=1)) == []
    assert len(field_issues(sam, BUILD_DATE + dt.timedelta(days=1))) == 1


def test_a_title_naming_someone_whose_entry_has_errors_is_reported(sam):
    sams_title_names_jane(sam)
    sam.advocates["jane-doe"]["consent"]["scopes"] = ["nmae"]
    assert len(field_issues(sam)) == 1


def test_an_entry_left_out_guards_its_own_name_in_the_fields_of_others(sam):
    sams_title_names_jane(sam, scopes=UNNAMED)
    sam.company("initech", name="Initech")
    sam.advocate("kim-park", company="initech", name="Kim Park", title="Reports to Sam Lee")
    sam.story("initech", advocates=["kim-park"])
    assert [("Jane Doe" in line, "Sam Lee" in line) for line in field_issues(sam)] == [(True, False), (False, True)]
    sam.build()  # the leak guard finds neither name: both entries are left out


def test_two_advocates_of_one_name_who_may_not_be_named_are_no_error(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.advocate("jane-doe-2", company="globex", scopes=UNNAMED)
    sam.story("globex", advocates=["sam-lee"])
    assert field_issues(sam) == []


def test_a_shown_name_holding_the_name_of_someone_who_may_not_be_named_is_reported(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.advocate("jane-doe-smith", company="globex", name="Jane Doe Smith")
    sam.story("globex", advocates=["sam-lee"])
    [issue] = field_issues(sam)
    assert "Jane Doe" in issue


def test_an_advocate_id_with_a_dot_is_reported_not_a_traceback(sam):
    sam.advocate("jane.doe", scopes=UNNAMED)
    sams_story = "## Challenge\n\nSam met Jane Doe of Acme.\n\n## Solution\n\nx.\n\n## Results\n\ny.\n"
    sam.story("globex", advocates=["sam-lee"], body=sams_story)
    code, out, err = sam.cli("validate")
    assert "Traceback" not in err and "[story-name-unconsented]" in out


def test_a_title_may_not_use_a_name_a_named_and_an_unnamed_advocate_share(sam):
    sams_title_names_jane(sam, scopes=UNNAMED)
    sam.advocate("jane-doe-2", company="globex")
    assert len(field_issues(sam)) == 1


def test_a_company_website_is_not_a_shown_name(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.companies["globex"]["website"] = "https://globex.example/team/jane%20doe"
    sam.story("globex", advocates=["sam-lee"])
    assert field_issues(sam) == []


def test_a_field_naming_someone_whose_entry_has_errors_says_so(sam):
    sams_title_names_jane(sam)
    sam.advocates["jane-doe"]["consent"]["scopes"] = ["nmae"]
    [issue] = field_issues(sam)
    assert "has errors" in issue and "record their consent" not in issue


def test_a_placeholder_for_the_name_of_someone_who_may_not_be_named_stops_no_build(sam):
    sam.advocate("jane-doe", scopes=UNNAMED, name="Unknown")
    sam.story("globex", advocates=["sam-lee"])
    assert (sam.build() / "stories" / "globex" / "index.html").is_file()


def test_a_setting_pages_show_naming_them_is_an_error_at_the_setting(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.mkdocs["site_description"] = "Customer stories curated by Jane Doe"
    sam.story("globex", advocates=["sam-lee"])
    code, _, err = sam.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code != 0 and "[config-field-private]" in err and "Leak guard" not in err
