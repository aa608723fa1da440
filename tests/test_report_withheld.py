"""'Withheld now' at the top of the program report: each story kept off the site, why, and since when."""

from __future__ import annotations

import datetime as dt
import json

from sitebuilder import dedent
from storyportal.sales.report import program_report, render_json, render_markdown, render_text

ALL = ["name", "quote", "case-study", "testimonial", "video", "reference-call"]


def consent(scopes=ALL, granted=dt.date(2025, 1, 1), **more) -> dict:
    return {"scopes": list(scopes), "granted": granted, **more}


def withheld_portal(site) -> None:
    """One story per reason, judged on 2026-06-01; plus a published story and a draft that are not listed."""
    site.advocate("jane-doe")
    site.advocate("ex", name="Eva Ex", consent=consent(expires=dt.date(2026, 5, 15)))
    site.advocate("rev", name="Rui Rev", consent=consent(revoked=True))
    site.advocate("nv", name="Nia Nv", consent=consent(scopes=["name", "case-study"]))
    site.advocate("nq", name="Noa Nq", consent=consent(scopes=["name", "case-study"]))
    site.advocate("late", name="Lee Late", consent=consent(granted=dt.date(2026, 7, 1)))
    site.story("fine")
    site.story("draft-lapsed", advocates=["ex"], draft=True)
    site.story("lapsed", advocates=["ex"], title="Lapsed story")
    site.story("revoked", advocates=["rev"], title="Revoked story")
    site.story("no-video", advocates=["nv"], type="video", title="Video story", body="Intro.\n",
               published=dt.date(2026, 2, 1), video={"url": "https://youtu.be/abcdefghijk"})
    site.story("no-quote", advocates=["nq"], quote="We love it.", title="Quoted story")
    site.story("too-early", advocates=["late"], title="Early story")


def test_each_withheld_story_with_its_reason_and_date(site):
    withheld_portal(site)
    report = program_report(site.load())
    assert [(w.slug, w.advocate, w.rule, w.reason, w.since) for w in report.withheld] == [
        ("lapsed", "ex", "consent-expired", "Eva Ex's consent expired on 2026-05-15", dt.date(2026, 5, 16)),
        ("no-quote", "nq", "consent-quote-missing", "Noa Nq has not agreed to be quoted", dt.date(2026, 3, 14)),
        ("no-video", "nv", "consent-scope-missing", "Nia Nv's consent does not cover a video", dt.date(2026, 2, 1)),
        ("revoked", "rev", "consent-revoked", "Rui Rev withdrew consent", None),
        ("too-early", "late", "consent-not-yet-granted", "Lee Late's consent only starts on 2026-07-01",
         dt.date(2026, 3, 14)),
    ]


def test_the_report_names_the_same_reasons_as_validate(site):
    withheld_portal(site)
    portal = site.load()
    from_rules = {(i.path.split("/")[1][:-3], i.rule) for i in portal.issues
                  if i.rule.startswith("consent-") and portal.status[i.path].value == "withheld"}
    assert from_rules == {(w.slug, w.rule) for w in program_report(portal).withheld}


def test_text_report_starts_with_what_is_withheld(site):
    withheld_portal(site)
    text = render_text(program_report(site.load()))
    assert text.split("\n\n")[:2] == ["Customer reference program, 2026-06-01", dedent("""
        Withheld now: 5 stories not on the site
          lapsed: Eva Ex's consent expired on 2026-05-15 (withheld since 2026-05-16)
          no-quote: Noa Nq has not agreed to be quoted (withheld since 2026-03-14)
          no-video: Nia Nv's consent does not cover a video (withheld since 2026-02-01)
          revoked: Rui Rev withdrew consent (withheld; the date is not recorded)
          too-early: Lee Late's consent only starts on 2026-07-01 (withheld since 2026-03-14)""")]


def test_markdown_report_starts_with_what_is_withheld(site):
    site.company("acme", name="Acme | <b>Corp</b>")
    site.advocate("rev", name="Rui *Rev*", consent=consent(revoked=True))
    site.story("revoked", advocates=["rev"], title="A [link](x) story")
    text = render_markdown(program_report(site.load()))
    assert text.split("\n\n")[1:3] == [
        "## Withheld now: 1 story not on the site",
        "| Story | Company | Why | Withheld since |\n| --- | --- | --- | --- |\n"
        "| A \\[link\\]\\(x\\) story | Acme \\| \\<b\\>Corp\\<\\/b\\> | Rui \\*Rev\\* withdrew consent | not recorded |",
    ]


def test_json_report_lists_what_is_withheld(site):
    site.advocate("ex", name="Eva Ex", consent=consent(expires=dt.date(2026, 5, 15)))
    site.story("lapsed", advocates=["ex"], title="Lapsed story")
    assert json.loads(render_json(program_report(site.load())))["withheld"] == [
        {"slug": "lapsed", "title": "Lapsed story", "company": "Acme Corp", "advocate": "ex", "rule": "consent-expired",
         "reason": "Eva Ex's consent expired on 2026-05-15", "since": "2026-05-16"}]


def test_report_command_prints_withheld_first(site):
    site.advocate("rev", name="Rui Rev", consent=consent(revoked=True))
    site.story("revoked", advocates=["rev"])
    code, out, err = site.cli("report", "--build-date", "2026-06-01")
    assert (code, err) == (0, "")
    assert out.splitlines()[2:4] == ["Withheld now: 1 story not on the site",
                                     "  revoked: Rui Rev withdrew consent (withheld; the date is not recorded)"]


def test_the_internal_report_page_shows_what_is_withheld_escaped(site):
    site.company("acme", name="Acme <b>Corp</b>")
    site.advocate("jane-doe")
    site.advocate("ex", name="Eva Ex", consent=consent(expires=dt.date(2026, 5, 15)))
    site.story("fine")
    site.story("lapsed", advocates=["ex"], title="Lapsed <i>story</i>")
    page = (site.build("--audience", "internal") / "sales" / "report" / "index.html").read_text(encoding="utf-8")
    assert page.index('id="sp-r-withheld"') < page.index('id="sp-r-matrix"')
    assert ("<tr><td>Lapsed &lt;i&gt;story&lt;/i&gt; <code>lapsed</code></td><td>Acme &lt;b&gt;Corp&lt;/b&gt;</td>"
            "<td>Eva Ex&#39;s consent expired on 2026-05-15</td>"
            '<td><time datetime="2026-05-16">2026-05-16</time></td></tr>') in page
