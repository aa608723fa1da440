"""What the benchmarks share: the synthetic-portal cache, alternating runs, small CLI helpers."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import synth  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def int_list(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def cached_site(out: Path, make, key: str, force: bool = False) -> Path:
    """``make(out)`` unless ``out`` was generated from the same synth.py and ``key`` before."""
    stamp = out / ".synth-stamp"
    want = hashlib.sha256((HERE / "synth.py").read_bytes()).hexdigest() + ":" + key
    if force or not (stamp.is_file() and stamp.read_text() == want and (out / "mkdocs.yml").is_file()):
        started = time.perf_counter()
        make(out)
        stamp.write_text(want)
        log(f"generated {out.relative_to(HERE.parent)} in {time.perf_counter() - started:.1f}s")
    return out


def make_site(kind: str, size: int, seed: int):
    """The maker of a portal (our plugin) or of the plain MkDocs site with the same Markdown."""
    maker = synth.make_portal if kind == "portal" else synth.make_plain_site
    return lambda out: maker(out, size, seed)


def alternate(a, b, repeats: int, report=None) -> tuple[list, list]:
    """Run a and b alternately (a b, b a, a b ...) so that both see the same machine load."""
    runs_a, runs_b = [], []
    for i in range(repeats):
        if i % 2 == 0:
            runs_a.append(a())
            runs_b.append(b())
        else:
            runs_b.append(b())
            runs_a.append(a())
        if report:
            report(i, runs_a[-1], runs_b[-1])
    return runs_a, runs_b


def emit(report: dict, table_text: str, json_arg: str | None, compare: str) -> None:
    """Print the table (unless JSON goes to stdout), warn when the machine was loaded, write the JSON."""
    if json_arg != "-":
        print(table_text, end="")
    load = max(r["load_average"] for r in report["results"])
    if load > 1.0:
        log(f"note: the 1-minute load average was up to {load:.1f} on {os.cpu_count()} CPUs; "
            f"other processes were running, so absolute times are noisy{compare}")
    if json_arg:
        text = json.dumps(report, indent=2) + "\n"
        if json_arg == "-":
            sys.stdout.write(text)
        else:
            Path(json_arg).write_text(text)
