from sitebuilder import BUILD_DATE


def test_a_valid_story_has_no_issues(site):
    site.story()
    assert site.issues() == []


def test_unknown_advocate_is_located_on_its_list_item(site):
    site.advocate("jane-doe")
    site.story(text="---\ntitle: T\ntype: testimonial\nadvocates: [jane-doe, jane-do]\nsummary: S\npublished: 2026-01-01\nquote: Q\n---\nBody\n")
    assert site.issues() == [
        "stories/northwind.md:4:23: error: There is no advocate 'jane-do' in advocates.yaml "
        "(did you mean 'jane-doe'? (ids must match exactly, character for character)) [story-advocate-unknown]"
    ]


def test_validate_command_exits_1_on_errors(site):
    site.story(title=True)
    code, out, err = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "[story-field-type]" in out
