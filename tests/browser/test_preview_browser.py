"""`storyportal serve` in real Chromium: a save reloads the page by itself; a broken story shows why."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} was never served")


@pytest.fixture
def preview(site, tmp_path):
    """`storyportal serve` on a free loopback port, for the `site` portal."""
    site.story("northwind", title="First title", type="testimonial", quote="Q", body="Hello.\n")
    site.flush()
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "storyportal", "serve", "-a", f"127.0.0.1:{port}", "--build-date", "2026-06-01"],
        cwd=site.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        wait_for(f"http://127.0.0.1:{port}/stories/northwind/")
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_the_preview_reloads_by_itself_after_a_save(site, preview, page):
    page.goto(preview + "stories/northwind/")
    assert page.locator("h1").first.inner_text() == "First title"
    story = site.root / "stories" / "northwind.md"
    story.write_text(story.read_text().replace("First title", "Second title"))
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText === 'Second title'",
                           timeout=60_000)


def test_a_broken_story_shows_its_located_error_in_the_preview(site, preview, page):
    page.goto(preview + "stories/northwind/")
    story = site.root / "stories" / "northwind.md"
    story.write_text(story.read_text().replace("type: testimonial", "type: testimonal"))
    page.wait_for_function("document.body.innerText.includes('[story-invalid-value]')", timeout=60_000)
    text = page.locator("article").first.inner_text()
    assert "stories/northwind.md:3:7" in text and "did you mean 'testimonial'" in text
