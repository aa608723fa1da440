"""Generate the demo images of the Story Portal sample content.

Run once from the repository root; the output is committed:

    python3 bench/make_demo_images.py

It reads advocates.yaml and stories/ and writes
- assets/logos/<company-id>.png   one logo per company (256x256, geometric mark + initials)
- assets/people/<advocate-id>.jpg for advocates with a `photo:` field (400x400 avatar)
- stories/<slug>/hero.jpg         for folder stories whose front matter has `image: hero.jpg`
                                  (1600x900 abstract gradient and shapes)

Deterministic: every colour and shape comes from a hash of the id, so running it
again produces the same pictures. Needs Pillow (>= 10.1 for load_default(size=))
and PyYAML, both dependencies of the project.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 150 * 1024


def rng_for(key: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return random.Random(seed)


def hsl(h: float, s: float, l: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, l, s)
    return (round(r * 255), round(g * 255), round(b * 255))


def palette(key: str, index: int, count: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Two related colours; hues spread evenly over `count` items so they stay distinct."""
    r = rng_for(key)
    hue = (index / max(count, 1) + r.uniform(-0.02, 0.02)) % 1.0
    main = hsl(hue, r.uniform(0.55, 0.75), r.uniform(0.38, 0.48))
    accent = hsl(hue + r.choice([0.08, -0.08, 0.5]), r.uniform(0.55, 0.8), r.uniform(0.55, 0.68))
    return main, accent


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s&\-]+", name) if w and w[0].isalpha()]
    words = [w for w in words if w.lower() not in {"dr.", "of", "the", "and"}]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def centered_text(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str,
                  size: int, fill) -> None:
    f = font(size)
    x0, y0, x1, y1 = box
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=f, fill=fill, anchor="mm")


def gradient(w: int, h: int, c1, c2, diagonal: bool = True) -> Image.Image:
    """Linear gradient from c1 (top-left) to c2 (bottom-right)."""
    # Build a small gradient and scale it up: fast and smooth.
    gw, gh = 64, 64
    small = Image.new("RGB", (gw, gh))
    px = small.load()
    for y in range(gh):
        for x in range(gw):
            t = ((x / (gw - 1)) + (y / (gh - 1))) / 2 if diagonal else y / (gh - 1)
            px[x, y] = tuple(round(a + (b - a) * t) for a, b in zip(c1, c2))
    return small.resize((w, h), Image.BICUBIC)


# --- logos -------------------------------------------------------------------

def make_logo(cid: str, name: str, index: int, count: int, out: Path) -> None:
    size = 256
    main, accent = palette(cid, index, count)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    r = rng_for("logo:" + cid)
    shape = index % 4
    pad = 12
    if shape == 0:
        d.ellipse((pad, pad, size - pad, size - pad), fill=main)
    elif shape == 1:
        d.rounded_rectangle((pad, pad, size - pad, size - pad), radius=48, fill=main)
    elif shape == 2:
        d.regular_polygon((size / 2, size / 2, size / 2 - pad), 6, rotation=30, fill=main)
    else:
        d.regular_polygon((size / 2, size / 2, size / 2 - pad), 4, rotation=45, fill=main)
    # accent mark: an arc or a small shape in a corner-ish position
    ax = r.choice([0.28, 0.72])
    ay = r.choice([0.26, 0.74])
    ar = 26
    cx, cy = size * ax, size * ay
    if r.random() < 0.5:
        d.ellipse((cx - ar, cy - ar, cx + ar, cy + ar), fill=accent)
    else:
        d.regular_polygon((cx, cy, ar), 3, rotation=r.choice([0, 180]), fill=accent)
    centered_text(d, (0, 0, size, size), initials(name), 96, (255, 255, 255, 255))
    img.save(out, "PNG", optimize=True)


# --- people ------------------------------------------------------------------

def make_photo(aid: str, name: str, index: int, count: int, out: Path) -> None:
    size = 400
    main, accent = palette("person:" + aid, index, count)
    img = gradient(size, size, accent, main)
    d = ImageDraw.Draw(img)
    r = rng_for("photo:" + aid)
    # a soft disc behind the initials
    shade = tuple(max(0, c - 35) for c in main)
    d.ellipse((70, 70, 330, 330), fill=shade)
    for _ in range(3):
        x, y, rad = r.randint(0, size), r.randint(0, size), r.randint(20, 60)
        d.ellipse((x - rad, y - rad, x + rad, y + rad), outline=(255, 255, 255), width=3)
    img = img.filter(ImageFilter.GaussianBlur(2))
    d = ImageDraw.Draw(img)
    centered_text(d, (0, 0, size, size), initials(name), 140, (255, 255, 255))
    img.save(out, "JPEG", quality=85, optimize=True)


# --- heroes ------------------------------------------------------------------

def make_hero(slug: str, index: int, count: int, out: Path) -> None:
    w, h = 1600, 900
    main, accent = palette("hero:" + slug, index, count)
    img = gradient(w, h, main, accent)
    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    r = rng_for("hero:" + slug)
    for _ in range(7):
        x, y = r.randint(-200, w), r.randint(-200, h)
        rad = r.randint(120, 420)
        alpha = r.randint(30, 70)
        fill = (255, 255, 255, alpha) if r.random() < 0.6 else (*main, alpha + 40)
        if r.random() < 0.6:
            d.ellipse((x - rad, y - rad, x + rad, y + rad), fill=fill)
        else:
            d.regular_polygon((x, y, rad), r.choice([3, 4, 6]), rotation=r.randint(0, 90), fill=fill)
    for i in range(5):
        y = r.randint(0, h)
        d.line((0, y, w, y + r.randint(-300, 300)), fill=(255, 255, 255, 40), width=6)
    img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    img = img.filter(ImageFilter.GaussianBlur(3))
    img.save(out, "JPEG", quality=78, optimize=True)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    return yaml.safe_load(m.group(1)) if m else {}


def main() -> int:
    data = yaml.safe_load((ROOT / "advocates.yaml").read_text(encoding="utf-8"))
    written: list[Path] = []

    companies = data["companies"]
    for i, (cid, c) in enumerate(sorted(companies.items())):
        out = ROOT / c.get("logo", f"assets/logos/{cid}.png")
        out.parent.mkdir(parents=True, exist_ok=True)
        make_logo(cid, c["name"], i, len(companies), out)
        written.append(out)

    people = [(aid, a) for aid, a in sorted(data["advocates"].items()) if a.get("photo")]
    for i, (aid, a) in enumerate(people):
        out = ROOT / a["photo"]
        out.parent.mkdir(parents=True, exist_ok=True)
        make_photo(aid, a["name"], i, len(people), out)
        written.append(out)

    heroes = []
    for index_md in sorted((ROOT / "stories").glob("*/index.md")):
        image = front_matter(index_md).get("image")
        if image:
            heroes.append((index_md.parent.name, index_md.parent / image))
    for i, (slug, out) in enumerate(heroes):
        make_hero(slug, i, len(heroes), out)
        written.append(out)

    too_big = [p for p in written if p.stat().st_size > MAX_BYTES]
    for p in written:
        print(f"{p.stat().st_size:>7} {p.relative_to(ROOT)}")
    if too_big:
        print("too big:", *too_big, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
