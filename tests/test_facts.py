"""One home per domain fact: story types, video providers, suggestions, image checks, the registry.

Each table lives in the core; these tests check that what reads it (messages, page data, the
CSP, the facade's data attribute) says the same thing as the table.
"""

from __future__ import annotations

import json
import re

import pytest

from storyportal.adapter.csp import add_csp
from storyportal.core.errors import did_you_mean, did_you_mean_or_allowed
from storyportal.core.imagecheck import resolve_image
from storyportal.core.model import StoryType, or_list
from storyportal.core.paths import PathProblem
from storyportal.core.schema import Scope
from storyportal.core.video import EMBED_ORIGINS, PROVIDER_NAMES, PROVIDERS, parse_video_url
from storyportal.site.plan import plan_site

ORIGINS = "https://www.youtube-nocookie.com https://player.vimeo.com https://fast.wistia.net https://www.loom.com"

# -- story types -------------------------------------------------------------------


def test_a_story_type_reads_as_its_value_in_text():
    assert (f"a {StoryType.CASE_STUDY}", str(StoryType.VIDEO)) == ("a case-study", "video")


def test_story_types_and_their_labels():
    assert [(t.value, t.label) for t in StoryType] == [
        ("case-study", "Case study"), ("testimonial", "Testimonial"), ("video", "Video")]


def test_every_story_type_is_a_consent_scope():
    assert {t.value for t in StoryType} - {s.value for s in Scope} == set()


def test_the_story_record_holds_the_type_enum(site):
    site.story(type="testimonial", quote="We love it.")
    assert site.load().stories[0].type is StoryType.TESTIMONIAL


def test_the_stories_index_labels_types_from_the_core_table(site):
    site.story()
    facets = json.loads(plan_site(site.load()).data_files["stories/facets.json"])["facets"]
    assert facets[0] == {"name": "type", "label": "Story type",
                         "values": [["case-study", "Case study"], ["testimonial", "Testimonial"], ["video", "Video"]]}


def test_the_sales_table_shows_the_type_label(site):
    site.story(type="testimonial", quote="We love it.")
    html = (site.build() / "sales" / "index.html").read_text(encoding="utf-8")
    rows = html.split("<template")[0]  # the template row after the table is the script's blank copy
    assert re.findall(r'<td data-sp-key="type" data-label="Type">([^<]*)</td>', rows) == ["Testimonial"]


# -- video providers ---------------------------------------------------------------


@pytest.mark.parametrize("words, expected", [
    (["case-study", "testimonial", "video"], "case-study, testimonial or video"),
    (["YouTube", "Vimeo"], "YouTube or Vimeo"),
    (["Loom"], "Loom"),
], ids=["three", "two", "one"])
def test_or_list(words, expected):
    assert or_list(words) == expected


def test_provider_names_for_people():
    assert PROVIDER_NAMES == "YouTube, Vimeo, Wistia or Loom"


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=abc123XYZ_0",
    "https://vimeo.com/76979871",
    "https://acme.wistia.com/medias/abcde12345",
    "https://www.loom.com/share/0123456789abcdef0123456789abcdef",
], ids=[p.key for p in PROVIDERS])
def test_every_parsed_player_url_is_on_an_origin_the_csp_allows(url):
    video, _ = parse_video_url(url)
    frame_src = re.search(r"frame-src ([^;]*);", add_csp('<meta charset="utf-8">')).group(1)
    assert re.match(r"https://[^/]+", video.embed_url).group(0) in frame_src.split()


def test_the_csp_frame_src_is_the_table_of_player_origins():
    assert " ".join(EMBED_ORIGINS) == ORIGINS


def test_a_video_page_gives_the_facade_the_player_origins_and_names_the_host(site):
    site.story(type="video", video={"url": "https://vimeo.com/76979871"})
    html = (site.build() / "stories" / "northwind" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-sp-embed-origins="([^"]*)"', html) == [ORIGINS]
    assert re.findall(r">Watch on ([^<]*)</a>", html) == ["Vimeo"]


# -- suggestions -------------------------------------------------------------------


@pytest.mark.parametrize("word, choices, otherwise, expected", [
    ("retial", ["retail", "healthcare"], "check the spelling", "did you mean 'retail'?"),
    ("RETAIL", ["retail", "healthcare"], "", "did you mean 'retail'?"),
    ("zzz", ["retail", "healthcare"], "check the spelling", "check the spelling"),
    ("zzz", [], "", ""),
], ids=["near", "case", "nothing-near", "no-choices"])
def test_did_you_mean(word, choices, otherwise, expected):
    assert did_you_mean(word, choices, otherwise) == expected


@pytest.mark.parametrize("word, expected", [
    ("emae", "did you mean 'emea'?"),
    ("mars", "allowed: emea, apac"),
], ids=["near", "lists-the-values"])
def test_did_you_mean_or_allowed(word, expected):
    assert did_you_mean_or_allowed(word, {"emea": "EMEA", "apac": "APAC"}) == expected


# -- resolve the image path, then check the image ------------------------------------


def test_resolve_image_gives_the_repository_path_of_a_real_image(site):
    site.image("stories/hero.png")
    assert resolve_image(site.root, "stories", "hero.png", site.load().settings.portal) == ("stories/hero.png", None)


@pytest.mark.parametrize("ref, content, expected", [
    ("heor.png", None, PathProblem("path-missing", "'stories/heor.png' does not exist", "did you mean 'hero.png'?")),
    ("notes.png", b"not an image", PathProblem(
        "image-invalid", "'notes.png' is not a readable PNG, JPEG, WebP or GIF image", "export it again as PNG or JPEG")),
    ("https://cdn.example/x.png", None, PathProblem(
        "path-remote", "'https://cdn.example/x.png' is a web address; a file in the repository is expected",
        "add the image to the repository and name its path")),
], ids=["missing", "not-an-image", "remote"])
def test_resolve_image_gives_the_problem(site, ref, content, expected):
    site.image("stories/hero.png")
    if content is not None:
        site.write(f"stories/{ref}", content)
    assert resolve_image(site.root, "stories", ref, site.load().settings.portal) == (None, expected)


# -- the registry ------------------------------------------------------------------


def test_the_portal_says_when_the_registry_is_missing(site):
    site.story()
    site.flush()
    (site.root / "advocates.yaml").unlink()
    site.flush = lambda: None  # keep the registry missing
    assert site.load().registry_missing is True


def test_a_broken_registry_is_not_a_missing_one(site):
    site.registry("companies: [\n")
    site.story()
    portal = site.load()
    assert (portal.registry_missing, [i.rule for i in portal.issues][:1]) == (False, ["yaml-syntax"])


def test_the_sales_commands_refuse_a_missing_registry_in_one_line(site):
    site.story()
    site.flush()
    (site.root / "advocates.yaml").unlink()
    site.flush = lambda: None
    assert site.cli("match", "--industry", "retail") == (
        2, "", "storyportal: error: cannot read the advocate registry advocates.yaml\n")


def test_a_registry_id_with_a_trailing_line_break_is_not_a_slug(site):
    site.registry("""
        companies:
          acme: {name: Acme, industry: retail, size: 201-1000, region: emea}
        advocates:
          "jane-doe\\n":
            name: Jane Doe
            company: acme
            consent: {scopes: [case-study], granted: 2026-01-10}
        """)
    site.story()
    assert [(i.path, i.line, i.col, i.rule) for i in site.load().issues] == [
        ("advocates.yaml", 4, 3, "registry-id-invalid"), ("stories/northwind.md", 5, 3, "story-advocate-unknown")]


def test_the_stories_page_tells_its_script_the_first_view_size(site):
    site.story()
    html = (site.build() / "stories" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-sp-page="([^"]*)"', html) == ["24"]
