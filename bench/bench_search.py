"""Search at scale: what a visitor downloads and waits for, Pagefind (ours) against Material's lunr.

For each size, one synthetic portal (bench/synth.py) is built twice: by our plugin with its
Pagefind index, and as the plain Material site of the same Markdown with Material's search plugin.
Each is served on loopback (http.server, gzip not applied: bytes are reported raw and as gzip
would send them) and driven in Debian's Chromium:

- **page load**: bytes fetched for search before the visitor does anything;
- **first result**: from focusing the search box and typing a query that matches stories to the
  first result drawn, and the bytes fetched for search on the way;
- **indexing**: Pagefind's own time on the built site against plain Material's whole build.

    .venv/bin/python bench/bench_search.py --sizes 1000 [--repeats 3] [--reuse]

At 10,000 stories the two builds take minutes: ``--reuse`` measures the sites a previous run left
in ``bench/out/`` (Pagefind's indexing time is then not measured again).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchkit import OUT, cached_site, emit, int_list, log, make_site

QUERY = "retention"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build(site: Path, out: Path, command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command + ["-d", str(out)], cwd=site, env={**os.environ, **env}, check=True,
                   capture_output=True, timeout=3600)
    return time.perf_counter() - started


def search_bytes(root: Path, urls: list[str], base: str) -> tuple[int, int]:
    """Raw and gzip bytes of the search files among ``urls`` (read from disk: what the server sent)."""
    raw = packed = 0
    for url in urls:
        path = root / url[len(base):].split("?")[0]
        if path.is_file() and ("pagefind" in url or "search" in url):
            data = path.read_bytes()
            raw += len(data)
            packed += len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))
    return raw, packed


def measure(root: Path, ours: bool) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(root)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            urls: list[str] = []
            page.on("request", lambda r: urls.append(r.url))
            page.goto(base)
            page.wait_for_load_state("networkidle")
            loaded = search_bytes(root, urls, base)
            before = len(urls)
            started = time.perf_counter()
            box = page.locator("[data-sp-search-input]" if ours else "input.md-search__input")
            box.click()
            box.type(QUERY)
            first = "[data-sp-search-results] li" if ours else ".md-search-result__list li"
            page.locator(first).first.wait_for(timeout=120_000)
            seconds = time.perf_counter() - started
            query = search_bytes(root, urls[before:], base)
            browser.close()
    finally:
        server.shutdown()
    return {"page_load_raw": loaded[0], "page_load_gzip": loaded[1], "first_result_s": round(seconds, 2),
            "first_query_raw": loaded[0] + query[0], "first_query_gzip": loaded[1] + query[1]}


def median_run(runs: list[dict]) -> dict:
    """The run with the median first-result time (bytes are the same in every run)."""
    return sorted(runs, key=lambda m: m["first_result_s"])[len(runs) // 2] | {
        "first_result_runs_s": [m["first_result_s"] for m in runs]}


def bench_size(size: int, seed: int, repeats: int = 1, reuse: bool = False) -> dict:
    ours_out, plain_out = OUT / f"search-ours-{size}", OUT / f"search-plain-{size}"
    index_seconds = plain_seconds = None
    if not (reuse and (ours_out / "pagefind").is_dir() and (plain_out / "search").is_dir()):
        portal = cached_site(OUT / f"portal-{size}", make_site("portal", size, seed), f"{size}:{seed}")
        plain = cached_site(OUT / f"plain-{size}", make_site("plain", size, seed), f"{size}:{seed}")
        python = sys.executable
        env = {"STORYPORTAL_BUILD_DATE": "2026-11-24", "NO_MKDOCS_2_WARNING": "1"}
        log(f"{size:,} stories: building ours (with Pagefind) and plain Material (with its search) ...")
        build(portal, ours_out, [python, "-m", "storyportal", "build"], env)
        plain_seconds = round(build(plain, plain_out, [python, "-m", "mkdocs", "build", "-q"], env), 2)
        from storyportal.adapter.search import index_site

        index_seconds = round(index_site(ours_out, "en").seconds, 2)
    log(f"measuring in Chromium ({repeats} run(s) each, alternating) ...")
    ours, material = [], []
    for _ in range(repeats):
        ours.append(measure(ours_out, True))
        material.append(measure(plain_out, False))
    return {"stories": size, "load_average": os.getloadavg()[0],
            "ours": median_run(ours), "material": median_run(material),
            "pagefind_index_s": index_seconds, "plain_material_build_s": plain_seconds}


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB"


def table(results: list[dict]) -> str:
    lines = ["| stories | search | loaded with the page (gzip) | first query, total (raw / gzip) | first result |",
             "|---|---|---|---|---|"]
    for r in results:
        for name, m in (("Pagefind (ours)", r["ours"]), ("Material lunr", r["material"])):
            lines.append(f"| {r['stories']:,} | {name} | {kb(m['page_load_gzip'])} | "
                         f"{kb(m['first_query_raw'])} / {kb(m['first_query_gzip'])} | {m['first_result_s']} s |")
    lines.append("")
    for r in results:
        if r["pagefind_index_s"] is not None:
            lines.append(f"{r['stories']:,} stories: Pagefind indexing {r['pagefind_index_s']} s; "
                         f"plain Material's whole build {r['plain_material_build_s']} s")
        for name in ("ours", "material"):
            lines.append(f"{r['stories']:,} stories, {name}: first result in each run "
                         f"{r[name]['first_result_runs_s']} s (median shown)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_list, default=[1000], help="comma-separated story counts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1, help="browser runs per site, median reported (default 1)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the sites an earlier run built in bench/out instead of building them again")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)
    results = [bench_size(size, args.seed, args.repeats, args.reuse) for size in args.sizes]
    report = {"python": platform.python_version(), "cpus": os.cpu_count(), "query": QUERY, "results": results}
    emit(report, table(results), args.json, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
