"""What a security review broke after issue 13 landed, written as the attacks (each failed before).

No story may stop the deploy: anything the leak guard would fail the whole build on is reported
by validate, so the deploy withholds that one story. And the guard finds what it promises to.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitebuilder import CASE_STUDY_BODY
from storyportal.site.leakguard import scan_output

PHONE = "+1 312 555 0142"


def rules(site) -> list[str]:
    return [i.rule for i in site.load().issues]


def with_body(text: str) -> str:
    return CASE_STUDY_BODY.replace("After.", text)


@pytest.mark.parametrize("text", [
    "Call our partner desk on +1 800 555 0100 any time.",
    "Write to press@orbital-learning.example for more.",
    "`git clone git@github.com:orbital/reports.git`",
])
def test_a_public_contact_in_a_story_is_reported_and_the_deploy_withholds_only_it(site, text):
    site.advocate()
    site.story("healthy")
    site.story("contact", body=with_body(text))
    assert rules(site) == ["story-contact"]
    out = site.build()  # non-strict, as the nightly deploy: it must not abort
    assert (out / "stories" / "healthy" / "index.html").is_file()
    assert not (out / "stories" / "contact").exists()


def test_a_number_that_reads_as_a_phone_in_a_metric_is_reported_not_a_build_abort(site):
    site.advocate()
    site.story(metrics=[{"value": "+1 200 000", "label": "new app users in 2026"}])
    assert rules(site) == ["story-contact"]
    site.build()


def test_a_private_phone_split_over_a_metric_value_and_label_is_reported(site):
    site.advocate(private={"phone": PHONE})
    site.story(metrics=[{"value": "+1 312", "label": "555 0142"}])
    assert rules(site) == ["story-private-value"]
    site.build()


@pytest.mark.parametrize("written", ["312·555·0142", "(312) 555\u20130142", "(312) 555\u20110142",
                                     "\u0663\u0661\u0662 \u0665\u0665\u0665 \u0660\u0661\u0664\u0662"],
                         ids=["middle-dots", "en-dash", "non-breaking-hyphen", "arabic-indic-digits"])
def test_a_private_phone_in_other_characters_is_reported_and_guarded(site, tmp_path, written):
    site.advocate(private={"phone": PHONE})
    site.story(body=with_body(f"Reach Priya on {written} today."))
    assert rules(site) == ["story-private-value"]
    out = tmp_path / "output"  # beside the portal the site fixture writes into tmp_path
    out.mkdir()
    (out / "page.html").write_text(f"<p>Reach Priya on {written} today.</p>", encoding="utf-8")
    assert [leak.what for leak in scan_output(out, [("jane-doe", "phone", PHONE)])] == [
        "private value of jane-doe.phone"]


@pytest.mark.parametrize("html", ["<p>Mail priya.raman@harbor-<br>\npine.example today.</p>",
                                  "<table><tr><td>priya.raman@</td><td>harbor-pine.example</td></tr></table>"],
                         ids=["line-break", "table-cells"])
def test_a_private_e_mail_split_by_markup_is_guarded(tmp_path, html):
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    value = ("jane-doe", "email", "priya.raman@harbor-pine.example")
    assert "private value of jane-doe.email" in [leak.what for leak in scan_output(tmp_path, [value])]


def test_the_request_log_of_an_advocate_with_an_error_is_still_guarded(site):
    site.advocate("jane-doe", requests=[{"id": 1, "date": dt.date(2026, 5, 1), "activity": "webinar",
                                         "rep": "rep@ourco.example", "opportunity": "OPPDEAL-7k7k Secret",
                                         "outcome": "bogus-outcome"}])
    site.advocate("raj", name="Raj Patel")
    site.story("raj-story", advocates=["raj"], body=with_body("We pitched OPPDEAL-7k7k Secret together."))
    assert "story-private-value" in rules(site)


def test_a_contact_field_inside_a_list_is_guarded(site):
    site.advocate(assistants=[{"name": "Robin Lee", "mobile": "206 555 0199"}])
    site.story(body=with_body("Text the assistant on (206) 555-0199."))
    assert "story-private-value" in rules(site)
