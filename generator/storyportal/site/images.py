"""Responsive image renditions: planned from the file header, rendered once, cached by name.

The pipeline follows Lektor's imagetools: ``plan_image`` reads only the header and decides
every output name from the source bytes and the parameters, before any pixel is decoded;
``encode_rendition`` does the pixel work for one rendition (a pure function of the source
bytes and the parameters, so it runs in any process); ``render_rendition`` encodes only when
the cache (``imagecache.ImageCache``) does not already hold a trusted file of that name.

Every output is stripped of all metadata (EXIF with GPS, XMP, ICC profile, comments): the
pixels are copied into a fresh image, so nothing the camera wrote can reach the site.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from storyportal.core.config import HERO_WIDTHS
from storyportal.core.imagecheck import file_hasher

if TYPE_CHECKING:
    from storyportal.site.imagecache import ImageCache

# Bump when the rendering changes (quality, resampling, colour handling): every name changes,
# so no stale file in a cache or a CDN is ever served for the new output.
RENDERER_VERSION = "4"  # 3: heroes without a JPEG/PNG copy; smaller copies resized from the larger; 4: BICUBIC


@dataclass(frozen=True)
class ImageKind:
    """How one kind of image is shown: its WebP copies and the hints its <img> carries."""

    widths: tuple[int, ...]  # of the WebP copies; heroes take theirs from ``image_widths``
    sizes: str  # the <img sizes> hint: how wide the image shows
    eager: bool = False  # above the fold: load at once instead of lazily
    # A JPEG/PNG copy besides the WebP ones: logos and photos also go where only a plain URL fits
    # (the /stories/ JSON, embeds on other sites); a hero only into an <img srcset> of WebP copies.
    fallback: bool = True


IMAGE_KINDS = {
    "logo": ImageKind((160, 320), "160px"),
    "photo": ImageKind((96, 192), "96px"),
    # The layout of theme/assets/storyportal.css: from 60em the hero is the narrower of two columns
    # (2fr of 5fr) of Material's content, at most about 480 px wide once the grid stops growing
    # (76.25em); as a video's poster it is as wide as the text, at most 58ch (about 600 px).
    # No JPEG/PNG copy: every browser that reads srcset decodes WebP (Safari since 14, 2020), and
    # that copy was the costliest file of a camera photo (README, "Images at real scale").
    "hero": ImageKind(
        HERO_WIDTHS, "(min-width: 76.25em) 600px, (min-width: 60em) 50vw, 100vw", eager=True, fallback=False
    ),
}

EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
_SAVE_FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}
# Chosen by measurement (README, "Images at real scale"): WebP method=6 spends 1.6 s on an RGBA
# icon of any size for 3% smaller files than method=4; method=2 encodes an icon in half the time
# of method=4 and a photo in a third, for the same PSNR and 7-10% more bytes. PNG optimize=True
# is 3.7x slower than compress_level=6 for 3% smaller files. Lossless WebP lost on size for icons.
_SAVE_OPTIONS = {
    "webp": {"quality": 80, "method": 2},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "png": {"compress_level": 6},
}
# Chosen by measurement (README, "Images at real scale"): on 120 heroes of the realistic portal,
# BICUBIC with a box pre-reduction while the rest still shrinks 1.5x or more took 21% less CPU than
# LANCZOS with reducing_gap=2.0 and wrote 16% fewer bytes, 0.1-0.2 dB PSNR further from a full
# LANCZOS resize once encoded: WebP at quality 80 (about 40 dB) hides the filter's difference.
RESAMPLE = Image.Resampling.BICUBIC
REDUCING_GAP = 1.5
# EXIF orientations 5 to 8 turn the picture a quarter: the displayed width is the stored height.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112
# How to undo each EXIF orientation: the table of ImageOps.exif_transpose.
_TRANSPOSE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_METHODS = {_TRANSPOSE[o] for o in _QUARTER_TURNS}


@dataclass(frozen=True)
class Rendition:
    """One resized copy of a source image; ``output`` is its site-relative path."""

    source: str  # repository-relative path
    source_hash: str  # sha256 hex of the source bytes
    width: int
    height: int
    format: str  # webp | jpeg | png
    output: str  # img/<hash16>-<width>.<ext>
    # The larger copies of the same set, largest first, that this one is resized through (displayed
    # sizes): part of the name, since the pixels depend on them.
    steps: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ImageSet:
    """All renditions of one source, with what an ``<img>`` / ``<picture>`` needs."""

    source: str
    width: int  # intrinsic size, after EXIF orientation
    height: int
    renditions: tuple[Rendition, ...]

    @property
    def webp(self) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.format == "webp")

    @property
    def fallback(self) -> Rendition:
        """The ``<img src>``: the copy in the original format family, else the widest WebP copy."""
        return next((r for r in self.renditions if r.format != "webp"), self.webp[-1])

    def srcset(self, prefix: str = "") -> str:
        """``srcset`` of the WebP copies, narrowest first; ``prefix`` is prepended to each URL."""
        return ", ".join(f"{prefix}{r.output} {r.width}w" for r in self.webp)

    def img_attrs(self, prefix: str = "") -> dict[str, str | int]:
        """``src``, ``width`` and ``height`` of the fallback, for the ``<img>`` inside ``<picture>``."""
        fallback = self.fallback
        return {"src": prefix + fallback.output, "width": fallback.width, "height": fallback.height}


def widths_for(kind: str, hero_widths: list[int] | None = None) -> list[int]:
    """The rendition widths of a kind of image (``logo``, ``photo``, ``hero``)."""
    if kind == "hero" and hero_widths:
        return sorted(set(hero_widths))
    return list(IMAGE_KINDS[kind].widths)


def plan_image(root: Path, rel: str, widths: list[int], kind: str) -> ImageSet:
    """Decide every rendition of ``root/rel`` from its bytes and header, decoding no pixels.

    The file must already have passed ``imagecheck.inspect_image``.
    """
    hasher = file_hasher(root / rel)  # hashed once, then extended with each rendition's parameters
    with Image.open(root / rel) as img:
        size = _displayed_size(img)
        fallback_format = _fallback_format(img, kind)
    planned = [(w, "webp") for w in _fitting_widths(widths, size[0])]
    if IMAGE_KINDS[kind].fallback:
        planned.append((min(size[0], max(widths)), fallback_format))
    steps = sorted({_scaled(size, w) for w, _ in planned}, reverse=True)
    renditions = [_rendition(hasher, rel, size, w, fmt, tuple(s for s in steps if s[0] > w)) for w, fmt in planned]
    return ImageSet(rel, size[0], size[1], tuple(renditions))


def _scaled(size: tuple[int, int], width: int) -> tuple[int, int]:
    return width, max(1, round(size[1] * width / size[0]))


def _displayed_size(img: Image.Image) -> tuple[int, int]:
    turned = _orientation(img) in _QUARTER_TURNS
    return (img.height, img.width) if turned else (img.width, img.height)


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1 to 8) found in the header, without decoding pixels.

    Pillow's ``getexif()`` on a PNG decodes the whole image to look for an eXIf chunk after the
    pixel data; planning must stay header-only, so a PNG's orientation counts only when its eXIf
    chunk comes first (as Pillow and most tools write it). Rendering uses this same function, so
    the planned size and the rendered size always agree.
    """
    try:
        if img.format == "PNG":
            exif = Image.Exif()
            exif.load(img.info.get("exif", b""))
        else:
            exif = img.getexif()
        orientation = exif.get(_EXIF_ORIENTATION, 1)
    except Exception:  # Pillow raises SyntaxError, struct.error, ... on a broken EXIF block
        return 1  # shown as stored, as browsers show it: the pixels are fine, and what validates builds
    return orientation if orientation in _TRANSPOSE else 1


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info


def _fallback_format(img: Image.Image, kind: str) -> str:
    # JPEG would flatten transparency and blur the hard edges of a drawn logo.
    if _has_alpha(img) or (kind == "logo" and img.format == "PNG"):
        return "png"
    return "jpeg"


def _fitting_widths(widths: list[int], original: int) -> list[int]:
    # Never upscale; an image narrower than every width still gets one WebP copy at its own width.
    fitting = sorted({w for w in widths if w <= original})
    return fitting or [original]


def _rendition(
    source: hashlib._Hash, rel: str, size: tuple[int, int], width: int, fmt: str, steps: tuple[tuple[int, int], ...]
) -> Rendition:
    height = _scaled(size, width)[1]
    options = sorted(_SAVE_OPTIONS[fmt].items())
    digest = source.copy()
    digest.update(f"|{RENDERER_VERSION}|{fmt}|{width}x{height}|{options}|{steps}".encode())
    output = f"img/{digest.hexdigest()[:16]}-{width}.{EXTENSIONS[fmt]}"
    return Rendition(rel, source.hexdigest(), width, height, fmt, output, steps)


def render_rendition(root: Path, rendition: Rendition, cache: ImageCache) -> Path:
    """The cached file of ``rendition``, rendering it first only if the cache lacks it."""
    return cache.get(rendition.output) or cache.put(rendition.output, encode_rendition(root, rendition))


def encode_rendition(root: Path, rendition: Rendition) -> bytes:
    """The encoded bytes of ``rendition``, from the source file it was planned from."""
    return encode_renditions(root, [rendition])[0]


def encode_renditions(root: Path, renditions: list[Rendition]) -> list[bytes]:
    """The encoded bytes of renditions of one source, decoding the source once per JPEG scale.

    Each rendition's bytes depend only on its own parameters (its ``steps`` included), never on
    which others are encoded with it, so a warm build and a cold one write the same bytes.
    """
    data = (root / renditions[0].source).read_bytes()
    if {r.source_hash for r in renditions} != {hashlib.sha256(data).hexdigest()}:
        # The name promises these exact source bytes; rendering other bytes under it would poison the cache.
        raise ValueError(f"{renditions[0].source} changed after its renditions were planned; plan it again")
    encoded: dict[str, bytes] = {}
    with Image.open(io.BytesIO(data)) as header:
        turned = _orientation(header) in _QUARTER_TURNS
        stored = header.size
        is_jpeg = header.format == "JPEG"
    scales = {r.output: _jpeg_scale(stored, _first_step(r, turned)) if is_jpeg else 1 for r in renditions}
    for scale in sorted(set(scales.values())):
        group = [r for r in renditions if scales[r.output] == scale]
        encoded.update(zip([r.output for r in group], _encode(data, group, scale)))
    return [encoded[r.output] for r in renditions]


def _stored_size(rendition: Rendition, turned: bool) -> tuple[int, int]:
    return _stored((rendition.width, rendition.height), turned)


def _stored(size: tuple[int, int], turned: bool) -> tuple[int, int]:
    return (size[1], size[0]) if turned else size


def _chain(rendition: Rendition, turned: bool) -> tuple[tuple[int, int], ...]:
    """The stored sizes the source is resized through, largest first, ending at the rendition's."""
    return tuple(_stored(step, turned) for step in rendition.steps) + (_stored_size(rendition, turned),)


def _first_step(rendition: Rendition, turned: bool) -> tuple[int, int]:
    return _chain(rendition, turned)[0]


def _jpeg_scale(source: tuple[int, int], output: tuple[int, int]) -> int:
    # libjpeg decodes at 1/2, 1/4 or 1/8 for a fraction of the work: the smallest scale still
    # at least the size of the first resize, then RESAMPLE.
    for scale in (8, 4, 2):
        if source[0] // scale >= output[0] and source[1] // scale >= output[1]:
            return scale
    return 1


def _draft_size(size: tuple[int, int], scale: int) -> tuple[int, int]:
    # Rounded down: Pillow picks the scale as stored // requested, so a size rounded up (1496 for
    # 2991 // 2) asked for no scaling at all (2991 // 1496 == 1) and decoded the whole image.
    return size[0] // scale, size[1] // scale


def _encode(data: bytes, renditions: list[Rendition], scale: int) -> list[bytes]:
    with Image.open(io.BytesIO(data)) as img:
        if scale > 1:
            img.draft(img.mode, _draft_size(img.size, scale))
        method = _TRANSPOSE[_orientation(img)]
        converted: dict[str, Image.Image] = {}
        resized: dict[tuple[str, tuple[tuple[int, int], ...]], Image.Image] = {}
        results = []
        for rendition in renditions:
            chain = _chain(rendition, method in _QUARTER_METHODS)
            if _keeps_palette(img, rendition, chain[-1]):
                small = _palette_pixels(img)
            else:
                mode = _target_mode(img, rendition.format)
                if mode not in converted:
                    converted[mode] = _to_srgb(img, mode)
                small = _pixels_only(_resized_through(converted[mode], mode, chain, resized))
            # Resized first, turned upright after: turning the small copy costs almost nothing.
            small = small.transpose(method) if method is not None else small
            out = io.BytesIO()
            small.save(out, _SAVE_FORMATS[rendition.format], **_SAVE_OPTIONS[rendition.format])
            results.append(out.getvalue())
    return results


def _resized_through(source: Image.Image, mode: str, chain: tuple[tuple[int, int], ...], made: dict) -> Image.Image:
    """``source`` resized to each size of ``chain`` in turn, each step kept in ``made`` for the
    other copies of the job. With the source decoded once at the largest copy's JPEG scale, the
    480 px copy of a photo comes out sharper this way than decoded at its own 1/4 scale (README)."""
    current = source
    for depth in range(1, len(chain) + 1):
        key = (mode, chain[:depth])
        if key not in made:
            made[key] = current.resize(chain[depth - 1], RESAMPLE, reducing_gap=REDUCING_GAP)
        current = made[key]
    return current


def _keeps_palette(img: Image.Image, rendition: Rendition, size: tuple[int, int]) -> bool:
    # A palette icon's PNG copy at its own size: the same palette, 4x faster to write than RGBA.
    return rendition.format == "png" and img.mode == "P" and size == img.size and "icc_profile" not in img.info


def _palette_pixels(img: Image.Image) -> Image.Image:
    """The palette image with nothing but its pixels, palette and transparency (as palette alpha)."""
    source = img.copy()
    source.apply_transparency()
    clean = Image.frombytes("P", source.size, source.tobytes())
    palette = source.getpalette("RGBA")
    assert palette is not None  # a "P" image always has one
    clean.putpalette(palette, "RGBA")
    return clean


def _upright(img: Image.Image) -> Image.Image:
    # Not ImageOps.exif_transpose: it reads a PNG's orientation from anywhere in the file, while
    # planning reads only the header; the same function on both sides keeps the sizes equal.
    method = _TRANSPOSE[_orientation(img)]
    return img.transpose(method) if method is not None else img


def _target_mode(img: Image.Image, fmt: str) -> str:
    return "RGBA" if fmt != "jpeg" and _has_alpha(img) else "RGB"


def _to_srgb(img: Image.Image, mode: str) -> Image.Image:
    """Convert to ``mode`` in sRGB, so the profile can be dropped without shifting colours."""
    icc = img.info.get("icc_profile")
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(  # type: ignore[return-value]  # None only with inPlace=True
                img, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except Exception:  # a broken or unusual profile: plain conversion is the best we can do
            pass
    if mode == "RGB" and _has_alpha(img):
        # Flatten onto white rather than letting convert() drop alpha onto black.
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, img.convert("RGBA")).convert("RGB")
    return img.convert(mode)


def _pixels_only(img: Image.Image) -> Image.Image:
    # A fresh image carries no info dict at all: no EXIF, GPS, XMP, ICC, comment or DPI reaches the encoder.
    return Image.frombytes(img.mode, img.size, img.tobytes())


def write_atomically(target: Path, content: bytes) -> None:
    # A half-written file must never sit under a finished file's name.
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as file:
        file.write(content)
    os.replace(temp, target)


def write_renditions(renditions, root: Path, cache: ImageCache, out_dir: Path) -> list[Path]:
    """Render what the cache lacks, then copy each rendition to ``out_dir/<output>``; the written paths."""
    written = []
    for rendition in sorted({r.output: r for r in renditions}.values(), key=lambda r: r.output):
        cached = render_rendition(root, rendition, cache)
        target = out_dir / rendition.output
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        written.append(target)
    return written


_KEEP_FORMAT = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


def stripped_copy(root: Path, rel: str, cache: ImageCache) -> Path:
    """An image a story body shows, at its own size and format but with its pixels only.

    Upright, in sRGB, with no EXIF, GPS, XMP, ICC or comment; cached by content.
    A GIF keeps its name but only its first frame, written as GIF.
    """
    data = (root / rel).read_bytes()
    digest = hashlib.sha256(data + RENDERER_VERSION.encode()).hexdigest()[:16]
    name = f"body/{digest}{Path(rel).suffix.lower()}"
    return cache.get(name) or cache.put(name, _stripped(data))


def _stripped(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        fmt = img.format
        upright = _upright(img)
        clean = _to_srgb(upright, _target_mode(upright, _KEEP_FORMAT.get(fmt or "", "png")))
        out = io.BytesIO()
        save_as = fmt if fmt in ("JPEG", "PNG", "WEBP", "GIF") else "PNG"
        _pixels_only(clean).save(out, save_as, **({"quality": 90} if save_as in ("JPEG", "WEBP") else {}))
    return out.getvalue()
