"""A story shows a person only as far as their current consent allows: any story, not only theirs.

Sam's story may not name Jane when Jane has no 'name' scope, or withdrew or let lapse her
consent: validate reports it (story-name-unconsented), and the leak guard looks for her full
name in the public site (review 3, finding 2). Two advocates with the same name, one of whom
may be named: the story of the one who may be named names them; any other story is an error
(nobody can tell who is meant); the leak guard passes the name (the named one's pages show it).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitebuilder import ALL_SCOPES, BUILD_DATE
from storyportal.core.config import load_settings
from storyportal.core.portal import PortalLoader
from storyportal.core.privacy import NAME_FIELD
from storyportal.site.leakguard import scan_output

UNNAMED = [scope for scope in ALL_SCOPES if scope != "name"]
BODY = "## Challenge\n\nSam met {name} of Acme.\n\n## Solution\n\nx.\n\n## Results\n\ny.\n"


def name_issues(site) -> list[str]:
    return [line for line in site.issues() if "[story-name-unconsented]" in line]


def sams_story_names(site, name: str = "Jane Doe") -> None:
    site.story("globex", advocates=["sam-lee"], body=BODY.format(name=name))


def test_another_story_may_not_name_an_advocate_without_the_name_scope(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sams_story_names(sam)
    [issue] = name_issues(sam)
    assert issue.startswith("stories/globex.md:") and "Jane Doe" in issue


@pytest.mark.parametrize("consent", [{"revoked": True}, {"expires": dt.date(2026, 2, 1)},
                                     {"granted": BUILD_DATE + dt.timedelta(days=1)}],
                         ids=["revoked", "expired", "not-yet-granted"])
def test_another_story_may_not_name_an_advocate_whose_consent_does_not_hold(sam, consent):
    jane = sam.advocate("jane-doe")
    jane["consent"].update(consent)
    sams_story_names(sam)
    assert len(name_issues(sam)) == 1


def test_the_story_naming_them_is_not_published(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sams_story_names(sam)
    assert not (sam.build() / "stories" / "globex").exists()


def test_another_story_may_name_an_advocate_who_agreed_to_be_named(sam):
    sam.advocate("jane-doe")
    sams_story_names(sam)
    assert name_issues(sam) == []


def test_a_name_inside_a_longer_word_is_not_the_name(sam):
    sam.advocate("jane-doe", scopes=UNNAMED, name="Ann Lee")
    sams_story_names(sam, "Ann Leeway")
    assert name_issues(sam) == []


def test_a_story_names_its_own_advocate_who_shares_the_name_of_one_who_may_not_be_named(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.advocate("jane-doe-2", company="globex", name="Jane Doe")
    sam.story("globex", advocates=["jane-doe-2"], body=BODY.format(name="Jane Doe"))
    assert name_issues(sam) == []


def test_a_third_story_may_not_use_a_name_two_advocates_share_when_one_may_not_be_named(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.advocate("jane-doe-2", company="globex", name="Jane Doe")
    sams_story_names(sam)
    assert len(name_issues(sam)) == 1


def test_the_public_build_guards_the_name_of_an_advocate_who_may_not_be_named(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.story("globex", advocates=["sam-lee"])
    assert sam.load().registry.guarded_names(BUILD_DATE) == [("jane-doe", NAME_FIELD, "Jane Doe")]


def test_a_shared_name_one_advocate_may_show_is_not_guarded(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.advocate("jane-doe-2", company="globex", name="Jane Doe")
    sam.story("globex", advocates=["sam-lee"])
    assert sam.load().registry.guarded_names(BUILD_DATE) == []


def test_the_leak_guard_finds_a_guarded_name_as_a_whole_word(tmp_path):
    (tmp_path / "page.html").write_text("<p>Sam met <b>JANE</b> doe.</p><p>Janet Doerr</p>", encoding="utf-8")
    leaks = scan_output(tmp_path, [("jane-doe", NAME_FIELD, "Jane Doe")])
    assert [(leak.file, leak.what) for leak in leaks] == [
        ("page.html", "the name of jane-doe, who has not agreed to be named")
    ]


def test_the_leak_guard_does_not_take_an_advocate_id_for_their_name(tmp_path):
    (tmp_path / "page.html").write_text('<a data-advocate="jane-doe">a customer at Acme</a>', encoding="utf-8")
    assert scan_output(tmp_path, [("jane-doe", NAME_FIELD, "Jane Doe")]) == []


def test_a_build_where_no_page_names_them_passes_the_leak_guard(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sam.story("acme", advocates=["jane-doe"])
    sam.story("globex", advocates=["sam-lee"])
    assert (sam.build() / "stories" / "acme" / "index.html").is_file()


def test_a_warm_load_reports_the_name_once_that_advocates_consent_is_withdrawn(sam):
    sam.advocate("jane-doe")
    sams_story_names(sam)
    sam.flush()
    settings, _ = load_settings(sam.root / "mkdocs.yml")
    loader = PortalLoader(settings)
    assert [i for i in loader.load(BUILD_DATE).issues if i.rule == "story-name-unconsented"] == []
    sam.advocates["jane-doe"]["consent"]["revoked"] = True
    sam.flush()
    assert [i.path for i in loader.load(BUILD_DATE).issues if i.rule == "story-name-unconsented"] == [
        "stories/globex.md"
    ]


def broken_jane(site) -> None:
    """Jane's entry has an error (a misspelt scope): it is left out, and her consent with it."""
    site.advocate("jane-doe")["consent"]["scopes"] = ["nmae"]


def test_another_story_may_not_name_an_advocate_whose_registry_entry_has_errors(sam):
    broken_jane(sam)
    sams_story_names(sam)
    [issue] = name_issues(sam)
    assert "Jane Doe" in issue and "has errors" in issue


def test_the_public_build_guards_the_name_of_an_advocate_whose_registry_entry_has_errors(sam):
    broken_jane(sam)
    sam.story("globex", advocates=["sam-lee"])
    assert sam.load().registry.guarded_names(BUILD_DATE) == [("jane-doe", NAME_FIELD, "Jane Doe")]


def test_a_broken_entrys_name_given_in_parts_is_guarded(sam):
    broken_jane(sam)
    sam.advocates["jane-doe"]["name"] = ["Jane", "Doe"]
    sam.story("globex", advocates=["sam-lee"])
    assert ("jane-doe", NAME_FIELD, "Jane Doe") in sam.load().registry.guarded_names(BUILD_DATE)


@pytest.mark.parametrize("name", ["TBD", "Customer", "\u200b"], ids=["placeholder", "one-word", "invisible"])
def test_a_broken_entrys_name_of_one_word_or_none_stops_no_build(sam, name):
    broken_jane(sam)
    sam.advocates["jane-doe"]["name"] = name
    sam.story("globex", advocates=["sam-lee"])
    assert (sam.build() / "stories" / "globex" / "index.html").is_file()


def test_a_hand_written_page_may_name_nobody_while_the_registry_cannot_be_read(sam):
    sam.advocate("jane-doe")
    sam.story("globex", advocates=["sam-lee"])
    sam.write("docs/about.md", "# About\n\nThanks to Jane Doe.\n")
    sam.flush()
    text = (sam.root / "advocates.yaml").read_text(encoding="utf-8")
    sam.registry(text + "notes: an unknown key makes the whole registry unreadable\n")
    _, out, _ = sam.cli("validate")
    assert any("[docs-private-value]" in line and "Jane Doe" in line for line in out.splitlines())


@pytest.mark.parametrize("written", [
    "title: &n Jane Doe\n    name: *n",  # an alias: the parse refuses it and keeps no name
    "<<: {name: Jane Doe}",  # a merge key: likewise
    "name: J. Doe\n    name: Jane Doe",  # a duplicate key: the parse keeps the first
], ids=["alias", "merge-key", "duplicate-key"])
def test_a_name_the_parse_did_not_keep_is_guarded(sam, written):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sams_story_names(sam)
    sam.flush()
    text = (sam.root / "advocates.yaml").read_text(encoding="utf-8")
    sam.registry(text.replace("  jane-doe:\n    name: Jane Doe\n    title: VP Customer Experience",
                              "  jane-doe:\n    " + written))
    assert any("Jane Doe" in line for line in name_issues(sam))


def test_the_name_in_a_second_entry_under_the_same_id_is_guarded(sam):
    sam.advocate("jane-doe", name="Someone Else")
    sams_story_names(sam)
    sam.flush()
    text = (sam.root / "advocates.yaml").read_text(encoding="utf-8")
    sam.registry(text + "  jane-doe:\n    name: Jane Doe\n    company: acme\n")
    assert any("Jane Doe" in line for line in name_issues(sam))


@pytest.mark.parametrize("written", ["Jane Doe <jane@acme.example>", "Jane Doe -- " + "see the notes " * 12],
                         ids=["field-private", "too-long"])
def test_a_name_refused_for_what_follows_it_is_guarded_as_stories_write_it(sam, written):
    sam.advocate("jane-doe", name=written)
    sams_story_names(sam)
    assert any("Jane Doe" in line for line in name_issues(sam))


def test_a_name_spelt_with_letters_of_another_script_that_look_latin_is_the_name(sam):
    sam.advocate("jane-doe", scopes=UNNAMED)
    sams_story_names(sam, "J\u0430ne D\u043ee")  # a Cyrillic а and о
    [issue] = name_issues(sam)
    assert issue.startswith("stories/globex.md:")


def test_the_leak_guard_reads_letters_of_another_script_as_the_latin_they_look_like(tmp_path):
    (tmp_path / "page.html").write_text("<p>Sam met J\u0430ne D\u043ee.</p>", encoding="utf-8")
    assert len(scan_output(tmp_path, [("jane-doe", NAME_FIELD, "Jane Doe")])) == 1


def test_a_value_written_in_such_a_script_still_finds_itself(tmp_path):
    (tmp_path / "page.html").write_text("<p>Москва</p>", encoding="utf-8")
    assert len(scan_output(tmp_path, [("jane-doe", NAME_FIELD, "Москва")])) == 1
