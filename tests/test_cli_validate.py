"""``storyportal validate``: exit codes, output formats, and the demo portal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from storyportal.cli.main import main as cli_main

BUILD_DATE = dt.date(2026, 6, 1)  # the date site.load() and the site fixture judge on

DATE = ("--build-date", BUILD_DATE.isoformat())
REPO = Path(__file__).resolve().parent.parent


# -- exit codes ----------------------------------------------------------------

def test_clean_portal_exits_0(site):
    site.story()
    assert site.cli("validate", *DATE)[0] == 0


def test_errors_exit_1(site):
    site.story(sumary="typo")
    assert site.cli("validate", *DATE)[0] == 1


def test_warnings_alone_exit_0(site):
    site.advocate(consent={"scopes": ["name"], "granted": BUILD_DATE})
    site.story()
    assert site.cli("validate", *DATE)[0] == 0


def test_strict_makes_warnings_fail(site):
    site.advocate(consent={"scopes": ["name"], "granted": BUILD_DATE})
    site.story()
    assert site.cli("validate", "--strict", *DATE)[0] == 1


def test_missing_mkdocs_yml_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = cli_main(["validate", *DATE])
    assert (code, capsys.readouterr().err) == (
        2, "mkdocs.yml: error: There is no mkdocs.yml here, so this is not a portal's folder (run this in the "
           "portal's folder, where mkdocs.yml is, or give its path with -f) [config-missing]\n")


def test_broken_mkdocs_yml_exits_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - storyportal:\n    taxonomy: [\n")
    monkeypatch.chdir(tmp_path)
    code = cli_main(["validate", *DATE])
    assert (code, capsys.readouterr().err.split(": error: ")[0]) == (2, "mkdocs.yml:5:1")


def test_missing_registry_exits_2(site):
    site.story()
    site.flush()
    (site.root / "advocates.yaml").unlink()
    site.flush = lambda: None  # keep the registry missing
    assert site.cli("validate", *DATE)[:2] == (2, "")


# -- output formats --------------------------------------------------------------

def test_json_output_exact(site):
    site.story(sumary="typo")
    code, out, _ = site.cli("validate", "--format", "json", *DATE)
    assert json.loads(out) == {
        "issues": [{
            "col": 1, "hint": "did you mean 'summary'?", "line": 8, "message": "'sumary' is not a field we know",
            "path": "stories/northwind.md", "rule": "story-unknown-field", "severity": "error",
        }],
        "summary": {"build_date": "2026-06-01", "draft": 0, "errors": 1, "invalid": 1, "published": 0,
                    "scheduled": 0, "stories": 1, "warnings": 0, "withheld": 0},
    }


def test_text_output_exact(site):
    site.story(sumary="typo")
    assert site.cli("validate", *DATE)[1] == (
        "stories/northwind.md:8:1: error: 'sumary' is not a field we know (did you mean 'summary'?) [story-unknown-field]\n")


def test_github_escapes_percent_and_newline_in_messages(site):
    site.story(industry="ret%\nail")
    out = site.cli("validate", "--format", "github", *DATE)[1]
    assert out == ("::error file=stories/northwind.md,line=8,col=11,title=story-taxonomy-unknown::"
                   "'ret%25%0Aail' is not one of the allowed values of industry (did you mean 'retail'?)\n")


def test_github_escapes_colon_and_comma_in_file_paths(site):
    site.story("a:b,c%d")
    out = site.cli("validate", "--format", "github", *DATE)[1]
    assert out.startswith("::error file=stories/a%3Ab%2Cc%25d.md,line=1,col=1,title=story-slug-invalid::")


def test_github_keeps_colon_and_comma_in_message_text(site):
    site.story(industry="a: b, c")
    out = site.cli("validate", "--format", "github", *DATE)[1]
    assert out.endswith("::'a: b, c' is not one of the allowed values of industry (allowed: retail, healthcare, logistics)\n")


def test_github_writes_the_full_list_to_the_step_summary(site, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for index in range(12):  # more than the 10 annotations GitHub shows inline
        site.story(f"s{index:02d}", sumary="typo")
    site.cli("validate", "--format", "github", *DATE)
    rows = [line for line in summary.read_text().splitlines() if line.startswith("| `stories/")]
    assert len(rows) == 12


def test_step_summary_row_exact(site, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    site.story(sumary="typo")
    site.cli("validate", "--format", "github", *DATE)
    assert summary.read_text() == (
        "## Story check: 1 error(s), 0 warning(s)\n\n"
        "| File | Line | Problem | Rule |\n| --- | --- | --- | --- |\n"
        "| `stories/northwind.md` | 8 | error\\: \\'sumary\\' is not a field we know \\(did you mean \\'summary\\'\\?\\) "
        "| `story-unknown-field` |\n")


def test_every_problem_is_reported_at_once(site):
    site.advocate("jane-doe")
    site.story("one", sumary="typo", industry="retial", image="nope.png")
    site.story("two", text="---\ntitle: true\ntype: testimonial\nadvocates: [jane-do]\nsummary: S\npublished: 2024-02-30\n---\nB\n")
    site.write("stories/notes.txt", "x")
    out = site.cli("validate", *DATE)[1]
    assert [line.split(": ")[0] + " " + line.rsplit(" ", 1)[1] for line in out.splitlines()] == [
        "stories/notes.txt:1:1 [story-stray-file]",
        "stories/one.md:8:1 [story-unknown-field]",
        "stories/two.md:2:8 [story-field-type]",
        "stories/two.md:6:12 [yaml-invalid-date]",
    ]


def test_every_rule_problem_is_reported_at_once(site):
    site.advocate("jane-doe")
    site.story("one", industry="retial", products=["analitics"], image="nope.png", updated=BUILD_DATE.replace(year=2025))
    out = site.cli("validate", *DATE)[1]
    assert [line.split(": ")[0] + " " + line.rsplit(" ", 1)[1] for line in out.splitlines()] == [
        "stories/one.md:8:11 [story-taxonomy-unknown]",
        "stories/one.md:10:3 [story-taxonomy-unknown]",
        "stories/one.md:11:8 [path-missing]",
        "stories/one.md:12:10 [story-updated-before-published]",
    ]


# -- the demo portal ---------------------------------------------------------------

def test_demo_portal_has_exactly_its_three_withheld_stories(capsys):
    code = cli_main(["validate", "-f", str(REPO / "mkdocs.yml"), "--build-date", "2026-11-24"])
    out = capsys.readouterr().out
    assert (code, [(line.split(":")[0], line.rsplit(" ", 1)[1]) for line in out.splitlines()]) == (0, [
        ("stories/brightline-audit-trail.md", "[consent-expired]"),
        ("stories/quillstack-growth-experiments.md", "[consent-revoked]"),
        ("stories/velo-freight-dispatch-video.md", "[consent-scope-missing]"),
    ])


def test_demo_portal_fails_in_strict_mode():
    assert cli_main(["validate", "--strict", "-f", str(REPO / "mkdocs.yml"), "--build-date", "2026-11-24"]) == 1
