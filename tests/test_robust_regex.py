"""Every regular expression in the package, on 100 KB of input built to make it backtrack.

Each pattern is run the way the code runs it (``search`` for a scan, ``match`` for an anchored
check) on inputs made of its own characters; a pattern with nested or overlapping quantifiers
takes seconds to minutes on these, a linear one milliseconds. A pattern added to the package
without an entry here fails ``test_every_pattern_has_adversarial_inputs``.
"""

import importlib
import pkgutil
import re
import time

import pytest

import storyportal

SIZE = 100_000
BUDGET = 1.0  # seconds; the patterns replaced here took 27 s to minutes on these inputs


def fill(unit: str | bytes, prefix=None, suffix=None):
    body = (unit * (SIZE // len(unit) + 1))[:SIZE]
    return (prefix or unit[:0]) + body + (suffix or unit[:0])


# "module.NAME": (how the code applies it, adversarial inputs)
CASES = {
    "adapter.csp._SCRIPT_TAG": ("search", [fill("<script "), fill("<script x"), fill('<a title="<script ')]),
    "adapter.csp._EXTERNAL": ("search", [fill("src"), fill(" type")]),
    "adapter.csp._JINJA": ("search", [fill("\\{\\{ "), fill("\\{")]),  # Material's own templates, not user text
    "cli.new.SLUG": ("match", [fill("a"), fill("a-", suffix="!")]),
    "core.body._IMG": ("search", [fill("<img "), fill('<img "'), fill('<img a="x" '), fill('<img "<img ')]),
    "core.body._SRC": ("search", [fill(' src="'), fill(" src=")]),
    "core.body._MANGLED": ("search", [fill("a")]),
    "core.body._FRAGMENT_LINK": ("search", [fill("<a "), fill('<a "'), fill(' href="#'), fill('<a title="<a ')]),
    "core.body._ID": ("search", [fill("<b "), fill('<b "'), fill('<b title="<b '), fill(' id="'), fill("<b id=")]),
    "core.budget._LIST_MARKER": ("match", [fill("1"), fill("-")]),
    "core.budget._ITEM": ("match", [fill(" ", suffix="x"), fill("1")]),
    "core.budget._DIVIDER": ("match", [fill(" "), fill("-"), fill("- "), fill("* ", suffix="x"), fill("="),
                                       fill("#")]),
    "core.budget._BRACKET": ("search", [fill("a")]),
    "core.budget._PAREN": ("search", [fill("]")]),
    "core.budget._TAG_START": ("search", [fill("<")]),
    "core.errors._DATE_TIME": ("match", [fill(" ", prefix="2024-01-01"), fill("T", prefix="2024-01-01")]),
    "core.frontmatter._FENCE": ("match", [fill(" ", prefix="---", suffix="x"), fill("\t", prefix="...")]),
    "core.issues._UNSEEN": ("search", [fill("a"), fill("\x01")]),
    "core.privacy._ASTRAL": ("search", [fill("a")]),
    "core.privacy._BIDI_CONTROL": ("search", [fill("a"), fill("\u202e"), fill("\u202ea")]),
    "core.privacy._ATTRIBUTE": ("search", [fill('="'), fill('="a'), fill("='"), fill("= "), fill("=a")]),
    "core.privacy._CONTACT_KEY": ("search", [fill("e-"), fill("tel")]),
    "core.privacy._DATE_LIKE": ("match", [fill("1"), fill("1-"), fill("1", prefix="2024-01-")]),
    "core.privacy._FORMAT_ASTRAL": ("search", [fill("a")]),
    "core.privacy._FORMAT_BMP": ("search", [fill("a")]),
    "core.privacy._INLINE_TAG": ("search", [fill("<b "), fill("</b "), fill("<span x")]),
    "core.privacy._JS_ESCAPE": ("search", [fill("\\u"), fill("\\")]),
    "core.storyscan._MARKDOWN_MARKS": ("search", [fill("> "), fill(" >"), fill(">")]),
    "core.privacy._LOOKALIKE": ("search", [fill("a"), fill("\u0430")]),
    "core.privacy._NOT_DIGITS": ("search", [fill("a")]),
    "core.privacy._PERCENT": ("search", [fill("%4"), fill("%40")]),
    "core.privacy._PHONE_VALUE": ("match", [fill("1", suffix="x"), fill("(1) ", suffix="x")]),
    "core.privacy._SURROGATE": ("search", [fill("a")]),
    "core.privacy._TYPOGRAPHIC_CHAR": ("search", [fill("a")]),
    "core.privacy._TAG": ("search", [fill("<a "), fill("<a-"), fill("</a x")]),
    "core.namewords._RUN": ("search", [fill("a"), fill("a_"), fill("é1")]),
    "core.registry._LEADING_NAME": ("match", [fill("a"), fill("a "), fill(" ", prefix="a"), fill("a.-", suffix=" "),
                                              fill("a\t", suffix="!")]),
    "core.rules._ALIAS": ("match", [fill("a/", prefix="/", suffix="!"), fill("/")]),
    "core.schema._ISO_DATE": ("match", [fill("1")]),
    "core.slugs.SLUG": ("match", [fill("a-", suffix="!")]),
    "core.stories._HINT_LINE": ("match", [fill(" ", prefix="type:", suffix="!"), fill("a", prefix="type: ", suffix="!")]),
    "core.yamlsplice._SECTION_LINE": ("match", [fill("a"), fill("a", suffix=":"), fill(" ", prefix="a:", suffix="x"),
                                               fill("#", prefix="a: ")]),
    "core.yamlload._CURLY_VALUE": ("match", [fill(" ", prefix="a: “", suffix="x"), fill("a", suffix=": “"),
                                             fill(" ", prefix="- ", suffix=":")]),
    "core.yamlload._HIDDEN_CHARS": ("search", [fill("a"), fill("é")]),
    "core.yamlload._NO_SPACE": ("match", [fill(" ", prefix="a:b", suffix="x"), fill("a", suffix=":")]),
    "site.handwritten._CODE_SPAN": ("search", [fill("`"), fill("`a")]),
    "site.handwritten._FENCE": ("match", [fill("`")]),
    "site.handwritten._TAG": ("search", [fill("<a"), fill("</a-")]),
    "site.imagecache._LINE": ("match", [fill("a"), fill(" ", prefix="a" * 64 + "  ")]),
    "site.imagecache._NAME": ("match", [fill("0", prefix="img/"), fill("a", prefix="img/0123456789abcdef."),
                                        fill("0", prefix="text/")]),
    "site.bodycache._KEY": ("match", [fill("0"), fill("a", suffix="!")]),
    "site.parsecache._LINE": ("match", [fill("a"), fill(" ", prefix="a" * 64 + " "), fill("0", suffix="!")]),
    "adapter.pagecache._KEY": ("match", [fill("0"), fill("a", suffix="!")]),
    "core.rules._MAY_HAVE_IMAGES": ("search", [fill("<im"), fill("!")]),
    "core.rules._BODY_IMAGE": ("search", [fill("<img "), fill("!["), fill("![a]("), fill("<img src="),
                                          fill("<img src= "), fill("![a]( "), fill('<img x="'), fill("src=")]),
    "core.stories.SLUG": ("match", [fill("a-", suffix="!")]),
    "core.video._WISTIA_ACCOUNT": ("match", [fill("a-"), fill("a", suffix=".wistia.org")]),
    "core.yamlload._PLAIN_INT": ("match", [fill("1", suffix="x"), fill("0")]),
    "core.yamlload._PLAIN_FLOAT": ("match", [fill("1", suffix="x"), fill("1", prefix=".", suffix="e"),
                                             fill("1.", suffix="x")]),
    "core.yamlload._DATE": ("match", [fill("1")]),
    "core.yamlload._BAD_CHARS": ("search", [fill("a")]),
    "core.privacy.EMAIL_DOMAIN": ("search", [fill(b"@a."), fill(b"a.", prefix=b"@"), fill(b"@a.1."),
                                               fill(b"a-.", prefix=b"@")]),
    "core.privacy.EMAIL_LOCAL": ("window", [fill(b"a.@"), fill(b"a.", suffix=b"@")]),  # the 64 bytes before an '@'
    "core.privacy.PHONE": ("search", [fill(b"+1 "), fill(b"+1 (")]),
}


def package_patterns() -> dict[str, re.Pattern]:
    found = {}
    for info in pkgutil.walk_packages(storyportal.__path__, "storyportal."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and not name.startswith("__"):
                found[f"{info.name.removeprefix('storyportal.')}.{name}"] = value
    return found


def test_every_pattern_has_adversarial_inputs():
    assert sorted(package_patterns()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_pattern_is_linear_on_100kb_of_its_own_characters(name):
    pattern = package_patterns()[name]
    how, inputs = CASES[name]
    for text in inputs:
        start = time.perf_counter()
        if how == "search":
            for _ in pattern.finditer(text):
                pass
        elif how == "window":
            for at in re.finditer(b"@", text):
                pattern.search(text, max(0, at.start() - 64), at.start())
        else:
            pattern.match(text)
        elapsed = time.perf_counter() - start
        assert elapsed < BUDGET, f"{name} on {text[:12]!r}... took {elapsed:.2f} s"


# The code that replaced patterns which were not linear, through the functions that use it.

def _timed(call, *args) -> float:
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("line", [
    "##" + " " * SIZE + "x",  # the cubic case of the heading pattern: a 3,000-space line took a minute
    "## " + "#" * SIZE + " x",
    "## x" + " #" * (SIZE // 2),
])
def test_case_study_sections_are_found_in_linear_time(line):
    from storyportal.core.rules import _sections
    assert _timed(_sections, "## Challenge\n\nx\n\n" + line + "\n") < BUDGET


@pytest.mark.parametrize("page", [fill("<script "), fill('<a title="<script '), fill("<script>"),
                                  fill("<script>x</script")])
def test_the_csp_finds_inline_scripts_in_linear_time(page):
    from storyportal.adapter.csp import inline_scripts
    assert _timed(inline_scripts, page + "</body>") < BUDGET


def test_a_story_with_a_heading_of_3000_spaces_validates_at_once(site):
    """The issue's reproduction: 4.5 KB of story, 39-64 s to validate before."""
    site.story(body="## Challenge\n\nBefore.\n\n##" + " " * 3000 + "x\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    start = time.perf_counter()
    issues = site.issues()
    assert (issues, time.perf_counter() - start < 5 * BUDGET) == ([], True)
