"""Notes between <!-- and --> are never published, wherever they stand (issue 13, finding 10).

An indented comment became a code block and an unclosed <!-- became text, while the validator
took both for hidden. Now both read the body through core.body.hide_comments.
"""

from __future__ import annotations

import pytest

from storyportal.core.body import hide_comments, render_body
from storyportal.core.model import Status

P = "stories/northwind.md"
SECRET = "SECRET-INTERVIEW-NOTE"

HIDDEN_CASES = [
    ("indented-4-spaces", f"Intro.\n\n    <!-- {SECRET} -->\n\nOutro.\n"),
    ("indented-tab", f"Intro.\n\n\t<!-- {SECRET} -->\n\nOutro.\n"),
    ("indented-multiline", f"Intro.\n\n    <!--\n    {SECRET}\n    -->\n\nOutro.\n"),
    ("in-a-list-item", f"- one\n\n        <!-- {SECRET} -->\n- two\n"),
    ("inside-a-fence", f"```\n<!-- {SECRET} -->\n```\n"),
    ("inside-a-code-span", f"Use `<!-- {SECRET} -->` here.\n"),
    ("in-a-paragraph", f"Before <!-- {SECRET} --> after.\n"),
    ("unclosed", f"Intro.\n\n<!-- {SECRET}\n\nOutro.\n"),
]


@pytest.mark.parametrize("body", [c[1] for c in HIDDEN_CASES], ids=[c[0] for c in HIDDEN_CASES])
def test_attack_a_comment_is_never_rendered(body):
    html = render_body(body, "stories", "northwind").html
    assert SECRET not in html and "&lt;!--" not in html


def test_hiding_keeps_the_line_breaks():
    assert hide_comments("a\n<!-- x\ny -->b\n<!-- open\nz\n") == ("a\n\nb\n\n\n", 16)


def test_attack_indented_comment_is_not_in_the_built_site(site):
    site.story("northwind", type="testimonial", quote="Fine.", body=f"Intro.\n\n    <!-- {SECRET} -->\n")
    out = site.build()
    assert SECRET not in "".join(p.read_text("utf-8", "ignore") for p in out.rglob("*") if p.is_file())


def test_attack_an_unclosed_comment_is_a_located_error(site):
    site.story("northwind", type="testimonial", quote="Fine.", body="Intro.\n\nMore <!-- note\n\nOutro.\n")
    portal = site.load()
    assert [i.format() for i in portal.issues] == [
        f"{P}:12:6: error: A comment opened with <!-- is never closed with -->, so everything after it would be "
        "hidden (close the note with --> where it ends) [story-unclosed-comment]"]
    assert portal.status[P] is Status.INVALID


def test_a_section_holding_only_an_indented_comment_is_empty(site):
    site.story("northwind", body="## Challenge\n\nBefore.\n\n## Solution\n\n    <!-- questions -->\n\n"
                                 "## Results\n\nAfter.\n")
    assert [(i.line, i.rule) for i in site.load().issues] == [(13, "case-study-section-empty")]


def test_a_heading_inside_a_comment_is_not_a_section(site):
    site.story("northwind", body="## Challenge\n\nBefore.\n\n## Solution\n\nDone.\n\n<!--\n## Results\n\nAfter.\n-->\n")
    assert [(i.line, i.rule) for i in site.load().issues] == [(9, "case-study-section-missing")]


def test_an_image_named_only_in_a_comment_is_not_checked(site):
    site.story("northwind", type="testimonial", quote="Fine.", body="Text.\n\n<!-- ![old](missing.png) -->\n")
    assert site.issues() == []
