"""The ``storyportal`` command: a thin layer over the library, one module per command.

Exit statuses are :class:`storyportal.cli.output.Exit`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storyportal import __version__
from storyportal.cli import build, new, request, sales, validate
from storyportal.cli.output import Exit, date_argument

# The order of ``storyportal --help``.
COMMANDS = (validate, build, new, sales, request)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site configuration (default: mkdocs.yml)",
    )
    parser.add_argument(
        "--build-date",
        type=date_argument,
        default=None,
        help="judge consent and publication dates on this day (default: today)",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storyportal", description="Customer stories, validated and published.")
    parser.add_argument("--version", action="version", version=f"storyportal {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for command in COMMANDS:
        command.register(commands, _common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return Exit.INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
