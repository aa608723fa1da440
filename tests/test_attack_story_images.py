"""A story shows only its own images (issue 13, finding 8).

Registry logos and photos are shown by the registry, each behind its consent scope; a story
that names ``../assets/logos/<company>.png`` would publish a logo without the ``logo`` scope.
"""

from __future__ import annotations

import pytest

from storyportal.core.model import Status

FLAT = "stories/northwind.md"
NESTED = "stories/northwind/index.md"
NO_LOGO_NO_NAME = ["quote", "case-study", "testimonial"]


def located(portal) -> list[tuple]:
    return [(i.path, i.line, i.col, i.rule) for i in portal.issues]


def test_attack_hero_image_pointing_at_a_registry_logo_is_refused(site):
    site.image("assets/logos/acme.png")
    site.advocate(scopes=NO_LOGO_NO_NAME)
    site.story("northwind", image="../assets/logos/acme.png")
    portal = site.load()
    assert [i.format() for i in portal.issues] == [
        f"{FLAT}:8:8: error: '../assets/logos/acme.png' is not one of this story's own images; a story may show "
        "only images kept beside the story file, in stories/ (copy the image there; company logos and people's "
        "photos come from advocates.yaml, with their consent) [path-outside-story]"]
    assert portal.status[FLAT] is Status.INVALID


def test_attack_body_image_pointing_at_a_registry_photo_is_refused(site):
    site.image("assets/people/jane.png")
    site.advocate(scopes=NO_LOGO_NO_NAME)
    site.story("northwind", body="## Challenge\n\nx\n\n## Solution\n\n![Jane](../assets/people/jane.png)\n\n"
                                 "## Results\n\nz\n")
    assert located(site.load()) == [(FLAT, 15, 1, "path-outside-story")]


OTHER_FOLDER_CASES = [
    ("nested-into-another-story", True, "../southwind/hero.png", [(NESTED, 8, 8, "path-outside-story")]),
    ("flat-into-a-story-folder", False, "southwind/hero.png", [(FLAT, 8, 8, "path-outside-story")]),
    ("nested-own-subfolder", True, "pictures/hero.png", []),
    ("nested-own-folder", True, "./hero.png", []),
    ("flat-beside-the-file", False, "hero.png", []),
]


@pytest.mark.parametrize("nested, ref, expected", [c[1:] for c in OTHER_FOLDER_CASES],
                         ids=[c[0] for c in OTHER_FOLDER_CASES])
def test_a_story_image_stays_in_the_story_folder(site, nested, ref, expected):
    own = ("stories/northwind/hero.png", "stories/northwind/pictures/hero.png") if nested else ()
    for rel in ("stories/southwind/hero.png", "stories/hero.png", *own):
        site.image(rel)
    site.story("southwind", folder=True, title="Southwind")
    site.story("northwind", folder=nested, image=ref)
    assert located(site.load()) == expected


def test_a_missing_image_outside_the_folder_names_the_folder_rule(site):
    site.story("northwind", image="../assets/logos/nothing.png")
    assert located(site.load()) == [(FLAT, 8, 8, "path-outside-story")]


BODY_FORMS = [
    ("raw-img-tag", 'Text.\n\n<img src="../../assets/logos/acme.png" alt="">\n', 12),
    ("reference-style", "Text.\n\n![logo][l]\n\n[l]: ../../assets/logos/acme.png\n", 14),
    ("dot-segments", "Text.\n\n![logo](./../../assets/logos/acme.png)\n", 12),
]


@pytest.mark.parametrize("body, line", [c[1:] for c in BODY_FORMS], ids=[c[0] for c in BODY_FORMS])
def test_attack_every_body_image_form_is_confined(site, body, line):
    site.image("assets/logos/acme.png")
    site.advocate(scopes=NO_LOGO_NO_NAME)
    site.story("northwind", folder=True, type="testimonial", quote="Fine.", body=body)
    assert [(i.line, i.rule) for i in site.load().issues] == [(line, "path-outside-story")]
