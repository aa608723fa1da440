"""The ``storyportal`` command: a thin layer over the library.

Exit codes: 0 clean, 1 problems found, 2 the command could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import __version__
from .config import load_settings
from .issues import Severity, sort_issues
from .model import Status
from .portal import build_date, load_portal
from .report_format import format_github, format_json, format_text, markdown_summary, write_step_summary

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-03-14") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                        help="the site configuration (default: mkdocs.yml)")
    parser.add_argument("--build-date", type=_date, default=None,
                        help="judge consent and publication dates on this day (default: today)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storyportal", description="Customer stories, validated and published.")
    parser.add_argument("--version", action="version", version=f"storyportal {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every story against the registry and the taxonomy")
    _common(validate)
    validate.add_argument("--format", choices=("text", "json", "github"), default="text",
                          help="text for people, json for tools, github for pull-request annotations")
    validate.add_argument("--strict", action="store_true",
                          help="treat warnings (withheld stories) as failures")
    validate.add_argument("--changed-since", metavar="REF", default=None,
                          help="report only problems in files changed since this git ref, and rules that span files")
    validate.set_defaults(run=run_validate)
    _add_site_commands(commands)
    return parser


# Each module adds its own subcommands with ``register(commands, common)``.
COMMAND_MODULES = ("site_commands", "new_story", "sales_cli")


def _add_site_commands(commands) -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(commands, _common)


def run_validate(args) -> int:
    settings, problems = load_settings(args.config_file)
    if settings is None:
        sys.stderr.write(format_text(problems))
        return EXIT_USAGE
    portal = load_portal(settings, build_date(args.build_date))
    if not (settings.root / settings.portal.registry).is_file():
        sys.stderr.write(format_text([i for i in portal.issues if i.rule == "registry-missing"]))
        return EXIT_USAGE
    issues = list(portal.issues)
    if args.changed_since:
        from .changes import ChangeError, select_issues
        try:
            issues = select_issues(portal, issues, args.changed_since)
        except ChangeError as exc:
            sys.stderr.write(f"storyportal: error: {exc}\n")
            return EXIT_USAGE
    issues = sort_issues(issues)
    summary = _summary(portal, issues)
    _emit(args.format, issues, summary)
    failing = summary["errors"] + (summary["warnings"] if args.strict else 0)
    return EXIT_PROBLEMS if failing else EXIT_OK


def _summary(portal, issues) -> dict:
    counts = {state.value: 0 for state in Status}
    for state in portal.status.values():
        counts[state.value] += 1
    return {
        "stories": len(portal.status),
        **counts,
        "errors": sum(i.severity is Severity.ERROR for i in issues),
        "warnings": sum(i.severity is Severity.WARNING for i in issues),
        "build_date": portal.today.isoformat(),
    }


def _emit(fmt: str, issues, summary: dict) -> None:
    if fmt == "json":
        sys.stdout.write(format_json(issues, summary))
        return
    sys.stdout.write(format_github(issues) if fmt == "github" else format_text(issues))
    if fmt == "github":
        write_step_summary(markdown_summary(issues, summary))
    sys.stderr.write(
        f"{summary['stories']} stories: {summary['published']} published, {summary['withheld']} withheld, "
        f"{summary['invalid']} with errors, {summary['draft']} drafts, {summary['scheduled']} scheduled "
        f"(judged on {summary['build_date']}); {summary['errors']} error(s), {summary['warnings']} warning(s)\n")


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
