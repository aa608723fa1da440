"""What a warm build takes from the cache folder instead of making again: rendered story bodies
(``bodies.log``) and the files of generated text (hard-linked from ``text/``). The output is the
same bytes as a build without any cache; a body or text that changed is made again.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuilder import CASE_STUDY_BODY
from storyportal.adapter import plugin as plugin_module
from storyportal.adapter import runner
from storyportal.adapter.plugin import TextFile
from storyportal.core import body
from storyportal.core.body import RenderedBody, body_key, remembering_bodies, render_story_body
from storyportal.site.bodycache import BODIES, COMPACT_SLACK, BodyLog
from storyportal.site.imagecache import ImageCache, default_location
from storyportal.site.leakguard import written_files

TEXT = "## Challenge\n\nA **bold** start.\n\n![Chart](chart.png)\n"


def never(*args):
    raise AssertionError("rendered, though the log held the body")


def fresh_render(text: str, folder: str = "stories", slug: str = "acme"):
    render_story_body.cache_clear()  # the in-process cache would hide the log
    return render_story_body(text, folder, slug)


def tree(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in written_files(str(folder))}


# -- the body log ----------------------------------------------------------------------------


def test_a_body_in_the_log_is_not_rendered_again(tmp_path, monkeypatch):
    with remembering_bodies(BodyLog(tmp_path)):
        first, _ = fresh_render(TEXT)
    monkeypatch.setattr(body, "render_body", never)
    with remembering_bodies(BodyLog(tmp_path)):  # another build: the log read from disk
        again, _ = fresh_render(TEXT)
    assert again == first


def test_an_edited_body_is_rendered_again(tmp_path):
    with remembering_bodies(BodyLog(tmp_path)):
        fresh_render(TEXT)
        edited, _ = fresh_render(TEXT.replace("bold", "strong"))
    assert edited is not None and "<strong>strong</strong>" in edited.html


def test_the_key_changes_with_the_renderer_and_with_every_input(monkeypatch):
    keys = {body_key(TEXT, "stories", "acme"), body_key(TEXT, "stories/acme", "acme"), body_key(TEXT, "stories", "x")}
    keys.add(body_key(TEXT + " ", "stories", "acme"))
    monkeypatch.setattr(body, "renderer_version", lambda: "another Python-Markdown")
    keys.add(body_key(TEXT, "stories", "acme"))
    assert len(keys) == 5


def test_a_log_line_that_is_not_a_body_is_ignored_and_the_body_rendered(tmp_path):
    key = body_key(TEXT, "stories", "acme")
    lines = ["not json", '{"key": "' + key + '", "html": 1, "images": []}', '["a list"]', '{"key": "short"}']
    (tmp_path / BODIES).write_text("\n".join(lines) + "\n")
    log = BodyLog(tmp_path)
    assert log.get(key) is None
    with remembering_bodies(log):
        rendered, _ = fresh_render(TEXT)
    assert rendered is not None and BodyLog(tmp_path).get(key) == rendered


def test_a_body_that_cannot_be_rendered_is_never_logged(tmp_path):
    log = BodyLog(tmp_path)
    with remembering_bodies(log):
        rendered, problem = fresh_render("*" * 6000 + "deep" + "*" * 6000)
    assert rendered is None and problem is not None
    assert not (tmp_path / BODIES).exists()


def test_compacting_keeps_only_the_bodies_the_first_load_used(tmp_path):
    log = BodyLog(tmp_path)
    stale = [body_key(f"old {n}", "stories", "acme") for n in range(2 * COMPACT_SLACK)]
    for key in stale:
        log.put(key, RenderedBody("<p>old</p>", ()))
    reread = BodyLog(tmp_path)
    kept = body_key(TEXT, "stories", "acme")
    reread.put(kept, RenderedBody("<p>new</p>", (("stories/chart.png", "stories/acme/chart.png"),)))
    reread.compact()
    after = BodyLog(tmp_path)
    assert after.get(kept) == RenderedBody("<p>new</p>", (("stories/chart.png", "stories/acme/chart.png"),))
    assert all(after.get(key) is None for key in stale)
    assert len((tmp_path / BODIES).read_text().splitlines()) == 1


# -- text files linked from the cache ----------------------------------------------------------


def text_file(tmp_path: Path, text: str, cache: ImageCache | None) -> TextFile:
    made = TextFile("embed/acme/index.html", None, str(tmp_path / "site"), True)
    made.content_string, made.cache = text, cache
    return made


def test_text_is_hard_linked_from_the_cache(tmp_path):
    cache = ImageCache(tmp_path / "cache")
    made = text_file(tmp_path, "<p>Acme</p>", cache)
    made.copy_file()
    written = Path(made.abs_dest_path)
    assert written.read_text() == "<p>Acme</p>"
    assert os.path.samefile(written, cache.text_file(b"<p>Acme</p>"))


def test_a_rebuild_replaces_a_linked_file_and_never_writes_into_the_cache(tmp_path):
    cache = ImageCache(tmp_path / "cache")
    text_file(tmp_path, "<p>Acme</p>", cache).copy_file()
    text_file(tmp_path, "<p>Acme, edited</p>", None).copy_file(dirty=True)  # written, not linked
    assert (tmp_path / "site/embed/acme/index.html").read_text() == "<p>Acme, edited</p>"
    assert cache.text_file(b"<p>Acme</p>").read_text() == "<p>Acme</p>"


def test_a_text_file_is_encoded_and_hashed_once_and_again_after_its_text_changes(tmp_path, monkeypatch):
    made = text_file(tmp_path, "<p>Acme</p>", ImageCache(tmp_path / "cache"))
    hashed: list[bytes] = []
    sha256 = plugin_module.hashlib.sha256
    monkeypatch.setattr(plugin_module.hashlib, "sha256", lambda data=b"": hashed.append(data) or sha256(data))
    assert made.digest() == made.digest() == sha256(b"<p>Acme</p>").digest()
    assert made.data() is made.data() and hashed == [b"<p>Acme</p>"]
    made.content_string = "<p>Acme, edited</p>"
    assert made.digest() == sha256(b"<p>Acme, edited</p>").digest()


def test_a_text_named_by_its_given_digest_is_the_one_named_by_hashing_it(tmp_path):
    import hashlib

    data = "<p>Ünïcode</p>".encode()
    given = ImageCache(tmp_path / "given").text_file(data, hashlib.sha256(data).digest())
    hashed = ImageCache(tmp_path / "hashed").text_file(data)
    assert given.name == hashed.name and given.read_bytes() == data
    assert ImageCache(tmp_path / "given").text_file(data) == given  # its recorded hash is the true one


def test_text_is_written_where_it_cannot_be_linked(tmp_path, monkeypatch):
    def cross_device(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    made = text_file(tmp_path, "<p>Acme</p>", ImageCache(tmp_path / "cache"))
    made.copy_file()
    assert Path(made.abs_dest_path).read_text() == "<p>Acme</p>"
    assert os.stat(made.abs_dest_path).st_nlink == 1


# -- whole builds ------------------------------------------------------------------------------


def test_a_warm_build_is_byte_for_byte_a_build_without_any_cache(site, tmp_path, monkeypatch):
    site.story("acme", body=CASE_STUDY_BODY + "\nA **bold** start.\n\n<!-- a note -->\nMore.\n")
    site.story("northwind", title="Northwind ships twice as fast")
    cache = default_location(site.root)
    site.build()
    warm = tree(site.build())  # bodies from the log, text linked from the cache
    assert (cache / BODIES).exists() and any((cache / "text").iterdir())
    assert os.stat(site.root / "site/embed/acme/index.html").st_nlink > 1
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "no-cache-yet"))
    render_story_body.cache_clear()
    cold = tree(site.build())
    assert warm == cold


def test_an_edited_story_after_a_warm_build_shows_its_new_text(site):
    site.story("acme", body=CASE_STUDY_BODY + "\nA **bold** start.\n")
    site.build()
    site.story("acme", body=CASE_STUDY_BODY + "\nAn entirely new last line.\n")
    render_story_body.cache_clear()
    page = (site.build() / "stories/acme/index.html").read_text()
    assert "An entirely new last line." in page and "A <strong>bold</strong> start." not in page


def test_storyportal_build_reads_its_output_once_after_every_writer(site, monkeypatch):
    site.story("acme")
    calls = []
    real = runner.scan_output

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(runner, "scan_output", counted)
    monkeypatch.setattr(plugin_module, "scan_output", counted)
    site.build()
    assert len(calls) == 1


def test_mkdocs_build_alone_is_still_guarded_by_the_plugin(site, monkeypatch):
    site.story("acme")
    site.flush()
    calls = []
    monkeypatch.setattr(plugin_module, "scan_output", lambda *args: calls.append(args) or [])
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(site.root / "mkdocs.yml"), site_dir=str(site.root / "out"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert len(calls) == 1


def test_the_guard_lists_hidden_and_nested_files_but_never_follows_a_link(tmp_path):
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "a/b/page.html").write_text("x")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    (tmp_path / "linked").symlink_to(outside)
    (tmp_path / "a/file-link.txt").symlink_to(outside / "secret.txt")
    assert written_files(str(tmp_path)) == [".hidden", "a/b/page.html"]
    shutil.rmtree(outside)


@pytest.fixture(autouse=True)
def _forget_rendered_bodies():
    yield
    render_story_body.cache_clear()



def test_the_guard_finds_the_same_leaks_with_several_processes_as_with_one(tmp_path):
    from storyportal.site import leakguard

    for n in range(12):
        (tmp_path / f"page-{n}").mkdir()
        text = "Call jane@acme.example" if n % 3 == 0 else "+44 20 7946 0000" if n % 3 == 1 else "nothing"
        (tmp_path / f"page-{n}/index.html").write_text(f"<p>{text}</p>")
    one = leakguard.scan_output(tmp_path, GUARDED, workers=1)
    # In a fresh process: the guard forks only a process with one thread, and this test process
    # may have others left by earlier tests (it then reads alone, which is right, but proves nothing).
    out = subprocess.run([sys.executable, "-c", FORKED_SCAN, str(tmp_path)], capture_output=True, text=True, check=True)
    pools, leaks = json.loads(out.stdout)
    assert pools == [3] and leaks == [repr(leak) for leak in one]
    assert len(one) == 8  # 4 pages with the address (a private value, said once), 4 phones


GUARDED = [("jane-doe", "email", "jane@acme.example")]
FORKED_SCAN = f"""
import json, sys
from pathlib import Path
from storyportal.site import leakguard

pools = []
class Counting(leakguard.ProcessPoolExecutor):
    def __init__(self, workers, **kwargs):
        pools.append(workers)
        super().__init__(workers, **kwargs)

leakguard.ProcessPoolExecutor, leakguard.POOL_MIN_FILES = Counting, 1
leaks = leakguard.scan_output(Path(sys.argv[1]), {GUARDED!r}, workers=3)
print(json.dumps([pools, [repr(leak) for leak in leaks]]))
"""


# -- validate --------------------------------------------------------------------------------


def test_validate_after_a_build_takes_the_bodies_from_the_builds_log(site, monkeypatch):
    site.story("acme", body=CASE_STUDY_BODY + "\nA **bold** start.\n")
    site.build()
    render_story_body.cache_clear()
    monkeypatch.setattr(body, "render_body", never)
    code, out, err = site.cli("validate")
    assert code == 0, out + err


def test_validate_without_a_cache_folder_renders_and_makes_none(site):
    site.story("acme", body=CASE_STUDY_BODY + "\nA **bold** start.\n")
    render_story_body.cache_clear()
    code, out, err = site.cli("validate")
    assert code == 0, out + err
    assert not default_location(site.root).exists()


def test_text_files_no_build_used_go_once_they_outnumber_twice_the_used(tmp_path, monkeypatch):
    from storyportal.site import imagecache

    monkeypatch.setattr(imagecache, "TEXT_SLACK", 2)
    cache = ImageCache(tmp_path)
    old = [cache.text_file(f"old {n}".encode()) for n in range(5)]
    cache.prune_texts()  # the build that wrote them used them all: nothing goes
    assert all(path.exists() for path in old)
    kept = cache.text_file(b"current")
    assert cache.prune_texts() == 5  # 6 files, 1 used: more than 2 x 1 + 2
    assert kept.exists() and not any(path.exists() for path in old)
    assert ImageCache(tmp_path).text_file(b"old 0").read_bytes() == b"old 0"  # written again when asked


def test_an_image_copied_where_it_cannot_be_linked_never_writes_through_the_last_link(tmp_path, monkeypatch):
    from storyportal.adapter.plugin import CachedFile

    old, new = tmp_path / "cache-old.png", tmp_path / "cache-new.png"
    old.write_bytes(b"old pixels")
    new.write_bytes(b"new pixels")
    made = CachedFile("img/hero.png", None, str(tmp_path / "site"), True)
    made.abs_src_path = str(old)
    made.copy_file()  # the last build's output: a link to the old cache file
    made.abs_src_path = str(new)

    def too_many_links(source, target):
        raise OSError(errno.EMLINK, "Too many links")

    monkeypatch.setattr(os, "link", too_many_links)
    made.copy_file()
    assert Path(made.abs_dest_path).read_bytes() == b"new pixels"
    assert old.read_bytes() == b"old pixels"
