"""Image renditions: names planned from bytes, orientation applied, metadata stripped, cached."""

from __future__ import annotations

import hashlib
import io
import math
import re

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageOps, ImageStat

from storyportal.site import images
from storyportal.site.imagecache import ImageCache
from storyportal.site.images import ImageSet, Rendition, plan_image, render_rendition, widths_for, write_renditions

NAME = re.compile(r"img/[0-9a-f]{16}-\d+\.(webp|jpg|png)")
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def save(root, rel, img: Image.Image, fmt: str, **options) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt, **options)
    return rel


def camera_jpeg(root, rel="assets/photo.jpg", size=(200, 100), orientation=1) -> str:
    """Left half red, right half blue, with orientation, GPS, XMP, an ICC profile and a comment."""
    img = Image.new("RGB", size, (220, 20, 20))
    ImageDraw.Draw(img).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(20, 20, 220))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (52.0, 13.0, 37.0), 3: "E", 4: (21.0, 0.0, 42.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return save(root, rel, img, "JPEG", exif=exif, icc_profile=icc, comment=b"shot at home", xmp=b"<x:xmpmeta/>")


def logo_png(root, rel="assets/logo.png", size=(400, 200)) -> str:
    """A red disc on a transparent background."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((20, 20, size[0] - 20, size[1] - 20), fill=(200, 30, 30, 255))
    return save(root, rel, img, "PNG")


def render_all(root, image_set: ImageSet, cache) -> dict[str, Image.Image]:
    opened = {}
    for rendition in image_set.renditions:
        with Image.open(render_rendition(root, rendition, cache)) as img:
            img.load()
            opened[rendition.format] = img
    return opened


# -- planning -----------------------------------------------------------------


@pytest.mark.parametrize(("original", "widths", "webp_widths", "fallback_width"), [
    pytest.param(1000, [160, 320, 1600], [160, 320], 1000, id="wider-than-original-skipped"),
    pytest.param(2000, [160, 320, 1600], [160, 320, 1600], 1600, id="fallback-capped-at-largest-width"),
    pytest.param(100, [160, 320, 1600], [100], 100, id="narrower-than-all-keeps-own-width"),
    pytest.param(320, [320, 160, 320], [160, 320], 320, id="duplicates-and-order-ignored"),
])
def test_widths_never_upscale(tmp_path, original, widths, webp_widths, fallback_width):
    rel = save(tmp_path, "logo.jpg", Image.new("RGB", (original, original // 2), "gray"), "JPEG")
    planned = plan_image(tmp_path, rel, widths, "logo")
    assert [r.width for r in planned.webp] == webp_widths
    assert planned.fallback.width == fallback_width
    assert all(r.width <= original for r in planned.renditions)


@pytest.mark.parametrize(("original", "webp_widths"), [
    pytest.param(1000, [480, 960], id="wider-than-original-skipped"),
    pytest.param(300, [300], id="narrower-than-all-keeps-own-width"),
])
def test_a_hero_has_only_webp_copies_and_shows_the_widest_as_src(tmp_path, original, webp_widths):
    rel = save(tmp_path, "hero.jpg", Image.new("RGB", (original, original // 2), "gray"), "JPEG")
    planned = plan_image(tmp_path, rel, [480, 960, 1200], "hero")
    assert [(r.width, r.format) for r in planned.renditions] == [(w, "webp") for w in webp_widths]
    assert planned.img_attrs()["src"] == planned.webp[-1].output


def test_heights_keep_the_aspect_ratio(tmp_path):
    rel = save(tmp_path, "hero.jpg", Image.new("RGB", (1000, 333), "gray"), "JPEG")
    planned = plan_image(tmp_path, rel, [480, 960], "hero")
    assert [(r.width, r.height) for r in planned.renditions] == [(480, 160), (960, 320)]


def test_each_copy_names_the_larger_copies_it_is_resized_through(tmp_path):
    rel = save(tmp_path, "hero.jpg", Image.new("RGB", (2000, 1000), "gray"), "JPEG")
    planned = plan_image(tmp_path, rel, [480, 960, 1200], "hero")
    assert [r.steps for r in planned.renditions] == [((1200, 600), (960, 480)), ((1200, 600),), ()]
    # Without the 960 copy the 480 one has other pixels, so another name (a cache never serves the old one).
    other = plan_image(tmp_path, rel, [480, 1200], "hero")
    assert other.webp[0].steps == ((1200, 600),) and other.webp[0].output != planned.webp[0].output


@pytest.mark.parametrize(("fmt", "mode", "kind", "fallback"), [
    pytest.param("JPEG", "RGB", "photo", "jpeg", id="jpeg-photo"),
    pytest.param("PNG", "RGB", "photo", "jpeg", id="opaque-png-photo-becomes-jpeg"),
    pytest.param("PNG", "RGBA", "photo", "png", id="transparent-png-stays-png"),
    pytest.param("PNG", "RGB", "logo", "png", id="opaque-png-logo-stays-png"),
    pytest.param("JPEG", "RGB", "logo", "jpeg", id="jpeg-logo"),
])
def test_fallback_format_family(tmp_path, fmt, mode, kind, fallback):
    rel = save(tmp_path, f"a.{fmt.lower()}", Image.new(mode, (400, 200)), fmt)
    planned = plan_image(tmp_path, rel, [160, 320], kind)
    assert planned.fallback.format == fallback
    assert [r.format for r in planned.renditions] == ["webp", "webp", fallback]


def test_plan_reads_no_pixels(tmp_path, monkeypatch):
    rel = logo_png(tmp_path)
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("plan_image decoded pixels"))
    plan_image(tmp_path, rel, [160, 320], "logo")


def test_names_are_content_addressed(tmp_path):
    first = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo")
    assert first == plan_image(tmp_path, "assets/logo.png", [160, 320], "logo")
    assert all(NAME.fullmatch(r.output) for r in first.renditions)
    assert [r.output.rsplit("-", 1)[1] for r in first.renditions] == ["160.webp", "320.webp", "320.png"]
    # The same bytes under another name share the files; other bytes get other names.
    (tmp_path / "copy.png").write_bytes((tmp_path / "assets/logo.png").read_bytes())
    assert plan_image(tmp_path, "copy.png", [160, 320], "logo").renditions[0].output == first.renditions[0].output
    save(tmp_path, "assets/logo.png", Image.new("RGBA", (400, 200), (1, 2, 3, 4)), "PNG")
    changed = plan_image(tmp_path, "assets/logo.png", [160, 320], "logo")
    assert not {r.output for r in changed.renditions} & {r.output for r in first.renditions}
    assert changed.renditions[0].source_hash != first.renditions[0].source_hash


@pytest.mark.parametrize(("fmt", "option", "value"), [
    pytest.param("webp", "method", 4, id="webp-method"),
    pytest.param("webp", "quality", 90, id="webp-quality"),
    pytest.param("png", "compress_level", 9, id="png-level"),
])
def test_names_change_with_the_encoder_settings(tmp_path, monkeypatch, fmt, option, value):
    before = {r.output for r in plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo").renditions}
    monkeypatch.setitem(images._SAVE_OPTIONS, fmt, {**images._SAVE_OPTIONS[fmt], option: value})
    after = plan_image(tmp_path, "assets/logo.png", [160, 320], "logo").renditions
    assert {r.output for r in after if r.format == fmt}.isdisjoint(before)


def test_widths_for_each_kind():
    assert widths_for("logo") == [160, 320]
    assert widths_for("photo") == [96, 192]
    assert widths_for("hero") == [480, 960, 1200]
    assert widths_for("hero", [1200, 600, 1200]) == [600, 1200]


# -- srcset and <img> ----------------------------------------------------------


def test_srcset_and_img_attributes_exact():
    renditions = (Rendition("a.png", "h", 160, 80, "webp", "img/aaaaaaaaaaaaaaaa-160.webp"),
                  Rendition("a.png", "h", 320, 160, "webp", "img/bbbbbbbbbbbbbbbb-320.webp"),
                  Rendition("a.png", "h", 320, 160, "png", "img/cccccccccccccccc-320.png"))
    image_set = ImageSet("a.png", 400, 200, renditions)
    assert image_set.srcset() == "img/aaaaaaaaaaaaaaaa-160.webp 160w, img/bbbbbbbbbbbbbbbb-320.webp 320w"
    assert image_set.srcset("../../") == ("../../img/aaaaaaaaaaaaaaaa-160.webp 160w, "
                                          "../../img/bbbbbbbbbbbbbbbb-320.webp 320w")
    assert image_set.img_attrs("/") == {"src": "/img/cccccccccccccccc-320.png", "width": 320, "height": 160}


def test_srcset_from_a_planned_image(tmp_path):
    planned = plan_image(tmp_path, logo_png(tmp_path), [320, 160], "logo")
    small, large, fallback = planned.renditions
    assert planned.srcset() == f"{small.output} 160w, {large.output} 320w"
    assert planned.img_attrs() == {"src": fallback.output, "width": 320, "height": 160}


# -- rendering -----------------------------------------------------------------


def test_exif_orientation_is_applied(tmp_path):
    rel = camera_jpeg(tmp_path, size=(200, 100), orientation=6)  # stored landscape, shown portrait
    planned = plan_image(tmp_path, rel, [96, 192], "photo")
    assert (planned.width, planned.height) == (100, 200)
    assert [(r.width, r.height) for r in planned.renditions] == [(96, 192), (100, 200)]
    for fmt, img in render_all(tmp_path, planned, ImageCache(tmp_path / "cache")).items():
        w, h = img.size
        assert h > w, fmt
        # Orientation 6 turns the picture clockwise: the stored left (red) half ends up on top.
        red, green, blue = img.convert("RGB").getpixel((w // 2, h // 4))
        assert red > 150 and blue < 100, fmt
        red, green, blue = img.convert("RGB").getpixel((w // 2, 3 * h // 4))
        assert blue > 150 and red < 100, fmt


def quadrants(size=(120, 60)) -> Image.Image:
    img = Image.new("RGB", size, (220, 20, 20))
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((w // 2, 0, w, h // 2), fill=(20, 220, 20))
    draw.rectangle((0, h // 2, w // 2, h), fill=(20, 20, 220))
    draw.rectangle((w // 2, h // 2, w, h), fill=(240, 240, 240))
    return img


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_every_orientation_matches_exif_transpose(tmp_path, fmt, orientation):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    rel = save(tmp_path, f"q.{fmt.lower()}", quadrants(), fmt, exif=exif)
    with Image.open(tmp_path / rel) as source:
        expected = ImageOps.exif_transpose(source).convert("RGB")
    planned = plan_image(tmp_path, rel, [expected.width], "hero")
    assert (planned.width, planned.height) == expected.size
    with Image.open(render_rendition(tmp_path, planned.fallback, ImageCache(tmp_path / "cache"))) as img:
        assert img.size == expected.size
        for x, y in ((10, 10), (expected.width - 10, 10), (10, expected.height - 10)):
            got, want = img.convert("RGB").getpixel((x, y)), expected.getpixel((x, y))
            assert max(abs(a - b) for a, b in zip(got, want)) < 40, (x, y, got, want)


def test_all_metadata_is_stripped(tmp_path):
    rel = camera_jpeg(tmp_path, orientation=3)
    with Image.open(tmp_path / rel) as source:  # the test image really carries what must go
        assert source.getexif().get_ifd(GPS_IFD) and {"icc_profile", "xmp", "comment"} <= set(source.info)
    planned = plan_image(tmp_path, rel, [96, 192], "photo")
    for rendition in planned.renditions:
        path = render_rendition(tmp_path, rendition, ImageCache(tmp_path / "cache"))
        with Image.open(path) as img:
            assert len(img.getexif()) == 0, rendition.format
            assert not img.getexif().get_ifd(GPS_IFD), rendition.format
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(img.info), (rendition.format, img.info)
        data = path.read_bytes()
        assert b"Exif" not in data and b"xmpmeta" not in data and b"shot at home" not in data


def test_transparency_is_kept_for_png_logos(tmp_path):
    planned = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo")
    for rendition in planned.renditions:
        with Image.open(render_rendition(tmp_path, rendition, ImageCache(tmp_path / "cache"))) as img:
            assert img.mode == "RGBA", rendition.format
            assert img.size == (rendition.width, rendition.height)
            assert img.getpixel((0, 0))[3] == 0, rendition.format  # corner stays transparent
            assert img.getpixel((img.width // 2, img.height // 2))[3] == 255, rendition.format


def test_rendered_files_are_what_the_names_say(tmp_path):
    planned = plan_image(tmp_path, camera_jpeg(tmp_path), [96, 192], "photo")
    for rendition in planned.renditions:
        path = render_rendition(tmp_path, rendition, ImageCache(tmp_path / "cache"))
        assert path == tmp_path / "cache" / rendition.output
        with Image.open(path) as img:
            assert (img.format.lower(), img.size) == (rendition.format, (rendition.width, rendition.height))


def test_rendering_is_deterministic(tmp_path):
    planned = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo")
    first = [render_rendition(tmp_path, r, ImageCache(tmp_path / "a")).read_bytes() for r in planned.renditions]
    second = [render_rendition(tmp_path, r, ImageCache(tmp_path / "b")).read_bytes() for r in planned.renditions]
    assert first == second


def test_source_changed_after_planning_is_refused(tmp_path):
    planned = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo")
    save(tmp_path, "assets/logo.png", Image.new("RGBA", (400, 200), (9, 9, 9, 9)), "PNG")
    with pytest.raises(ValueError, match="changed after its renditions were planned"):
        render_rendition(tmp_path, planned.renditions[0], ImageCache(tmp_path / "cache"))
    assert not (tmp_path / "cache" / planned.renditions[0].output).exists()


# -- cache and writing -----------------------------------------------------------


@pytest.fixture
def encode_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = images._encode

    def counting(data, renditions, scale):
        calls.extend(r.output for r in renditions)
        return real(data, renditions, scale)

    monkeypatch.setattr(images, "_encode", counting)
    return calls


def test_rebuild_without_new_images_does_no_image_work(tmp_path, encode_calls):
    folder, out = tmp_path / "cache", tmp_path / "site"
    cache = ImageCache(folder)
    renditions = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo").renditions
    write_renditions(renditions, tmp_path, cache, out)
    assert len(encode_calls) == 3
    mtimes = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    encode_calls.clear()

    write_renditions(renditions, tmp_path, cache, tmp_path / "site2")
    assert encode_calls == []
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == mtimes

    # A new image renders only its own renditions.
    photo = plan_image(tmp_path, camera_jpeg(tmp_path), [96, 192], "photo").renditions
    write_renditions(renditions + photo, tmp_path, cache, out)
    assert sorted(encode_calls) == sorted(r.output for r in photo)


def test_write_renditions_copies_into_the_site(tmp_path):
    folder, out = tmp_path / "cache", tmp_path / "site"
    cache = ImageCache(folder)
    logo = plan_image(tmp_path, logo_png(tmp_path), [160, 320], "logo").renditions
    written = write_renditions(logo + logo, tmp_path, cache, out)  # a logo shared by two stories
    assert written == sorted(out / r.output for r in logo)
    for rendition in logo:
        assert (out / rendition.output).read_bytes() == (folder / rendition.output).read_bytes()
    assert not [p for p in folder.rglob(".tmp-*")]


def test_cmyk_and_palette_sources_are_converted(tmp_path):
    cmyk = save(tmp_path, "cmyk.jpg", Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG")
    palette = save(tmp_path, "pal.png", Image.new("RGB", (300, 200), "green").convert("P"), "PNG")
    for rel, kind in ((cmyk, "photo"), (palette, "logo")):
        for rendition in plan_image(tmp_path, rel, [96, 192], kind).renditions:
            with Image.open(render_rendition(tmp_path, rendition, ImageCache(tmp_path / "cache"))) as img:
                assert img.mode in ("RGB", "RGBA"), (rel, rendition.format)


def test_transparency_flattens_onto_white_for_jpeg(tmp_path):
    img = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    rel = save(tmp_path, "ghost.webp", img, "WEBP", lossless=True)
    rendition = Rendition(rel, hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest(), 150, 100, "jpeg",
                          "img/0000000000000000-150.jpg")
    with Image.open(io.BytesIO(render_rendition(tmp_path, rendition, ImageCache(tmp_path / "cache")).read_bytes())) as out:
        assert out.mode == "RGB" and min(out.getpixel((75, 50))) > 240


def test_a_palette_icon_keeps_its_palette_and_transparency_at_its_own_size(tmp_path):
    drawn = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(drawn).ellipse((40, 40, 260, 260), fill=(30, 120, 200, 255))
    rel = save(tmp_path, "icon.png", drawn.quantize(16), "PNG")
    planned = plan_image(tmp_path, rel, [160, 320], "logo")
    assert (planned.fallback.width, planned.fallback.format) == (300, "png")
    with Image.open(render_rendition(tmp_path, planned.fallback, ImageCache(tmp_path / "cache"))) as out:
        assert out.mode == "P" and set(out.info) == {"transparency"}
        assert out.convert("RGBA").tobytes() == Image.open(tmp_path / rel).convert("RGBA").tobytes()


def photo_like(size) -> Image.Image:
    """Smooth shapes and fine noise, so that decoding at a reduced scale and resizing show in the pixels."""
    img = quadrants((size[0] // 16, size[1] // 16)).resize(size, Image.Resampling.BICUBIC)
    return Image.blend(img, Image.effect_noise(size, 25).convert("RGB"), 0.15)


@pytest.fixture
def resized_from(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image the renderer resizes."""
    sizes: list[tuple[int, int]] = []
    real = Image.Image.resize

    def spy(self, size, *args, **kwargs):
        sizes.append(self.size)
        return real(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    return sizes


def test_an_odd_sized_jpeg_is_decoded_at_half_scale(tmp_path, resized_from):
    # 2991 // 2 rounded up asked Pillow for 1496 px, and 2991 // 1496 == 1 decoded the whole image.
    rel = save(tmp_path, "odd.jpg", photo_like((2991, 1995)), "JPEG")
    resized_from.clear()  # drawing the test image resized too
    planned = plan_image(tmp_path, rel, [1200], "hero")
    images.encode_renditions(tmp_path, list(planned.renditions))
    assert resized_from == [(1496, 998)]


def test_smaller_copies_are_resized_from_the_larger_ones(tmp_path, resized_from):
    rel = save(tmp_path, "big.jpg", photo_like((3000, 2000)), "JPEG")
    resized_from.clear()  # drawing the test image resized too
    planned = plan_image(tmp_path, rel, [480, 960, 1200], "hero")
    images.encode_renditions(tmp_path, list(planned.renditions))
    assert sorted(resized_from, reverse=True) == [(1500, 1000), (1200, 800), (960, 640)]


def test_a_copy_rendered_alone_is_the_copy_rendered_with_its_set(tmp_path):
    rel = save(tmp_path, "big.jpg", photo_like((3000, 2000)), "JPEG", exif=orientation_exif(6))
    renditions = list(plan_image(tmp_path, rel, [480, 960, 1200], "hero").renditions)
    together = images.encode_renditions(tmp_path, renditions)
    assert [images.encode_renditions(tmp_path, [r])[0] for r in renditions] == together


def orientation_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif


def psnr(a: Image.Image, b: Image.Image) -> float:
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    mse = sum(ImageStat.Stat(difference).sum2) / (3 * a.width * a.height)
    return 10 * math.log10(255 * 255 / mse) if mse else 99.0


def test_reduced_decoding_and_resizing_in_steps_stay_close_to_the_full_decode(tmp_path):
    rel = save(tmp_path, "big.jpg", photo_like((3000, 2000)), "JPEG", quality=90)
    planned = plan_image(tmp_path, rel, [480, 960, 1200], "hero")
    with Image.open(tmp_path / rel) as source:
        full = source.convert("RGB")
    for rendition in planned.renditions:
        exact = full.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        made = images._resized_through(_decoded(tmp_path / rel, rendition), "RGB", images._chain(rendition, False), {})
        assert psnr(made, exact) > 40, rendition.width  # WebP at quality 80 itself loses more (about 40 dB)


def _decoded(path, rendition) -> Image.Image:
    with Image.open(path) as img:
        img.draft("RGB", images._draft_size(img.size, images._jpeg_scale(img.size, images._chain(rendition, False)[0])))
        return img.convert("RGB")


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_still_turned_upright(tmp_path):
    rel = camera_jpeg(tmp_path, size=(2000, 1000), orientation=6)  # left red, right blue, stored sideways
    planned = plan_image(tmp_path, rel, [96, 192], "photo")
    assert (planned.width, planned.height) == (1000, 2000)
    assert images._jpeg_scale((2000, 1000), (192, 96)) == 8  # stored sideways: 250x125 is still the output size
    with Image.open(render_rendition(tmp_path, planned.webp[0], ImageCache(tmp_path / "cache"))) as out:
        assert out.size == (96, 192)
        top, bottom = out.convert("RGB").getpixel((48, 20)), out.convert("RGB").getpixel((48, 170))
        assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]  # turned: red on top, blue below
