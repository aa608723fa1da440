"""Exit statuses and output: issues for people (text), tools (JSON) and GitHub pull requests (annotations)."""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import os
import sys
from pathlib import Path

from storyportal.core.config import SiteSettings, load_settings
from storyportal.core.issues import Issue, Severity, visible
from storyportal.core.markdown_escape import markdown_code, markdown_text
from storyportal.core.schema import FIRST_DAY, LAST_DAY


class Exit(enum.IntEnum):
    """Every command's exit status."""

    OK = 0
    PROBLEMS = 1  # the command ran and found problems (or refused, as ``new`` does)
    USAGE = 2  # the command could not run: unreadable configuration, bad option, busy port
    INTERRUPTED = 130  # Ctrl-C, the status shells give a command ended by SIGINT


def fail(message: str, code: Exit = Exit.USAGE) -> int:
    """One line on stderr, ``storyportal: error: ...``; returns the exit status."""
    sys.stderr.write(f"storyportal: error: {visible(message)}\n")
    return int(code)


def describe(issue: Issue) -> str:
    """``mkdocs.yml:3:5: message (hint)``, without the severity (the caller says "error")."""
    where = issue.path + (f":{issue.line}:{issue.col}" if issue.line else "")
    return visible(f"{where}: {issue.message}" + (f" ({issue.hint})" if issue.hint else ""))


def format_text(issues: list[Issue]) -> str:
    return "".join(issue.format() + "\n" for issue in issues)


def format_json(issues: list[Issue], summary: dict) -> str:
    return (
        json.dumps(
            {"issues": [i.to_dict() for i in issues], "summary": summary}, indent=2, sort_keys=True, ensure_ascii=False
        )
        + "\n"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(issues: list[Issue]) -> str:
    """Workflow commands: ``::error file=F,line=L,col=C,title=T::message``."""
    lines = []
    for issue in issues:
        level = "error" if issue.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(issue.path)}"]
        if issue.line:
            props += [f"line={issue.line}", f"col={issue.col}"]
        props.append(f"title={_escape_property(issue.rule)}")
        message = issue.message + (f" ({issue.hint})" if issue.hint else "")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def markdown_summary(issues: list[Issue], summary: dict) -> str:
    """The full list for ``$GITHUB_STEP_SUMMARY``: annotations beyond ten are not shown inline.

    Every value comes from a pull request (a file name, a field name in a message): each is
    escaped for Markdown, so none becomes a link, an image, HTML or another table cell.
    """
    head = f"## Story check: {summary['errors']} error(s), {summary['warnings']} warning(s)\n\n"
    if not issues:
        return head + "Every story is ready to publish.\n"
    rows = ["| File | Line | Problem | Rule |", "| --- | --- | --- | --- |"]
    for i in issues:
        text = visible(f"{i.severity.value}: {i.message}" + (f" ({i.hint})" if i.hint else ""))
        rows.append(
            f"| {markdown_code(visible(i.path))} | {i.line} | {markdown_text(text)} | {markdown_code(visible(i.rule))} |"
        )
    return head + "\n".join(rows) + "\n"


def write_step_summary(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def date_argument(text: str) -> dt.date:
    """An argparse type: ``2026-03-14``, or a plain refusal."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-03-14") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"'{text}' is outside the years 1900 to 2999: check the year")
    return day


def settings_or_report(config_file: Path) -> SiteSettings | None:
    """The portal's settings, or None after printing why they cannot be read (exit with Exit.USAGE)."""
    settings, problems = load_settings(config_file)
    if settings is None:
        sys.stderr.write(format_text(problems))
    return settings
