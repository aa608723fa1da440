"""The image cache under attack, and image work in parallel.

The cache lives outside the checkout, trusts only files whose bytes match the manifest it
wrote, never follows a symbolic link, and refuses a folder a pull request could fill. The
same portal gives the same bytes whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from storyportal.site.imagecache import MANIFEST, ImageCache, default_location
from storyportal.site.images import encode_rendition, plan_image
from storyportal.site.media import Progress, worker_count

EVIL = b"planted by a pull request"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


def hero_portal(site) -> tuple[str, str]:
    """A story with a hero photo; its planned fallback rendition (output name, repository path)."""
    site.story("acme", folder=True, image="hero.jpg")
    site.image("stories/acme/hero.jpg", size=(640, 400), fmt="JPEG")
    planned = plan_image(site.root, "stories/acme/hero.jpg", [480, 960, 1600], "hero")
    return planned.fallback.output, "stories/acme/hero.jpg"


def rendered(site, output: str) -> bytes:
    planned = plan_image(site.root, "stories/acme/hero.jpg", [480, 960, 1600], "hero")
    return encode_rendition(site.root, next(r for r in planned.renditions if r.output == output))


def plant(path: Path, content: bytes = EVIL) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


# -- where the cache lives ------------------------------------------------------------


def test_the_default_cache_is_outside_the_checkout(site):
    output, _ = hero_portal(site)
    out = site.build()
    cache = default_location(site.root)
    assert not cache.is_relative_to(site.root)
    assert (cache / output).read_bytes() == (out / output).read_bytes()
    assert not (site.root / ".cache").exists()


@pytest.mark.parametrize(("xdg", "expected"), [
    pytest.param("/var/cache/ci", "/var/cache/ci/storyportal/", id="xdg-cache-home"),
    pytest.param("relative/cache", "~/.cache/storyportal/", id="relative-xdg-ignored"),
    pytest.param("", "~/.cache/storyportal/", id="unset"),
])
def test_default_location_follows_xdg_and_hashes_the_portal_path(tmp_path, xdg, expected):
    digest = hashlib.sha256(str(tmp_path.resolve()).encode()).hexdigest()[:16]
    found = default_location(tmp_path, {"XDG_CACHE_HOME": xdg})
    assert found == Path(os.path.expanduser(expected)) / digest


def test_a_committed_file_under_a_cache_name_is_not_published(site):
    # The attack on the old layout: a file committed where the cache used to be.
    output, _ = hero_portal(site)
    plant(site.root / ".cache" / "storyportal" / output)
    out = site.build()
    assert (out / output).read_bytes() == rendered(site, output)


def test_a_file_planted_in_the_cache_without_a_manifest_entry_is_rendered_again(site):
    output, _ = hero_portal(site)
    plant(default_location(site.root) / output)
    out = site.build()
    assert (out / output).read_bytes() == rendered(site, output)


def test_a_cached_file_whose_bytes_changed_is_rendered_again(site):
    output, _ = hero_portal(site)
    site.build()
    plant(default_location(site.root) / output)  # same name, in the manifest, other bytes
    out = site.build()
    assert (out / output).read_bytes() == rendered(site, output)


def test_a_symlink_in_the_cache_is_not_followed(site, tmp_path_factory):
    output, _ = hero_portal(site)
    secret = tmp_path_factory.mktemp("outside") / "hostname"
    secret.write_bytes(b"secret-host-name")
    cache = default_location(site.root)
    (cache / output).parent.mkdir(parents=True, exist_ok=True)
    (cache / output).symlink_to(secret)
    # Even a manifest line for the name does not make a link trusted.
    (cache / MANIFEST).write_text(f"{hashlib.sha256(b'secret-host-name').hexdigest()}  {output}\n")
    out = site.build()
    assert not (out / output).is_symlink()
    assert (out / output).read_bytes() == rendered(site, output)
    assert secret.read_bytes() == b"secret-host-name"  # nothing was written through the link


def test_a_symlinked_folder_in_the_cache_is_neither_read_nor_written_through(site, tmp_path_factory):
    output, _ = hero_portal(site)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cache = default_location(site.root)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "img").symlink_to(elsewhere, target_is_directory=True)
    out = site.build()
    assert (out / output).read_bytes() == rendered(site, output)
    assert list(elsewhere.iterdir()) == []


def test_the_cache_reuses_only_what_it_wrote(tmp_path):
    cache = ImageCache(tmp_path / "cache")
    written = cache.put("img/0123456789abcdef-480.webp", b"pixels")
    assert ImageCache(tmp_path / "cache").get("img/0123456789abcdef-480.webp") == written
    plant(tmp_path / "cache" / "img" / "fedcba9876543210-480.webp")
    assert ImageCache(tmp_path / "cache").get("img/fedcba9876543210-480.webp") is None


NAME = "img/0123456789abcdef-480.webp"


def test_a_verified_file_replaced_by_a_link_is_refused_by_the_same_cache(tmp_path):
    cache = ImageCache(tmp_path / "cache")  # the preview keeps one cache across rebuilds
    written = cache.put(NAME, b"pixels")
    assert cache.get(NAME) == written
    outside = tmp_path / "outside"
    outside.write_bytes(b"pixels")
    written.unlink()
    written.symlink_to(outside)
    assert cache.get(NAME) is None


def test_a_verified_file_whose_folder_became_a_link_is_refused_by_the_same_cache(tmp_path):
    cache = ImageCache(tmp_path / "cache")
    cache.put(NAME, b"pixels")
    assert cache.get(NAME) is not None
    (tmp_path / "cache" / "img").rename(tmp_path / "moved")
    (tmp_path / "cache" / "img").symlink_to(tmp_path / "moved", target_is_directory=True)
    assert cache.get(NAME) is None


def test_a_verified_file_rewritten_with_other_bytes_is_refused_by_the_same_cache(tmp_path):
    cache = ImageCache(tmp_path / "cache")
    written = cache.put(NAME, b"pixels")
    assert cache.get(NAME) == written
    written.write_bytes(b"pixelz, longer")
    assert cache.get(NAME) is None


# -- a cache folder a pull request could fill ----------------------------------------


def cache_in_repository(site, ignore: str | None, tracked: bool = False) -> None:
    site.story("acme")
    site.plugin["cache_dir"] = ".cache/storyportal"
    git(site.root, "init", "-q")
    if ignore is not None:
        site.write(".gitignore", ignore)
    if tracked:
        site.write(".cache/storyportal/img/0123456789abcdef-480.webp", EVIL)
        git(site.root, "add", "-f", ".cache/storyportal/img/0123456789abcdef-480.webp")


@pytest.mark.parametrize(("ignore", "tracked", "why"), [
    pytest.param(None, False, "is inside the repository and not ignored by git", id="not-ignored"),
    pytest.param("/.cache/\n", True, "holds files committed to git", id="ignored-but-committed"),
])
def test_a_cache_folder_a_commit_could_fill_is_refused(site, ignore, tracked, why):
    cache_in_repository(site, ignore, tracked)
    code, _, err = site.cli("build", "--build-date", "2026-06-01")
    folder = (site.root / ".cache" / "storyportal").resolve()
    assert code == 1
    assert (f"mkdocs.yml: error: the image cache folder {folder} {why}: a file put there could be "
            "published in place of a rendered image (remove cache_dir to use ~/.cache/storyportal, or choose "
            "a folder git ignores) [config-cache-unsafe]") in err


def test_a_cache_folder_git_ignores_is_accepted(site):
    cache_in_repository(site, "/.cache/\n")
    assert (site.build() / "stories" / "acme" / "index.html").is_file()
    assert (site.root / ".cache" / "storyportal" / MANIFEST).is_file()


def test_a_cache_folder_inside_a_portal_without_git_is_refused(site):
    site.story("acme")
    site.plugin["cache_dir"] = "cache"
    code, _, err = site.cli("build", "--build-date", "2026-06-01")
    assert code == 1
    assert "is inside the portal folder, which is not a git repository" in err


# -- workers ---------------------------------------------------------------------------


def image_portal(site) -> None:
    """Logos, photos, heroes (JPEG and transparent PNG) and cards: every kind of image work."""
    site.company("acme", logo="assets/logos/acme.png")
    site.image("assets/logos/acme.png", size=(400, 200))
    site.advocate("jane-doe", photo="assets/people/jane.jpg")
    site.image("assets/people/jane.jpg", size=(300, 300), fmt="JPEG", color=(20, 90, 200))
    for number in range(4):
        slug = f"story-{number}"
        site.story(slug, folder=True, image="hero.png", title=f"Story number {number}")
        hero = Image.new("RGBA", (700 + 100 * number, 500), (0, 0, 0, 0))
        hero.paste((200, 30 + 40 * number, 30, 255), (50, 50, 500, 400))
        hero.save(site.root / "stories" / slug / "hero.png")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_one_worker_and_several_give_byte_identical_sites(site, monkeypatch, tmp_path_factory):
    image_portal(site)
    logs = {}
    for workers in (1, 2):
        site.plugin["cache_dir"] = str(tmp_path_factory.mktemp(f"cache-{workers}"))
        site.plugin["image_workers"] = workers
        code, _, logs[workers] = site.cli("build", "--build-date", "2026-06-01", "-d", f"site-{workers}")
        assert code == 0, logs[workers]
    # Heroes 700-900 px wide: 480; 1000 px: 480 and 960 (heroes have WebP copies only); a logo and a
    # photo: two WebP and the fallback each; 4 cards.
    assert "storyportal: rendering 15 images, 1 worker... 100%\n" in logs[1]
    assert "storyportal: rendering 15 images, 2 workers... 100%\n" in logs[2]
    one, two = tree(site.root / "site-1"), tree(site.root / "site-2")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_a_warm_build_renders_nothing(site):
    image_portal(site)
    site.build()
    code, _, err = site.cli("build", "--build-date", "2026-06-01")
    assert code == 0
    assert "rendering" not in err


@pytest.mark.parametrize(("environ", "configured", "expected"), [
    pytest.param({"STORYPORTAL_IMAGE_WORKERS": "3"}, 2, (3, None), id="environment-wins"),
    pytest.param({}, 2, (2, None), id="configured"),
    pytest.param({"STORYPORTAL_IMAGE_WORKERS": "0"}, None,
                 (1, "STORYPORTAL_IMAGE_WORKERS must be a whole number from 1 to 64, not '0'"), id="zero"),
    pytest.param({"STORYPORTAL_IMAGE_WORKERS": "two"}, None,
                 (1, "STORYPORTAL_IMAGE_WORKERS must be a whole number from 1 to 64, not 'two'"), id="words"),
])
def test_worker_count(environ, configured, expected):
    assert worker_count(configured, environ) == expected


def test_worker_count_defaults_to_the_usable_cores():
    assert worker_count(None, {}) == (len(os.sched_getaffinity(0)), None)


def test_progress_says_what_it_does_then_every_few_seconds():
    lines, now = [], [0.0]
    meter = Progress(40, 2, lines.append, clock=lambda: now[0])
    for seconds in (0.5, 2.6, 3.0, 3.1):
        now[0] = seconds
        meter.count([("file", b"")] * 10)
    assert lines == ["rendering 40 images, 2 workers...",
                     "rendering 40 images, 2 workers... 50%",
                     "rendering 40 images, 2 workers... 100%"]


def test_a_few_images_render_without_a_progress_line():
    lines = []
    meter = Progress(3, 1, lines.append)
    meter.count([("file", b"")] * 3)
    assert lines == []
