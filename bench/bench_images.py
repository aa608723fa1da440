"""Benchmark: what a cold build's image work costs, per kind of image, in CPU time and bytes.

    python3 bench/bench_images.py [--count 12] [--seed 1] [--json [FILE]]

Draws ``--count`` sources of each kind a realistic portal carries (bench/realistic.py: hero
icons, camera photos with an EXIF orientation, small logos; company logos; advocate photos) and
as many Open Graph cards, then renders every file a build makes of them in this one process,
with no cache: CPU milliseconds per source and bytes per source, by format. Multiplied by the
counts of a 1,000-story realistic portal, it says where a cold build's image CPU goes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "generator"))

import realistic  # noqa: E402
from benchkit import emit  # noqa: E402
from storyportal.site import cards, images  # noqa: E402

# Sources of each kind in the 1,000-story realistic portal (bench_scale.py --sizes 1000).
PORTAL_1000 = {"hero icon": 600, "hero photo": 250, "hero small logo": 150, "company logo": 333,
               "advocate photo": 167, "card": 889}


def sources(kind: str, count: int, seed: int) -> list[bytes]:
    made = []
    for n in range(count):
        rng = random.Random(f"bench-images:{seed}:{kind}:{n}")
        if kind == "hero icon":
            made.append(realistic.hero("icon", rng))
        elif kind == "hero photo":
            made.append(realistic.hero("photo", rng))
        elif kind == "hero small logo":
            made.append(realistic.hero("small-logo", rng))
        elif kind == "company logo":
            made.append(realistic._small_logo(rng, 240))
        else:
            made.append(realistic._person(rng))
    return made


JPEG_MAGIC = b"\xff\xd8"
IMAGE_KIND = {"hero icon": "hero", "hero photo": "hero", "hero small logo": "hero", "company logo": "logo",
              "advocate photo": "photo"}


def bench_kind(root: Path, kind: str, count: int, seed: int) -> dict:
    sets = []
    for n, data in enumerate(sources(kind, count, seed)):
        suffix = "jpg" if data.startswith(JPEG_MAGIC) else "png"
        rel = f"{kind.replace(' ', '-')}-{n}.{suffix}"
        (root / rel).write_bytes(data)
        sets.append(images.plan_image(root, rel, images.widths_for(IMAGE_KIND[kind]), IMAGE_KIND[kind]))
    by_format: dict[str, int] = {}
    started = time.process_time()
    for found in sets:
        for rendition, content in zip(found.renditions, images.encode_renditions(root, list(found.renditions))):
            by_format[rendition.format] = by_format.get(rendition.format, 0) + len(content)
    cpu = time.process_time() - started
    files = sum(len(s.renditions) for s in sets)
    return {"kind": kind, "sources": count, "files": files, "cpu_ms": 1000 * cpu / count,
            "bytes": {fmt: size / count for fmt, size in sorted(by_format.items())},
            "load_average": os.getloadavg()[0]}


def bench_cards(root: Path, count: int, seed: int) -> dict:
    plans = []
    for n in range(count):
        rng = random.Random(f"bench-images:{seed}:card:{n}")
        logo = f"card-logo-{n % max(1, count // 3)}.png"  # a company's logo on about three cards
        if not (root / logo).exists():
            (root / logo).write_bytes(realistic._small_logo(rng, 240))
        title = " ".join(rng.choice(["Faster", "claims", "with", "a", "portal", "that", "scales", "Acme",
                                     "Northwind", "reduced", "costs", "by", "40%"]) for _ in range(rng.randint(5, 12)))
        plans.append(cards.plan_card(root, title=title, company=f"Company {n}", logo=logo,
                                     industry="Healthcare", type="Case study", lang="en"))
    cards.encode_card(plans[0], root)  # fonts loaded once per process, as in a worker
    started = time.process_time()
    size = sum(len(cards.encode_card(p, root)) for p in plans)
    cpu = time.process_time() - started
    return {"kind": "card", "sources": count, "files": count, "cpu_ms": 1000 * cpu / count,
            "bytes": {"png": size / count}, "load_average": os.getloadavg()[0]}


def table(rows: list[dict]) -> str:
    head = ("kind", "sources", "files", "CPU per source", "bytes per source", "at 1,000 stories (CPU)")
    lines = [head]
    for r in rows:
        detail = ", ".join(f"{fmt} {size / 1024:.1f} KB" for fmt, size in r["bytes"].items())
        total = r["cpu_ms"] * PORTAL_1000[r["kind"]] / 1000
        lines.append((r["kind"], str(r["sources"]), str(r["files"]), f"{r['cpu_ms']:.1f} ms", detail, f"{total:.1f} s"))
    total = sum(r["cpu_ms"] * PORTAL_1000[r["kind"]] / 1000 for r in rows)
    lines.append(("all", "", "", "", "", f"{total:.1f} s"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n(CPU of this one process, time.process_time; no cache; fonts loaded before timing)\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=12, help="sources of each kind (default 12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(PORTAL_1000), help="comma-separated kinds to measure")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for kind in args.kinds.split(","):
            if kind == "card":
                rows.append(bench_cards(root, args.count, args.seed))
            else:
                rows.append(bench_kind(root, kind, args.count, args.seed))
    emit({"results": rows}, table(rows), args.json, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
