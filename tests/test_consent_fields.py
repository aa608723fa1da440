"""Every field that shows a person needs its own scope, whatever the story's type (issue 13, finding 2).

A video, a quote, a name, a photo and a logo each show someone; consenting to a kind of story
(a testimonial) is not consenting to appear on camera in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from storyportal.cli.main import main as cli_main
from storyportal.core.config import load_settings
from storyportal.core.model import Status
from storyportal.core.portal import load_portal
from storyportal.site.images import plan_image, widths_for
from storyportal.site.plan import plan_site

REPO = Path(__file__).resolve().parent.parent
DEMO_DATE = dt.date(2026, 11, 24)
VELO = "stories/velo-freight-dispatch-video.md"
P = "stories/northwind.md"
YT = "https://www.youtube.com/watch?v=abcdefghijk"
NO_VIDEO = ["name", "quote", "logo", "case-study", "testimonial"]


def copy_demo(dest: Path) -> Path:
    for name in ("stories", "assets", "docs", "theme"):
        shutil.copytree(REPO / name, dest / name)
    for name in ("advocates.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, dest / name)
    return dest / "mkdocs.yml"


def retyped_demo(dest: Path) -> Path:
    """The demo, with its withheld video story turned into a testimonial with a quote."""
    config = copy_demo(dest)
    story = dest / VELO
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("type: video\n", "type: testimonial\nquote: We see every delivery.\n", 1),
                     encoding="utf-8")
    return config


def test_attack_demo_video_retyped_as_testimonial_is_still_withheld(tmp_path):
    settings, _ = load_settings(retyped_demo(tmp_path))
    portal = load_portal(settings, DEMO_DATE)
    assert [i.format() for i in portal.issues_for(VELO)] == [
        f"{VELO}:16:3: warning: ana-souza has not agreed to appear on video, so this story is withheld "
        "(remove the video, or ask the program owner for the video scope) [consent-video-missing]"]
    assert portal.status[VELO] is Status.WITHHELD
    assert "velo-freight-dispatch-video" not in plan_site(portal).stories


@pytest.mark.slow
def test_attack_demo_video_retyped_as_testimonial_is_not_in_the_built_site(tmp_path):
    config = retyped_demo(tmp_path / "demo")
    out = tmp_path / "site"
    with contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["build", "-f", str(config), "-d", str(out), "--build-date", DEMO_DATE.isoformat()])
    text = "".join(p.read_text("utf-8", "ignore") for p in out.rglob("*") if p.is_file())
    assert (code, "v8Hc3Np_Ue1" in text, "inside Velo Freight's dispatch room" in text) == (0, False, False)


@pytest.mark.parametrize("kind", ["testimonial", "case-study"])
def test_a_video_in_any_story_type_needs_the_video_scope(site, kind):
    site.advocate(scopes=NO_VIDEO)
    site.story(type=kind, quote="We love it.", video={"url": YT})
    portal = site.load()
    assert ([(i.line, i.col, i.rule) for i in portal.issues], portal.status[P]) == (
        [(10, 3, "consent-video-missing")], Status.WITHHELD)


def test_every_advocate_named_needs_the_video_scope(site):
    site.advocate("jane-doe")
    site.advocate("bob", scopes=NO_VIDEO)
    site.story(type="testimonial", advocates=["jane-doe", "bob"], quote="We love it.", video={"url": YT})
    assert site.issues() == [
        f"{P}:11:3: warning: bob has not agreed to appear on video, so this story is withheld "
        "(remove the video, or ask the program owner for the video scope) [consent-video-missing]"]


def test_a_video_with_the_video_scope_is_published(site):
    site.advocate(scopes=NO_VIDEO + ["video"])
    site.story(type="testimonial", quote="We love it.", video={"url": YT})
    assert (site.issues(), site.load().status[P]) == ([], Status.PUBLISHED)


IMAGES = {"photo": "assets/people/jane.png", "logo": "assets/logos/acme.png"}
IMAGE_SCOPE_CASES = [
    ("photo-without-name-scope", "photo", ["quote", "logo", "testimonial"], False),
    ("photo-with-name-scope", "photo", ["name", "quote", "logo", "testimonial"], True),
    ("logo-without-logo-scope", "logo", ["name", "quote", "testimonial"], False),
    ("logo-with-logo-scope", "logo", ["name", "quote", "logo", "testimonial"], True),
]


@pytest.mark.parametrize("kind, scopes, published", [c[1:] for c in IMAGE_SCOPE_CASES],
                         ids=[c[0] for c in IMAGE_SCOPE_CASES])
def test_a_registry_image_is_published_only_with_its_scope(site, kind, scopes, published):
    for rel in IMAGES.values():
        site.image(rel, size=(400, 400))
    site.company("acme", logo=IMAGES["logo"])
    site.advocate(scopes=scopes, photo=IMAGES["photo"])
    site.story(type="testimonial", quote="We love it.")
    out = site.build()
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    files = {r.output for r in plan_image(site.root, IMAGES[kind], widths_for(kind), kind).renditions}
    assert (files & written) == (files if published else set())
