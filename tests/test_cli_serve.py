"""``storyportal serve``: a busy port is one line and exit 2; the preview starts without MkDocs' noise."""

import re
import socket
import subprocess
import sys

import pytest

from storyportal.cli.main import make_parser

SERVE = [sys.executable, "-m", "storyportal.cli.main", "serve", "--build-date", "2026-06-01"]


def test_serve_does_not_take_the_port_the_readme_gives_http_server():
    assert make_parser().parse_args(["serve"]).dev_addr == "127.0.0.1:8800"


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_2(site):
    site.story("northwind")
    site.flush()
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        done = subprocess.run([*SERVE, "--dev-addr", f"127.0.0.1:{port}"], cwd=site.root,
                              capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert re.fullmatch(rf"storyportal: error: port {port} is already in use; "
                        r"choose another with --dev-addr 127\.0\.0\.1:\d+\n", done.stderr), done.stderr


@pytest.mark.slow
def test_the_preview_starts_without_a_dirty_build_warning(site):
    site.story("northwind")
    site.flush()
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    server = subprocess.Popen([*SERVE, "--dev-addr", f"127.0.0.1:{port}"], cwd=site.root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in server.stderr:  # MkDocs says where it serves once the first build is done
            lines.append(line)
            if "Serving on" in line or len(lines) > 50:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert lines[-1].strip().endswith(f"Serving on http://127.0.0.1:{port}/"), lines
    assert not [line for line in lines if "dirty" in line or line.startswith("WARNING")], lines


def _served(port: int, path: str) -> str:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def _shows(port: int, path: str, text: str, seconds: float = 60.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _served(port, path):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_the_preview_follows_saves_of_every_kind_the_watcher_reports(site):
    """The rebuild looks only at the story files the watcher saw saved: each kind of save must reach it."""
    import os

    site.story("northwind", title="Northwind story")
    site.story("contoso", title="Contoso story")
    site.flush()
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*SERVE, "--no-search", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stories = site.root / "stories"
    try:
        assert _shows(port, "stories/northwind/", "Northwind story", 120)
        (stories / "northwind.md").write_text(site.story_text(title="Northwind in place"))
        assert _shows(port, "stories/northwind/", "Northwind in place")
        (stories / ".contoso.md.swp").write_text(site.story_text(title="Contoso renamed over"))
        os.replace(stories / ".contoso.md.swp", stories / "contoso.md")  # how many editors save
        assert _shows(port, "stories/contoso/", "Contoso renamed over")
        (stories / "contoso.md").rename(stories / "fabrikam.md")
        assert _shows(port, "stories/fabrikam/", "Contoso renamed over")
        (stories / "northwind.md").write_text(site.story_text(title="Northwind again"))
        assert _shows(port, "stories/northwind/", "Northwind again")
    finally:
        server.terminate()
        server.wait(timeout=30)
