"""Markdown we write (the job summary, the program report) shows every value as text.

A pull request chooses file names and field names, the registry company names: none may become
a link, an image, HTML or another table cell where the Markdown is rendered.
"""

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.markdown_escape import markdown_code, markdown_text


def summary_of(site, monkeypatch):
    summary = site.root.parent / f"{site.root.name}-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    site.cli("validate", "--format", "github", "--build-date", BUILD_DATE.isoformat())
    return summary.read_text()


def cells(line: str) -> int:
    """Cells of a table row, counted as GitHub splits it: at each `|` not escaped."""
    return line.count("|") - line.count("\\|") - 1


def test_a_field_name_in_the_step_summary_is_no_link(site, monkeypatch):
    site.story("acme", **{"[click here](https://evil.example/login)": 1})
    text = summary_of(site, monkeypatch)
    assert "\\'\\[click here\\]\\(https\\:\\/\\/evil\\.example\\/login\\)\\' is not a field we know" in text


def test_a_file_name_in_the_step_summary_stays_in_its_cell(site, monkeypatch):
    site.story("acme")
    site.write("stories/x`|![t](http:evil.example\\t.png)|`.md", "hello")
    rows = [line for line in summary_of(site, monkeypatch).splitlines() if "evil.example" in line]
    assert rows and all(line.startswith("| ``stories/x`\\|![t](http:evil.example\\t.png)\\|`.md`` |") for line in rows)
    assert all(cells(line) == 4 for line in rows)


@pytest.mark.parametrize("value, shown", [
    ("[x](https://evil.example)", "\\[x\\]\\(https\\:\\/\\/evil\\.example\\)"),
    ("![t](http://evil.example/t.png)", "\\!\\[t\\]\\(http\\:\\/\\/evil\\.example\\/t\\.png\\)"),
    ("<img src=x>", "\\<img src\\=x\\>"),
    ("&lt;", "\\&lt\\;"),
    ("1. first\n# heading", "1\\. first \\# heading"),
    ("a | b", "a \\| b"),
])
def test_markdown_text_forms_no_markup(value, shown):
    assert markdown_text(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("stories/a.md", "`stories/a.md`"),
    ("a`b", "``a`b``"),
    ("`a``", "``` `a`` ```"),
    ("a|b\nc", "`a\\|b c`"),
])
def test_markdown_code_is_one_code_span_in_one_cell(value, shown):
    assert markdown_code(value) == shown


def test_a_company_name_in_the_markdown_report_is_no_link(site):
    site.company("idle", name="[Acme](https://evil.example/login)")  # listed: a company with no story
    site.advocate("jane-doe")
    site.story("acme")
    code, out, _ = site.cli("report", "--format", "markdown", "--build-date", BUILD_DATE.isoformat())
    assert code == 0
    assert "](https://evil.example" not in out
    assert "\\[Acme\\]\\(https\\:\\/\\/evil\\.example\\/login\\)" in out
