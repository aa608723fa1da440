"""Open Graph cards: exact size, real glyphs for every script, deterministic names and bytes, cached."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from storyportal.site import cards
from storyportal.site.cards import CARD_SIZE, CardParams, card_name, draw_card, plan_card, render_card
from storyportal.site.imagecache import ImageCache

NAME = re.compile(r"cards/[0-9a-f]{16}\.png")
UNASSIGNED = "\u0378"  # no character here, in any font: it draws the missing-glyph box


def params(root, **fields) -> CardParams:
    values = {"title": "Łódź Café 東京", "company": "Acme Corp", "logo": None, "industry": "Retail",
              "type": "Case study", "lang": "pl"}
    values.update(fields)
    return plan_card(root, **values)


def logo(root, rel="assets/logo.png", color=(200, 30, 30, 255)) -> str:
    img = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((40, 40, 360, 160), fill=color)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return rel


def glyph(text: str, weight: str = "bold") -> Image.Image:
    img = Image.new("L", (200, 120), 0)
    cards.draw_text(ImageDraw.Draw(img), (20, 90), text, weight, 72, 255)
    return img


@pytest.fixture
def no_fonts(monkeypatch):
    """A system without any TrueType font."""
    monkeypatch.setattr(cards, "FONT_SEARCH_PATHS", {"regular": ("/nonexistent/a.ttf",),
                                                    "bold": ("/nonexistent/b.ttf",)})
    cards.font_chain.cache_clear()
    cards._font.cache_clear()
    cards._font_key.cache_clear()
    yield
    cards.font_chain.cache_clear()
    cards._font.cache_clear()
    cards._font_key.cache_clear()


# -- fonts and glyphs --------------------------------------------------------------


def test_fonts_are_found():
    assert cards.font_warning() is None, cards.font_warning()


@pytest.mark.parametrize("weight", ["regular", "bold"])
@pytest.mark.parametrize("char", list("ŁóźéßñąΩЖ€東京は"))
def test_each_character_gets_a_real_glyph(char, weight):
    face = cards.runs(char, weight)[0][0]
    assert face.path and face.has(char), f"no font has {char!r}; install {cards.FONT_PACKAGES}"
    drawn = glyph(char, weight)
    assert drawn.getbbox() is not None, "nothing drawn"
    assert ImageChops.difference(drawn, glyph(UNASSIGNED, weight)).getbbox() is not None, "drew the missing-glyph box"


def test_runs_switch_font_only_where_needed():
    runs = cards.runs("Łódź Café 東京 ok", "regular")
    assert [text for _, text in runs] == ["Łódź Café ", "東京 ", "ok"]
    assert runs[0][0] is runs[2][0] and runs[1][0] is not runs[0][0]


def test_card_title_region_shows_cjk_not_boxes(tmp_path):
    real = draw_card(params(tmp_path))
    boxes = draw_card(params(tmp_path, title=f"Łódź Café {UNASSIGNED}{UNASSIGNED}"))
    title_band = (0, 140, CARD_SIZE[0], 300)
    assert ImageChops.difference(real.crop(title_band), boxes.crop(title_band)).getbbox() is not None


def test_without_fonts_cards_still_render_and_say_why(tmp_path, no_fonts):
    assert "fonts-dejavu-core fonts-droid-fallback" in cards.font_warning()
    path = render_card(params(tmp_path), tmp_path, ImageCache(tmp_path / "cache"))
    with Image.open(path) as img:
        assert (img.format, img.size) == ("PNG", CARD_SIZE)


# -- layout ------------------------------------------------------------------------


def test_card_is_a_1200x630_palette_png(tmp_path):
    path = render_card(params(tmp_path, logo=logo(tmp_path)), tmp_path, ImageCache(tmp_path / "cache"))
    assert NAME.fullmatch(path.relative_to(tmp_path / "cache").as_posix())
    with Image.open(path) as img:
        assert (img.format, img.size, img.mode) == ("PNG", (1200, 630), "P")
        assert not {"exif", "icc_profile"} & set(img.info)


def test_the_palette_card_looks_like_the_drawn_one(tmp_path):
    drawn = draw_card(params(tmp_path), Image.open(tmp_path / logo(tmp_path)).convert("RGBA"))
    encoded = cards.palette_png(drawn).convert("RGB")
    diff = ImageStat.Stat(ImageChops.difference(drawn, encoded))
    assert max(diff.rms) < 2  # of 255, over the whole card
    for flat in ((40, 40), (1120 - 260 + 20, 630 - 40 - 130 + 20)):  # the background, the logo's white panel
        assert max(abs(a - b) for a, b in zip(encoded.getpixel(flat), drawn.getpixel(flat), strict=True)) <= 1


@pytest.mark.parametrize(("title", "size", "lines"), [
    pytest.param("Short", 68, 1, id="short-stays-large"),
    pytest.param("How Acme cut onboarding time by 40% in one quarter with Journeys and Analytics together", 60, 4,
                 id="long-shrinks-one-step"),
    pytest.param("東京の小売チェーンが顧客のオンボーディング時間を四割短縮し解約率も大きく下げた話をご紹介します"
                 "そしてさらに多くのことが起きました", 60, 4, id="cjk-breaks-between-characters"),
])
def test_title_shrinks_to_fit(title, size, lines):
    width = CARD_SIZE[0] - 160
    got_size, got_lines = cards.fit_title(title, width)
    assert (got_size, len(got_lines)) == (size, lines)
    assert "".join(got_lines).replace(" ", "") == title.replace(" ", "")
    assert all(cards.text_width(line, "bold", got_size) <= width for line in got_lines)


def test_overlong_title_is_cut_with_an_ellipsis():
    size, lines = cards.fit_title("word " * 200, 1040)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(cards.text_width(line, "bold", size) <= 1040 for line in lines)


def test_word_wider_than_the_line_is_broken():
    lines = cards.wrap("x" * 100, "bold", 68, 1040)
    assert "".join(lines) == "x" * 100 and len(lines) > 1
    assert all(cards.text_width(line, "bold", 68) <= 1040 for line in lines)


def test_logo_sits_on_a_white_panel_with_its_transparency(tmp_path):
    card = draw_card(params(tmp_path), Image.open(tmp_path / logo(tmp_path)).convert("RGBA"))
    assert card.getpixel((1120 - 260 + 20, 630 - 40 - 130 + 20)) == (255, 255, 255)  # transparent corner
    r, g, b = card.getpixel((1120 - 130, 630 - 40 - 65))  # centre of the panel: the red disc
    assert r > 150 and g < 80


# -- names and cache -----------------------------------------------------------------


def test_same_params_same_name_and_bytes(tmp_path):
    first = params(tmp_path, logo=logo(tmp_path))
    assert card_name(first) == card_name(params(tmp_path, logo="assets/logo.png"))
    a = render_card(first, tmp_path, ImageCache(tmp_path / "a")).read_bytes()
    b = render_card(first, tmp_path, ImageCache(tmp_path / "b")).read_bytes()
    assert a == b


@pytest.mark.parametrize("change", [
    {"title": "Another title"}, {"company": "Other Co"}, {"industry": "Healthcare"}, {"type": "Testimonial"},
    {"lang": "ja"}, {"logo": None},
])
def test_name_changes_with_what_the_card_shows(tmp_path, change):
    base = {"logo": logo(tmp_path)}
    assert card_name(params(tmp_path, **base)) != card_name(params(tmp_path, **{**base, **change}))


def test_name_changes_with_the_logo_bytes(tmp_path):
    before = card_name(params(tmp_path, logo=logo(tmp_path)))
    logo(tmp_path, color=(30, 30, 200, 255))
    assert card_name(params(tmp_path, logo="assets/logo.png")) != before


def test_name_changes_with_the_png_level(tmp_path, monkeypatch):
    before = card_name(params(tmp_path))
    monkeypatch.setattr(cards, "PNG_LEVEL", cards.PNG_LEVEL + 1)
    assert card_name(params(tmp_path)) != before


def test_logo_changed_after_planning_is_refused(tmp_path):
    planned = params(tmp_path, logo=logo(tmp_path))
    logo(tmp_path, color=(30, 30, 200, 255))
    with pytest.raises(ValueError, match="changed after its card was planned"):
        render_card(planned, tmp_path, ImageCache(tmp_path / "cache"))


def test_cached_card_is_not_redrawn(tmp_path, monkeypatch):
    planned = params(tmp_path)
    path = render_card(planned, tmp_path, ImageCache(tmp_path / "cache"))
    mtime = path.stat().st_mtime_ns
    monkeypatch.setattr(cards, "draw_card", lambda *a: pytest.fail("redrew a cached card"))
    assert render_card(planned, tmp_path, ImageCache(tmp_path / "cache")) == path
    assert path.stat().st_mtime_ns == mtime
