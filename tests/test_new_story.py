"""``storyportal new``: a story file that fails until its placeholders are filled, then passes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

DATE = "2026-06-01"  # the site fixture's build date (not imported: tests/browser has a conftest too)

# What a writer types over each placeholder.
FILLED = {
    'title: ""': 'title: "How Acme onboards in days"',
    'summary: ""': 'summary: "Acme onboards customers in days, not weeks."',
    'quote: ""': 'quote: "We stopped guessing."',
    'url: ""': 'url: "https://www.youtube.com/watch?v=abc123XYZ_0"',
}


def new(site, *args: str) -> tuple[int, str, str]:
    return site.cli("new", *args, "--build-date", DATE)


def fill(path, sections: bool = True) -> None:
    """Type over the placeholders, and write a sentence under each section heading."""
    text = path.read_text(encoding="utf-8")
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    if sections:
        text = re.sub(r"^(## .+)$", r"\1\n\nWhat happened, in the customer's words.", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


EMPTY_SECTIONS = [f"The section '## {name}' is empty (write the story of this part; the questions in <!-- --> "
                  f"are only guidance) [case-study-section-empty]" for name in ("Challenge", "Solution", "Results")]


@pytest.mark.parametrize("kind, placeholders", [
    ("case-study", ["title", "summary"]),
    ("testimonial", ["title", "summary", "quote"]),
    ("video", ["title", "summary", "video > url"]),
])
def test_a_new_story_fails_until_filled_then_passes(site, kind, placeholders):
    site.advocate()
    code, out, err = new(site, kind, "--advocate", "jane-doe")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"Wrote stories/acme-{kind}.md"
    path = site.root / "stories" / f"acme-{kind}.md"

    code, out, _ = site.cli("validate", "--build-date", DATE)
    assert code == 1
    # every problem in one run: a case study's empty sections come with its empty fields
    assert [line.split(": error: ")[1] for line in out.splitlines()] == [
        f"'{name}' is empty (fill it in) [story-required-field]" for name in placeholders
    ] + (EMPTY_SECTIONS if kind == "case-study" else [])

    fill(path)
    assert site.cli("validate", "--build-date", DATE)[:2] == (0, "")
    assert site.load().status[f"stories/acme-{kind}.md"].value == "published"


def test_the_front_matter_comes_from_the_registry_and_the_build_date(site):
    site.company("acme", name="Acme Corp", industry="healthcare", size="1-200", region="apac")
    site.advocate()
    code, out, _ = new(site, "case-study", "--advocate", "jane-doe", "--title", "Acme: 40% faster")
    assert code == 0
    text = (site.root / "stories" / "acme-40-faster.md").read_text()
    for line in ['title: "Acme: 40% faster"', "type: case-study",
                 "advocates: [jane-doe]  # Jane Doe, VP Customer Experience at Acme Corp",
                 f"published: {DATE}", "# industry: healthcare", "# company_size: 1-200", "# region: apac",
                 "products: []  # optional, any of: analytics, journeys"]:
        assert line + "\n" in text
    assert "(title, summary)" not in out and "(summary)" in out


def test_a_case_study_has_the_configured_sections_with_interview_questions(site):
    site.plugin["case_study_sections"] = {"en": ["Challenge", "Solution", "Results"],
                                          "de": ["Herausforderung", "Lösung", "Ergebnisse"]}
    site.advocate()
    assert new(site, "case-study", "--advocate", "jane-doe", "--lang", "de", "--slug", "acme-de")[0] == 0
    path = site.root / "stories" / "acme-de.md"
    body = path.read_text().split("\n---\n", 1)[1]
    assert [line for line in body.splitlines() if line.startswith("## ")] == [
        "## Herausforderung", "## Lösung", "## Ergebnisse"]
    assert "How did the work go before?" in body.split("## Lösung")[0]
    assert "hesitate" in body.split("## Lösung")[1].split("## Ergebnisse")[0]
    assert "How does the work go now?" in body.split("## Ergebnisse")[1]
    fill(path)
    assert site.cli("validate", "--build-date", DATE)[:2] == (0, "")
    story = site.load().stories[0]
    assert story.lang == "de"


def test_several_advocates_are_listed_primary_first(site):
    site.advocate("jane-doe")
    site.advocate("raj-patel", name="Raj Patel")
    assert new(site, "testimonial", "--advocate", "raj-patel", "--advocate", "jane-doe", "--slug", "duo")[0] == 0
    assert "advocates: [raj-patel, jane-doe]  # Raj Patel" in (site.root / "stories" / "duo.md").read_text()


def test_a_long_title_makes_a_slug_cut_at_a_word(site):
    site.advocate()
    title = "How Acme Corp cut the time it takes to onboard a new enterprise customer from six weeks to nine days"
    assert new(site, "case-study", "--advocate", "jane-doe", "--title", title)[0] == 0
    assert [p.name for p in (site.root / "stories").iterdir()] == [
        "how-acme-corp-cut-the-time-it-takes-to-onboard-a-new.md"]


@pytest.mark.parametrize("setup, args, message", [
    pytest.param({}, ["case-study", "--advocate", "jane-do"],
                 "there is no advocate 'jane-do' in advocates.yaml (did you mean 'jane-doe'?)", id="unknown-advocate"),
    pytest.param({"scopes": ["name", "case-study"]}, ["video", "--advocate", "jane-doe"],
                 "jane-doe has not agreed to appear in a video (their consent covers: case-study, name)",
                 id="scope-missing"),
    pytest.param({"consent": {"scopes": ["case-study"], "granted": dt.date(2025, 1, 1), "expires": dt.date(2026, 5, 31)}},
                 ["case-study", "--advocate", "jane-doe"],
                 "jane-doe's consent expired on 2026-05-31, so the story could not be published "
                 "(ask the program owner to renew it in advocates.yaml)", id="expired"),
    pytest.param({"consent": {"scopes": ["case-study"], "granted": dt.date(2025, 1, 1), "revoked": True}},
                 ["case-study", "--advocate", "jane-doe"],
                 "jane-doe has withdrawn consent, so no story about them can be published", id="revoked"),
    pytest.param({"scopes": ["name", "testimonial"]}, ["testimonial", "--advocate", "jane-doe"],
                 "jane-doe has not agreed to be quoted, and a testimonial is a quote "
                 "(ask the program owner for the quote scope in advocates.yaml)", id="testimonial-without-quote"),
    pytest.param({}, ["case-study", "--advocate", "jane-doe", "--slug", "Acme Story"],
                 "'Acme Story' cannot be a file name and web address: use lowercase letters a-z, digits and '-', "
                 "like 'acme-story'", id="bad-slug"),
])
def test_refusals_are_one_line_and_write_nothing(site, setup, args, message):
    site.advocate(**setup)
    code, out, err = new(site, *args)
    assert (code, out, err) == (1, "", f"storyportal: error: {message}\n")
    assert list((site.root / "stories").iterdir()) == []


@pytest.mark.parametrize("folder", [False, True])
def test_an_existing_story_is_never_overwritten(site, folder):
    path = site.story("acme-case-study", folder=folder)
    before = path.read_bytes()
    code, out, err = new(site, "case-study", "--advocate", "jane-doe")
    shown = "stories/acme-case-study" + ("" if folder else ".md")
    assert (code, out) == (1, "")
    assert err == (f"storyportal: error: {shown} already exists; choose another name with --slug "
                   "(an existing story is never overwritten)\n")
    assert path.read_bytes() == before


def test_an_advocate_with_registry_errors_is_refused(site):
    site.advocate(company="nowhere")
    site.companies.pop("nowhere")
    code, _, err = new(site, "case-study", "--advocate", "jane-doe")
    assert code == 1
    assert err == ("storyportal: error: the advocate 'jane-doe' has errors in advocates.yaml; "
                   "run storyportal validate and fix them first\n")


def test_the_next_steps_are_printed(site):
    site.advocate()
    code, out, _ = new(site, "video", "--advocate", "jane-doe")
    assert out == (
        "Wrote stories/acme-video.md\n"
        "Next steps:\n"
        "  1. Fill in every value marked TODO (title, summary, video url); the story is refused until you do.\n"
        "  2. Add the body text if you like; <!-- --> comments are never published.\n"
        "  3. Check it: storyportal validate\n"
        "  4. Commit it on a new branch and open a pull request (see CONTRIBUTING.md).\n"
    )


def contributing_templates() -> dict[str, str]:
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    found = {}
    for heading in ("Case study", "Testimonial", "Video"):
        section = text.split(f"### {heading}\n", 1)[1]
        found[heading] = section.split("```markdown\n", 1)[1].split("\n```\n", 1)[0] + "\n"
    return found


@pytest.mark.parametrize("heading", ["Case study", "Testimonial", "Video"])
def test_the_templates_in_contributing_fail_empty_and_pass_filled(site, heading):
    site.advocate("priya-raman")
    path = site.story("from-the-guide", text=contributing_templates()[heading])
    code, out, _ = site.cli("validate", "--build-date", "2026-11-24")
    assert code == 1 and "is empty" in out and "from-the-guide" in out
    fill(path)
    assert site.cli("validate", "--build-date", "2026-11-24")[:2] == (0, "")


def test_a_new_case_study_with_only_its_front_matter_filled_still_fails_on_empty_sections(site):
    site.advocate()
    assert new(site, "case-study", "--advocate", "jane-doe")[0] == 0
    fill(site.root / "stories" / "acme-case-study.md", sections=False)
    code, out, _ = site.cli("validate", "--build-date", DATE)
    assert code == 1
    assert [line.split(": error: ")[1] for line in out.splitlines()] == EMPTY_SECTIONS


# -- what `new` could not write, or that could never pass ----------------------------------------------


@pytest.mark.parametrize("args, rule", [
    pytest.param(["--title", "Index"], "story-slug-reserved", id="a-title-that-makes-the-reserved-slug"),
    pytest.param(["--title", "x", "--slug", "index"], "story-slug-reserved", id="the-reserved-slug"),
    pytest.param(["--title", "x", "--slug", "a" * 300], "story-slug-too-long", id="a-300-letter-slug"),
    pytest.param(["--title", "x", "--slug", "a" * 101], "story-slug-too-long", id="a-slug-over-the-limit"),
    pytest.param(["--title", "\u202eevil title"], "yaml-invisible-character", id="a-bidi-control-in-the-title"),
    pytest.param(["--title", "Acme\u200bgrows"], "yaml-invisible-character", id="a-zero-width-space-in-the-title"),
    pytest.param(["--title", "x" * 121], "story-too-long", id="a-title-over-its-limit"),
])
def test_new_refuses_what_validate_would_always_refuse_and_writes_nothing(site, args, rule):
    site.advocate()
    code, out, err = new(site, "testimonial", "--advocate", "jane-doe", *args)
    assert (code, out, f"[{rule}]" in err, err.splitlines()[-1].startswith("storyportal: error: ")) == (
        1, "", True, True)
    assert list((site.root / "stories").iterdir()) == []


def test_a_reserved_slug_is_refused_with_the_rule_validate_gives_and_what_to_do(site):
    site.advocate()
    code, out, err = new(site, "case-study", "--advocate", "jane-doe", "--title", "x", "--slug", "index")
    assert err == (
        "stories/index.md:1:1: error: The name 'index' would give this story the address /stories/, the list of "
        "every story, which the site needs for its own page (name the file after the story, like "
        "northwind-onboarding.md) [story-slug-reserved]\n"
        "storyportal: error: stories/index.md was not written: storyportal validate would refuse it for the "
        "reason(s) above, whatever you fill in (choose another --title, --slug or --lang)\n")


@pytest.mark.parametrize("option", ["--title", "--slug", "--advocate", "--lang"])
def test_text_the_terminal_did_not_pass_as_utf8_is_refused(site, option):
    # Python keeps an undecodable argument byte (a Latin-1 terminal's 'ä') as a lone surrogate.
    site.advocate()
    args = {"--title": "x", "--advocate": "jane-doe"}
    args[option] = "J\udce4ne"
    code, out, err = new(site, "case-study", *[part for pair in args.items() for part in pair])
    assert (code, err) == (1, f"storyportal: error: {option} holds characters that are not UTF-8 text (set your "
                              "terminal's character encoding to UTF-8, or type the text again)\n")


def test_a_language_code_that_would_change_the_front_matter_is_refused(site):
    site.advocate()
    code, out, err = new(site, "case-study", "--advocate", "jane-doe", "--lang", "en\ndraft: true")
    assert (code, err) == (1, "storyportal: error: 'en\\ndraft: true' is not a language code: use one like en, "
                              "de or fr-CA\n")


def test_a_file_where_the_stories_folder_should_be_is_refused_in_words(site):
    site.advocate()
    site.plugin["stories_dir"] = "notes.txt"
    site.write("notes.txt", "not a folder")
    code, out, err = new(site, "case-study", "--advocate", "jane-doe", "--title", "Acme grows")
    assert (code, err) == (1, "storyportal: error: notes.txt is a file, in the way of the stories folder "
                              "'notes.txt': move it away, or set stories_dir in mkdocs.yml to the folder of the "
                              "stories\n")


def test_a_file_in_the_way_higher_up_is_named(site):
    site.advocate()
    site.plugin["stories_dir"] = "notes.txt/stories"
    site.write("notes.txt", "not a folder")
    code, out, err = new(site, "case-study", "--advocate", "jane-doe", "--title", "Acme grows")
    assert (code, err) == (1, "storyportal: error: notes.txt is a file, in the way of the stories folder "
                              "'notes.txt/stories': move it away, or set stories_dir in mkdocs.yml to the folder "
                              "of the stories\n")


def test_every_reason_an_unreadable_registry_gives_is_printed(site):
    site.advocate()
    site.flush()
    path = site.root / "advocates.yaml"
    path.write_bytes(path.read_bytes().replace(b"Jane Doe", b"J\xe4ne Doe"))
    site.flush = lambda: None  # keep the file as broken
    code, out, err = new(site, "case-study", "--advocate", "jane-doe")
    assert (code, err) == (1, "advocates.yaml:9:1: error: The file is not UTF-8 text (save it as UTF-8) "
                              "[file-encoding]\nstoryportal: error: the advocate registry advocates.yaml cannot be "
                              "read: fix the error(s) above first\n")
