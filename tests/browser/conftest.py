"""Real Chromium against a built site served on loopback.

``browser`` is one Chromium per session; ``demo`` builds the repository's demo
portal once per module and serves it with http.server on 127.0.0.1:<free port>.
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

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
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


@pytest.fixture(scope="module")
def serve():
    """Serve folders on loopback until the module ends: ``serve(path) -> Served``."""
    servers = []

    def start(root: Path) -> Served:
        handler = functools.partial(_Quiet, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return Served(root, f"http://127.0.0.1:{server.server_address[1]}/")

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, serve) -> Served:
    """The repository's demo portal, built once per module."""
    out = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("demo") / "site",
                     STORYPORTAL_BUILD_DATE=BUILD_DATE)
    return serve(out)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request a page makes, and every dialog it tries to open."""

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


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.record = Recorder(page)
    yield page
    assert not page.record.errors, page.record.errors  # no script error on any page a test opened


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations of the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]
