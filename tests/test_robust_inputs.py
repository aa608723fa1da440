"""Inputs that used to validate clean (or crash validate) and then abort every build.

Each is now a located error from validation, and never a traceback; what validates, builds.
"""

import sys

import pytest

from sitebuilder import CASE_STUDY_BODY
from storyportal.core import budget
from storyportal.core.body import render_body, render_story_body
from storyportal.core.rules import _heading

BODY_LINE = 21  # the line after CASE_STUDY_BODY and its blank line, in the builder's default story
DEEP = ("stories/northwind.md:21:1: error: This line puts lists or quotes more than 20 levels inside each other "
        "(use fewer levels of '-', '>' or indentation) [body-too-deep]")
COMPLEX = ("stories/northwind.md:{line}:1: error: The text has more unmatched brackets, formatting characters "
           "([ ] ( ) < > * _ ` & ! \\) or nested list lines than the page builder can handle; most are in the "
           "paragraph starting here (split long paragraphs and lists with empty lines, and remove stray characters "
           "pasted by mistake) [body-too-complex]")
CHAINED = ("stories/northwind.md:21:1: error: The text has more than 50 footnote or link definitions ('[^1]:', "
           "'[name]:') in the middle of a line; the page builder reads each one inside the one before (start each "
           "definition on its own line) [body-too-complex]")
HEADINGS = ("stories/northwind.md:{line}:1: error: The text has more than 500 headings and dividing lines "
            "(#, ---, ===) (split it into several stories, or remove the extra lines) [body-too-complex]")


@pytest.mark.parametrize("extra, expected", [
    pytest.param("- " * 1000 + "x\n", DEEP, id="a-line-of-1000-list-markers"),
    pytest.param("> " * 200 + "x\n", DEEP, id="quotes-200-deep"),
    pytest.param("".join("    " * i + "- x\n" for i in range(30)), DEEP.replace(":21:", ":41:"), id="indented-lists-30-deep"),
    pytest.param("1. " * 50 + "x\n", DEEP, id="numbered-lists-50-deep"),
    pytest.param("[" * 20000 + "\n", COMPLEX.format(line=21), id="20000-brackets"),
    pytest.param("[a](" * 5000 + "\n", COMPLEX.format(line=21), id="5000-unclosed-link-addresses"),
    pytest.param("<img " * 20000 + "\n", COMPLEX.format(line=21), id="20000-unclosed-img-tags"),
    pytest.param("<div \n\n" * 3000, COMPLEX.format(line=21), id="3000-unclosed-tags-in-paragraphs"),
    pytest.param("x\n" + "- [a\n" * 20000, COMPLEX.format(line=21), id="a-paragraph-of-dash-lines-with-brackets"),
    pytest.param("## Aside\n" * 600, HEADINGS.format(line=518), id="600-headings"),
    pytest.param("***\n" * 600, HEADINGS.format(line=518), id="600-dividers"),
    pytest.param("".join("    " * (i % 15) + "- x\n" for i in range(4000)), COMPLEX.format(line=21),
                 id="a-long-list-of-nested-lines"),
    pytest.param("[a" * 700 + "|---|\n|---|\n" + "http://" * 1300 + "\n", COMPLEX.format(line=21),
                 id="table-rows-that-are-no-table-are-one-paragraph"),  # found by tests/test_robust_fuzz.py
    pytest.param("x " + "[^1]: " * 2400 + "\n---\n[^1]: x\n", CHAINED, id="2400-footnote-definitions-on-a-line"),
])
def test_a_body_the_renderer_cannot_handle_is_a_located_error(site, extra, expected):
    site.story(body=CASE_STUDY_BODY + "\n" + extra)
    assert site.issues() == [expected]


@pytest.mark.parametrize("extra", [
    pytest.param("- " * 20 + "x\n", id="lists-20-deep"),
    pytest.param("> " * 20 + "x\n", id="quotes-20-deep"),
    pytest.param("".join("    " * i + "- x\n" for i in range(20)), id="indented-lists-20-deep"),
    pytest.param("## Aside\n\nText.\n\n" * 400, id="400-headings"),
    pytest.param("| a | b |\n|---|---|\n" + "| [x](y.html) *z* | `c` <b>d</b> &amp; |\n" * 300, id="a-300-row-table"),
    pytest.param("".join(f"- Item {i} with a [link](x.html) and *emphasis*\n" for i in range(3000)), id="a-3000-item-list"),
    pytest.param(("[Link](https://example.com/a_b) and **bold** and `code`. " * 20 + "\n\n") * 150, id="150-busy-paragraphs"),
    pytest.param("    " + "[" * 300 + "\n", id="brackets-in-a-code-block"),
    pytest.param("Text[^1] and more[^2].\n\n" + "".join(f"[^{i}]: Note {i}.\n" for i in range(1, 300)),
                 id="300-footnotes"),
])
def test_a_large_but_reasonable_body_is_accepted(site, extra):
    site.story(body=CASE_STUDY_BODY + "\n" + extra)
    site.plugin["max_story_bytes"] = 1_000_000
    assert site.issues() == []


def test_validate_reports_the_line_of_a_deep_list_in_the_cli(site):
    site.story(body=CASE_STUDY_BODY + "\n" + "- " * 1000 + "x\n")
    code, out, err = site.cli("validate")
    assert (code, out) == (1, DEEP + "\n")


@pytest.mark.parametrize("field", ["featured", "quote"])
def test_a_5000_digit_number_is_a_located_error_not_a_crash(site, field):
    site.story(text=site.story_text().replace("published:", f"{field}: {'1' * 5000}\npublished:"))
    code, out, err = site.cli("validate")
    assert (code, out) == (1, "stories/northwind.md:7:" + str(len(field) + 3) + ": error: A number 5,000 characters "
                              "long is not accepted (at most 30) (shorten it, or put it in quotes if it is meant as "
                              "text) [yaml-number-too-long]\n")


def test_a_5000_digit_metric_value_is_a_located_error(site):
    site.story(text=site.story_text().replace("published:", "metrics:\n- value: " + "9" * 5000
                                              + "\n  label: faster\npublished:"))
    assert site.issues() == ["stories/northwind.md:8:10: error: A number 5,000 characters long is not accepted "
                             "(at most 30) (shorten it, or put it in quotes if it is meant as text) "
                             "[yaml-number-too-long]"]


def test_a_5000_digit_number_in_the_registry_is_a_located_error(site):
    site.story()
    site.advocate(reference_calls={"available": True, "max_per_quarter": 10})
    site.flush()
    text = (site.root / "advocates.yaml").read_text().replace("max_per_quarter: 10", "max_per_quarter: " + "7" * 5000)
    site.registry(text)
    assert [i for i in site.issues() if "number" in i] == [
        "advocates.yaml:26:24: error: A number 5,000 characters long is not accepted (at most 30) (shorten it, or "
        "put it in quotes if it is meant as text) [yaml-number-too-long]"]


TALL = ("'tall.png' is 2x20000 pixels; images may be at most 16,383 pixels wide or high, the limit of the WebP copies "
        "the site makes (crop it, or export it at a normal size) [image-too-large]")


def test_a_hero_over_the_webp_limit_is_a_located_error(site):
    site.image("stories/tall.png", size=(2, 20000))
    site.story(image="tall.png")
    assert site.issues() == [f"stories/northwind.md:8:8: error: {TALL}"]


def test_a_body_image_over_the_webp_limit_is_a_located_error(site):
    site.image("stories/tall.png", size=(20000, 2))
    site.story(body=CASE_STUDY_BODY + "\n![Chart](tall.png)\n")
    assert site.issues() == [f"stories/northwind.md:21:1: error: {TALL.replace('2x20000', '20000x2')}"]


def test_an_image_at_the_webp_limit_builds(site):
    site.image("stories/tall.png", size=(2, 16383))
    site.story(image="tall.png")
    assert site.issues() == []
    assert list((site.build() / "img").glob("*.webp"))


EMPHASIS = "*" * 3000 + "x" + "*" * 3000 + "\n"  # nests a thousand elements deep inside the renderer
FAILED = ("error: The text could not be turned into a web page (RecursionError) (simplify the formatting of this "
          "story, and tell the site's developers) [body-render-failed]")


def test_a_body_the_renderer_fails_on_is_a_located_error(site):
    site.story(body=CASE_STUDY_BODY + "\n" + EMPHASIS)
    assert site.issues() == ["stories/northwind.md:9:1: " + FAILED]


def test_a_render_failure_does_not_depend_on_who_renders(site):
    """Validation calls the renderer from a shallow stack, the build from deep in MkDocs: same outcome."""
    def at_depth(frames: int):
        if frames:
            return at_depth(frames - 1)
        render_story_body.cache_clear()
        render_body.cache_clear()
        return render_story_body(CASE_STUDY_BODY + "\n" + EMPHASIS, "stories", "x")[1]

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(3000)
    try:
        shallow, deep = at_depth(0), at_depth(800)
    finally:
        sys.setrecursionlimit(limit)
    assert shallow == deep == budget.BodyProblem(
        1, 1, "body-render-failed", "The text could not be turned into a web page (RecursionError)",
        "simplify the formatting of this story, and tell the site's developers")


def test_validation_renders_each_body_once_for_the_build(site):
    site.story(body=CASE_STUDY_BODY + "\nA *new* story.\n")
    render_story_body.cache_clear()
    site.load()
    after_validate = render_story_body.cache_info()
    from storyportal.site.plan import plan_site
    plan_site(site.load())
    after_plan = render_story_body.cache_info()
    assert (after_validate.misses, after_plan.misses) == (1, 1)


@pytest.mark.parametrize("line, name", [
    ("## Results", "results"),
    ("## Results ##", "results"),
    ("##\tChallenge  ", "challenge"),
    ("## Solution #", "solution"),
    ("##   Mixed Case   ", "mixed case"),
    ("### Results", None),
    ("##Results", None),
    ("# Results", None),
    ("text ## Results", None),
])
def test_case_study_headings_are_read_as_before(line, name):
    assert _heading(line) == name


@pytest.mark.parametrize("fmt, name", [("JPEG", "hero.jpg"), ("PNG", "hero.png"), ("WEBP", "hero.webp")])
def test_a_truncated_image_is_a_located_error_not_a_failed_build(site, fmt, name):
    """verify() reads no JPEG pixel data: half a JPEG validated clean and then aborted every build."""
    from PIL import Image
    path = site.root / "stories" / name
    Image.effect_noise((400, 300), 64).convert("RGB").save(path, fmt)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    site.story(image=name)
    expected = (f"stories/northwind.md:8:8: error: '{name}' is not a readable PNG, JPEG, WebP or GIF image "
                "(export it again as PNG or JPEG) [image-invalid]")
    assert site.issues() == [expected]
    code, out, err = site.cli("build", "--build-date", "2026-06-01")
    assert (code, f"ERROR   -  storyportal: {expected}" in err.splitlines()) == (0, True)


def test_the_site_plan_withholds_a_published_story_whose_body_fails_to_render(site):
    """Validation refuses such a body first; the plan still never lets one stop the build."""
    import dataclasses

    from storyportal.site.plan import plan_site
    site.story("good")
    site.story("northwind")
    portal = site.load()
    broken = [dataclasses.replace(s, body=CASE_STUDY_BODY + "\n" + "- " * 1000 + "x\n") if s.slug == "northwind"
              else s for s in portal.stories]
    plan = plan_site(dataclasses.replace(portal, stories=tuple(broken)))
    assert ([c.slug for c in plan.cards], [i.format() for i in plan.withheld]) == (["good"], [DEEP])
