"""Portals shaped like real customer-story programs, with the images real stories carry.

    python3 bench/realistic.py OUT_DIR --stories N [--seed S] [--plain]

The text comes from ``synth.generate`` (all three types, metrics, products, use cases), in the
shape of real programs: N/3 companies with one or two advocates each, and every story a folder
with its own hero image, in the forms real stories carry:

- 60% palette PNG icons with transparency, 300 to 1200 px square (the public corpus: mostly these);
- 25% large camera JPEGs, 2000 to 3200 px wide, with an EXIF orientation (1, 3, 6 or 8);
- 15% small logos: RGBA PNG, 120 to 320 px wide.

Every company has a small palette logo with transparency, and a third of the advocates a JPEG
photo. Every image is different (drawn from the story's own seed), so no two share a cache entry.

With ``--plain`` it writes instead a plain MkDocs + Material site with the same Markdown bodies,
each headed by its hero image (``![](<slug>/hero.png)``), which MkDocs copies as it is.
Byte-identical output for the same arguments.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

FORMS = (("icon", 0.60), ("photo", 0.85), ("small-logo", 1.0))  # cumulative shares
EXTENSION = {"icon": "png", "photo": "jpg", "small-logo": "png"}
ORIENTATION = 0x0112


def generate(stories: int, seed: int) -> tuple[synth.SynthPortal, dict[str, str]]:
    """The portal text in the shape of a real program, and each story's hero form by slug."""
    companies = max(1, round(stories / 3))
    portal = synth.generate(stories, seed, companies=companies, advocates=round(companies * 1.5))
    rng = random.Random(f"storyportal-realistic:{seed}")
    forms = {}
    for story in portal.stories:
        roll = rng.random()
        form = next(name for name, share in FORMS if roll < share)
        forms[story.slug] = form
        story.folder = True
        story.front += f"image: hero.{EXTENSION[form]}\n"
    return portal, forms


def hero(form: str, rng: random.Random) -> bytes:
    if form == "icon":
        return _icon(rng, rng.randint(300, 1200))
    if form == "photo":
        return _photo(rng, rng.randint(2000, 3200), rng.choice([1, 3, 6, 8]))
    return _small_logo(rng, rng.randint(120, 320))


def _shapes(rng: random.Random, size: tuple[int, int], mode: str, count: int) -> Image.Image:
    img = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else _colour(rng))
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(count):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(min(w, h) // 12, min(w, h) // 3)
        box = (x - r, y - r, x + r, y + r)
        (draw.ellipse if rng.random() < 0.5 else draw.rounded_rectangle)(box, fill=_colour(rng) + (255,))
    return img


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)


def _icon(rng: random.Random, side: int) -> bytes:
    # An illustration flattened to a palette with one transparent entry, as icon exports are.
    img = _shapes(rng, (side, side), "RGBA", rng.randint(4, 12))
    return _png(img.quantize(rng.choice([16, 32, 64, 128])))


def _small_logo(rng: random.Random, width: int) -> bytes:
    return _png(_shapes(rng, (width, max(40, width // 2)), "RGBA", rng.randint(2, 5)))


def _photo(rng: random.Random, width: int, orientation: int) -> bytes:
    # Smooth shapes plus sensor noise: compresses like a photo, not like a drawing.
    height = width * 2 // 3
    img = _shapes(rng, (width // 8, height // 8), "RGB", rng.randint(6, 14)).resize((width, height), Image.BICUBIC)
    noise = Image.effect_noise((width, height), rng.randint(10, 30)).convert("RGB")
    img = Image.blend(img, noise, 0.12)
    if orientation in (6, 8):  # stored sideways, as a camera held upright writes it
        img = img.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _registry(portal: synth.SynthPortal, seed: int) -> str:
    """synth's registry, with a logo for every company and a photo for a third of the advocates."""
    text = synth._registry_yaml(portal)
    for company in portal.companies:
        site = f"    website: https://{company.id}.example\n"
        text = text.replace(site, site + f"    logo: assets/logos/{company.id}.png\n", 1)
    rng = random.Random(f"storyportal-realistic-photos:{seed}")
    for advocate in portal.advocates:
        if rng.random() < 1 / 3:
            line = f"    company: {advocate.company.id}\n    consent:"
            head = f"  {advocate.id}:\n"
            start = text.index(head)
            at = text.index(line, start)
            text = text[:at] + f"    photo: assets/people/{advocate.id}.jpg\n" + text[at:]
    return text


def _person(rng: random.Random) -> bytes:
    img = _shapes(rng, (400, 400), "RGB", 5)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_portal(out_dir: Path, stories: int, seed: int = 1) -> Path:
    """Write the portal (our plugin) to ``out_dir``; the path of its mkdocs.yml."""
    portal, forms = generate(stories, seed)
    out_dir = synth._fresh_dir(out_dir)
    for folder in ("docs", "stories", "assets/logos", "assets/people"):
        (out_dir / folder).mkdir(parents=True)
    (out_dir / "docs" / "index.md").write_text(f"# Realistic customer stories\n\n{stories} stories.\n")
    registry = _registry(portal, seed)
    (out_dir / "advocates.yaml").write_text(registry, encoding="utf-8")
    for company in portal.companies:
        logo = _small_logo(random.Random(f"logo:{seed}:{company.id}"), 240)
        (out_dir / "assets" / "logos" / f"{company.id}.png").write_bytes(logo)
    for advocate in portal.advocates:
        if f"assets/people/{advocate.id}.jpg" in registry:
            photo = _person(random.Random(f"photo:{seed}:{advocate.id}"))
            (out_dir / "assets" / "people" / f"{advocate.id}.jpg").write_bytes(photo)
    for story in portal.stories:
        path = out_dir / story.relpath
        path.parent.mkdir()
        form = forms[story.slug]
        image = hero(form, random.Random(f"hero:{seed}:{story.slug}"))
        (path.parent / f"hero.{EXTENSION[form]}").write_bytes(image)
        path.write_text(story.text, encoding="utf-8")
    config = synth._portal_config(portal, stories)
    # The build's cost is measured without search indexing on either side (issue 16: Pagefind's
    # cost has its own line in bench_search.py); the plain site leaves out Material's search too.
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "storyportal" in entry:
            entry["storyportal"]["search"] = False
    config["site_name"] = f"Realistic customer stories ({stories})"
    config_file = out_dir / "mkdocs.yml"
    config_file.write_text("# Generated by bench/realistic.py; do not edit.\n" + synth._dump_yaml(config))
    return config_file


def make_plain_site(out_dir: Path, stories: int, seed: int = 1) -> Path:
    """Plain MkDocs + Material with the same bodies and hero images; the path of its mkdocs.yml."""
    portal, forms = generate(stories, seed)
    out_dir = synth._fresh_dir(out_dir)
    docs = out_dir / "docs"
    (docs / "stories").mkdir(parents=True)
    (docs / "index.md").write_text(f"# Plain site\n\nThe same {stories} stories, without the plugin.\n")
    for story in portal.stories:
        form = forms[story.slug]
        name = f"{story.slug}/hero.{EXTENSION[form]}"
        (docs / "stories" / story.slug).mkdir()
        (docs / "stories" / name).write_bytes(hero(form, random.Random(f"hero:{seed}:{story.slug}")))
        (docs / "stories" / f"{story.slug}.md").write_text(f"![]({name})\n\n{story.body}", encoding="utf-8")
    return synth.write_plain_config(out_dir, portal.config, stories, "bench/realistic.py --plain",
                                     search=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--stories", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plain", action="store_true", help="write the plain MkDocs comparison site instead")
    args = parser.parse_args(argv)
    print((make_plain_site if args.plain else make_portal)(args.out_dir, args.stories, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
