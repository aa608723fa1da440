"""``storyportal build`` and ``serve``: MkDocs run for you, with a safe build around it.

``build`` writes to a temporary folder beside the output and swaps it in only
when the build (strict checks and the leak guard included) succeeded, the
plugin's marker shows that it ran, and the leak guard finds nothing in the
finished folder, so a failed build leaves the previous site untouched. The
commands in ``storyportal.cli.build`` print the outcome.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import errno
import logging
import os
import shutil
import socket
import sys
from pathlib import Path

from storyportal.core.config import BUILD_DATE_VARIABLE, Audience, SiteSettings, environment_date_problem
from storyportal.site.leakguard import scan_output
from storyportal.site.outputfolder import overlap_problem, replace_problem

DEFAULT_DIRS = {Audience.PUBLIC: "site", Audience.INTERNAL: "site-internal"}


DEFAULT_ADDRESS = "127.0.0.1:8800"  # not 8000: the README serves the built site with http.server there
NO_PLUGIN = (
    "the site was built by an engine that did not run the storyportal plugin "
    "(is `storyportal` listed under `plugins:` in mkdocs.yml?)"
)
ENVIRONMENT_KEYS = (
    "NO_MKDOCS_2_WARNING",
    "STORYPORTAL_AUDIENCE",
    BUILD_DATE_VARIABLE,
    "SOURCE_DATE_EPOCH",
    "STORYPORTAL_SEARCH",
)


class BuildRefused(Exception):
    """The site was not swapped in; the message is one line for the person building."""


class UnsafeOutput(Exception):
    """The output folder named is not one a build may replace; nothing was built or changed."""


class CannotServe(Exception):
    """The preview could not start (a busy port); the message is one line."""


@contextlib.contextmanager
def _environment(args):
    """The plugin reads these; SOURCE_DATE_EPOCH makes dates in the output reproducible.

    Only these keys are put back afterwards: anything else a plugin or the caller sets stays.
    """
    saved = {key: os.environ.get(key) for key in ENVIRONMENT_KEYS}
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["STORYPORTAL_AUDIENCE"] = args.audience
    if not getattr(args, "search", True):
        os.environ["STORYPORTAL_SEARCH"] = "0"
    if args.build_date:
        os.environ["STORYPORTAL_BUILD_DATE"] = args.build_date.isoformat()
    day = args.build_date or _environment_day()
    if day is not None:  # else the plugin refuses the variable, at its name
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(calendar.timegm(day.timetuple())))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _environment_day() -> dt.date | None:
    if environment_date_problem():
        return None
    return dt.date.fromisoformat(os.environ.get(BUILD_DATE_VARIABLE) or dt.date.today().isoformat())


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (tests and wrappers redirect it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _Formatter(logging.Formatter):
    """Information as it is; warnings and errors with their level, as MkDocs prints them."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.levelno < logging.WARNING else f"{record.levelname:<7} -  {text}"


class _NoDirtyWarning(logging.Filter):
    """The preview's dirty build is exact (tests/test_preview.py): MkDocs' warning about it is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _logging(level: int) -> None:
    """Our plugin's information and every warning; MkDocs' own progress lines only at ``level``."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(_Formatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    logging.getLogger("mkdocs.plugins.storyportal").setLevel(logging.INFO)


def run_build(args, settings: SiteSettings) -> Path:
    """Build into a temporary folder, check it, swap it in; return the site folder.

    Raises UnsafeOutput before anything is written when the output folder may not be replaced,
    and BuildRefused when the build failed.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _logging(logging.WARNING)  # "Cleaning site directory" and the like are not for the person building
    config_file = args.config_file.resolve()
    target = (args.site_dir or config_file.parent / DEFAULT_DIRS[Audience(args.audience)]).resolve()
    temp = target.parent / f".{target.name or 'site'}.tmp-{os.getpid()}"  # "/" has no name
    try:
        with _environment(args):
            config = load_config(config_file=str(config_file), site_dir=str(temp), strict=args.strict)
            check_target(args.site_dir or target.name, target, settings, config)  # before anything is written
            # As `mkdocs build` does: a plugin instance kept from a preview in this process learns it builds.
            config.plugins.on_startup(command="build", dirty=False)
            _guard_after_build(config)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        check_output(temp, config)
    except UnsafeOutput:
        raise
    except BuildRefused as exc:
        raise _refused(temp, target, str(exc)) from None
    except (MkDocsException, OSError) as exc:
        raise _refused(temp, target, f"the build failed: {exc}") from None
    except Exception as exc:  # a bug or a broken theme: still no traceback for the person building
        raise _refused(temp, target, f"the build failed: {type(exc).__name__}: {exc}") from None
    swap_in(temp, target)
    return target


def check_target(given: Path | str, target: Path, settings: SiteSettings, config) -> None:
    """Raise UnsafeOutput unless ``target`` (resolved) is a folder a build may replace."""
    from storyportal.adapter.plugin import portal_paths

    problem = overlap_problem(target, portal_paths(config, settings)) or replace_problem(target)
    if problem:
        raise UnsafeOutput(
            f"cannot build into {given}: {problem}; give -d a new folder, an empty one, "
            "or one an earlier build wrote (like the default, site)"
        )


def _guard_after_build(config) -> None:
    """check_output reads the whole site after every writer: the plugin need not read it all first.
    Set after on_startup, which clears it (MkDocs keeps plugin instances between builds of a process)."""
    from storyportal.adapter.plugin import StoryPortalPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, StoryPortalPlugin):
            plugin.guarded_later = True


def check_output(site: Path, config) -> None:
    """Before the swap: the plugin built this folder (its marker), and no writer left a private value.

    The plugin's own guard runs in on_post_build; this one also reads what anything after it wrote.
    """
    from storyportal.adapter.plugin import MARKER, StoryPortalPlugin, raise_on_leaks

    plugin = next((p for p in config.plugins.values() if isinstance(p, StoryPortalPlugin)), None)
    if plugin is None or not (site / MARKER).is_file():
        raise BuildRefused(NO_PLUGIN)
    assert plugin.portal is not None  # its marker is there: the plugin loaded the portal
    if plugin.portal.settings.portal.leak_guard:
        found = scan_output(
            site,
            plugin.private_values(),
            plugin.allowed_contacts(),
            plugin.workers(),
            plugin.early_scan,
            plugin.verdicts,
        )
        raise_on_leaks(found)


def _refused(temp: Path, target: Path, reason: str) -> BuildRefused:
    shutil.rmtree(temp, ignore_errors=True)
    return BuildRefused(f"{reason}; the previous {target.name}/ is unchanged")


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` with ``new`` in two renames, removing the old copy afterwards."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


POLL_SECONDS = 0.2  # with --poll: MkDocs looks for saved files every 0.5 s; a writer waits for that


def run_serve(args) -> None:
    """The live preview until interrupted; raises CannotServe when it cannot start."""
    from unittest import mock

    from mkdocs.commands import serve as serve_module
    from mkdocs.exceptions import MkDocsException

    from storyportal.adapter.watcher import event_server

    server_class = event_server(POLL_SECONDS, poll=getattr(args, "poll", False))
    check_address(args.dev_addr)  # before the first build: a busy port is found in a second, not a minute
    _logging(logging.INFO)  # "Serving on http://..." is what the writer needs
    quiet = _NoDirtyWarning()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    try:
        # mkdocs.commands.serve makes its server itself, with no option for how it watches.
        with _environment(args), mock.patch.object(serve_module, "LiveReloadServer", server_class):
            # A dirty build: the plugin tells MkDocs which story pages are unchanged and keeps the
            # output exactly what a full build writes (tests/test_preview.py).
            serve_module.serve(
                config_file=str(args.config_file), dev_addr=args.dev_addr, livereload=True, build_type="dirty"
            )
    except MkDocsException as exc:  # an unreadable mkdocs.yml, a plugin that could not start
        raise CannotServe(str(exc)) from None
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise CannotServe(_address_problem(args.dev_addr, exc)) from None  # taken since check_address
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)


def check_address(dev_addr: str) -> None:
    """Raise CannotServe if nothing can listen on HOST:PORT; MkDocs itself judges a malformed address."""
    host, _, port = dev_addr.rpartition(":")
    if not port.isdigit():
        return
    try:
        _listen(host, int(port))
    except OSError as exc:
        raise CannotServe(_address_problem(dev_addr, exc)) from None


def _listen(host: str, port: int) -> None:
    family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    # create_server sets SO_REUSEADDR as MkDocs' server does: a port in TIME_WAIT is free to both.
    with socket.create_server(address[:2], family=family):
        pass


def _address_problem(dev_addr: str, exc: OSError) -> str:
    host, _, port = dev_addr.rpartition(":")
    if exc.errno == errno.EADDRINUSE and port.isdigit():
        return f"port {port} is already in use; choose another with --dev-addr {host}:{_free_port(host, int(port))}"
    return f"cannot serve on {dev_addr}: {exc.strerror or exc}"


def _free_port(host: str, busy: int) -> int:
    """The next port that is free now, to suggest (the next one if none of the following 20 is)."""
    for port in range(busy + 1, busy + 21):
        try:
            _listen(host, port)
        except OSError:
            continue
        return port
    return busy + 1
