"""Site search with Pagefind: index the built story pages, after every page is written.

Pagefind (a Rust binary shipped in the ``pagefind-bin`` wheel, so nothing is downloaded at
build time) reads the HTML that ``theme/sp_story.html`` marks with ``data-pagefind-body``:
story text, title, summary, quote and company, with the facets as filters. It splits the
index into chunks, so a visitor's first query downloads only what it needs, instead of
Material's whole ``search_index.json`` on every page load. Withheld stories are never built,
so they are never indexed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BUNDLE = "pagefind"  # the folder under the site that holds the index and its script
TIMEOUT_SECONDS = 600
UNUSED = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says why in one line."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    seconds: float


def search_enabled(settings) -> bool:
    """The config's ``search`` option, unless ``STORYPORTAL_SEARCH=0`` (``storyportal build --no-search``)."""
    return settings.portal.search and os.environ.get("STORYPORTAL_SEARCH", "1") != "0"


def index_site(site_dir: Path, language: str) -> IndexResult:
    """Write ``<site_dir>/pagefind/`` from the built HTML; one index in the site's language,
    so every story (whatever its own language) is found from every page. The index is written
    beside the site and renamed into place, so a page never sees half an index."""
    staging = site_dir.with_name(f".{site_dir.name}.pagefind-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(staging, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-path",
        str(staging),
        "--force-language",
        language,
        "--silent",
    ]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Pagefind could not run: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    for unused in UNUSED:  # Pagefind's ready-made interfaces: our own small one is theme/assets/sp-search.js
        for path in staging.glob(unused):
            path.unlink()
    pages = sum(1 for _ in (staging / "fragment").glob("*"))
    old = site_dir / f".{BUNDLE}.old-{threading.get_ident()}"
    if (site_dir / BUNDLE).exists():
        (site_dir / BUNDLE).rename(old)
    staging.rename(site_dir / BUNDLE)
    shutil.rmtree(old, ignore_errors=True)  # no fragment of a removed story survives
    return IndexResult(pages, time.perf_counter() - started)


class BackgroundIndexer:
    """The preview's search: re-index after each rebuild without holding up the page (at 1,000
    stories Pagefind takes over a second). One run at a time; a build during a run asks for one more."""

    def __init__(self, report):
        self.report = report  # called with a line for the log
        self.lock = threading.Lock()
        self.wanted: tuple[Path, str] | None = None
        self.thread: threading.Thread | None = None

    def request(self, site_dir: Path, language: str) -> None:
        with self.lock:
            self.wanted = (site_dir, language)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="storyportal-search", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                job, self.wanted = self.wanted, None
            if job is None:
                return
            try:
                done = index_site(*job)
                self.report(f"search: index updated, {done.pages} page(s) in {done.seconds:.1f} s")
            except (SearchIndexError, OSError) as exc:
                self.report(f"search: not updated: {exc}")

    def wait(self, timeout: float = 60) -> None:
        """For tests: until the last requested index is written."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
