"""Benchmark: ``mkdocs build`` of a Story Portal against plain MkDocs on the same Markdown.

    python3 bench/bench_build.py [--sizes 1000,10000] [--repeats 3,1] [--json [FILE]]

For each size it generates (once; cached in ``bench/out/`` and regenerated when
``synth.py`` changes) two sites from the same seed:

- portal  ``synth.make_portal``: our plugin, Material, the repository's ``theme/``;
- plain   ``synth.make_plain_site``: plain MkDocs + Material, the same
          Markdown bodies as ``docs/stories/<slug>.md``, kept out of the nav.

Neither indexes for search unless ``--search`` is given (then Pagefind in the portal and
Material's search plugin in the plain site): the build's ratio is measured without search,
whose cost bench_search.py measures on its own (issue 16).

Then, in one run, so that both see the same machine load:

1. a cold build of each (the portal's image/card cache, kept under ``bench/out/cache-home``, removed),
   reported separately; it also warms the cache, the OS file cache and bytecode;
2. N timed builds of each, alternating (portal plain plain portal ...), each a
   subprocess ``python -m mkdocs build`` under ``/usr/bin/time -v`` (peak RSS);
   medians, and the ratio portal/plain (of the medians, and the median of the
   back-to-back ratios). Target: at most 1.3 at 1,000 stories;
3. the output size of both, and what a visitor downloads for ``/stories/`` before
   the first view: the HTML, every stylesheet and script it references, and
   ``stories/facets.json`` (fetched by ``storyportal.js`` once the page is idle), each
   gzip-compressed (level 6). Target: no file above 300 KB compressed at 10,000 stories.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402

import synth  # noqa: E402
from benchkit import OUT, alternate, cached_site, emit, int_list, log, make_site  # noqa: E402

TARGET_RATIO = 1.3  # at 1,000 stories
TARGET_LARGEST_GZ = 300_000  # bytes, at 10,000 stories
DEFAULT_REPEATS = {1000: 3, 10000: 1}
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


# --------------------------------------------------------------------------- site cache


def site_dir(kind: str, size: int, seed: int, search: bool = False) -> Path:
    """bench/out/build-<kind>-<N>-s<seed>, regenerated when synth.py changes (the image cache starts cold).

    Without ``search`` neither site indexes for search (issue 16: the build's ratio is measured
    without it; Pagefind's own cost is in bench_search.py): the portal gets ``search: false``
    and the plain site no search plugin.
    """
    def make(out: Path) -> None:
        make_site(kind, size, seed)(out)
        if not search:
            _without_search(out / "mkdocs.yml")
        shutil.rmtree(image_cache(out), ignore_errors=True)
    suffix = "" if search else "-nosearch"
    return cached_site(OUT / f"build-{kind}-{size}-s{seed}{suffix}", make, f"{kind}:{size}:{seed}:{search}")


def _without_search(config_file: Path) -> None:
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = [e for e in config.get("plugins") or [] if e != "search"]
    for entry in plugins:
        if isinstance(entry, dict) and "storyportal" in entry:
            entry["storyportal"]["search"] = False
    config["plugins"] = plugins
    head = config_file.read_text(encoding="utf-8").split("\n", 1)[0]
    config_file.write_text(head + "\n" + synth._dump_yaml(config), encoding="utf-8")


# --------------------------------------------------------------------------- one build


CACHE_HOME = OUT / "cache-home"  # XDG_CACHE_HOME of the builds here, never the user's


def image_cache(root: Path) -> Path:
    """Where the builds here keep ``root``'s image cache."""
    sys.path.insert(0, str(HERE.parent / "generator"))
    from storyportal.site.imagecache import default_location

    return default_location(root, {"XDG_CACHE_HOME": str(CACHE_HOME)})


def env() -> dict:
    e = dict(os.environ, NO_MKDOCS_2_WARNING="1", XDG_CACHE_HOME=str(CACHE_HOME))
    e.setdefault("SOURCE_DATE_EPOCH", str(int(time.mktime(synth.BUILD_DATE.timetuple()))))
    return e


def build(root: Path) -> dict:
    """One ``mkdocs build`` of ``root`` into ``root/site``: wall seconds, peak RSS, exit code."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
    if TIME:
        cmd = [TIME, "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env())
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {"seconds": seconds, "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
              "exit_code": proc.returncode}
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if m:
        result["max_rss_mb"] = int(m.group(1)) / 1024
    if proc.returncode:
        tail = proc.stderr[-3000:]
        raise SystemExit(f"mkdocs build of {root} failed ({proc.returncode}):\n{tail}")
    return result


def interleaved(a, b, repeats: int) -> tuple[list, list]:
    """Portal and plain builds alternately, each run logged."""
    def report(i, run_a, run_b):
        log(f"  run {i + 1}/{repeats}: portal {run_a['seconds']:.2f}s, plain {run_b['seconds']:.2f}s")
    return alternate(a, b, repeats, report)


# --------------------------------------------------------------------------- output


def tree_bytes(path: Path) -> tuple[int, int]:
    total = count = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            count += 1
    return total, count


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css, self.js, self.facets = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        if a.get("data-sp-facets-url"):
            self.facets.append(a["data-sp-facets-url"])


def first_view(site: Path, page: str = "stories/") -> dict:
    """Bytes a visitor downloads for /stories/ before the first view, each file gzip -6."""
    html_path = site / page / "index.html"
    html = html_path.read_bytes()
    refs = _Refs()
    refs.feed(html.decode("utf-8"))
    base = "http://site.invalid/" + page
    wanted = [("html", f"{page}index.html")]
    for kind, urls in (("css", refs.css), ("js", refs.js), ("json", refs.facets)):
        for url in urls:
            absolute = urlparse(urljoin(base, url))
            if absolute.netloc != "site.invalid":
                wanted.append((kind, url))  # third party: listed, not counted
                continue
            wanted.append((kind, absolute.path.lstrip("/")))
    if not refs.facets and (site / page / "facets.json").is_file():
        wanted.append(("json", f"{page}facets.json"))
    files, seen = [], set()
    for kind, rel in wanted:
        if rel in seen:
            continue
        seen.add(rel)
        path = site / rel
        if rel.startswith(("http:", "https:", "//")) or not path.is_file():
            files.append({"file": rel, "kind": kind, "bytes": None, "gzip": None,
                          "note": "third party" if "://" in rel or rel.startswith("//") else "missing"})
            continue
        data = path.read_bytes()
        files.append({"file": rel, "kind": kind, "bytes": len(data), "gzip": len(gzip.compress(data, 6, mtime=0))})
    counted = [f for f in files if f["gzip"] is not None]
    largest = max(counted, key=lambda f: f["gzip"])
    return {"files": files, "bytes": sum(f["bytes"] for f in counted), "gzip": sum(f["gzip"] for f in counted),
            "largest": {"file": largest["file"], "gzip": largest["gzip"]}}


# --------------------------------------------------------------------------- one size


def bench_size(size: int, repeats: int, seed: int, search: bool = False) -> dict:
    portal, plain = site_dir("portal", size, seed, search), site_dir("plain", size, seed, search)
    shutil.rmtree(image_cache(portal), ignore_errors=True)
    log("  cold builds (no image/card cache) ...")
    cold_portal, cold_plain = build(portal), build(plain)
    log(f"  cold: portal {cold_portal['seconds']:.2f}s, plain {cold_plain['seconds']:.2f}s")
    runs_portal, runs_plain = interleaved(lambda: build(portal), lambda: build(plain), repeats)
    t_portal = [r["seconds"] for r in runs_portal]
    t_plain = [r["seconds"] for r in runs_plain]
    out_portal, files_portal = tree_bytes(portal / "site")
    out_plain, files_plain = tree_bytes(plain / "site")
    stories = sum(1 for _ in (portal / "stories").glob("*.md")) + sum(1 for _ in (portal / "stories").glob("*/index.md"))
    story_pages = sum(1 for _ in (portal / "site" / "stories").glob("*/index.html"))
    return {
        "stories": size,
        "repeats": repeats,
        "story_files": stories,
        "portal_story_pages": story_pages,
        "cold": {"portal": cold_portal, "plain": cold_plain, "ratio": cold_portal["seconds"] / cold_plain["seconds"]},
        "portal": summarize(runs_portal),
        "plain": summarize(runs_plain),
        "ratio_median": statistics.median(t_portal) / statistics.median(t_plain),
        "ratio_median_of_pairs": statistics.median(p / q for p, q in zip(t_portal, t_plain)),
        "ratio_cpu": statistics.median(r["cpu"] for r in runs_portal) / statistics.median(r["cpu"] for r in runs_plain),
        "output": {"portal_mb": out_portal / 1e6, "portal_files": files_portal,
                   "plain_mb": out_plain / 1e6, "plain_files": files_plain},
        "first_view": first_view(portal / "site"),
        "search": search,
        "load_average": os.getloadavg()[0],
        "dirs": {"portal": str(portal), "plain": str(plain)},
    }


def summarize(runs: list[dict]) -> dict:
    times = [r["seconds"] for r in runs]
    rss = [r["max_rss_mb"] for r in runs if "max_rss_mb" in r]
    return {"median": statistics.median(times), "best": min(times), "all": times,
            "cpu_median": statistics.median(r["cpu"] for r in runs),
            "max_rss_mb": max(rss) if rss else None}


def table(results: list[dict]) -> str:
    rows = [("stories", "runs", "portal med", "plain med", "ratio", "ratio pairs", "ratio cpu", "cold portal",
             "cold plain", "out portal MB", "out plain MB", "RSS portal MB", "RSS plain MB", "/stories/ gz KB",
             "largest gz")]
    for r in results:
        rows.append((f"{r['stories']:,}", str(r["repeats"]), f"{r['portal']['median']:.2f}", f"{r['plain']['median']:.2f}",
                     f"{r['ratio_median']:.2f}", f"{r['ratio_median_of_pairs']:.2f}", f"{r['ratio_cpu']:.2f}",
                     f"{r['cold']['portal']['seconds']:.2f}", f"{r['cold']['plain']['seconds']:.2f}",
                     f"{r['output']['portal_mb']:.1f}", f"{r['output']['plain_mb']:.1f}",
                     _mb(r["portal"]["max_rss_mb"]), _mb(r["plain"]["max_rss_mb"]),
                     f"{r['first_view']['gzip'] / 1e3:.0f}",
                     f"{r['first_view']['largest']['gzip'] / 1e3:.0f} KB {Path(r['first_view']['largest']['file']).name}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        lines.append(f"\n/stories/ before the first view, {r['stories']:,} stories (gzip -6):")
        for f in r["first_view"]["files"]:
            if f["gzip"] is None:
                lines.append(f"  {'-':>9} {'-':>9}  {f['kind']:4}  {f['file']} ({f['note']})")
            else:
                lines.append(f"  {f['bytes']:9,d} {f['gzip']:9,d}  {f['kind']:4}  {f['file']}")
        lines.append(f"  {r['first_view']['bytes']:9,d} {r['first_view']['gzip']:9,d}  total (raw, gzip)")
    legend = ("\n(wall seconds of `python -m mkdocs build`; med = median of the timed runs, alternating portal/plain\n"
              " after one cold build of each (portal image/card cache removed) that is not in the medians;\n"
              " ratio = portal median / plain median; ratio pairs = median of back-to-back ratios;\n"
              " ratio cpu = the same on user+system CPU seconds; RSS = peak resident set size over the runs;\n"
              f" targets: ratio <= {TARGET_RATIO} at 1,000 stories; largest first-view file <= "
              f"{TARGET_LARGEST_GZ // 1000} KB gzip at 10,000)\n")
    return "\n".join(lines) + "\n" + legend


def _mb(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_list, default=[1000], help="comma-separated story counts (default 1000)")
    parser.add_argument("--repeats", type=int_list, default=None,
                        help="timed builds of each site per size (default 3 at 1,000, 1 at 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", action="store_true",
                        help="index for search in both builds (Pagefind in the portal, Material's plugin in the plain site)")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the results as JSON to FILE, or to stdout instead of the table")
    args = parser.parse_args(argv)
    repeats = args.repeats or [DEFAULT_REPEATS.get(n, 3 if n <= 2000 else 1) for n in args.sizes]
    if len(repeats) == 1:
        repeats = repeats * len(args.sizes)
    if len(repeats) != len(args.sizes):
        parser.error("--repeats needs one value, or one per size")
    if not TIME:
        log("note: /usr/bin/time not found (apt-get install -y time); peak memory is not reported per build")

    results = []
    for size, count in zip(args.sizes, repeats):
        log(f"benchmarking mkdocs build at {size:,} stories ({count} timed runs each) ...")
        results.append(bench_size(size, count, args.seed, args.search))
    import mkdocs
    report = {"target_ratio_1000": TARGET_RATIO, "target_largest_gzip_10000": TARGET_LARGEST_GZ,
              "python": platform.python_version(), "mkdocs": mkdocs.__version__,
              "machine": platform.platform(), "cpus": os.cpu_count(), "seed": args.seed,
              "build_date": synth.BUILD_DATE.isoformat(), "results": results}
    emit(report, table(results), args.json, " (compare ratios)")
    for r in results:
        if r["stories"] == 1000:
            # Wall time on a shared 2-core machine includes waiting for a core; CPU time does not.
            met = max(r["ratio_median"], r["ratio_cpu"]) <= TARGET_RATIO
            log(f"target {'met' if met else 'MISSED'}: portal/plain build = {r['ratio_median']:.2f} wall, "
                f"{r['ratio_cpu']:.2f} CPU at 1,000 stories (<= {TARGET_RATIO} on both)")
        if r["stories"] >= 10000:
            big = r["first_view"]["largest"]
            met = big["gzip"] <= TARGET_LARGEST_GZ
            log(f"target {'met' if met else 'MISSED'}: largest /stories/ first-view file {big['file']} = "
                f"{big['gzip'] / 1e3:.0f} KB gzip at {r['stories']:,} stories (<= {TARGET_LARGEST_GZ // 1000} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
