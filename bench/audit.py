"""Lighthouse audit of the built demo portal: performance, accessibility, best practices, SEO.

    python3 bench/audit.py [--pages PATH ...] [--preset mobile|desktop] [--json FILE]

Builds the demo into bench/out/audit/ with site_url set to the loopback address it is
then served from (instant navigation and canonical links need the real origin), serves
it with a real static server on 127.0.0.1, and runs Lighthouse 12 (npm `lighthouse@12.2.3`,
installed into bench/tools/ on first use; 13 needs a newer Node than Debian's) in
Debian's Chromium (CHROME_PATH=/usr/bin/chromium). Targets: performance >= 95;
accessibility, best practices and SEO 100.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent / "tools"
OUT = Path(__file__).resolve().parent / "out" / "audit"
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
DEFAULT_PAGES = ("", "stories/", "stories/harbor-pine-omnichannel-onboarding/")


def install_lighthouse() -> None:
    if not LIGHTHOUSE.is_file():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-save", "--no-package-lock", "--no-audit",
                        "--no-fund", "-E", "lighthouse@12.2.3"], check=True)


def build_demo(site_url: str) -> Path:
    """The demo with site_url pointing at the loopback server, built into bench/out/audit/site."""
    work = OUT / "portal"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("stories", "assets", "docs"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, work / name)
    shutil.copy(ROOT / "advocates.yaml", work / "advocates.yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.update(site_url=site_url)
    config["theme"]["custom_dir"] = str(ROOT / "theme")
    config["watch"] = [w for w in config.get("watch", []) if (work / w).exists()]
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "storyportal", "build", "--build-date", "2026-11-24",
                           "-d", str(OUT / "site")], cwd=work, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"the demo did not build:\n{done.stderr[-2000:]}")
    return OUT / "site"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves text compressed, as every production static host (GitHub Pages, nginx, S3+CloudFront) does."""

    TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.name.endswith(self.TEXT) or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not path.is_file() or not self.path.split("?")[0].endswith(("/", *self.TEXT))):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def audit(url: str, preset: str) -> dict[str, int]:
    report = OUT / "report.json"
    command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, timeout=300)
    data = json.loads(report.read_text())
    failed = [a["id"] for a in data["audits"].values() if a.get("score") is not None and a["score"] < 1
              and a.get("scoreDisplayMode") == "binary"]
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    return {**scores, "failed": failed}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", default=list(DEFAULT_PAGES))
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    install_lighthouse()
    OUT.mkdir(parents=True, exist_ok=True)
    server = serve(OUT / "site") if (OUT / "site").exists() else None
    if server is None:
        (OUT / "site").mkdir(parents=True)
        server = serve(OUT / "site")
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    build_demo(origin)
    results = {page or "/": audit(origin + page, args.preset) for page in args.pages}
    server.shutdown()
    print(f"Lighthouse 12 ({args.preset}), demo portal")
    print(f"{'page':58} " + " ".join(f"{c[:13]:>13}" for c in CATEGORIES))
    for page, scores in results.items():
        print(f"{page:58} " + " ".join(f"{scores[c]:>13}" for c in CATEGORIES))
        if scores["failed"]:
            print(f"{'':58} failed audits: {', '.join(scores['failed'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True))
    met = all(s[c] >= TARGETS[c] for s in results.values() for c in CATEGORIES)
    print("targets met" if met else "targets missed: performance >= 95, the others 100")
    return 0


if __name__ == "__main__":
    sys.exit(main())
