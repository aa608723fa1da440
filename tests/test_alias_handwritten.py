"""A story's alias never takes the address of a hand-written page in docs/: the alias is the error."""

import pytest

from sitebuilder import BUILD_DATE


@pytest.mark.parametrize("doc, alias", [("docs/about.md", "/about/"), ("docs/legal/privacy.md", "/legal/privacy/"),
                                        ("docs/legal/index.md", "/legal/")])
def test_an_alias_on_a_hand_written_page_is_reported(site, doc, alias):
    site.story("acme", aliases=[alias])
    site.write(doc, "# Legal page\n\nOur legal text.\n")
    assert (f"stories/acme.md:9:3: error: The old address {alias} cannot redirect to this story: it is the address "
            f"of the hand-written page {doc} (give the address the story really had before, like /stories/old-name/, "
            "or remove it) [story-alias-reserved]") in site.issues()


def test_the_hand_written_page_is_published_not_the_redirect(site):
    site.story("acme", aliases=["/legal/privacy/"])
    site.story("globex")
    site.write("docs/legal/privacy.md", "# Privacy\n\nOur legal text.\n")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 0, err
    assert "Our legal text." in (site.root / "site" / "legal" / "privacy" / "index.html").read_text()
    assert "docs-replaces-page" not in err
