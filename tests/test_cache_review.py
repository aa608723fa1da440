"""What an attacker's review of the warm-build caches and the kept preview found, each fixed at its
root: a dirty build never writes through a hard link into the cache (and so into another built
site); a private value added to the registry withholds an unchanged story in the preview as in a
fresh build; a hero whose EXIF block is broken validates and builds (shown as stored)."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from test_preview import Preview

SECRET = "Allergic to conference calls"
BODY = f"## Challenge\n\n{SECRET}, says the team.\n\n## Solution\n\nWhat we did.\n\n## Results\n\nAfter.\n"


@pytest.mark.parametrize("fmt,ext", [("WEBP", "webp"), ("PNG", "png")])
def test_a_hero_with_broken_exif_that_validates_also_builds(site, fmt, ext):
    hero = site.root / "stories" / "gamma" / f"hero.{ext}"
    hero.parent.mkdir(parents=True)
    Image.new("RGB", (1600, 900), (200, 10, 10)).save(hero, fmt, exif=b"Exif\x00\x00NOT-A-TIFF-HEADER")
    site.story("gamma", title="Gamma story", folder=True, image=f"hero.{ext}")
    code, _, _ = site.cli("validate")
    assert code == 0  # validate accepts it
    built, _, err = site.cli("build", "--build-date", "2026-06-01")
    assert built == 0, err  # ... so the build must succeed (or validate must refuse it, located)


@pytest.mark.parametrize("dirty", [True, False], ids=["storyportal-serve", "mkdocs-serve"])
def test_a_private_value_added_to_the_registry_withholds_an_unchanged_story_in_the_preview(site, monkeypatch, dirty):
    site.extra_plugins = []
    site.company("acme", name="Acme Corp", industry="retail")
    site.advocate("jane-doe", company="acme")
    site.advocate("sam-lee", company="acme", name="Sam Lee")
    site.story("alpha", title="Alpha story", body=BODY)  # jane-doe's story
    site.story("beta", title="Beta story", advocates=["sam-lee"])
    preview = Preview(site, monkeypatch, dirty)
    preview.rebuild()

    site.advocates["sam-lee"]["private"] = {"notes": SECRET}
    served = preview.rebuild()
    fresh = preview.fresh()
    assert not [k for k in fresh if SECRET.encode() in (preview.fresh_dir / k).read_bytes()]
    leaked = [k for k in served if SECRET.encode() in (preview.served / k).read_bytes()]
    assert leaked == [], "the preview still shows a private value a fresh build withholds"
    assert served == fresh


def test_preview_page_never_writes_into_a_built_site_through_the_cache(site, monkeypatch):
    site.company("acme", name="Acme Corp", industry="retail")
    site.advocate("jane-doe", company="acme")
    site.story("alpha", title="Alpha story", aliases=["/stories/old/"])
    site.story("beta", title="Beta story")
    built = site.build()  # storyportal build: guarded, ready to publish
    redirect = built / "stories" / "old" / "index.html"
    published = redirect.read_bytes()
    assert b"alpha" in published

    preview = Preview(site, monkeypatch, dirty=True)  # storyportal serve
    preview.rebuild()
    # The author drops the alias and writes a story at that address.
    site.story("alpha", title="Alpha story")
    site.story("old", title="PREVIEW-ONLY TEXT")
    preview.rebuild()
    assert b"PREVIEW-ONLY TEXT" in (preview.served / "stories" / "old" / "index.html").read_bytes()

    assert redirect.read_bytes() == published, "the built site changed after a preview rebuild"


def test_an_internal_preview_never_writes_its_page_into_the_public_site(site, monkeypatch):
    """The public and internal builds share the cache folder, and the redirect's bytes are the
    same for both audiences: the internal preview's page lands in the public site/."""
    site.company("acme", name="Acme Corp", industry="retail")
    site.advocate("jane-doe", company="acme")
    site.story("alpha", title="Alpha story", aliases=["/stories/old/"])
    site.story("beta", title="Beta story")
    built = site.build()  # the public site, guarded
    redirect = built / "stories" / "old" / "index.html"
    published = redirect.read_bytes()

    monkeypatch.setenv("STORYPORTAL_AUDIENCE", "internal")
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    site.story("alpha", title="Alpha story")
    site.story("old", title="Internal draft title")
    preview.rebuild()
    internal_page = (preview.served / "stories" / "old" / "index.html").read_bytes()
    assert b"sales/roster" in internal_page  # the internal build's own menu

    assert b"sales/roster" not in redirect.read_bytes(), "an internal page reached the public site/"
    assert redirect.read_bytes() == published


def test_a_dirty_build_copies_a_hand_written_file_beside_the_cache_never_into_it(site, monkeypatch):
    """MkDocs copies a docs/ file by writing into whatever file is at its address: after a story is
    deleted, its old /embed/ JSON there is still a hard link into the cache (and so into every site
    built from it) when a hand-written file of the same name takes the address."""
    site.company("acme", name="Acme Corp", industry="retail")
    site.advocate("jane-doe", company="acme")
    site.story("alpha", title="Alpha story")
    site.story("beta", title="Beta story")
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    linked = next(p for p in sorted((preview.served / "embed").rglob("*.json")) if "beta" in p.parts)
    address = linked.relative_to(preview.served).as_posix()
    witness = site.root.parent / "another-site.json"  # another name of the cache's file
    witness.unlink(missing_ok=True)
    os.link(linked, witness)
    cached = witness.read_bytes()

    (site.root / "stories" / "beta.md").unlink()
    site.write(f"docs/{address}", '{"hand": "written"}')
    preview.rebuild()

    assert (preview.served / address).read_bytes() == b'{"hand": "written"}'
    assert witness.read_bytes() == cached, "MkDocs wrote the hand-written file into the cache"
