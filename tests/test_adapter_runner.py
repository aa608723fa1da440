"""``storyportal build`` around MkDocs: what it refuses to swap in, and what it leaves as it was."""

import hashlib
import os

import yaml

from sitebuilder import BUILD_DATE, _dump


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(site):
    return site.cli("build", "--build-date", BUILD_DATE.isoformat())


def test_a_private_value_in_the_search_index_fails_the_build(site):
    # A hook (code in mkdocs.yml, past every check of the sources) writes one word of a private note
    # in bold into a hand-written page: the page has "at <strong>risk</strong>", Material's search
    # index the plain text. The guard runs after Material's search plugin wrote its index, and reads it.
    site.extra_plugins = ["search"]
    site.advocate("jane-doe", private={"notes": "Renewal at risk, budget frozen"})
    site.story("northwind")
    site.write("docs/notes.md", "# Notes\n\nNothing yet.\n")
    before = tree(site.build())
    site.write("hooks.py", "def on_page_markdown(markdown, **kwargs):\n"
                           "    return markdown.replace('Nothing yet.', 'Renewal at **risk**, budget frozen.')\n")
    site.mkdocs["hooks"] = ["hooks.py"]
    code, out, err = build(site)
    assert code == 1
    assert "ERROR   -  storyportal: search/search_index.json: private value of jane-doe.notes" in err.splitlines()
    assert err.splitlines()[-1] == (
        "storyportal: error: the build failed: Leak guard: 2 private value(s) found in the built site; "
        "nothing may be published; the previous site/ is unchanged")
    assert tree(site.root / "site") == before


WRITES_LAST = '''
from pathlib import Path

from mkdocs.plugins import event_priority

@event_priority(-200)
def on_post_build(config):
    Path(config.site_dir, "late.txt").write_text("Renewal at risk, budget frozen")
'''


def test_what_a_writer_leaves_after_the_plugin_is_guarded_before_the_swap(site):
    site.advocate("jane-doe", private={"notes": "Renewal at risk, budget frozen"})
    site.story("northwind")
    before = tree(site.build())
    site.write("late.py", WRITES_LAST)
    site.mkdocs["hooks"] = ["late.py"]
    code, out, err = build(site)
    assert (code, out) == (1, "")
    assert err.splitlines()[-2:] == [
        "ERROR   -  storyportal: late.txt: private value of jane-doe.notes",
        "storyportal: error: the build failed: Leak guard: 1 private value(s) found in the built site; "
        "nothing may be published; the previous site/ is unchanged",
    ]
    assert tree(site.root / "site") == before


def test_a_site_built_without_the_plugin_is_refused(site, monkeypatch):
    site.story("northwind")
    before = tree(site.build())
    flush = site.flush

    def flush_without_plugin():
        flush()
        config = yaml.safe_load((site.root / "mkdocs.yml").read_text())
        config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "storyportal" in p)]
        (site.root / "mkdocs.yml").write_text(_dump(config))

    monkeypatch.setattr(site, "flush", flush_without_plugin)
    code, out, err = build(site)
    assert (code, out) == (2, "")  # said before MkDocs runs, as validate says it
    assert err == "mkdocs.yml:1:1: error: mkdocs.yml has no 'storyportal' entry under 'plugins' [config-plugin-missing]\n"
    assert tree(site.root / "site") == before
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".site")) == []


SET_BY_A_HOOK = '''
import os

def on_config(config):
    os.environ["STORYPORTAL_TEST_HOOK"] = "set during the build"
'''


def test_the_build_puts_back_only_the_environment_keys_it_set(site, monkeypatch):
    monkeypatch.delenv("STORYPORTAL_AUDIENCE", raising=False)
    monkeypatch.delenv("STORYPORTAL_TEST_HOOK", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    site.write("hook.py", SET_BY_A_HOOK)
    site.mkdocs["hooks"] = ["hook.py"]
    site.story("northwind")
    site.build()
    assert os.environ.get("STORYPORTAL_TEST_HOOK") == "set during the build"
    assert "STORYPORTAL_AUDIENCE" not in os.environ
    assert os.environ["SOURCE_DATE_EPOCH"] == "1780000000"


def test_a_build_after_a_preview_in_the_same_process_is_a_real_build(site):
    from mkdocs.config.defaults import MkDocsConfig

    from storyportal.adapter.plugin import StoryPortalPlugin

    plugins = dict(MkDocsConfig._schema)["plugins"]  # where MkDocs keeps plugin instances between builds
    kept = StoryPortalPlugin()
    kept.on_startup(command="serve", dirty=True)
    plugins.plugin_cache["storyportal"] = kept
    site.story("northwind")
    try:
        out = site.build()
    finally:
        plugins.plugin_cache.clear()
    assert (out / ".storyportal-build.json").is_file()
    assert 'http-equiv="Content-Security-Policy"' in (out / "stories" / "northwind" / "index.html").read_text()
