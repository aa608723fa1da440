"""Real Chromium against a built site served on loopback.

``browser`` is one Chromium per session; ``demo`` builds the repository's demo
portal once per module and serves it with http.server on 127.0.0.1:<free port>.
Helpers live in browserkit.py.
"""

from __future__ import annotations

import pytest
from browserkit import BUILD_DATE, CHROMIUM, CHROMIUM_ARGS, REPO, Recorder, Served, build_site, start_server


@pytest.fixture(scope="module")
def serve():
    """Serve folders on loopback until the module ends: ``serve(path) -> Served``."""
    servers = []

    def start(root) -> Served:
        server, served = start_server(root)
        servers.append(server)
        return served

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
