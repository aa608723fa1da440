"""A value can never become a GitHub Actions workflow command in a log.

The runner reads any log line that starts with ``::`` as a command: ``::error`` fakes an
annotation, ``::stop-commands::`` turns the real ones off. Every issue is printed through
``Issue.format``, which keeps it on one line (control characters shown as ``\\n``, ``\\u202e``)
and defuses a leading ``::``.
"""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.issues import Issue

ATTACK = "Hi\n::error file=x.md::pwned\n::stop-commands::tok"
SHOWN = "Hi\\n::error file=x.md::pwned\\n::stop-commands::tok"


def test_a_title_with_newlines_and_workflow_commands_stays_on_one_line():
    issue = Issue("stories/a.md", 2, 8, "story-title", f"The title '{ATTACK}' is taken", hint="pick\r\nanother")
    assert issue.format() == (f"stories/a.md:2:8: error: The title '{SHOWN}' is taken (pick\\r\\nanother) "
                              "[story-title]")


@pytest.mark.parametrize("text, shown", [
    ("::stop-commands::tok", "\\x3a:stop-commands::tok"),
    ("  ::error::x", "  \\x3a:error::x"),
    ("a\u202eb\u2028c\x85d\x1be\tf", "a\\u202eb\\u2028c\\x85d\\x1be\\tf"),
    ("Łódź Café 東京 👩\u200d💻", "Łódź Café 東京 👩\\u200d💻"),
], ids=["leading-command", "indented-command", "controls-and-bidi", "letters-stay-letters"])
def test_a_path_is_shown_with_nothing_hidden_and_no_command(text, shown):
    assert Issue(text, 1, 1, "r", "m").format() == f"{shown}:1:1: error: m [r]"


def test_validate_text_output_keeps_each_issue_on_its_own_line(site):
    site.story("northwind", industry=ATTACK, advocates=[ATTACK])
    code, out, _ = site.cli("validate", "--format", "text", "--build-date", BUILD_DATE.isoformat())
    assert (code, out) == (1, (
        f"stories/northwind.md:5:3: error: There is no advocate '{SHOWN}' in advocates.yaml; it contains characters "
        "that only look like plain letters, or are invisible: U+000A an invisible character (add the advocate to "
        "advocates.yaml first, or check the spelling) [story-advocate-unknown]\n"
        f"stories/northwind.md:12:11: error: '{SHOWN}' is not one of the allowed values of industry (allowed: retail, "
        "healthcare, logistics) [story-taxonomy-unknown]\n"))


def test_the_build_log_keeps_each_issue_on_its_own_line(site):
    site.story("northwind", industry=ATTACK)
    code, _, err = site.cli("build", "--strict", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert [line for line in err.splitlines() if line.lstrip().startswith("::")] == []
    assert (f"storyportal: stories/northwind.md:8:11: error: '{SHOWN}' is not one of the allowed values of industry "
            "(allowed: retail, healthcare, logistics) [story-taxonomy-unknown]") in err
