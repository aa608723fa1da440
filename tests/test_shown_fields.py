"""Registry and settings fields the site shows hold no contact and no private value (review 3, finding 4).

A job title, a company name, a taxonomy label or the site's name reach every page that shows
them. A contact or one advocate's private value there used to pass validate and then stop the
whole build in the leak guard: what validates must build. validate reports them at the field; the
build leaves the registry entry out (its stories are withheld) and builds the rest, and refuses
settings that would show one on every page.
"""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE

TITLE_WITH_PHONE = "VP Sales, +44 20 7946 0001"


def errors(site, rule: str) -> list[str]:
    return [line for line in site.issues() if f"[{rule}]" in line]


def line_of(site, rel: str, text: str) -> int:
    lines = (site.root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_phone_number_in_an_advocates_title_is_an_error_at_the_title(site):
    site.advocate("jane-doe", title=TITLE_WITH_PHONE)
    site.story("acme")
    [issue] = errors(site, "registry-field-private")
    site.flush()
    assert issue.startswith(f"advocates.yaml:{line_of(site, 'advocates.yaml', 'VP Sales')}:")
    assert "+44 20 7946 0001" in issue


def test_an_e_mail_address_in_a_company_name_is_an_error_at_the_name(site):
    site.company("acme", name="Acme hello@acme.example")
    site.advocate("jane-doe")
    site.story("acme")
    [issue] = errors(site, "registry-field-private")
    assert "hello@acme.example" in issue and issue.startswith("advocates.yaml:")


def test_another_advocates_private_value_in_a_title_is_an_error(site):
    site.company("globex", name="Globex")
    site.advocate("jane-doe", private={"city": "Manchester"})
    site.advocate("sam-lee", company="globex", name="Sam Lee", title="Head of Operations, Manchester")
    site.story("globex", advocates=["sam-lee"])
    [issue] = errors(site, "registry-field-private")
    assert "jane-doe.city" in issue


def test_the_advocates_stories_are_withheld_and_the_rest_builds(site):
    site.company("globex", name="Globex")
    site.advocate("jane-doe", title=TITLE_WITH_PHONE)
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    site.story("acme")
    site.story("globex", advocates=["sam-lee"])
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 0, err
    assert not (site.root / "site/stories/acme").exists()
    assert (site.root / "site/stories/globex/index.html").is_file()


def test_a_company_with_a_contact_in_its_name_leaves_its_advocates_stories_out(site):
    site.company("acme", name="Acme hello@acme.example")
    site.advocate("jane-doe")
    site.story("acme")
    site.story("northwind")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 0, err
    assert not (site.root / "site/stories/acme").exists()


@pytest.mark.parametrize("where", ["taxonomy label", "site_name"])
def test_a_contact_in_a_shown_setting_is_an_error_at_the_setting(site, where):
    if where == "site_name":
        site.mkdocs["site_name"] = "Stories, call +44 20 7946 0001"
    else:
        site.plugin["taxonomy"] = {**site.plugin["taxonomy"],
                                   "industry": {"retail": "Retail info@shop.example", "healthcare": "H", "logistics": "L"}}
    site.story("acme")
    [issue] = errors(site, "config-field-private")
    site.flush()
    text = "+44 20 7946 0001" if where == "site_name" else "info@shop.example"
    assert issue.startswith(f"mkdocs.yml:{line_of(site, 'mkdocs.yml', text)}:")


def test_a_build_whose_settings_show_a_contact_stops_with_the_located_error(site):
    site.mkdocs["site_name"] = "Stories, write to info@shop.example"
    site.story("acme")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code != 0 and "[config-field-private]" in err and "Leak guard" not in err


def test_an_ordinary_registry_and_settings_have_no_such_error(site):
    site.story("acme")
    assert errors(site, "registry-field-private") + errors(site, "config-field-private") == []


def test_an_e_mail_address_in_a_company_website_is_an_error(site):
    site.company("acme", website="https://sales@acme.example/")
    site.advocate("jane-doe")
    site.story("acme")
    [issue] = errors(site, "registry-field-private")
    assert "sales@acme.example" in issue
