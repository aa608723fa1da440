"""Validation and rendering take time linear in the size of a hostile body.

Each family of adversarial body is measured at two sizes, ten times apart: the larger may take
at most 15 times as long (linear, with room for cache effects; quadratic work would take 100
times). Sizes and runs are interleaved and the fastest of five is kept, so that a busy machine
slows both sides alike; a ratio over the limit is measured again (three rounds at most, the
fastest of all kept), since a burst of load on one side once gave 17x for linear work, while
quadratic work stays near 100x however often it is measured. Bodies the renderer accepts are rendered in full; bodies it refuses are
measured through the checks that refuse them, at larger sizes so that the times are not noise.
"""

import gc
import time

import pytest

from sitebuilder import CASE_STUDY_BODY
from storyportal.core.body import render_body, render_story_body

pytestmark = pytest.mark.slow
RATIO = 15


def repeat(unit: str):
    return lambda size: (unit * (size // len(unit) + 1))[:size]


ACCEPTED = {  # rendered in full at both sizes
    "busy-paragraphs": repeat("[Link](https://example.com/a_b) and **bold** and `code` &amp; <b>x</b>. " * 8 + "\n\n"),
    "nested-lists": repeat("".join("    " * i + "- item\n" for i in range(16)) + "\n"),
    "tables": repeat("| a | b |\n|---|---|\n" + "| [x](y.html) *z* | `c` <b>d</b> &amp; |\n" * 20 + "\n"),
    "stray-brackets": repeat("Text [with [a few [stray brackets and a [link](x.html) here.\n\n"),
    "many-sections": repeat("## Part\n\n" + "Words with *emphasis* and a [link](a.html). " * 16 + "\n\n"),
}
REFUSED = {  # refused at both sizes: the time is the checks'
    "one-line-of-brackets": repeat("["),
    "unclosed-img-tags": repeat("<img "),
    "unclosed-tags-in-paragraphs": repeat("<div \n\n"),
    "list-markers-on-one-line": repeat("- "),
    "headings-without-text": repeat("## x\n"),
    "unclosed-link-addresses": repeat("[a]("),
    "nested-list-lines": repeat("".join("    " * i + "- x\n" for i in range(15))),
}
SIZES = {**dict.fromkeys(ACCEPTED, (15_000, 150_000)), **dict.fromkeys(REFUSED, (500_000, 5_000_000))}
BODIES = {**ACCEPTED, **REFUSED}


def ratio_of_fastest(measure, small: str, large: str) -> tuple[float, float, float]:
    """The larger body's time over the smaller's, measured again while it is over the limit."""
    fast, slow = fastest_of_five(measure, small, large)
    for _ in range(2):
        if slow / fast <= RATIO:
            break
        again = fastest_of_five(measure, small, large)
        fast, slow = min(fast, again[0]), min(slow, again[1])
    return slow / fast, fast, slow


def fastest_of_five(measure, small: str, large: str) -> tuple[float, float]:
    times = {small: [], large: []}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(5):
            for text in (small, large):
                render_story_body.cache_clear()
                render_body.cache_clear()
                start = time.perf_counter()
                measure(text)
                times[text].append(time.perf_counter() - start)
    finally:
        if enabled:
            gc.enable()
    return min(times[small]), min(times[large])


@pytest.mark.parametrize("family", sorted(BODIES))
def test_rendering_is_linear_in_the_size_of_a_hostile_body(family):
    small, large = (BODIES[family](size) for size in SIZES[family])
    expected = family in REFUSED
    assert (render_story_body(large, "stories", "x")[1] is not None) is expected
    ratio, fast, slow = ratio_of_fastest(lambda text: render_story_body(text, "stories", "x"), small, large)
    assert ratio <= RATIO, f"{family}: {fast:.4f} s, then {slow:.4f} s for 10x the text"


@pytest.mark.parametrize("family", sorted(BODIES))
def test_validation_is_linear_in_the_size_of_a_hostile_body(site, family):
    small, large = (CASE_STUDY_BODY + "\n" + BODIES[family](size) for size in SIZES[family])
    site.plugin["max_story_bytes"] = 10_000_000
    site.story(body=large)
    assert bool(site.issues()) is (family in REFUSED)

    def validate(body: str) -> None:
        site.story(body=body)
        site.load()

    ratio, fast, slow = ratio_of_fastest(validate, small, large)
    assert ratio <= RATIO, f"{family}: {fast:.4f} s, then {slow:.4f} s for 10x the text"
