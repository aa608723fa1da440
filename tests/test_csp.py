"""The Content-Security-Policy allows Material's inline scripts and nothing a story could add."""

import re

from storyportal.adapter.csp import add_csp, inline_script_hashes

PAGE = '<html><head><meta charset="utf-8"><title>x</title></head><body>{}</body></html>'


def policy(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)


def test_every_inline_script_of_a_built_page_is_allowed(site):
    site.story("northwind")
    page = (site.build() / "stories" / "northwind" / "index.html").read_text()
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=)[^>]*>(.*?)</script>", page, re.S)
    assert inline and len(inline_script_hashes(page)) == len(set(inline))


def test_an_unknown_inline_script_is_not_allowed():
    html = add_csp(PAGE.format("<script>window.__xss=1</script>"))
    assert "'sha256-" not in policy(html)


def test_the_policy_comes_right_after_the_charset():
    html = add_csp(PAGE.format(""))
    assert html.startswith('<html><head><meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy"')


def test_frames_only_from_the_site_itself_the_video_players_and_no_plugins():
    rules = dict(part.strip().split(" ", 1) for part in policy(add_csp(PAGE.format(""))).split(";"))
    assert rules["frame-src"] == ("'self' https://www.youtube-nocookie.com https://player.vimeo.com "
                                  "https://fast.wistia.net https://www.loom.com")
    assert rules["object-src"] == "'none'" and rules["base-uri"] == "'self'"
