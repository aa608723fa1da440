"""Screenshots of the demo for the README, phone and desktop: home, a filtered /stories/ view, a story,
the sales index and (from the internal build) the reference-call roster.

    python3 bench/screenshots.py            # writes screenshots/*.png
    python3 bench/screenshots.py home-de    # only the named pages

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
OUT = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots"))  # where the PNGs go
PAGES = {  # name -> (audience, path)
    "home": ("public", ""),
    "home-de": ("public", "de/"),  # the German site's home
    "stories-filtered": ("public", "stories/?industry=retail,healthcare&region=emea"),
    "story": ("public", "stories/harbor-pine-omnichannel-onboarding/"),
    "sales": ("public", "sales/"),
    "roster": ("internal", "sales/roster/"),
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build_and_serve(audience: str, folder: Path):
    """Build the demo for one audience into ``folder`` and serve it on loopback: (server, base URL)."""
    subprocess.run([sys.executable, "-m", "storyportal", "build", "--build-date", "2026-11-24", "--audience", audience,
                    "-d", str(folder)],
                   cwd=ROOT, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in PAGES]
    if unknown:  # --help included: say what the script takes
        print(f"usage: python3 bench/screenshots.py [{' '.join(PAGES)}]", file=sys.stderr)
        return 0 if unknown in (["-h"], ["--help"]) else 2
    from playwright.sync_api import sync_playwright

    pages = {name: PAGES[name] for name in names} if names else PAGES

    tmp = Path(tempfile.mkdtemp())
    served = {audience: build_and_serve(audience, tmp / audience) for audience in ("public", "internal")}
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for device, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=1)
            for name, (audience, path) in pages.items():
                page.goto(served[audience][1] + path, wait_until="networkidle")
                page.screenshot(path=str(OUT / f"{name}-{device}.png"), full_page=False)
            page.close()
        browser.close()
    for server, _ in served.values():
        server.shutdown()
    print("\n".join(sorted(os.path.relpath(p, ROOT) for p in OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
