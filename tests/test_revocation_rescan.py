"""A revocation in the preview scans again only the stories that may show a name that changed.

Who may be named is one list for every story: a revoked consent adds a name to it, a granted one
takes a name out. The preview's loader keeps each story's words as a mask (core.namewords) and
resolves again only a story holding every word of a changed name; what it gives is what a fresh
load gives, for the stories that name the person and for the others.
"""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core import portal as portal_module
from storyportal.core.config import load_settings
from storyportal.core.namewords import NameChanges, words_mask
from storyportal.core.portal import PortalLoader, load_portal
from storyportal.core.privacy import normalise

BODY = "## Challenge\n\nSam met {name} of Acme.\n\n## Solution\n\nx.\n\n## Results\n\ny.\n"


def portal_with_jane(site):
    site.company("globex", name="Globex")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    site.advocate("jane-doe", name="Jane Doe")
    site.story("naming", advocates=["sam-lee"], body=BODY.format(name="Jane Doe"))
    site.story("quiet", advocates=["sam-lee"], body=BODY.format(name="a colleague"))
    site.flush()
    return site


def preview_loader(site) -> PortalLoader:
    settings, _ = load_settings(site.root / "mkdocs.yml")
    loader = PortalLoader(settings, keeps_name_words=True)
    loader.load(BUILD_DATE)
    return loader


def set_jane_revoked(site, revoked: bool) -> None:
    site.advocates["jane-doe"]["consent"]["revoked"] = revoked
    site.flush()


def resolved_sources(monkeypatch) -> list[str]:
    resolved: list[str] = []
    resolve = portal_module.resolve_story

    def counting(file, *args, **kwargs):
        resolved.append(file.ref.source)
        return resolve(file, *args, **kwargs)

    monkeypatch.setattr(portal_module, "resolve_story", counting)
    return resolved


def name_issues(portal) -> list[str]:
    return sorted(i.path for i in portal.issues if i.rule == "story-name-unconsented")


def test_a_revocation_resolves_only_the_stories_that_may_show_the_name(site, monkeypatch):
    loader = preview_loader(portal_with_jane(site))
    set_jane_revoked(site, True)
    resolved = resolved_sources(monkeypatch)
    loader.load(BUILD_DATE)
    assert "stories/naming.md" in resolved and "stories/quiet.md" not in resolved


def test_after_a_revocation_the_preview_finds_what_a_fresh_load_finds(site):
    loader = preview_loader(portal_with_jane(site))
    set_jane_revoked(site, True)
    portal = loader.load(BUILD_DATE)
    fresh = load_portal(loader.settings, BUILD_DATE)
    assert name_issues(portal) == name_issues(fresh) == ["stories/naming.md"]
    assert portal.stories == fresh.stories


def test_consent_given_back_clears_the_story_that_named_them(site):
    loader = preview_loader(portal_with_jane(site))
    set_jane_revoked(site, True)
    loader.load(BUILD_DATE)
    set_jane_revoked(site, False)
    portal = loader.load(BUILD_DATE)
    assert name_issues(portal) == []
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories


def test_a_loader_without_masks_resolves_every_story_after_a_revocation(site, monkeypatch):
    portal_with_jane(site)
    settings, _ = load_settings(site.root / "mkdocs.yml")
    loader = PortalLoader(settings)
    loader.load(BUILD_DATE)
    set_jane_revoked(site, True)
    resolved = resolved_sources(monkeypatch)
    loader.load(BUILD_DATE)
    assert {"stories/naming.md", "stories/quiet.md"} <= set(resolved)


def scanned_with(before: list[str], now: list[str]) -> tuple[NameChanges, tuple]:
    """The changes since a story was scanned with the unnamed ``before``, and that list."""

    def unnamed(names):
        return tuple((f"id-{n}", name, normalise(name)) for n, name in enumerate(names))

    return NameChanges(unnamed(now)), unnamed(before)


def may_have_to_scan(text: str, name: str) -> bool:
    found, before = scanned_with([], [name])
    return not found.same_names(before, words_mask([normalise(text)]))


def test_a_story_without_a_word_of_the_name_keeps_its_scan():
    assert not may_have_to_scan("Sam met Jane Smith of Acme.", "Jane Doe")


def test_a_story_with_every_word_of_the_name_is_scanned_again():
    assert may_have_to_scan("Doe, Jane met Sam.", "Jane Doe")


def test_words_are_compared_as_the_scan_normalises_them():
    assert may_have_to_scan("Sam met JOSÉ   ÑÚÑEZ-Díaz.", "José Ñúñez-Díaz")


def test_a_name_with_an_at_sign_is_never_ruled_out():
    assert may_have_to_scan("nothing like it", "jane@doe")


def test_a_name_without_letters_or_digits_is_never_ruled_out():
    assert may_have_to_scan("nothing like it", "—")


def named_after(site, name: str, text: str, slug: str = "naming") -> PortalLoader:
    """A preview loader of a portal where Sam's story shows ``text`` and an advocate called ``name``
    (id 'other') may be named, for now."""
    site.company("globex", name="Globex")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    site.advocate("other", name=name)
    site.story(slug, advocates=["sam-lee"], body=BODY.format(name=text))
    site.flush()
    return preview_loader(site)


def set_revoked(site, ident: str, revoked: bool) -> None:
    site.advocates[ident]["consent"]["revoked"] = revoked
    site.flush()


def issues_by_message(portal) -> list[tuple[str, str]]:
    return sorted((i.path, i.message) for i in portal.issues if i.rule == "story-name-unconsented")


# Forms the name matcher looks for besides the name as written (review of this shortcut): the slug,
# transliterated, with '-' or '_'; a link's address; a number's grouped form; a phone number's digits.
OTHER_FORMS = [
    ("José Núñez", "jose-nunez"),
    ("Łukasz Nowak", "lukasz_nowak"),
    ("Иван Петров", "[his page](https://x.example/ivan-petrov)"),
    ("Jan\u0308e Doe", "jane-doe"),
    ("555 0187 1234", "5550187-1234"),
    ("12345", "12,345"),
]


@pytest.mark.parametrize(("name", "text"), OTHER_FORMS, ids=[n for n, _ in OTHER_FORMS])
def test_a_revocation_finds_every_form_of_the_name_as_a_fresh_load_does(site, name, text):
    loader = named_after(site, name, text)
    set_revoked(site, "other", True)
    found = issues_by_message(loader.load(BUILD_DATE))
    assert found == issues_by_message(load_portal(loader.settings, BUILD_DATE)) and found


def test_consent_given_back_clears_a_form_of_the_name(site):
    loader = named_after(site, "José Núñez", "jose-nunez")
    set_revoked(site, "other", True)
    loader.load(BUILD_DATE)
    set_revoked(site, "other", False)
    assert issues_by_message(loader.load(BUILD_DATE)) == []


def test_a_story_whose_address_is_the_name_is_scanned_again(site):
    loader = named_after(site, "José Núñez", "a colleague", slug="jose-nunez-at-globex")
    set_revoked(site, "other", True)
    assert issues_by_message(loader.load(BUILD_DATE)) == issues_by_message(load_portal(loader.settings, BUILD_DATE))


def test_two_people_sharing_a_form_are_told_apart_as_a_fresh_load_does(site):
    site.advocate("zz-extra", name="Lukasz Nowak", scopes=[])
    loader = named_after(site, "Łukasz Nowak", "lukasz-nowak")
    set_revoked(site, "other", True)
    assert issues_by_message(loader.load(BUILD_DATE)) == issues_by_message(load_portal(loader.settings, BUILD_DATE))
