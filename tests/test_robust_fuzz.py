"""Property test: whatever body is written, rendering answers quickly with a page or a located problem.

Bodies are runs of the characters and constructs Python-Markdown treats specially, the shape
of every input that broke it (a line of '- ', a run of '[', unclosed tags). Bounded for CI;
run longer with ``STORYPORTAL_FUZZ_EXAMPLES=5000``.
"""

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyportal.core.body import render_body, render_story_body
from storyportal.core.budget import body_problem

EXAMPLES = int(os.environ.get("STORYPORTAL_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TOKENS = ["[", "]", "(", ")", "](", "![", "<", ">", "<div ", "<img ", "<b>", "</b>", "<!--", "-->", "*", "_", "**",
          "`", "```\n", "&", "&amp;", "\\", "#", "## x\n", "- ", "> ", "1. ", "    ", "\t", "|", "|---|\n", "---\n",
          "=\n", "[^1]", "[^1]: ", "http://", "<http://", "a", " ", "\n", "\n\n", "é", "\u200b"]
LIMIT_SECONDS = 3.0  # the largest bodies drawn are about 60 KB; a quadratic case takes minutes


@st.composite
def hostile_body(draw) -> str:
    runs = draw(st.lists(st.tuples(st.sampled_from(TOKENS), st.integers(1, 3000)), min_size=1, max_size=8))
    return "".join(token * count for token, count in runs)[:60_000]


@FUZZ
@given(hostile_body())
def test_any_body_renders_or_is_refused_quickly_and_never_raises(count, text):
    count("hostile-body")
    render_story_body.cache_clear()
    render_body.cache_clear()
    start = time.perf_counter()
    rendered, problem = render_story_body(text, "stories", "fuzz")
    elapsed = time.perf_counter() - start
    assert (rendered is None) != (problem is None)
    assert problem is None or problem == body_problem(text) or problem.rule == "body-render-failed"
    assert elapsed < LIMIT_SECONDS, f"{elapsed:.2f} s for {text[:60]!r}..."
