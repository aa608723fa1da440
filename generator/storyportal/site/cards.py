"""Open Graph cards: one 1200x630 PNG per story, drawn with Pillow, cached by name.

``plan_card`` gathers what a card shows (and the hash of the logo's bytes) into a
``CardParams``; ``card_name`` turns those into ``cards/<hash16>.png`` before anything is
drawn; ``encode_card`` draws it (in any process), and ``render_card`` only when the cache
does not already hold a trusted file of that name.

Fonts
-----
Pillow's bundled font covers ASCII only (accents, Polish letters and CJK come out as boxes),
so cards use TrueType fonts found on the system, searched in the order of
``FONT_SEARCH_PATHS``:

- Latin, Greek, Cyrillic, Arabic, Hebrew: DejaVu Sans (Debian ``fonts-dejavu-core``:
  ``/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf``), then
  Noto Sans (``fonts-noto-core``) and Liberation Sans (``fonts-liberation``) if present;
- Chinese and Japanese: Noto Sans CJK if present (Debian ``fonts-noto-cjk``, and the Arch and
  Fedora paths), else Droid Sans Fallback (Debian ``fonts-droid-fallback``:
  ``/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf``);
- Korean: Droid Sans Fallback has no Hangul; it needs ``fonts-noto-cjk`` or ``fonts-nanum``
  (``/usr/share/fonts/truetype/nanum/NanumGothic.ttf``).

Every listed file that exists joins the chain, and each character is drawn with the first font
of the chain whose character map (read with fontTools) has it. Titles are drawn left to right
run by run: right-to-left scripts get correct glyphs (with libraqm) but a mixed-direction title
is not reordered. With no TrueType font at all, cards fall back to Pillow's bundled font and
``font_warning()`` says which packages to install.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from storyportal.core.languages import direction

if TYPE_CHECKING:
    from storyportal.site.imagecache import ImageCache

# Bump when the drawing or the encoding changes: every card gets a new name, so no stale card is served.
# 3: palette PNG; 4: right-to-left titles set from the right margin; 5: zlib level 7; 6: palette from a sample
RENDERER_VERSION = "6"
CARD_SIZE = (1200, 630)
# zlib level of the card PNG, measured on 30 cards with Pillow's zlib-ng (README, "Images at real
# scale"): level 7 writes 14.4 KB in 3.8 ms, level 8 13.1 KB in 9.1 ms, level 9 12.4 KB in 21 ms.
# Cards are fetched by link previews, not by visitors, so the 10% is worth the time of every first build.
PNG_LEVEL = 7

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_CJK = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk (has Hangul)
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora google-noto-sans-cjk-fonts
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian fonts-droid-fallback (no Hangul)
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",  # Debian fonts-nanum (Hangul)
)
# Where cards look for fonts, per weight, in order of preference. Every file that exists joins
# the chain, and a character is drawn with the first font in the chain that has it.
FONT_SEARCH_PATHS = {
    "regular": (
        _DEJAVU + "DejaVuSans.ttf",  # Debian fonts-dejavu-core
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",  # Debian fonts-noto-core
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",  # Debian fonts-liberation
        *_CJK,
    ),
    "bold": (
        _DEJAVU + "DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        *_CJK[:-1],
        "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    ),
}
FONT_PACKAGES = "fonts-dejavu-core fonts-droid-fallback"

# Layout, in pixels of the 1200x630 card.
_MARGIN = 80
_BACKGROUND = (24, 39, 68)
_ACCENT = (94, 196, 255)
_TEXT = (255, 255, 255)
_MUTED = (200, 212, 230)
_TITLE_SIZES = (68, 60, 54, 48, 42)  # largest first: the first that fits wins
_TITLE_MAX_LINES = 4
_TITLE_TOP, _TITLE_BOTTOM = 150, 470
_LOGO_BOX = (260, 130)  # the white panel at the bottom right
_LOGO_PADDING = 16


@dataclass(frozen=True)
class CardParams:
    """Everything a card shows; ``logo_hash`` ties the name to the logo's bytes (see ``plan_card``)."""

    title: str
    company: str
    logo: str | None  # repository-relative path, None when the logo may not be shown
    industry: str  # label, not slug
    type: str  # label, e.g. "Case study"
    lang: str
    logo_hash: str = ""


@dataclass(frozen=True)
class FontFace:
    """One font file of a chain; ``path`` None means Pillow's bundled font (no file to ask)."""

    path: str | None

    @property
    def cmap(self) -> frozenset[int] | None:
        """Its character map, read on first use: a fallback font is asked only for characters
        the fonts before it lack (reading the CJK font's map cost 0.15 s on every build)."""
        return _cmap(self.path) if self.path is not None else None

    def has(self, char: str) -> bool:
        cmap = self.cmap
        return cmap is None or ord(char) in cmap


def plan_card(
    root: Path, *, title: str, company: str, logo: str | None, industry: str, type: str, lang: str
) -> CardParams:
    """The parameters of a card, with the logo's bytes hashed so its name changes with the logo."""
    logo_hash = _file_hash(root / logo) if logo else ""
    return CardParams(_one_line(title), _one_line(company), logo, _one_line(industry), _one_line(type), lang, logo_hash)


def _file_hash(path: Path) -> str:
    stat = path.stat()
    return _hash_of(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _hash_of(path: str, mtime_ns: int, size: int) -> str:  # noqa: ARG001 (mtime and size key the cache)
    # Every story of a company names the same logo: hash its bytes once per version of the file.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _one_line(text: str) -> str:
    # A YAML block scalar ends in a newline, and raqm cannot lay out control characters.
    return " ".join(unicodedata.normalize("NFC", text).split())


def card_name(params: CardParams) -> str:
    """``cards/<hash16>.png`` from the parameters, the renderer version and the fonts in use."""
    key = "\x1f".join(
        [
            RENDERER_VERSION,
            f"png{PNG_LEVEL}",  # the encoding too: changing it must not reuse cards cached at another level
            *_font_key(),
            params.title,
            params.company,
            params.logo or "",
            params.logo_hash,
            params.industry,
            params.type,
            params.lang,
        ]
    )
    return f"cards/{hashlib.sha256(key.encode()).hexdigest()[:16]}.png"


def render_card(params: CardParams, root: Path, cache: ImageCache) -> Path:
    """The cached card of ``params``, drawing it first only if the cache lacks it."""
    name = card_name(params)
    return cache.get(name) or cache.put(name, encode_card(params, root))


def encode_card(params: CardParams, root: Path) -> bytes:
    """The card's PNG bytes: a pure function of ``params`` and the fonts, so it runs in any process."""
    logo = _load_logo(root, params) if params.logo else None
    out = io.BytesIO()
    palette_png(draw_card(params, logo)).save(out, "PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


def palette_png(card: Image.Image) -> Image.Image:
    """The card with a 256-colour palette, not dithered.

    A card is flat colours, anti-aliased text and a small logo: 256 colours hold it with a worst
    PSNR of 52 dB (measured on 80 cards of the realistic benchmark portal) at 15 KB instead of
    41 KB as RGB, in the same CPU time. Fast octree is deterministic, so cards stay byte-reproducible;
    median cut looked no better and took 3x longer; dithering would add noise to the flat areas.

    The palette is chosen from a sample, not from all 756,000 pixels: the card at a quarter of its
    size (the text's colours are blends of a few, and a 4x4 average makes the same blends) beside
    the logo panel at full size (a logo's colours are its own). On 20 cards this took 4.4 ms
    instead of 10.3 with the same worst PSNR (52.4 dB), and 48.9 dB in the logo panel as before.
    """
    small, panel = card.reduce(4), card.crop(_logo_panel())
    sample = Image.new("RGB", (small.width + panel.width, max(small.height, panel.height)), _BACKGROUND)
    sample.paste(small, (0, 0))
    sample.paste(panel, (small.width, 0))
    palette = sample.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return card.quantize(palette=palette, dither=Image.Dither.NONE)


def draw_card(params: CardParams, logo: Image.Image | None = None) -> Image.Image:
    """The card as an RGB image; no I/O except reading fonts."""
    card = Image.new("RGB", CARD_SIZE, _BACKGROUND)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 12, CARD_SIZE[1]), fill=_ACCENT)  # a stripe, so the card reads as ours in a feed
    kicker = " · ".join(part for part in (params.type, params.industry) if part)
    draw_text(draw, (_MARGIN, 100), kicker, "regular", 30, _ACCENT, params.lang)
    _draw_title(draw, params)
    text_width = CARD_SIZE[0] - 2 * _MARGIN - (_LOGO_BOX[0] + 24 if logo else 0)
    company = _ellipsize(params.company, "regular", 38, text_width)
    draw_text(draw, (_MARGIN, CARD_SIZE[1] - 70), company, "regular", 38, _MUTED, params.lang)
    if logo is not None:
        _paste_logo(card, logo)
    return card


# What to install for characters no font of the chain has, by the first code point of their script.
_SCRIPT_PACKAGES = (
    (0x1100, 0x11FF, "fonts-noto-cjk or fonts-nanum (Korean)"),
    (0x2E80, 0x9FFF, "fonts-noto-cjk (Chinese, Japanese)"),
    (0xAC00, 0xD7AF, "fonts-noto-cjk or fonts-nanum (Korean)"),
    (0x0900, 0x0DFF, "fonts-noto-core (Indic scripts)"),
    (0x0E00, 0x0EFF, "fonts-noto-core (Thai, Lao)"),
)


def glyph_warning(text: str) -> str | None:
    """Which characters of ``text`` no installed font draws (they would be boxes), and what to install."""
    chain = font_chain("bold")
    if chain[0].cmap is None:  # Pillow's own font: font_warning() says it once for every card
        return None
    missing = sorted({c for c in text if not c.isspace() and not any(face.has(c) for face in chain)})
    if not missing:
        return None
    wanted = sorted({_package_for(c) for c in missing})
    return (
        f"no installed font draws {''.join(missing[:12])}{'…' if len(missing) > 12 else ''}, "
        f"so the card shows boxes for them; install {' and '.join(wanted)}"
    )


def _package_for(char: str) -> str:
    code = ord(char)
    return next((pkg for low, high, pkg in _SCRIPT_PACKAGES if low <= code <= high), "fonts-noto-core")


def font_warning() -> str | None:
    """Why cards cannot draw accents or CJK, or None when TrueType fonts were found."""
    if any(face.path for face in font_chain("regular")):
        return None
    return (
        f"no TrueType font found in {', '.join(FONT_SEARCH_PATHS['regular'])}; "
        f"cards use Pillow's ASCII-only font; install the Debian packages {FONT_PACKAGES}"
    )


@functools.cache
def font_chain(weight: str) -> tuple[FontFace, ...]:
    """The fonts of ``weight`` found on this system, in fallback order (Pillow's own font if none)."""
    faces = tuple(FontFace(path) for path in FONT_SEARCH_PATHS[weight] if os.path.isfile(path))
    return faces or (FontFace(None),)


@functools.cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    # fontNumber=0: the first face of a .ttc collection, the one Pillow opens with index=0.
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


@functools.lru_cache(maxsize=1)
def _font_key() -> tuple[str, ...]:
    # The same parameters drawn with other fonts give other pixels, so the fonts are part of the name.
    # Read once per process: installing a font package means restarting the preview.
    # Only paths and sizes: reading the fonts' character maps is needed to draw, not to name.
    paths = [path for weight in ("regular", "bold") for path in FONT_SEARCH_PATHS[weight] if os.path.isfile(path)]
    return tuple([f"{path}:{os.path.getsize(path)}" for path in paths] or ["default"]) + (
        f"raqm={features.check('raqm')}",
    )


@functools.lru_cache(maxsize=64)
def _font(face: FontFace, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if face.path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(face.path, size, index=0)


def runs(text: str, weight: str) -> list[tuple[FontFace, str]]:
    """Split ``text`` into runs, each drawn with the first font of the chain that has its glyphs."""
    chain = font_chain(weight)
    first = chain[0]
    if first.cmap is None or first.cmap.issuperset(map(ord, text)):
        # Most titles need only the first font: one run, without asking the chain char by char
        # (wrapping measures every growing prefix of the title, so this is most of a card's layout).
        return [(first, text)] if text else []
    result: list[tuple[FontFace, list[str]]] = []
    for char in text:
        face = _face_for(char, chain, result[-1][0] if result else None)
        if result and result[-1][0] is face:
            result[-1][1].append(char)
        else:
            result.append((face, [char]))
    return [(face, "".join(chars)) for face, chars in result]


def _face_for(char: str, chain: tuple[FontFace, ...], current: FontFace | None) -> FontFace:
    # A space keeps the current run's font rather than splitting a run for nothing.
    if current is not None and char.isspace() and current.has(char):
        return current
    # A character no font has is drawn with the first, showing its missing-glyph box.
    return next((face for face in chain if face.has(char)), chain[0])


def text_width(text: str, weight: str, size: int) -> float:
    """The advance width of ``text`` drawn with the font chain of ``weight`` at ``size``."""
    return sum(_font(face, size).getlength(run) for face, run in runs(text, weight))


def draw_text(
    draw: ImageDraw.ImageDraw,
    origin: tuple[float, float],
    text: str,
    weight: str,
    size: int,
    fill: tuple[int, int, int],
    lang: str = "",
) -> None:
    """Draw ``text`` run by run from ``origin`` (left, baseline), so every font shares the baseline.

    With Raqm, a run in a right-to-left language is shaped and ordered right to left (Arabic letters
    join); runs themselves follow each other left to right."""
    x, baseline = origin
    rtl = direction(lang) == "rtl" if lang else False
    for face, run in runs(text, weight):
        font = _font(face, size)
        raqm = getattr(font, "layout_engine", None) == ImageFont.Layout.RAQM
        draw.text(
            (x, baseline),
            run,
            font=font,
            fill=fill,
            anchor="ls",
            language=lang if lang and raqm else None,
            direction="rtl" if rtl and raqm else None,
        )
        x += font.getlength(run)


def _draw_title(draw: ImageDraw.ImageDraw, params: CardParams) -> None:
    width = CARD_SIZE[0] - 2 * _MARGIN
    size, lines = fit_title(params.title, width)
    line_height = round(size * 1.2)
    rtl = direction(params.lang) == "rtl"  # right-to-left titles start at the right margin
    for number, line in enumerate(lines):
        x = CARD_SIZE[0] - _MARGIN - text_width(line, "bold", size) if rtl else _MARGIN
        draw_text(draw, (x, _TITLE_TOP + size + number * line_height), line, "bold", size, _TEXT, params.lang)


def fit_title(title: str, width: int) -> tuple[int, list[str]]:
    """The largest title size whose wrapped lines fit the title area, and those lines."""
    for size in _TITLE_SIZES:
        lines = wrap(title, "bold", size, width)
        if len(lines) <= _TITLE_MAX_LINES and len(lines) * size * 1.2 <= _TITLE_BOTTOM - _TITLE_TOP:
            return size, lines
    size = _TITLE_SIZES[-1]
    lines = wrap(title, "bold", size, width)
    if len(lines) > _TITLE_MAX_LINES:
        # Too long even at the smallest size: keep what fits and say it was cut.
        lines = lines[: _TITLE_MAX_LINES - 1] + [
            _ellipsize(" ".join(lines[_TITLE_MAX_LINES - 1 :]), "bold", size, width)
        ]
    return size, lines


def wrap(text: str, weight: str, size: int, width: int) -> list[str]:
    """Greedy line breaking at spaces and between CJK characters, never wider than ``width``."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and text_width((line + token).rstrip(), weight, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
        while text_width(line.rstrip(), weight, size) > width and len(line) > 1:
            # One word wider than the line: break it where it overflows.
            cut = _overflow_at(line, weight, size, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    # Each wide (CJK) character is its own token, since those scripts break between characters;
    # other text breaks after spaces. A token carries its trailing space.
    tokens: list[str] = []
    for char in " ".join(text.split()):
        if (
            char == " "
            and tokens
            or tokens
            and not tokens[-1].endswith(" ")
            and not _is_wide(char)
            and not _is_wide(tokens[-1][-1])
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _overflow_at(line: str, weight: str, size: int, width: int) -> int:
    cut = 1
    while cut < len(line) and text_width(line[: cut + 1], weight, size) <= width:
        cut += 1
    return cut


def _ellipsize(text: str, weight: str, size: int, width: int) -> str:
    if text_width(text, weight, size) <= width:
        return text
    while text and text_width(text + "…", weight, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _load_logo(root: Path, params: CardParams) -> Image.Image:
    assert params.logo is not None  # only a card with a logo loads one
    data = (root / params.logo).read_bytes()
    if hashlib.sha256(data).hexdigest() != params.logo_hash:
        # The name promises these logo bytes; drawing others under it would poison the cache.
        raise ValueError(f"{params.logo} changed after its card was planned (or was never hashed); use plan_card")
    with Image.open(io.BytesIO(data)) as img:
        try:
            upright = ImageOps.exif_transpose(img)
        except Exception:  # a broken EXIF block: drawn as stored, as browsers show it
            upright = img
        return upright.convert("RGBA")


def _logo_panel() -> tuple[int, int, int, int]:
    """The white panel the logo sits on: left, top, right, bottom."""
    left, top = CARD_SIZE[0] - _MARGIN - _LOGO_BOX[0], CARD_SIZE[1] - 40 - _LOGO_BOX[1]
    return left, top, left + _LOGO_BOX[0], top + _LOGO_BOX[1]


def _paste_logo(card: Image.Image, logo: Image.Image) -> None:
    # Logos are made for light backgrounds, so they sit on a white panel rather than on the dark card.
    left, top, right, bottom = _logo_panel()
    box_w, box_h = right - left, bottom - top
    ImageDraw.Draw(card).rounded_rectangle((left, top, right, bottom), radius=14, fill=(255, 255, 255))
    inner = (box_w - 2 * _LOGO_PADDING, box_h - 2 * _LOGO_PADDING)
    fitted = ImageOps.contain(logo, inner, Image.Resampling.LANCZOS)
    offset = (left + (box_w - fitted.width) // 2, top + (box_h - fitted.height) // 2)
    card.paste(fitted, offset, fitted)
