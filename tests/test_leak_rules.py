"""story-private-value: validate finds a private registry value in a story's source, where it is.

The same normaliser as the leak guard, so what the guard would stop in the built site is
reported on the pull request, at its line, and the deploy build withholds that one story
instead of failing the whole night's build (what validates builds).
"""

from __future__ import annotations

from sitebuilder import BUILD_DATE

P = "stories/northwind.md"
HINT = "(remove it from the story; private details stay in advocates.yaml) [story-private-value]"


def found(field: str, line: int, col: int, advocate: str = "jane-doe") -> str:
    return (f"{P}:{line}:{col}: error: This is a private detail of an advocate ({advocate}.{field} in the registry), "
            f"which is never published {HINT}")


def body(results: str) -> str:
    return f"## Challenge\n\nBefore.\n\n## Solution\n\nWhat we did.\n\n## Results\n\n{results}\n"


def test_a_note_in_bold_and_hard_wrapped_in_the_body_is_found_at_its_line(site):
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind", body=body("Reach her by\nmail: she prefers **email**, not\nbefore 10am."))
    assert site.issues() == [found("notes", 20, 11)]


def test_a_phone_number_in_a_national_format_is_found_where_it_starts(site):
    site.advocate("jane-doe", private={"phone": "+1 312 555 0187"})
    site.story("northwind", body=body("Questions? Call (312) 555-0187."))
    assert site.issues() == [found("phone", 19, 17)]


def test_an_e_mail_in_the_front_matter_is_found_at_its_value(site):
    site.advocate("jane-doe", private={"email": "jane@northwind.example"})
    site.story("northwind", summary="Write to JANE@Northwind.example for the details.")
    assert site.issues() == [found("email", 6, 10)]


def test_a_value_of_an_advocate_whose_entry_has_errors_is_still_found(site):
    site.advocate("jane-doe")
    site.advocate("raj-patel", name="Raj Patel", consent={"scopes": ["bogus"], "granted": "2026-01-10"},
                  private={"notes": "Allergic to conference calls"})
    site.story("northwind", body=body("Raj is allergic to conference calls."))
    assert site.issues()[-1:] == [found("notes", 19, 8, "raj-patel")]  # after the registry's own errors


def test_a_value_hidden_from_markdown_is_found_at_the_start_of_the_body(site):
    """An HTML entity in the body: the source never shows the value, the page does."""
    site.advocate("jane-doe", private={"notes": "Prefers email"})
    site.story("northwind", body=body("She &#80;refers email."))
    assert site.issues() == [found("notes", 19, 5)]


def test_validate_fails_and_the_deploy_build_withholds_only_that_story(site):
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind", body=body("She prefers email,\nnot before 10am."))
    site.story("southwind", title="Southwind story")
    code, out, _ = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    assert (code, out) == (1, found("notes", 19, 5) + "\n")
    built = site.build()
    assert sorted(p.name for p in (built / "stories").iterdir() if p.is_dir()) == ["southwind"]


def test_a_short_or_unrelated_value_is_not_reported(site):
    site.advocate("jane-doe", private={"nps": 10, "active": True, "notes": "Prefers email"})
    site.story("northwind", body=body("Ten out of 10, and true: she prefers e-mail."))
    assert site.issues() == []
