"""Benchmark: cold and warm builds of realistic portals (bench/realistic.py) against plain Material.

    python3 bench/bench_scale.py [--sizes 200,1000] [--repeats 3] [--json [FILE]] [--profile N]

For each size it generates (once; cached in ``bench/out/`` and regenerated when synth.py or
realistic.py change) a portal with a hero image per story and the plain MkDocs + Material
site with the same Markdown and the same images (which plain MkDocs copies as they are),
neither indexing for search (the portal with ``search: false``, the plain site without
Material's search plugin: issue 16 measures search on its own, in bench_search.py).
Then, in one run:

1. a cold build of each: the portal's image cache emptied (every rendition and card drawn,
   with the default worker count: one per core), the plain site's output removed;
2. warm builds, alternating (portal plain plain portal ...), medians.

It prints wall and CPU seconds and three ratios: warm portal / warm plain (target <= 1.3 at
1,000 stories), cold portal / warm portal (target <= 5), cold portal / cold plain.
``--profile N`` instead profiles one warm portal build at N stories (cProfile, top functions).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import pstats
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import realistic  # noqa: E402
from bench_build import build, env, image_cache, summarize  # noqa: E402
from benchkit import OUT, alternate, cached_site, emit, int_list, log  # noqa: E402

TARGET_WARM = 1.3  # warm portal / warm plain, at 1,000 stories
TARGET_COLD = 5.0  # cold portal / warm portal


def site_dir(kind: str, size: int, seed: int) -> Path:
    maker = realistic.make_portal if kind == "portal" else realistic.make_plain_site
    key = hashlib.sha256((HERE / "realistic.py").read_bytes()).hexdigest()[:16]
    return cached_site(OUT / f"scale-{kind}-{size}-s{seed}", lambda out: maker(out, size, seed),
                       f"{kind}:{size}:{seed}:{key}")


def bench_size(size: int, repeats: int, seed: int, warm_only: bool = False) -> dict:
    portal, plain = site_dir("portal", size, seed), site_dir("plain", size, seed)
    if not warm_only:
        shutil.rmtree(image_cache(portal), ignore_errors=True)
        for root in (portal, plain):
            shutil.rmtree(root / "site", ignore_errors=True)
    log("  cold builds (empty image cache, no output folder) ..." if not warm_only else "  first builds ...")
    cold_portal, cold_plain = build(portal), build(plain)
    log(f"  {'first' if warm_only else 'cold'}: portal {cold_portal['seconds']:.2f}s, plain {cold_plain['seconds']:.2f}s")
    cold_cpu = None
    if not warm_only:
        # The pool's workers are children of multiprocessing's fork server, whose CPU time never
        # reaches us: one more cold build with one worker measures the image work in CPU seconds.
        shutil.rmtree(image_cache(portal), ignore_errors=True)
        os.environ["STORYPORTAL_IMAGE_WORKERS"] = "1"
        try:
            cold_cpu = build(portal)["cpu"]
        finally:
            del os.environ["STORYPORTAL_IMAGE_WORKERS"]
        log(f"  cold, one worker: {cold_cpu:.1f}s CPU")

    def report(i, a, b):
        log(f"  warm run {i + 1}/{repeats}: portal {a['seconds']:.2f}s, plain {b['seconds']:.2f}s")
    runs_portal, runs_plain = alternate(lambda: build(portal), lambda: build(plain), repeats, report)
    warm_portal, warm_plain = summarize(runs_portal), summarize(runs_plain)
    return {
        "stories": size, "repeats": repeats,
        "images": sum(1 for _ in (portal / "stories").glob("*/hero.*")),
        # --warm-only keeps the image cache: its first builds are not cold, and no cold ratio is claimed
        "cold": None if warm_only else {"portal": cold_portal, "plain": cold_plain},
        "first_builds": {"portal": cold_portal, "plain": cold_plain} if warm_only else None,
        "warm": {"portal": warm_portal, "plain": warm_plain},
        "ratio_warm": warm_portal["median"] / warm_plain["median"],
        "ratio_warm_cpu": warm_portal["cpu_median"] / warm_plain["cpu_median"],
        "ratio_cold_to_warm": None if warm_only else cold_portal["seconds"] / warm_portal["median"],
        "ratio_cold": None if warm_only else cold_portal["seconds"] / cold_plain["seconds"],
        "cold_cpu_one_worker": cold_cpu,
        # What the cold build costs on 2 idle cores, in CPU seconds of this run: the warm build (one
        # process, so on an idle machine about its CPU time) plus the image work split in two.
        "cold_projected": None if cold_cpu is None else (warm_portal["cpu_median"] + cold_cpu) / 2,
        "load_average": os.getloadavg()[0],
    }


def table(results: list[dict]) -> str:
    rows = [("stories", "images", "cold portal", "cold plain", "warm portal", "warm plain", "warm ratio",
             "warm ratio cpu", "cold/warm portal", "cold ratio", "cold CPU 1 worker", "warm CPU", "cold/warm CPU",
             "cold on 2 idle cores / warm")]
    for r in results:
        cold = r["cold"] or {"portal": None, "plain": None}  # none with --warm-only
        rows.append((f"{r['stories']:,}", f"{r['images']:,}", _s(cold["portal"]), _s(cold["plain"]),
                     f"{r['warm']['portal']['median']:.2f} s", f"{r['warm']['plain']['median']:.2f} s",
                     f"{r['ratio_warm']:.2f}", f"{r['ratio_warm_cpu']:.2f}", _times(r["ratio_cold_to_warm"]),
                     _times(r["ratio_cold"]), _cpu(r["cold_cpu_one_worker"]), f"{r['warm']['portal']['cpu_median']:.1f} s",
                     _ratio(r["cold_cpu_one_worker"], r["warm"]["portal"]["cpu_median"]),
                     _ratio(r["cold_projected"], r["warm"]["portal"]["cpu_median"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    legend = (f"\n(wall seconds of `python -m mkdocs build`, {os.cpu_count()} CPUs; cold = empty image cache; warm = "
              "medians of alternating runs;\n warm ratio = warm portal / warm plain (target <= "
              f"{TARGET_WARM} at 1,000); cold/warm portal target <= {TARGET_COLD}; cold on 2 idle cores = (warm CPU\n"
              " + cold CPU with one worker) / 2 over warm CPU: what a machine with no other load would take)\n")
    return "\n".join(lines) + "\n" + legend


def _cpu(value) -> str:
    return "-" if value is None else f"{value:.1f} s"


def _ratio(a, b) -> str:
    return "-" if a is None else f"{a / b:.1f}"


def _s(run: dict | None) -> str:
    return "-" if run is None else f"{run['seconds']:.2f} s"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def profile(size: int, seed: int, top: int = 30) -> str:
    """cProfile of one warm portal build (the image cache filled first)."""
    portal = site_dir("portal", size, seed)
    build(portal)
    out = OUT / f"scale-{size}.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "-q",
           "-f", str(portal / "mkdocs.yml"), "-d", str(portal / "site")]
    subprocess.run(cmd, cwd=portal, check=True, env=env())
    stream = __import__("io").StringIO()
    pstats.Stats(str(out), stream=stream).sort_stats("cumulative").print_stats(top)
    return stream.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_list, default=[200, 1000])
    parser.add_argument("--repeats", type=int, default=3, help="warm builds of each site per size (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one warm portal build at N stories")
    parser.add_argument("--warm-only", action="store_true",
                        help="keep the image cache: the first build is warm too (its ratios are then not cold ones)")
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(args.profile, args.seed))
        return 0
    results = []
    for size in args.sizes:
        log(f"realistic portal, {size:,} stories ...")
        results.append(bench_size(size, args.repeats, args.seed, args.warm_only))
    report = {"python": platform.python_version(), "machine": platform.platform(), "cpus": os.cpu_count(),
              "seed": args.seed, "results": results}
    emit(report, table(results), args.json, " (compare ratios)")
    for r in results:
        if r["stories"] >= 1000:
            log(f"target {'met' if r['ratio_warm'] <= TARGET_WARM else 'MISSED'}: warm {r['ratio_warm']:.2f}x plain")
        if r["ratio_cold_to_warm"] is not None:
            log(f"target {'met' if r['ratio_cold_to_warm'] <= TARGET_COLD else 'MISSED'}: cold "
                f"{r['ratio_cold_to_warm']:.1f}x warm at {r['stories']:,} stories")
        if r["cold_projected"] is not None:
            projected = r["cold_projected"] / r["warm"]["portal"]["cpu_median"]
            log(f"target {'met' if projected <= TARGET_COLD else 'MISSED'} on 2 idle cores (projected from CPU "
                f"time): cold {projected:.1f}x warm at {r['stories']:,} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
