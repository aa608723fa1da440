"""The MkDocs plugin: its hooks run last where they must, and what it tells the person building."""

import json
import logging
import re

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from sitebuilder import BUILD_DATE
from storyportal import __version__
from storyportal.adapter.csp import inline_script_hashes
from storyportal.site import cards

# A hook that rewrites every page after the plugins at default priority, as Material's privacy
# plugin does: Material's inline script keeps its shape, with another base URL in it.
REWRITE_HOOK = '''
import re

def on_post_page(output, page, config):
    return re.sub(r'__md_scope=new URL\\("[^"]*"', '__md_scope=new URL("/rewritten/"', output)
'''


def policy_hashes(page: str) -> list[str]:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    return sorted(re.findall(r"'sha256-[^']*'", policy))


def test_the_csp_allows_the_page_as_a_later_plugin_rewrote_it(site):
    site.write("rewrite.py", REWRITE_HOOK)
    site.mkdocs["hooks"] = ["rewrite.py"]
    site.story("northwind")
    page = (site.build() / "stories" / "northwind" / "index.html").read_text()
    assert '__md_scope=new URL("/rewritten/"' in page
    assert policy_hashes(page) == inline_script_hashes(page)


def test_the_build_leaves_a_marker_saying_what_the_plugin_built(site):
    site.advocate("jane-doe")
    site.advocate("sam-lee", name="Sam Lee", consent={"scopes": ["case-study"], "granted": BUILD_DATE,
                                                      "revoked": True})
    site.story("northwind")
    site.story("southwind", title="Southwind story", advocates=["sam-lee"])
    marker = json.loads((site.build() / ".storyportal-build.json").read_text())
    assert marker == {"audience": "public", "build_date": "2026-06-01", "published": 1,
                      "storyportal": __version__, "withheld": 1}


def test_the_build_says_what_was_withheld_and_where_the_site_is(site):
    site.advocate("jane-doe")
    site.advocate("sam-lee", name="Sam Lee", consent={"scopes": ["case-study"], "granted": BUILD_DATE,
                                                      "revoked": True})
    site.story("northwind")
    site.story("southwind", title="Southwind story", advocates=["sam-lee"])
    code, out, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert (code, out) == (0, "")
    assert err == (
        "storyportal: stories/southwind.md:5:3: warning: sam-lee has withdrawn consent, so this story is withheld "
        "(remove the advocate from the story, or unpublish it) [consent-revoked]\n"
        "storyportal: 2 stories: 1 published, 1 withheld, 0 with errors, 0 drafts, 0 scheduled "
        "(judged on 2026-06-01)\n"
        f"storyportal: built {site.root / 'site'}\n"
    )


def test_mkdocs_build_does_not_list_the_story_pages_left_out_of_the_nav(site, monkeypatch, caplog):
    monkeypatch.setenv("STORYPORTAL_BUILD_DATE", BUILD_DATE.isoformat())
    site.story("northwind")
    site.flush()
    caplog.set_level(logging.INFO, logger="mkdocs")
    build(load_config(config_file=str(site.root / "mkdocs.yml"), site_dir=str(site.root / "out")))
    assert "Documentation built" in caplog.text  # MkDocs' own information is still heard
    assert "not included in the \"nav\"" not in caplog.text


@pytest.fixture
def no_fonts(monkeypatch):
    """A system without any TrueType font (as in test_cards.py)."""
    monkeypatch.setattr(cards, "FONT_SEARCH_PATHS", {"regular": ("/nonexistent/a.ttf",),
                                                    "bold": ("/nonexistent/b.ttf",)})
    for cached in (cards.font_chain, cards._font, cards._font_key):
        cached.cache_clear()
    yield
    for cached in (cards.font_chain, cards._font, cards._font_key):
        cached.cache_clear()


def test_missing_card_fonts_are_a_warning_of_the_build(site, no_fonts):
    site.story("northwind")
    site.story("southwind", title="Southwind story")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    warnings = [line for line in err.splitlines() if line.startswith("WARNING")]
    assert code == 0
    assert warnings == ["WARNING -  storyportal: social cards: no TrueType font found in /nonexistent/a.ttf; "
                        "cards use Pillow's ASCII-only font; install the Debian packages "
                        "fonts-dejavu-core fonts-droid-fallback"]
