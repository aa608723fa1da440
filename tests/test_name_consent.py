"""An advocate without the name scope is shown as "a customer at X": their name typed into a
story is a located error, wherever it is written, and the story is not published."""

from __future__ import annotations

import pytest

from sitebuilder import ALL_SCOPES

UNNAMED = [scope for scope in ALL_SCOPES if scope != "name"]


@pytest.fixture
def unnamed(site):
    site.advocate("jane-doe", scopes=UNNAMED)
    return site


def name_issues(site) -> list[str]:
    return [line for line in site.issues() if "[story-name-unconsented]" in line]


def test_a_name_in_the_body_is_an_error_at_its_line_and_column(unnamed):
    unnamed.story(
        "acme",
        body="## Challenge\n\nIt began when\nour VP jane  DOE asked why.\n\n## Solution\n\nx\n\n## Results\n\ny\n",
    )
    [issue] = name_issues(unnamed)
    assert issue.startswith("stories/acme.md:")
    line, col = (int(part) for part in issue.split(":")[1:3])
    assert (col, "Jane Doe" in issue) == (8, True)
    text = (unnamed.root / "stories/acme.md").read_text(encoding="utf-8").splitlines()
    assert text[line - 1][col - 1 :].lower().startswith("jane")


@pytest.mark.parametrize("field", ["title", "summary"])
def test_a_name_in_a_front_field_is_an_error_at_that_field(unnamed, field):
    unnamed.story("acme", **{field: "How Jane Doe cut churn in half"})
    [issue] = name_issues(unnamed)
    line = int(issue.split(":")[1])
    assert (unnamed.root / "stories/acme.md").read_text(encoding="utf-8").splitlines()[line - 1].startswith(field)


def test_the_story_is_not_published(unnamed):
    unnamed.story("acme", title="How Jane Doe cut churn in half")
    assert not (unnamed.build() / "stories" / "acme").exists()


def test_with_the_name_scope_the_name_is_fine(site):
    site.story("acme", title="How Jane Doe cut churn in half")
    assert name_issues(site) == []


def test_a_longer_word_containing_the_name_is_not_the_name(site):
    site.advocate("jane-doe", scopes=UNNAMED, name="Ann Lee")
    site.story("acme", title="Annlee Corp and Ann Leeway grew")
    assert name_issues(site) == []
