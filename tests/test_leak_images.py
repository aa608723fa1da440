"""The leak guard reads what an image carries besides its pixels, wherever a tool put it.

Every published image is a stripped copy the build encoded, so none of this should ever be
there; the guard checks anyway, reading each container (PNG chunks, WebP chunks, JPEG
segments) itself rather than through Pillow, so each place text can hide is tested here.
"""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, PngImagePlugin

from storyportal.site.leakguard import scan_output

NOTE = ("jane-doe", "notes", "Prefers email, not before 10am")
SECRET = "Prefers email, not before 10am"


def picture(mode: str = "RGB") -> Image.Image:
    return Image.new(mode, (40, 30), (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128))


def png(**chunks) -> bytes:
    info = PngImagePlugin.PngInfo()
    for kind, value in chunks.items():
        if kind == "text":
            info.add_text("Comment", value)
        elif kind == "ztxt":
            info.add_text("Comment", value, zip=True)
        elif kind == "itxt":
            info.add_itxt("Comment", value, lang="en", tkey="Kommentar", zip=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def exif_with(text: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    return exif


def jpeg(**options) -> bytes:
    out = io.BytesIO()
    picture().save(out, "JPEG", **options)
    return out.getvalue()


def webp(**options) -> bytes:
    out = io.BytesIO()
    picture("RGBA").save(out, "WEBP", **options)
    return out.getvalue()


def comment_between_scans(data: bytes) -> bytes:
    """A comment segment after the first scan of a progressive JPEG, where a header reader stops."""
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    comment = b"\xff\xfe" + (len(SECRET) + 2).to_bytes(2, "big") + SECRET.encode()
    return data[:second_scan] + comment + data[second_scan:]


CASES = {
    "png-text-chunk": ("img/a.png", lambda: png(text=SECRET)),
    "png-compressed-text-chunk": ("img/a.png", lambda: png(ztxt=SECRET)),
    "png-international-compressed-text": ("img/a.png", lambda: png(itxt=SECRET)),
    "png-exif": ("img/a.png", lambda: _saved("PNG", exif=exif_with(SECRET))),
    "png-after-the-end": ("img/a.png", lambda: png() + SECRET.encode()),
    "png-unknown-chunk": ("img/a.png", lambda: _chunk_before_end(png(), b"prVt", SECRET.encode())),
    "jpeg-exif": ("img/a.jpg", lambda: jpeg(exif=exif_with(SECRET))),
    "jpeg-comment": ("img/a.jpg", lambda: jpeg(comment=SECRET)),
    "jpeg-comment-between-progressive-scans": (
        "img/a.jpg",
        lambda: comment_between_scans(jpeg(progressive=True)),
    ),
    "jpeg-after-the-end": ("img/a.jpg", lambda: jpeg() + SECRET.encode()),
    "webp-exif": ("img/a.webp", lambda: webp(exif=exif_with(SECRET))),
    "webp-xmp": (
        "img/a.webp",
        lambda: webp(xmp=f"<x:xmpmeta><dc:description>{SECRET}</dc:description></x:xmpmeta>".encode()),
    ),
    "webp-after-the-container": ("img/a.webp", lambda: webp() + SECRET.encode()),
    "gif-comment": ("img/a.gif", lambda: _saved("GIF", comment=SECRET)),
    "broken-png": ("img/a.png", lambda: png(text=SECRET)[:-40]),
    "not-an-image": ("img/a.png", lambda: SECRET.encode()),
}


def _saved(fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture().save(out, fmt, **options)
    return out.getvalue()


def _chunk_before_end(data: bytes, kind: bytes, body: bytes) -> bytes:
    chunk = len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


@pytest.mark.parametrize("case", CASES)
def test_a_private_value_in_an_image_is_found(tmp_path, case):
    name, make = CASES[case]
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_bytes(make())
    assert [(leak.file, leak.what) for leak in scan_output(tmp_path, [NOTE])] == [
        (name, "private value of jane-doe.notes")
    ]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_a_clean_image_has_no_leak(tmp_path, fmt):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / f"a.{fmt.lower()}").write_bytes(_saved(fmt))
    assert scan_output(tmp_path, [NOTE]) == []
