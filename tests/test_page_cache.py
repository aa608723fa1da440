"""The page cache (adapter/pagecache.py): a story page stored in one build is reused in the next
only if nothing it is made from changed. For each kind of input, a build that finds the cache
filled by the build before the change gives every file byte for byte as a build without any
cache; a cache filled in another process (another PYTHONHASHSEED) is hit; a withheld story's
stored page is never published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuilder import _THEME, BUILD_DATE, CASE_STUDY_BODY
from storyportal.adapter import pagecache
from storyportal.site.imagecache import default_location
from storyportal.site.leakguard import written_files
from storyportal.site.plan import SitePlan

SECRET = "Allergic to conference calls"
STORY_PAGES = ("alpha", "beta", "gamma")
GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def tree(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in written_files(str(folder))}


def portal(site) -> None:
    """Three stories that show each other as related, one with a hero, advocates with private values."""
    site.company("acme", name="Acme Corp", industry="retail")
    site.company("globex", name="Globex", industry="retail", size="1-200")
    site.advocate("jane-doe", company="acme")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    site.advocate("ann-kay", company="globex", name="Ann Kay")
    site.advocates["ann-kay"]["consent"]["expires"] = dt.date(2026, 7, 1)
    site.story("alpha", title="Alpha story", products=["analytics"], body=CASE_STUDY_BODY + "\nAlpha text.\n")
    site.story("beta", title="Beta story", products=["analytics"], advocates=["sam-lee"])
    site.story("gamma", title="Gamma story", products=["analytics"], advocates=["ann-kay"], folder=True,
               image="hero.png")  # fmt: skip
    site.image("stories/gamma/hero.png", size=(640, 360))
    theme = site.root / "theme-copy"  # a custom_dir of the portal's own, which a test may edit
    shutil.copytree(_THEME, theme)
    site.theme["custom_dir"] = str(theme)


def page_cache_line(err: str) -> tuple[int, int]:
    found = re.search(r"page cache: (\d+) of (\d+) story pages as stored", err)
    assert found, err
    return int(found.group(1)), int(found.group(2))


def caches(site) -> Path:
    """Cache homes beside the portal: one inside it would be refused (config-cache-unsafe)."""
    return site.root.parent / f"{site.root.name}-caches"


# `storyportal build` with the page cache's debug line shown ("page cache: N of M story pages as stored")
VERBOSE_BUILD = (
    "import logging, sys; from storyportal.cli.main import main; "
    "logging.getLogger('mkdocs.plugins.storyportal.adapter.plugin').setLevel(logging.DEBUG); sys.exit(main(sys.argv[1:]))"
)


def build_verbose(site, cache_home: Path, today: dt.date = BUILD_DATE, seed: str = "0") -> str:
    """``storyportal build`` in a process of its own (its own PYTHONHASHSEED, no plugin instance kept
    from an earlier build) with its cache folder under ``cache_home``: its log."""
    site.flush()
    env = dict(os.environ, PYTHONPATH=str(GENERATOR), PYTHONHASHSEED=seed, XDG_CACHE_HOME=str(cache_home))
    command = [sys.executable, "-c", VERBOSE_BUILD, "build", "--build-date", today.isoformat()]
    done = subprocess.run(command, cwd=site.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stderr


def warm_and_cold(site, today: dt.date = BUILD_DATE) -> tuple[dict, dict, tuple[int, int]]:
    """The site built with the cache the earlier builds filled, and built without any cache."""
    builds = len(list(caches(site).glob("no-cache-*")))
    # each build in another hash order
    err = build_verbose(site, caches(site) / "cache-home", today, seed=str(builds + 1))
    warm = tree(site.root / "site")
    build_verbose(site, caches(site) / f"no-cache-{builds}", today, seed=str(builds + 100))
    return warm, tree(site.root / "site"), page_cache_line(err)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def messages(site) -> None:
    site.plugin["messages_dir"] = "messages"
    site.write("messages/en.yaml", "story.about: Facts on {company}\n")


EDITS = {
    "body": lambda s: edit(s.root / "stories/alpha.md", "Alpha text.", "Alpha text, edited."),
    "title": lambda s: edit(s.root / "stories/alpha.md", "Alpha story", "Alpha story, retold"),
    "facet": lambda s: edit(s.root / "stories/beta.md", "- analytics", "- payments"),
    "taxonomy label": lambda s: s.plugin.update(
        taxonomy={
            **s.plugin["taxonomy"],
            "industry": {**s.plugin["taxonomy"]["industry"], "retail": "Retail & e-commerce"},
        }
    ),
    "consent revoked": lambda s: s.advocates["jane-doe"]["consent"].update(revoked=True),
    "private value in a body": lambda s: s.advocates["sam-lee"].update(private={"notes": "Alpha text"}),
    "related story changed by another story": lambda s: edit(s.root / "stories/beta.md", "Beta story", "Beta, anew"),
    "hero image": lambda s: s.image("stories/gamma/hero.png", size=(640, 360), color=(10, 200, 10)),
    "theme override file": lambda s: edit(
        s.root / "theme-copy/sp_story.html", '<div class="sp-body">', '<div class="sp-body" data-edited>'
    ),
    "mkdocs.yml option": lambda s: s.mkdocs.update(copyright="Copyright Acme"),
    "mkdocs.yml extra": lambda s: s.mkdocs.update(extra={"generator": False}),
    "interface string": messages,
    "site_url": lambda s: s.mkdocs.update(site_url="https://elsewhere.test/"),
}


@pytest.mark.slow  # four builds per kind of change (two of them in processes of their own)
@pytest.mark.parametrize("name", list(EDITS))
def test_after_each_kind_of_change_a_warm_build_equals_a_build_without_cache(site, name):
    portal(site)
    warm, cold, _ = warm_and_cold(site)  # fills the cache
    assert warm == cold
    before = cold
    EDITS[name](site)
    warm, cold, (reused, pages) = warm_and_cold(site)
    changed = [
        rel for rel in cold if rel.startswith("stories/") and rel.endswith(".html") and before.get(rel) != cold[rel]
    ]
    assert changed, "the change shows on no story page: it tests nothing"
    assert reused < pages or pages < len(STORY_PAGES)
    assert warm == cold


@pytest.mark.slow
def test_a_consent_that_lapses_with_the_build_date_withdraws_the_stored_page(site):
    portal(site)
    warm_and_cold(site)
    assert "stories/gamma/index.html" in warm_and_cold(site)[0]
    warm, cold, _ = warm_and_cold(site, today=dt.date(2026, 7, 2))  # ann-kay's consent expired
    assert "stories/gamma/index.html" not in warm
    assert warm == cold


@pytest.mark.slow
def test_a_later_build_date_alone_gives_the_same_site_as_a_build_without_cache(site):
    portal(site)
    warm_and_cold(site)
    warm, cold, _ = warm_and_cold(site, today=dt.date(2026, 6, 20))
    assert warm == cold


def test_a_revoked_story_is_not_published_from_the_cache(site):
    portal(site)
    warm_and_cold(site)
    site.advocates["jane-doe"]["consent"]["revoked"] = True
    warm, _, (reused, pages) = warm_and_cold(site)
    assert not [rel for rel in warm if rel.startswith("stories/alpha/")]
    assert pages == 2


def test_an_unchanged_portal_takes_every_story_page_from_the_cache(site):
    portal(site)
    warm_and_cold(site)
    warm, cold, (reused, pages) = warm_and_cold(site)
    assert (reused, pages) == (3, 3)
    assert warm == cold


def test_a_cache_filled_by_another_process_is_hit(site, monkeypatch):
    portal(site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(caches(site) / "cache-home"))
    site.build()  # in this process
    assert page_cache_line(build_verbose(site, caches(site) / "cache-home", seed="12345")) == (3, 3)
    warm = tree(site.root / "site")
    build_verbose(site, caches(site) / "no-cache", seed="54321")
    assert warm == tree(site.root / "site")


def test_a_stored_page_is_read_by_the_leak_guard_like_any_other(site, monkeypatch):
    portal(site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(caches(site) / "cache-home"))
    site.build()
    folder = default_location(site.root, {"XDG_CACHE_HOME": str(caches(site) / "cache-home")}) / pagecache.PAGES
    for stored in folder.iterdir():  # as if the cache held a page with a private value in it, digest and all
        html = stored.read_bytes().partition(b"\n")[2].replace(b"Alpha text.", b"jane@acme.example")
        stored.write_bytes(hashlib.sha256(html).hexdigest().encode() + b"\n" + html)
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code != 0 and "Leak guard" in err


def test_every_field_of_the_plan_is_digested_or_named_as_not_read_by_story_pages():
    fields = {f.name for f in dataclasses.fields(SitePlan)}
    digested = {name for name, _ in pagecache.plan_outline(SitePlan(*(None,) * 6))}
    assert digested | pagecache.NOT_READ_BY_STORY_PAGES == fields


def test_the_digest_of_a_set_does_not_depend_on_its_order():
    assert pagecache.canonical(frozenset({"a", "b", "c"})) == pagecache.canonical(frozenset(["c", "b", "a"]))


def test_a_mapping_is_digested_in_its_order():
    assert pagecache.canonical({"a": 1, "b": 2}) != pagecache.canonical({"b": 2, "a": 1})


def test_a_value_it_cannot_digest_turns_the_cache_off():
    with pytest.raises(pagecache.Uncacheable):
        pagecache.canonical(object())


def test_a_function_named_in_mkdocs_yml_is_digested_by_its_name_and_module_source():
    assert pagecache.canonical(os.path.join) == pagecache.canonical(os.path.join)
    assert pagecache.canonical(os.path.join) != pagecache.canonical(os.path.split)


def test_a_hook_that_handles_pages_turns_the_cache_off(site):
    portal(site)
    site.page_languages({"stories/alpha.md": "en"})  # a hooks.py with on_page_markdown
    log = build_verbose(site, caches(site) / "cache-home")
    assert "page cache: off, since other plugins handle pages" in log
    assert "page cache:" not in log.replace("page cache: off", "")


def test_a_link_in_place_of_the_pages_folder_is_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{'0' * 64}.html").write_text("<p>planted</p>")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / pagecache.PAGES).symlink_to(elsewhere)
    cache = pagecache.PageCache(tmp_path / "cache")
    assert cache.get("0" * 64) is None
    cache.put("1" * 64, "<p>ours</p>")
    assert not (elsewhere / f"{'1' * 64}.html").exists()


def test_a_link_or_a_pipe_in_place_of_a_stored_page_is_not_a_stored_page(tmp_path):
    cache = pagecache.PageCache(tmp_path)
    cache.put("1" * 64, "<p>ours</p>")
    (tmp_path / pagecache.PAGES / f"{'2' * 64}.html").symlink_to(tmp_path / pagecache.PAGES / f"{'1' * 64}.html")
    os.mkfifo(tmp_path / pagecache.PAGES / f"{'3' * 64}.html")  # reading it would never end
    assert [cache.holds(key * 64) for key in "123"] == [True, False, False]


@pytest.mark.slow
def test_with_materials_search_plugin_pages_are_still_kept_and_the_index_is_the_same(site):
    portal(site)
    site.extra_plugins = ["search"]  # it reads every page for its index, and changes none
    warm_and_cold(site)
    warm, cold, found = warm_and_cold(site)
    assert found == (3, 3)
    assert "search/search_index.json" in warm
    assert warm == cold


# Damages every stored page after the plugin looked them up (on_env) and before any page is
# rendered: the theme's own templates (404.html, sitemap.xml) are rendered in between.
DAMAGE_HOOK = """
import os
from pathlib import Path

def on_pre_template(template, template_name, config):
    if template_name == "404.html":
        for stored in Path(os.environ["SP_TEST_PAGES"]).iterdir():
            stored.write_bytes(stored.read_bytes()[:-10])  # the digest line stays: the rest no longer matches it
    return template
"""


def stored_pages(site) -> Path:
    return default_location(site.root, {"XDG_CACHE_HOME": str(caches(site) / "cache-home")}) / pagecache.PAGES


def damage(folder: Path) -> None:
    for stored in folder.iterdir():
        data = bytearray(stored.read_bytes())
        data[-2] ^= 1
        stored.write_bytes(bytes(data))


def test_a_damaged_stored_page_is_made_again_as_without_cache_and_stored_again(site):
    portal(site)
    warm_and_cold(site)
    damage(stored_pages(site))
    warm, cold, (reused, pages) = warm_and_cold(site)
    assert warm == cold
    assert (reused, pages) == (3, 3)  # found on disk: only reading them shows the damage
    assert [pagecache.PageCache(stored_pages(site).parent).get(p.stem) is not None
            for p in stored_pages(site).iterdir()] == [True] * 3


def test_a_page_damaged_after_it_was_looked_up_is_made_as_usual(site, monkeypatch):
    portal(site)
    site.write("hooks.py", DAMAGE_HOOK)  # in the build that stores the pages too: a hook is part of their key
    site.mkdocs["hooks"] = ["hooks.py"]
    monkeypatch.setenv("SP_TEST_PAGES", str(stored_pages(site)))
    stored_pages(site).mkdir(parents=True)
    warm_and_cold(site)
    warm, cold, (reused, pages) = warm_and_cold(site)
    assert (reused, pages) == (3, 3)  # looked up intact, damaged before they were read
    assert warm == cold
