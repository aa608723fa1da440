"""``storyportal match`` and ``storyportal report``: sales and program tools on the command line.

Both load the portal like ``validate`` does and judge consent and quotas on the
build date. Exit codes: 0 done, 2 the command could not run (unreadable
configuration or registry, unknown taxonomy value); the message is one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storyportal.cli.output import Exit, describe, fail, format_text
from storyportal.core.activities import ACTIVITY_IDS
from storyportal.core.config import load_settings
from storyportal.core.portal import build_date, load_portal
from storyportal.sales.activity_match import match_activity
from storyportal.sales.activity_match import render_json as activity_json
from storyportal.sales.activity_match import render_text as activity_text
from storyportal.sales.match import Prospect, language_problem, match, resolve_prospect
from storyportal.sales.match import render_json as match_json
from storyportal.sales.match import render_text as match_text
from storyportal.sales.report import program_report, render_json, render_markdown, render_matrix_svg, render_text
from storyportal.site.outputfolder import overlap_problem, protected_paths

REPORT_FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json, "svg": render_matrix_svg}


def register(commands, common) -> None:
    """Add ``match`` and ``report`` to the ``storyportal`` command."""
    add_match(commands, common)
    add_report(commands, common)


def _list_option(parser: argparse.ArgumentParser, flag: str, dest: str, what: str) -> None:
    parser.add_argument(
        flag,
        dest=dest,
        action="extend",
        nargs="+",
        default=[],
        metavar=dest[:-1].upper(),
        help=f"{what}; repeat, or give several (also comma separated)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def add_match(commands, common) -> None:
    parser = commands.add_parser("match", help="the stories and reference advocates that best fit a prospect")
    common(parser)
    parser.add_argument("--industry", help="the prospect's industry (a taxonomy slug or label)")
    parser.add_argument("--size", help="the prospect's company size band")
    parser.add_argument("--region", help="the prospect's region")
    parser.add_argument(
        "--lang", help="the prospect's language (a code such as de): stories published in it come first"
    )
    _list_option(parser, "--product", "products", "a product the prospect looks at")
    _list_option(parser, "--use-case", "use_cases", "a use case of the prospect")
    parser.add_argument(
        "--limit", type=_positive, default=5, help="how many stories and advocates to list (default: 5)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for tools")
    parser.add_argument(
        "--activity",
        choices=ACTIVITY_IDS,
        default=None,
        help="rank advocates for this activity (site-visit, webinar, ...) instead of reference calls",
    )
    parser.set_defaults(run=run_match)


def add_report(commands, common) -> None:
    parser = commands.add_parser(
        "report", help="the reference program's gaps: coverage, expiring consents, quotas, stale stories"
    )
    common(parser)
    parser.add_argument(
        "--format",
        choices=tuple(REPORT_FORMATS),
        default="text",
        help="text, markdown, json, or svg (the industry x type heatmap only)",
    )
    parser.add_argument("--output", type=Path, default=None, metavar="FILE", help="write to FILE instead of the screen")
    parser.set_defaults(run=run_report)


def open_portal(args):
    """The portal judged on the build date, or None after saying (in one line) why not."""
    settings, problems = load_settings(args.config_file)
    if settings is None:
        fail(describe(problems[0]) if problems else f"cannot read {args.config_file}")
        return None
    # The site's own build date, so that "published" means what the built site shows.
    portal = load_portal(settings, build_date(args.build_date or settings.portal.build_date))
    registry = settings.portal.registry
    if portal.registry_missing:
        fail(f"cannot read the advocate registry {registry}")
        return None
    if not portal.registry_read:
        # An empty program read from an unreadable registry would look clean: say why, and stop.
        sys.stderr.write(format_text(portal.registry_problems))
        fail(f"cannot read the advocate registry {registry}: fix the error(s) above first")
        return None
    broken = portal.registry_problems
    if broken:
        sys.stderr.write(
            f"storyportal: warning: {registry} has {len(broken)} error(s); the advocates and companies "
            "they concern are left out here (storyportal validate lists them)\n"
        )
    return portal


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def run_match(args) -> int:
    portal = open_portal(args)
    if portal is None:
        return Exit.USAGE
    wanted = Prospect(args.industry, args.size, args.region, _split(args.products), _split(args.use_cases), args.lang)
    prospect, problems = resolve_prospect(portal.taxonomy, wanted)
    problems += language_problem(portal, prospect)
    if problems:
        return fail("; ".join(problems))
    if args.activity:
        found = match_activity(portal, prospect, args.activity, args.limit)
        sys.stdout.write(activity_json(found) if args.format == "json" else activity_text(found, portal.taxonomy))
        return Exit.OK
    result = match(portal, prospect, args.limit)
    sys.stdout.write(match_json(result) if args.format == "json" else match_text(result, portal.taxonomy))
    return Exit.OK


def run_report(args) -> int:
    portal = open_portal(args)
    if portal is None:
        return Exit.USAGE
    text = REPORT_FORMATS[args.format](program_report(portal))
    if args.output is None:
        sys.stdout.write(text)
        return Exit.OK
    problem = output_problem(args.output, args.config_file, portal)
    if problem:
        return fail(f"cannot write {args.output}: {problem}; give --output another file's name", Exit.USAGE)
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}")
    return Exit.OK


def output_problem(output: Path, config_file: Path, portal) -> str | None:
    """Why the report may not go to ``output``: it would overwrite the portal's sources or a folder."""
    settings = portal.settings
    protected = protected_paths(settings, config_file.resolve(), settings.root / settings.docs_dir, None)
    target = output.resolve()
    return overlap_problem(target, protected) or ("it is a folder" if target.is_dir() else None)
