"""How much does validation cost on top of just reading the files?

    python3 bench/bench_validate.py [--sizes 1000,10000] [--repeats 5,3] [--seed 1] [--images 0]
                                    [--json [FILE]] [--profile] [--no-cli]

For each size N it generates (or reuses, from bench/out/) a synthetic portal with
bench/synth.py, warms the file cache, then times:

  bare      read advocates.yaml and every story file, split the front matter with a
            plain string split and parse it with ``yaml.load(text, Loader=yaml.CSafeLoader)``:
            the least any validator has to do;
  validate  ``storyportal.core.portal.load_portal(settings, BUILD_DATE)`` in this process
            (settings loaded once beforehand, outside the timing);
  cli       once, ``storyportal validate --format json`` as a subprocess: end to end,
            including interpreter start-up and imports.

bare and validate runs alternate, so that both see the same machine load. It prints
best and median seconds of each, the share of time spent in the cyclic garbage
collector, and the ratio validate/bare (of the best times, and the median of the
back-to-back ratios). The target is a ratio of at most 2.5 at 10,000 stories.
``--profile`` adds the GC share and a cProfile (GC off) of one ``load_portal`` run at
the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from benchkit import OUT, alternate, cached_site, emit, int_list, log  # noqa: E402
from storyportal.core.body import render_body, render_story_body  # noqa: E402
from storyportal.core.config import load_settings  # noqa: E402
from storyportal.core.model import Status  # noqa: E402
from storyportal.core.portal import load_portal  # noqa: E402

TARGET_RATIO = 2.5
DEFAULT_REPEATS = {1000: 5, 10000: 3}


# --------------------------------------------------------------------------- portal cache


def portal_dir(size: int, seed: int, images: int) -> Path:
    """bench/out/portal-<N>-s<seed>-i<images>, regenerated when synth.py changes."""
    return cached_site(OUT / f"portal-{size}-s{seed}-i{images}",
                       lambda out: synth.make_portal(out, size, seed, images), f"{size}:{seed}:{images}")


# --------------------------------------------------------------------------- the two workloads


def story_files(stories_dir: Path) -> list[Path]:
    """stories/<slug>.md and stories/<slug>/index.md, as the portal finds them."""
    found = []
    for entry in sorted(os.scandir(stories_dir), key=lambda e: e.name):
        if entry.is_dir():
            index = Path(entry.path) / "index.md"
            if index.is_file():
                found.append(index)
        elif entry.name.endswith(".md"):
            found.append(Path(entry.path))
    return found


def bare(root: Path) -> int:
    """Read the registry and every story, parse each front matter with the C loader; count the stories."""
    registry = yaml.load((root / "advocates.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert registry["advocates"]
    count = 0
    for path in story_files(root / "stories"):
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        data = yaml.load(front, Loader=yaml.CSafeLoader)
        count += isinstance(data, dict)
    return count


def validate(settings):
    # Each run starts cold, as `storyportal validate` does: the in-process cache of rendered
    # bodies would otherwise make every run after the first skip the rendering.
    render_story_body.cache_clear()
    render_body.cache_clear()
    return load_portal(settings, synth.BUILD_DATE)


class GcClock:
    """Seconds spent in the cyclic garbage collector, through ``gc.callbacks``."""

    def __init__(self):
        self.seconds, self._started = 0.0, 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def timed_once(fn) -> tuple[float, float, float]:
    """Wall seconds of one run, its CPU seconds, and the seconds of it spent in the garbage collector.

    CPU time (``time.process_time``) does not count time the process waited for a core,
    so it is steadier than wall time on a busy machine.
    """
    gc.collect()
    with GcClock() as clock:
        cpu, started = time.process_time(), time.perf_counter()
        fn()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, clock.seconds


def interleaved(a, b, repeats: int) -> tuple[list, list]:
    """Time a and b alternately, so that both see the same machine load."""
    return alternate(lambda: timed_once(a), lambda: timed_once(b), repeats)


def run_cli(config_file: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "storyportal", "validate", "-f", str(config_file),
           "--build-date", synth.BUILD_DATE.isoformat(), "--format", "json"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "exit_code": proc.returncode}
    try:
        data = json.loads(proc.stdout)
        result["summary"] = data.get("summary") if isinstance(data, dict) else None
    except json.JSONDecodeError:
        result["stderr"] = proc.stderr[-2000:]
    return result


def status_counts(portal) -> dict:
    counts = {s.value: 0 for s in Status}
    for state in portal.status.values():
        counts[state.value] += 1
    counts["errors"] = sum(i.severity.value == "error" for i in portal.issues)
    counts["warnings"] = sum(i.severity.value == "warning" for i in portal.issues)
    return counts


# --------------------------------------------------------------------------- one size


def bench_size(size: int, repeats: int, seed: int, images: int, cli: bool) -> dict:
    root = portal_dir(size, seed, images)
    settings, problems = load_settings(root / "mkdocs.yml")
    if settings is None:
        raise SystemExit(f"cannot load {root / 'mkdocs.yml'}: {problems}")
    # Warm-up: the file cache, pydantic's lazily built validators, the regex caches.
    assert bare(root) == size, "bare() did not find every story"
    portal = validate(settings)
    counts = status_counts(portal)
    if counts["errors"]:
        log(f"warning: the synthetic portal has {counts['errors']} validation errors; first: {portal.issues[0]}")
    del portal
    bare_runs, validate_runs = interleaved(lambda: bare(root), lambda: validate(settings), repeats)
    bare_times, bare_cpu, bare_gc = (list(x) for x in zip(*bare_runs))
    validate_times, validate_cpu, validate_gc = (list(x) for x in zip(*validate_runs))
    result = {
        "stories": size,
        "repeats": repeats,
        "story_bytes": sum(p.stat().st_size for p in story_files(root / "stories")),
        "gc_enabled": gc.isenabled(),
        "bare": summarize(bare_times, bare_cpu, bare_gc),
        "validate": summarize(validate_times, validate_cpu, validate_gc),
        "ratio_cpu_best": min(validate_cpu) / min(bare_cpu),
        "ratio_best": min(validate_times) / min(bare_times),
        # the median of the ratios of runs made back to back, robust to load changing over time
        "ratio_median": statistics.median(v / b for v, b in zip(validate_times, bare_times)),
        "load_average": os.getloadavg()[0],
        "status": counts,
        "portal": str(root),
    }
    if cli:
        result["cli"] = run_cli(root / "mkdocs.yml")
    return result


def summarize(times: list[float], cpu_times: list[float], gc_times: list[float]) -> dict:
    return {"best": min(times), "median": statistics.median(times), "all": times,
            "cpu_best": min(cpu_times), "cpu_all": cpu_times,
            "gc_median": statistics.median(gc_times), "gc_all": gc_times}


# --------------------------------------------------------------------------- profile


def profile(size: int, seed: int, images: int, top: int) -> str:
    root = portal_dir(size, seed, images)
    settings, _ = load_settings(root / "mkdocs.yml")
    validate(settings)  # warm
    out = io.StringIO()
    gc.collect()
    with GcClock() as clock:
        started = time.perf_counter()
        validate(settings)
        wall = time.perf_counter() - started
    out.write(f"load_portal() at {size} stories: {wall:.3f}s, of which {clock.seconds:.3f}s "
              f"({100 * clock.seconds / wall:.0f}%) in the cyclic garbage collector\n")
    # cProfile bills GC pauses to whatever function happened to allocate; profile with the
    # collector off so that own times are the code's own work (the GC share is reported above).
    gc.collect()
    gc.disable()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        validate(settings)
        profiler.disable()
    finally:
        gc.enable()
    stats = pstats.Stats(profiler, stream=out)
    total = max(ct for (_, _, name), (_, _, _, ct, _) in stats.stats.items() if name == "load_portal")
    for title, column in (("cumulative", 3), ("own", 2)):
        out.write(f"\ncProfile of load_portal() at {size} stories (gc off), by {title} time, "
                  f"as a share of load_portal ({total:.3f}s under the profiler)\n")
        out.write(f"{'share':>6} {'seconds':>8} {'calls':>9}  function\n")
        ranked = sorted(stats.stats.items(), key=lambda item: -item[1][column])[:top]
        for (filename, line, name), row in ranked:
            where = f"{Path(filename).parent.name}/{Path(filename).name}:{line}" if line else filename
            out.write(f"{100 * row[column] / total:5.1f}% {row[column]:8.3f} {row[1]:9d}  {where}({name})\n")
    return out.getvalue()


# --------------------------------------------------------------------------- output


def table(results: list[dict]) -> str:
    rows = [("stories", "MB", "bare best", "bare med", "validate best", "validate med", "ratio best", "ratio med",
             "ratio cpu", "gc% bare", "gc% valid.", "cli (1x)", "published", "withheld", "errors")]
    for r in results:
        rows.append((f"{r['stories']:,}", f"{r['story_bytes'] / 1e6:.1f}",
                     f"{r['bare']['best']:.3f}", f"{r['bare']['median']:.3f}",
                     f"{r['validate']['best']:.3f}", f"{r['validate']['median']:.3f}",
                     f"{r['ratio_best']:.2f}", f"{r['ratio_median']:.2f}", f"{r['ratio_cpu_best']:.2f}",
                     f"{100 * r['bare']['gc_median'] / r['bare']['median']:.0f}",
                     f"{100 * r['validate']['gc_median'] / r['validate']['median']:.0f}",
                     f"{r['cli']['seconds']:.2f}" if "cli" in r else "-",
                     str(r["status"]["published"]), str(r["status"]["withheld"]), str(r["status"]["errors"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    legend = ("(wall seconds; ratio best = best validate / best bare; ratio med = median of the ratios of runs\n"
              " made back to back; ratio cpu = the same as ratio best on CPU time (process_time);\n"
              " gc% = share of the median run spent in the cyclic garbage collector;\n"
              f" target: ratio <= {TARGET_RATIO} at 10,000 stories)\n")
    return "\n".join(lines) + "\n" + legend


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_list, default=[1000, 10000], help="comma-separated story counts")
    parser.add_argument("--repeats", type=int_list, default=None,
                        help="repeats per size, comma-separated (default 5 for 1,000, 3 for 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--images", type=int, default=0, help="stories with a hero image (default 0)")
    parser.add_argument("--no-cli", dest="cli", action="store_false", help="skip the subprocess run")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the results as JSON to FILE, or to stdout instead of the table")
    parser.add_argument("--gc-off", action="store_true",
                        help="diagnostic: time both workloads with the cyclic garbage collector disabled")
    parser.add_argument("--profile", action="store_true", help="also cProfile one load_portal at the largest size")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    args = parser.parse_args(argv)
    repeats = args.repeats or [DEFAULT_REPEATS.get(n, 5 if n <= 2000 else 3) for n in args.sizes]
    if len(repeats) == 1:
        repeats = repeats * len(args.sizes)
    if len(repeats) != len(args.sizes):
        parser.error("--repeats needs one value, or one per size")

    results = []
    for size, count in zip(args.sizes, repeats):
        log(f"benchmarking {size:,} stories ({count} repeats{', gc off' if args.gc_off else ''}) ...")
        if args.gc_off:
            gc.disable()
        try:
            results.append(bench_size(size, count, args.seed, args.images, args.cli))
        finally:
            gc.enable()
    report = {
        "target_ratio": TARGET_RATIO,
        "python": platform.python_version(),
        "pyyaml_libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "machine": platform.platform(),
        "seed": args.seed,
        "images": args.images,
        "build_date": synth.BUILD_DATE.isoformat(),
        "results": results,
    }
    emit(report, table(results), args.json, "")
    if args.profile:
        print(profile(max(args.sizes), args.seed, args.images, args.top), file=sys.stderr if args.json == "-" else sys.stdout)
    largest = max(results, key=lambda r: r["stories"])
    met = largest["ratio_best"] <= TARGET_RATIO
    log(f"target {'met' if met else 'MISSED'}: validate/bare = {largest['ratio_best']:.2f} at {largest['stories']:,} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
