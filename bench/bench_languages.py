"""Benchmark: the build's cost per extra language.

    python3 bench/bench_languages.py [--size 1000] [--share 0.1] [--repeats 3] [--json [FILE]]

Two portals from the same synthetic stories (``synth.make_portal``, cached in ``bench/out/``),
French originals left out so that both are about English and German only:

- one   the stories on one site (no ``languages``; the few German originals listed there with a badge);
- two   the same, with ``languages: {en, de}`` (German originals move to /de/) and German
        translations of ``share`` (default 10%) of the English stories, so the build writes a second
        home, /stories/ with its index, industry pages and the translated story pages under /de/.

Each is built cold once (warming the image cache), then ``repeats`` times alternately, warm,
as ``python -m mkdocs build`` subprocesses. Reports the medians and the ratio two/one.
Target: at most 1.4 (a second language with 10% of the stories translated costs at most 40% more).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from bench_build import build  # noqa: E402
from benchkit import OUT, alternate, cached_site, emit, log  # noqa: E402

TARGET_RATIO = 1.4
SEED = 7
GERMAN = {"## Challenge": "## Herausforderung", "## Solution": "## Lösung", "## Results": "## Ergebnisse"}


def one_language(out: Path, size: int) -> None:
    """The synthetic portal without its French stories (the two sites differ only by German)."""
    synth.make_portal(out, size, SEED)
    for path in (out / "stories").rglob("*.md"):
        if re.search(r"^lang: fr$", path.read_text(encoding="utf-8"), re.M):
            shutil.rmtree(path.parent) if path.name == "index.md" else path.unlink()


def translation(text: str, slug: str) -> str:
    """A German translation of one English story file: same facts, German headings, no own image or aliases."""
    front, body = text.split("\n---\n", 1)
    kept = [line for line in front.splitlines() if not line.startswith(("image:", "aliases:", "draft:"))]
    kept += ["lang: de", f"translation_of: {slug}"]
    for english, german in GERMAN.items():
        body = body.replace(english + "\n", german + "\n")
    return "\n".join(kept) + "\n---\n" + body


def two_languages(out: Path, size: int, share: float) -> None:
    """``one_language`` plus languages en and de and German translations of ``share`` of the English stories."""
    one_language(out, size)
    config_file = out / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugin = next(e["storyportal"] for e in config["plugins"] if isinstance(e, dict) and "storyportal" in e)
    plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    english = sorted(p for p in (out / "stories").rglob("*.md") if not re.search(r"^lang: ", p.read_text("utf-8"), re.M))
    step = max(1, round(1 / share))
    for path in english[::step]:
        slug = path.parent.name if path.name == "index.md" else path.stem
        (out / "stories" / f"{slug}-de.md").write_text(translation(path.read_text("utf-8"), slug), encoding="utf-8")


def site(kind: str, size: int, share: float) -> Path:
    def make(out: Path) -> None:
        (one_language if kind == "one" else lambda o, n: two_languages(o, n, share))(out, size)
    return cached_site(OUT / f"lang-{kind}-{size}-{share}", make, f"lang:{kind}:{size}:{share}:{SEED}")


def count_pages(root: Path) -> int:
    return sum(1 for _ in (root / "site").rglob("index.html"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="stories in each portal (default 1000)")
    parser.add_argument("--share", type=float, default=0.1, help="share of English stories translated (default 0.1)")
    parser.add_argument("--repeats", type=int, default=3, help="warm builds of each, alternating (default 3)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE", help="the results as JSON")
    args = parser.parse_args(argv)
    one, two = site("one", args.size, args.share), site("two", args.size, args.share)
    log("cold builds (warm the image cache):")
    cold = {"one": build(one)["seconds"], "two": build(two)["seconds"]}
    log(f"  one {cold['one']:.1f}s, two {cold['two']:.1f}s")
    runs_one, runs_two = alternate(lambda: build(one), lambda: build(two), args.repeats,
                                   lambda i, a, b: log(f"  run {i + 1}/{args.repeats}: one {a['seconds']:.2f}s, "
                                                       f"two {b['seconds']:.2f}s"))
    med_one = statistics.median(r["seconds"] for r in runs_one)
    med_two = statistics.median(r["seconds"] for r in runs_two)
    ratio = med_two / med_one
    translated = len(list((two / "stories").glob("*-de.md")))
    table = (f"stories {args.size}, German translations {translated} ({args.share:.0%} of the English ones)\n"
             f"pages: one language {count_pages(one)}, two languages {count_pages(two)}\n"
             f"warm build, median of {args.repeats}: one {med_one:.2f}s, two {med_two:.2f}s, "
             f"ratio {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})\n")
    results = [{"size": args.size, "translated": translated, "one_s": med_one, "two_s": med_two, "ratio": ratio,
                "cold_one_s": cold["one"], "cold_two_s": cold["two"], "load_average": os.getloadavg()[0]}]
    report = {"benchmark": "bench_languages", "python": platform.python_version(), "results": results}
    emit(report, table, args.json, "; the ratio is the figure to read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
