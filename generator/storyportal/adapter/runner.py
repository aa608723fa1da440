"""``storyportal build`` and ``serve``: MkDocs run for you, with a safe build around it.

``build`` writes to a temporary folder beside the output and swaps it in only
when the build (strict checks and the leak guard included) succeeded, so a
failed build leaves the previous site untouched.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import os
import shutil
import sys
from pathlib import Path

from storyportal.core.config import Audience

DEFAULT_DIRS = {Audience.PUBLIC: "site", Audience.INTERNAL: "site-internal"}


@contextlib.contextmanager
def _environment(args):
    """The plugin reads these; SOURCE_DATE_EPOCH makes dates in the output reproducible."""
    saved = dict(os.environ)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["STORYPORTAL_AUDIENCE"] = args.audience
    if not getattr(args, "search", True):
        os.environ["STORYPORTAL_SEARCH"] = "0"
    if args.build_date:
        os.environ["STORYPORTAL_BUILD_DATE"] = args.build_date.isoformat()
    day = args.build_date or dt.date.fromisoformat(
        os.environ.get("STORYPORTAL_BUILD_DATE", dt.date.today().isoformat())
    )
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(calendar.timegm(day.timetuple())))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (tests and wrappers redirect it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _logging() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def run_build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _logging()
    config_file = args.config_file.resolve()
    target = (args.site_dir or config_file.parent / DEFAULT_DIRS[Audience(args.audience)]).resolve()
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with _environment(args):
            config = load_config(config_file=str(config_file), site_dir=str(temp), strict=args.strict)
            build(config)
    except (MkDocsException, OSError) as exc:
        return _failed(temp, target, str(exc))
    except Exception as exc:  # a bug or a broken theme: still no traceback for the person building
        return _failed(temp, target, f"{type(exc).__name__}: {exc}")
    swap_in(temp, target)
    sys.stderr.write(f"storyportal: built {target}\n")
    return 0


def _failed(temp: Path, target: Path, reason: str) -> int:
    shutil.rmtree(temp, ignore_errors=True)
    sys.stderr.write(f"storyportal: build failed, the previous {target.name}/ is unchanged: {reason}\n")
    return 1


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` with ``new`` in two renames, removing the old copy afterwards."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


POLL_SECONDS = 0.2  # MkDocs looks for saved files every 0.5 s; a writer waits for that


def run_serve(args) -> int:
    from unittest import mock

    from mkdocs.commands import serve as serve_module
    from mkdocs.exceptions import MkDocsException

    class QuickServer(serve_module.LiveReloadServer):
        def __init__(self, *a, **kw):
            super().__init__(*a, **{"polling_interval": POLL_SECONDS, **kw})

    _logging()
    try:
        # mkdocs.commands.serve makes its server itself, with no option for the polling interval.
        with _environment(args), mock.patch.object(serve_module, "LiveReloadServer", QuickServer):
            # A dirty build: the plugin tells MkDocs which story pages are unchanged and keeps the
            # output exactly what a full build writes (tests/test_preview.py).
            serve_module.serve(
                config_file=str(args.config_file), dev_addr=args.dev_addr, livereload=True, build_type="dirty"
            )
    except MkDocsException as exc:
        sys.stderr.write(f"storyportal: {exc}\n")
        return 1
    return 0
