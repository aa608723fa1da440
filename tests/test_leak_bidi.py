"""Private values shown through bidirectional controls: written backwards, displayed the right way round.

A right-to-left override (U+202E ... U+202C) shows its run reversed: "sllac ecnerefnoc" reads
"conference calls" on the page. A right-to-left embedding or isolate (U+202B, U+2067) keeps each
Latin word as written but shows the words and digit groups right to left. A story body may hold
these controls (Arabic and Hebrew need them), so validate and the leak guard search the text both
as written and as displayed (review 3, finding 3).
"""

from __future__ import annotations

import pytest

from storyportal.core.privacy import as_displayed, normalise
from storyportal.site.leakguard import scan_output

NOTES = "Allergic to conference calls"
RLO, LRO, RLE, RLI, PDF, PDI = "\u202e", "\u202d", "\u202b", "\u2067", "\u202c", "\u2069"
BODY = "## Challenge\n\nShe said: {shown} indeed.\n\n## Solution\n\nx.\n\n## Results\n\ny.\n"


@pytest.mark.parametrize("written, displayed", [
    (f"a {RLO}cba{PDF} d", "a abc d"),
    (f"a {RLO}cba", "a abc"),  # nobody closed it: the paragraph does
    (f"a {RLO}cba{PDI} d", "a abc d"),
    (f"{RLI}0187 555 312{PDI}", "312 555 0187"),
    (f"{RLE}Doe Jane{PDF}", "Jane Doe"),
    (f"{LRO}cba{PDF}", "abc"),
    (f"{RLI}x {RLO}cba{PDF}{PDI}", "abc x"),  # nested: the inner run reversed, then placed
], ids=["override", "unclosed-override", "closed-by-isolate-end", "isolate-digit-groups", "embedding-words",
        "left-to-right-override", "nested"])
def test_the_text_is_put_in_the_order_a_browser_shows_it(written, displayed):
    assert as_displayed(written) == displayed


def test_normalised_text_holds_both_the_written_and_the_displayed_order():
    assert normalise(f"say {RLO}sllac{PDF} now") == "say sllac now | say calls now"


def test_text_without_direction_controls_is_normalised_as_before():
    assert normalise("Say\u200b calls now") == "say calls now"


@pytest.mark.parametrize("shown", [
    f"{RLO}{NOTES[::-1]}{PDF}",
    f"{RLO}{NOTES[::-1]}",
    f"{RLE}{RLO}{NOTES[::-1]}{PDF}{PDF}",
], ids=["override", "unclosed-override", "override-inside-an-embedding"])
def test_validate_finds_a_private_value_written_backwards_inside_an_override(site, shown):
    site.advocate("jane-doe", private={"notes": NOTES})
    site.story("acme", body=BODY.format(shown=shown))
    assert any("[story-private-value]" in issue and "jane-doe.notes" in issue for issue in site.issues())


def test_validate_finds_an_e_mail_address_written_backwards_inside_an_override(site):
    site.story("acme", body=BODY.format(shown=f"{RLO}{'info@shop.example'[::-1]}{PDF}"))
    assert any("[story-contact]" in issue and "info@shop.example" in issue for issue in site.issues())


def test_validate_finds_a_phone_number_whose_groups_an_isolate_shows_right_to_left(site):
    site.advocate("jane-doe", private={"phone": "+1 312 555 0187"})
    site.story("acme", body=BODY.format(shown=f"{RLI}0187 555 312 1+{PDI}"))
    assert any("[story-private-value]" in issue and "jane-doe.phone" in issue for issue in site.issues())


def test_the_leak_guard_finds_a_private_value_written_backwards_inside_an_override(tmp_path):
    (tmp_path / "page.html").write_text(f"<p>She said: &#x202E;{NOTES[::-1]}&#x202C; indeed.</p>", encoding="utf-8")
    leaks = scan_output(tmp_path, [("jane-doe", "notes", NOTES)])
    assert [(leak.file, leak.what) for leak in leaks] == [("page.html", "private value of jane-doe.notes")]
