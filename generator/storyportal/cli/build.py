"""``storyportal build`` and ``storyportal serve``: the options; the MkDocs runner does the work."""

from __future__ import annotations

from pathlib import Path

from storyportal.adapter.runner import run_build, run_serve
from storyportal.core.config import Audience


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
    build.add_argument(
        "--audience",
        choices=[a.value for a in Audience],
        default=Audience.PUBLIC.value,
        help="public (default), or internal to add the reference-call roster and the program report",
    )
    build.add_argument("--strict", action="store_true", help="fail on any warning, as mkdocs build --strict")
    build.add_argument("--no-search", dest="search", action="store_false",
                       help="skip the search index (Pagefind): quicker local builds and benchmarks")
    build.set_defaults(run=run_build)

    serve = commands.add_parser("serve", help="preview the site; rebuilds after every save")
    common(serve)
    serve.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--audience",
        choices=[a.value for a in Audience],
        default=Audience.PUBLIC.value,
        help="public (default), or internal to preview the roster and the program report",
    )
    serve.set_defaults(run=run_serve)
