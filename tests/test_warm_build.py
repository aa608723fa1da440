"""A warm build does again only what changed: images decode once, cached files are not hashed
again, folders are listed once per load. Every check still holds for anything that changed.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from PIL import JpegImagePlugin

from storyportal.core import imagecheck, paths
from storyportal.core.imagecheck import decode_key, file_hasher, inspect_image, remembering_decodes
from storyportal.core.paths import remembering_listings, resolve_ref
from storyportal.site import imagecache
from storyportal.site.context import ImageTag, PageContext
from storyportal.site.imagecache import DECODED, MANIFEST, DecodeLog, ImageCache, default_location

NAME = "img/0123456789abcdef-480.webp"
LIMITS = (10_000_000, 50_000_000)  # bytes, pixels


def jpeg(path: Path, truncate: bool = False) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (20, 90, 200)).save(path, "JPEG")
    if truncate:
        path.write_bytes(path.read_bytes()[:-200])
    return path


def never(*args):
    raise AssertionError("called, though the result was known")


# -- the manifest: trusted by stat when the file is as written ----------------------------


def test_a_cached_file_as_written_is_trusted_without_hashing_it(tmp_path, monkeypatch):
    written = ImageCache(tmp_path).put(NAME, b"pixels")
    monkeypatch.setattr(imagecache, "_sha256", never)
    assert ImageCache(tmp_path).get(NAME) == written


def test_a_cached_file_rewritten_with_as_many_bytes_is_refused(tmp_path):
    path = ImageCache(tmp_path).put(NAME, b"pixels")
    stamp = os.lstat(path).st_mtime_ns
    path.write_bytes(b"PIXELS")
    os.utime(path, ns=(stamp + 1, stamp + 1))  # whatever the clock's resolution, the time differs
    assert ImageCache(tmp_path).get(NAME) is None


def test_a_manifest_line_without_stats_is_hashed_once_then_trusted_by_stat(tmp_path, monkeypatch):
    path = tmp_path / NAME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"pixels")
    (tmp_path / MANIFEST).write_text(f"{hashlib.sha256(b'pixels').hexdigest()}  {NAME}\n")  # as older builds wrote
    assert ImageCache(tmp_path).get(NAME) == path
    assert (
        (tmp_path / MANIFEST)
        .read_text()
        .splitlines()[-1]
        .endswith(f"  {path.stat().st_size} {path.stat().st_mtime_ns}")
    )
    monkeypatch.setattr(imagecache, "_sha256", never)
    assert ImageCache(tmp_path).get(NAME) == path


# -- the decode log: an image decodes once ------------------------------------------------


def test_an_image_that_decoded_is_not_decoded_again(tmp_path, monkeypatch):
    image, log = jpeg(tmp_path / "hero.jpg"), DecodeLog(tmp_path / DECODED)
    with remembering_decodes(log):
        assert inspect_image(image, *LIMITS)[1] is None
    imagecheck._decode.cache_clear()  # as in a new process
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", never)  # decoding starts with a draft
    with remembering_decodes(DecodeLog(tmp_path / DECODED)):
        assert inspect_image(image, *LIMITS)[1] is None


def test_an_image_whose_bytes_changed_is_decoded_again(tmp_path):
    image, log = jpeg(tmp_path / "hero.jpg"), DecodeLog(tmp_path / DECODED)
    with remembering_decodes(log):
        inspect_image(image, *LIMITS)
    jpeg(image, truncate=True)
    with remembering_decodes(log):
        assert inspect_image(image, *LIMITS)[1].rule == "image-invalid"


def test_a_broken_image_is_never_remembered(tmp_path):
    image, log = jpeg(tmp_path / "hero.jpg", truncate=True), DecodeLog(tmp_path / DECODED)
    with remembering_decodes(log):
        assert inspect_image(image, *LIMITS)[1].rule == "image-invalid"
    assert decode_key(image.read_bytes()) not in log
    assert not (tmp_path / DECODED).exists()


@pytest.mark.parametrize("line", ["not a key", "ab" * 32, "zz" * 32 + ":13.0.0", "ab" * 32 + ": 13", ""])
def test_the_decode_log_ignores_lines_it_did_not_write(tmp_path, line):
    (tmp_path / DECODED).write_text(line + "\n")
    assert line not in DecodeLog(tmp_path / DECODED)


def test_a_build_remembers_the_images_that_decoded(site):
    site.story("acme", folder=True, image="hero.jpg")
    hero = site.image("stories/acme/hero.jpg", size=(640, 400), fmt="JPEG")
    site.build()
    assert decode_key(hero.read_bytes()) in DecodeLog(default_location(site.root) / DECODED)


# -- folders listed once per load ---------------------------------------------------------


def test_a_load_lists_each_folder_once(tmp_path, monkeypatch):
    for slug in ("acme", "globex", "initech"):
        jpeg(tmp_path / "stories" / slug / "hero.jpg")
    listed, listdir = [], os.listdir
    monkeypatch.setattr(paths.os, "listdir", lambda folder: listed.append(folder) or listdir(folder))
    with remembering_listings():
        for slug in ("acme", "globex", "initech"):
            assert resolve_ref(tmp_path, f"stories/{slug}", "hero.jpg") == (f"stories/{slug}/hero.jpg", None)
    assert sorted(map(str, listed)) == sorted(
        str(p)
        for p in (tmp_path, tmp_path / "stories", *(tmp_path / "stories" / s for s in ("acme", "globex", "initech")))
    )


def test_outside_a_load_a_folder_is_listed_every_time(tmp_path):
    jpeg(tmp_path / "stories" / "acme" / "hero.jpg")
    assert resolve_ref(tmp_path, "stories/acme", "hero.jpg")[1] is None
    (tmp_path / "stories" / "acme" / "hero.jpg").rename(tmp_path / "stories" / "acme" / "Hero.jpg")
    assert resolve_ref(tmp_path, "stories/acme", "hero.jpg")[1].rule == "path-missing"


# -- story cards: rendered once where their links come out the same -----------------------


def test_a_card_is_rendered_once_for_every_page_where_its_links_are_the_same():
    calls, shared = [], {}

    def render(sp, card, level):
        calls.append(sp.page_url)
        return Markup(f'<h{level}><a href="{sp.url(card.url)}"><img src="{sp.url("img/logo.png")}">')

    card = SimpleNamespace(url="stories/globex/", logo=None)
    pages = ["stories/acme/", "stories/initech/", "", "stories/globex/"]
    site = SimpleNamespace(lang="en")
    html = [PageContext("story", site, url, None, rendered_cards=shared).card(card, 3, render) for url in pages]
    assert html == [
        '<h3><a href="../globex/"><img src="../../img/logo.png">',
        '<h3><a href="../globex/"><img src="../../img/logo.png">',
        '<h3><a href="stories/globex/"><img src="img/logo.png">',
        '<h3><a href="./"><img src="../../img/logo.png">',
    ]
    assert calls == ["stories/acme/", "", "stories/globex/"]


def test_a_card_is_rendered_again_for_a_page_in_another_language():
    shared, card = {}, SimpleNamespace(url="stories/globex/", logo=None)

    def render(sp, card, level):
        return Markup(f"<p>{sp.plan.lang}</p>")

    pages = [PageContext("industry", SimpleNamespace(lang=lang), url, None, rendered_cards=shared)
             for lang, url in (("en", "industries/retail/"), ("de", "de/stories/"))]
    assert [page.card(card, 3, render) for page in pages] == ["<p>en</p>", "<p>de</p>"]


def test_an_image_tag_is_built_once_for_every_page_at_the_same_depth():
    asked = []

    def images(repo_path, kind):
        asked.append(repo_path)
        return ImageTag("img/abc-160.png", 160, 80, (("img/abc-160.webp", 160),))

    shared = {}
    tags = [
        PageContext("story", None, url, images, rendered_cards=shared).image("assets/logos/acme.png", "logo", "Acme")
        for url in ("stories/acme/", "stories/globex/", "")
    ]
    assert [str(tag).split('src="')[1].split('"')[0] for tag in tags] == [
        "../../img/abc-160.png",
        "../../img/abc-160.png",
        "img/abc-160.png",
    ]
    assert tags[0] is tags[1] and tags[2] is not tags[0]  # built once per depth (the tag itself is looked up)
    assert set(asked) == {"assets/logos/acme.png"}


def test_an_image_rewritten_with_the_same_size_and_time_is_hashed_again(tmp_path):
    # The hash is kept per process (validation and the image plan share it) while the file's size,
    # times and inode are the same: a rewrite that puts the modification time back still changes ctime.
    image = tmp_path / "hero.png"
    image.write_bytes(b"first bytes")
    before = os.stat(image)
    first = file_hasher(image).hexdigest()
    time.sleep(0.01)
    image.write_bytes(b"other bytes")
    os.utime(image, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert file_hasher(image).hexdigest() != first
