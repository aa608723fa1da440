"""Sizes: where a deployed portal's bytes go per story, and what a visitor downloads before the first view.

    .venv/bin/python bench/bench_sizes.py [--stories 1000] [--extrapolate 10000] [--internal] [--json [FILE]]

It builds a realistic portal (bench/realistic.py: a hero image per story, company logos, advocate
photos) with ``storyportal build`` as the deploy does (search index included), then

1. sorts every file of the output into what it is for (story pages, Open Graph cards, hero
   renditions, logos and photos, embed files, JSON, the search index, listing pages, theme) and
   prints bytes per story and the total extrapolated to ``--extrapolate`` stories: the site's
   own files (theme, Material's assets) are counted once, everything else grows with the stories;
2. for each page type, the largest file a visitor downloads before the first view, gzip: the
   page itself, its stylesheets and scripts, and its eager images (the widest WebP a srcset offers).

Sizes are bytes on disk (what GitHub Pages counts against its 1 GB); "gzip" is ``gzip -6`` of a
text file (what a server sends compressed), an image's own bytes for images.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import env  # noqa: E402
from bench_scale import site_dir  # noqa: E402
from benchkit import OUT, emit, log  # noqa: E402

GITHUB_PAGES_LIMIT = 1024**3
FIRST_VIEW_BUDGET = 300 * 1024
TEXT = {".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".map", ".webmanifest"}
# Stories-independent output: Material's and our theme files, the search runtime, the error page.
FIXED = ("theme (Material's and ours)", "search runtime", "site pages (404, sitemap)")
TAG = re.compile(r"<(script|link|img)\b[^>]*>", re.I)
ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"', re.I)


def build(portal: Path, out: Path, audience: str) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "storyportal", "build", "-f", str(with_search(portal)), "-d", str(out),
               "--audience", audience, "--build-date", "2026-11-24"]
    proc = subprocess.run(command, cwd=portal, env=env(), capture_output=True, text=True, timeout=7200)
    if proc.returncode:
        raise SystemExit(f"storyportal build failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


def with_search(portal: Path) -> Path:
    """A copy of the portal's config with search on: the realistic portal leaves it off for the build
    benchmarks, and the deployed site holds the search index."""
    config = portal / "mkdocs-sizes.yml"
    text = (portal / "mkdocs.yml").read_text()
    if "    search: false\n" not in text:
        raise SystemExit(f"{portal / 'mkdocs.yml'}: expected the plugin's 'search: false' to turn on")
    config.write_text(text.replace("    search: false\n", "    search: true\n"))
    return config


def attrs(tag: str) -> dict[str, str]:
    return {k.lower(): v for k, v in ATTR.findall(tag)}


def resolve(page: PurePosixPath, ref: str) -> str | None:
    """The site path a page's relative reference points at, or None for another site or a data: URL."""
    ref = ref.split("#")[0].split("?")[0]
    if not ref or re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I):
        return None
    parts: list[str] = [] if ref.startswith("/") else list(page.parent.parts)
    for part in ref.lstrip("/").split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts) + ("/index.html" if ref.endswith("/") else "")


def image_kinds(site: Path, pages: list[str]) -> dict[str, str]:
    """img/ file -> the kind of image it renders (hero, logo, photo, ...), from the pages' <img> tags."""
    kinds: dict[str, str] = {}
    for rel in pages:
        page = PurePosixPath(rel)
        for tag in TAG.finditer(read(site / rel)):
            a = attrs(tag.group(0))
            kind = re.search(r"sp-img--([a-z-]+)", a.get("class", ""))
            if tag.group(1).lower() != "img" or not kind:
                continue
            refs = [a.get("src", "")] + [c.strip().split(" ")[0] for c in a.get("srcset", "").split(",")]
            for ref in refs:
                target = resolve(page, ref) if ref else None
                if target:
                    kinds.setdefault(target, kind.group(1))
    return kinds


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def category(rel: str, text_of, kinds: dict[str, str]) -> str:
    top = rel.split("/", 1)[0]
    if top == "cards":
        return "Open Graph cards"
    if top == "img":
        return f"images: {kinds.get(rel, 'other')}"
    if top == "embed":
        return "embed files"
    if top == "pagefind":
        return "search index" if rel.endswith((".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")) else "search runtime"
    if top == "assets" or rel.startswith(("stylesheets/", "javascripts/")):
        return "theme (Material's and ours)"
    if rel in ("404.html", "sitemap.xml", "sitemap.xml.gz") or rel.endswith(".storyportal-build.json"):
        return "site pages (404, sitemap)"
    if rel.endswith(".json") or rel.endswith(".csv"):
        return "JSON and CSV data"
    if rel.startswith("stories/") and rel.endswith("/index.html") and rel.count("/") == 2:
        return "redirects (aliases)" if 'http-equiv="refresh"' in text_of(rel)[:600] else "story pages (HTML)"
    if rel.endswith(".html"):
        return "listing pages (home, /stories/, industries, /sales/)"
    return "other"


def packed(path: Path) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT else len(data)


def page_type(rel: str, cat: str) -> str | None:
    if not rel.endswith(".html") or cat == "redirects (aliases)":
        return None
    if cat == "story pages (HTML)":
        return "story"
    if rel.startswith("embed/"):
        return "embed wall" if rel.startswith("embed/wall/") else "embed card"
    if rel.startswith("industries/"):
        return "industry"
    if rel.startswith("sales/roster/"):
        return "roster (internal)"
    names = {"index.html": "home", "stories/index.html": "/stories/", "sales/index.html": "/sales/",
             "sales/report/index.html": "report (internal)",
             "404.html": "404"}
    return names.get(rel)


def first_view_files(site: Path, rel: str) -> list[str]:
    """The page and what it fetches before the first view: stylesheets, scripts, eager images."""
    page = PurePosixPath(rel)
    found = [rel]
    for tag in TAG.finditer(read(site / rel)):
        a, name = attrs(tag.group(0)), tag.group(1).lower()
        if name == "script" and a.get("src"):
            refs = [a["src"]]
        elif name == "link" and a.get("rel") in ("stylesheet", "preload", "modulepreload") and a.get("href"):
            refs = [a["href"]]
        elif name == "img" and a.get("loading") != "lazy":
            candidates = [c.strip().split(" ") for c in a.get("srcset", "").split(",") if c.strip()]
            widest = max(candidates, key=lambda c: int(c[1].rstrip("w")) if len(c) > 1 else 0, default=None)
            refs = [widest[0]] if widest else [a.get("src", "")]
        else:
            continue
        found += [t for t in (resolve(page, r) for r in refs if r) if t and (site / t).is_file()]
    return found


def measure(site: Path, stories: int, extrapolate: int) -> dict:
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    cache: dict[str, str] = {}

    def text_of(rel: str) -> str:
        if rel not in cache:
            cache[rel] = read(site / rel)
        return cache[rel]

    html = [f for f in files if f.endswith(".html")]
    kinds = image_kinds(site, html)
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    types: dict[str, dict] = {}
    for rel in files:
        cat = category(rel, text_of, kinds)
        size = (site / rel).stat().st_size
        by_cat[cat][0] += 1
        by_cat[cat][1] += size
        kind = page_type(rel, cat)
        if kind:
            worst = max((packed(site / f), f) for f in first_view_files(site, rel))
            html_gz = packed(site / rel)
            entry = types.setdefault(kind, {"pages": 0, "largest_html_gzip": 0, "largest_file_gzip": 0})
            entry["pages"] += 1
            if html_gz > entry["largest_html_gzip"]:
                entry.update(largest_html_gzip=html_gz, largest_html=rel)
            if worst[0] > entry["largest_file_gzip"]:
                entry.update(largest_file_gzip=worst[0], largest_file=worst[1], on_page=rel)
    total = sum(v[1] for v in by_cat.values())
    fixed = sum(v[1] for k, v in by_cat.items() if k in FIXED)
    rows = [{"what": k, "files": v[0], "bytes": v[1], "per_story": v[1] / stories,
             "at_extrapolated": v[1] if k in FIXED else v[1] / stories * extrapolate}
            for k, v in sorted(by_cat.items(), key=lambda kv: -kv[1][1])]
    return {"stories": stories, "extrapolate": extrapolate, "total_bytes": total, "fixed_bytes": fixed,
            "extrapolated_bytes": fixed + (total - fixed) / stories * extrapolate, "categories": rows,
            "first_view": types}


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def table(r: dict) -> str:
    n, x = r["stories"], r["extrapolate"]
    lines = [f"| output ({n:,} stories) | files | bytes | per story | at {x:,} stories |", "|---|---|---|---|---|"]
    for c in r["categories"]:
        per = "(once)" if c["what"] in FIXED else kb(c["per_story"])
        lines.append(f"| {c['what']} | {c['files']:,} | {mb(c['bytes'])} | {per} | {mb(c['at_extrapolated'])} |")
    per_story = (r["total_bytes"] - r["fixed_bytes"]) / n
    lines.append(f"| **all** | | **{mb(r['total_bytes'])}** | **{kb(per_story)}** | "
                 f"**{mb(r['extrapolated_bytes'])}** (limit {mb(GITHUB_PAGES_LIMIT)}) |")
    lines += ["", "| page type | pages | largest page, gzip | largest first-view file, gzip | that file |",
              "|---|---|---|---|---|"]
    for kind, t in sorted(r["first_view"].items()):
        over = " **over 300 KB**" if t["largest_file_gzip"] > FIRST_VIEW_BUDGET else ""
        lines.append(f"| {kind} | {t['pages']:,} | {kb(t['largest_html_gzip'])} | {kb(t['largest_file_gzip'])}{over} | "
                     f"`{t['largest_file']}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=1000, help="realistic stories to build (default 1000)")
    parser.add_argument("--extrapolate", type=int, default=10000, help="story count to extrapolate to (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--internal", action="store_true", help="build the internal audience (roster, report)")
    parser.add_argument("--site", type=Path, help="measure this built site instead of building one")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)
    audience = "internal" if args.internal else "public"
    if args.site:
        site, seconds = args.site, 0.0
    else:
        portal = site_dir("portal", args.stories, args.seed)
        site = OUT / f"sizes-{audience}-{args.stories}-s{args.seed}"
        log(f"building {args.stories:,} realistic stories ({audience}) into {site} ...")
        seconds = build(portal, site, audience)
    result = measure(site, args.stories, args.extrapolate)
    report = {"python": platform.python_version(), "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
              "build_s": round(seconds, 1), "audience": audience, "results": [result]}
    report["results"][0]["load_average"] = report["load_average"]
    emit(report, table(result), args.json, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
