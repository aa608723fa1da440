"""Open Graph cards of stories in other scripts: Japanese drawn with real glyphs, Arabic set from the right,
and a build that says which font package is missing when no installed font has a story's characters."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageChops

from storyportal.site import cards
from storyportal.site.cards import CARD_SIZE, draw_card, plan_card

UNASSIGNED = "\u0378"  # no font has it: drawn as the missing-glyph box
TITLE_BAND = (0, 140, CARD_SIZE[0], 470)
JAPANESE = "東京の小売チェーンが顧客の定着率を高めた方法"


def card_of(out, slug: str) -> Image.Image:
    html = (out / "stories" / slug / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<meta property="og:image" content="https://stories.test/([^"]+)"', html).group(1)
    return Image.open(out / src).convert("RGB")


def test_a_japanese_storys_card_draws_its_characters_not_boxes(site, tmp_path):
    site.story("tokyo", lang="ja", title=JAPANESE, type="testimonial", quote="素晴らしい", body="本文。\n")
    code, _, err = site.cli("build", "--build-date", "2026-06-01")
    assert code == 0, err
    built = card_of(site.root / "site", "tokyo")
    boxes = draw_card(plan_card(tmp_path, title=UNASSIGNED * len(JAPANESE), company="Acme Corp", logo=None,
                                industry="Retail", type="Testimonial", lang="ja"))
    assert ImageChops.difference(built.crop(TITLE_BAND), boxes.crop(TITLE_BAND)).getbbox() is not None
    assert "social card" not in err


def _ink_columns(img: Image.Image) -> tuple[int, int]:
    band = img.crop(TITLE_BAND).convert("L").point(lambda v: 255 if v > 200 else 0)  # the white title text
    left, _, right, _ = band.getbbox()
    return left, right


def test_an_arabic_title_is_set_from_the_right_margin(tmp_path):
    arabic = draw_card(plan_card(tmp_path, title="قصة نجاح", company="أكمي", logo=None, industry="Retail",
                                 type="Case study", lang="ar"))
    latin = draw_card(plan_card(tmp_path, title="Success", company="Acme", logo=None, industry="Retail",
                                type="Case study", lang="en"))
    assert _ink_columns(latin)[0] == pytest.approx(80, abs=8)  # from the left margin
    left, right = _ink_columns(arabic)
    assert right == pytest.approx(CARD_SIZE[0] - 80, abs=8) and left > 600


@pytest.fixture
def latin_fonts_only(monkeypatch):
    """A system with DejaVu only: no font for Chinese, Japanese or Korean."""
    monkeypatch.setattr(cards, "FONT_SEARCH_PATHS", {
        "regular": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
        "bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)})
    for cached in (cards.font_chain, cards._font, cards._font_key):
        cached.cache_clear()
    yield
    for cached in (cards.font_chain, cards._font, cards._font_key):
        cached.cache_clear()


@pytest.mark.parametrize("title, package", [("東京の顧客", "fonts-noto-cjk (Chinese, Japanese)"),
                                            ("서울의 고객", "fonts-noto-cjk or fonts-nanum (Korean)")])
def test_characters_no_font_has_are_named_with_the_package_to_install(latin_fonts_only, title, package):
    warning = cards.glyph_warning(title)
    assert warning is not None and warning.endswith(f"so the card shows boxes for them; install {package}")


def test_the_build_names_the_story_whose_card_would_show_boxes(site, latin_fonts_only):
    site.story("tokyo", lang="ja", title=JAPANESE, type="testimonial", quote="素晴らしい", body="本文。\n")
    site.story("acme")
    code, _, err = site.cli("build", "--build-date", "2026-06-01")
    assert code == 0
    lines = [line for line in err.splitlines() if "social card" in line]
    assert len(lines) == 1 and "stories/tokyo.md: social card: no installed font draws" in lines[0]


def test_a_latin_title_needs_no_more_fonts(latin_fonts_only):
    assert cards.glyph_warning("Łódź Café, São Paulo") is None
