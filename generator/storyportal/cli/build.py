"""``storyportal build`` and ``storyportal serve``: the options; the MkDocs runner does the work."""

from __future__ import annotations

import sys
from pathlib import Path

from storyportal.adapter import runner
from storyportal.cli.output import Exit, fail, format_text
from storyportal.core.config import Audience, read_config_text


def register(commands, common) -> None:
    build = commands.add_parser("build", help="build the site (MkDocs) safely into its output folder")
    common(build)
    build.add_argument(
        "-d",
        "--site-dir",
        type=Path,
        default=None,
        help="output folder (default: site, or site-internal for --audience internal)",
    )
    _audience_and_search(
        build,
        "public (default), or internal to add the reference-call roster and the program report",
        "skip the search index (Pagefind): quicker local builds and benchmarks",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail on any warning or error in the log, as mkdocs build --strict (a withheld story is information, not a warning)",
    )
    build.set_defaults(run=build_site)

    serve = commands.add_parser("serve", help="preview the site; rebuilds after every save")
    common(serve)
    serve.add_argument(
        "-a",
        "--dev-addr",
        default=runner.DEFAULT_ADDRESS,
        metavar="HOST:PORT",
        help=f"address to serve on (default {runner.DEFAULT_ADDRESS})",
    )
    _audience_and_search(
        serve,
        "public (default), or internal to preview the roster and the program report",
        "no search index in the preview (large portals preview faster)",
    )
    serve.add_argument(
        "--poll",
        action="store_true",
        help="look for saved files every 0.2 s instead of being told by the system "
        "(for folders shared into a container or virtual machine, or on a network drive)",
    )
    serve.set_defaults(run=serve_site)


def _audience_and_search(parser, audience_help: str, search_help: str) -> None:
    parser.add_argument(
        "--audience", choices=[a.value for a in Audience], default=Audience.PUBLIC.value, help=audience_help
    )
    parser.add_argument("--no-search", dest="search", action="store_false", help=search_help)


def build_site(args) -> int:
    if not config_readable(args.config_file):
        return Exit.USAGE
    try:
        target = runner.run_build(args)
    except runner.BuildRefused as exc:
        return fail(str(exc), Exit.PROBLEMS)
    sys.stderr.write(f"storyportal: built {target}\n")
    return Exit.OK


def serve_site(args) -> int:
    if not config_readable(args.config_file):
        return Exit.USAGE
    try:
        runner.run_serve(args)
    except runner.CannotServe as exc:
        return fail(str(exc), Exit.USAGE)
    return Exit.OK


def config_readable(config_file: Path) -> bool:
    """False after printing why mkdocs.yml cannot be read: MkDocs would wait forever on a pipe and
    give an unlocated error for a file that is not UTF-8."""
    _, problems = read_config_text(config_file)
    if problems:
        sys.stderr.write(format_text(problems))
        fail(f"cannot read {config_file.name}: fix the error above first", Exit.USAGE)
    return not problems
