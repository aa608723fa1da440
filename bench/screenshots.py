"""Screenshots of the demo for the README: home, a filtered /stories/ view and a story, phone and desktop.

    python3 bench/screenshots.py        # writes screenshots/*.png

Builds the demo (build date 2026-11-24), serves it on loopback and drives Debian's
Chromium through Playwright; no network.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
PAGES = {
    "home": "",
    "stories-filtered": "stories/?industry=retail,healthcare&region=emea",
    "story": "stories/harbor-pine-omnichannel-onboarding/",
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp()) / "site"
    subprocess.run([sys.executable, "-m", "storyportal", "build", "--build-date", "2026-11-24", "-d", str(site)],
                   cwd=ROOT, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for device, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=1)
            for name, path in PAGES.items():
                page.goto(base + path, wait_until="networkidle")
                page.screenshot(path=str(OUT / f"{name}-{device}.png"), full_page=False)
            page.close()
        browser.close()
    server.shutdown()
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
