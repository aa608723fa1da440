"""Helpers of the browser tests: build a site, serve it on loopback, record requests, run axe-core.

Named uniquely (not ``conftest``) so test modules can import it in a full run.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # vendored: see vendor/axe-core/README.md
BUILD_DATE = "2026-11-24"  # the demo's stories are judged on a fixed day, not on the day the tests run


def build_site(config: Path, out: Path, **env) -> Path:
    """``mkdocs build`` of one config into ``out``; the build log is in the failure message."""
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(out)],
                         cwd=config.parent, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    assert run.returncode == 0, run.stdout + run.stderr
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Served:
    root: Path
    url: str  # http://127.0.0.1:<port>/ with a trailing slash

    def __call__(self, path: str = "") -> str:
        return self.url + path.lstrip("/")


def start_server(root: Path):
    """http.server on 127.0.0.1, a free port, in a daemon thread: (server, Served)."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Served(root, f"http://127.0.0.1:{server.server_address[1]}/")


class Recorder:
    """Every request a page makes, every dialog it tries to open, every uncaught script error."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()
        page.on("dialog", dialog)

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:", "about:"))]


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations of the current page (needs a context with bypass_csp)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]
