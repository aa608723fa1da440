"""No story or alias can take an address the site writes itself (issue 13, findings 5 (aliases) and 9).

A redirect page over /sitemap.xml or /stories/facets.json aborted the whole build, and a story
saved as stories/index.md replaced the /stories/ listing. Both are located errors at validate
time; the deploy build withholds the one story and publishes the rest.
"""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.model import Status

P = "stories/northwind.md"
ALIAS_RULES = {"story-alias-reserved", "story-duplicate-alias", "story-alias-invalid"}


def located(portal) -> list[tuple]:
    return [(i.path, i.line, i.col, i.rule) for i in portal.issues]


RESERVED_ALIASES = [
    "/sitemap.xml/", "/404.html/", "/stories/facets.json/", "/stories/cards-0.json/", "/search/",
    "/search/search_index.json/", "/assets/javascripts/", "/sales/", "/sales/index.csv/", "/embed/northwind/",
    "/industries/retail/", "/img/", "/cards/", "/stories/", "/stories/northwind/", "/stories/southwind/old/",
]


@pytest.mark.parametrize("alias", RESERVED_ALIASES)
def test_attack_an_alias_on_a_generated_address_is_a_located_error(site, alias):
    site.story("southwind", title="Southwind")
    site.story("northwind", aliases=[alias])
    portal = site.load()
    assert (located(portal), portal.status[P]) == ([(P, 9, 3, "story-alias-reserved")], Status.INVALID)


def test_every_alias_problem_of_a_story_is_reported_at_once(site):
    site.story("southwind", title="Southwind", aliases=["/stories/old/"])
    site.story("northwind", aliases=["/sitemap.xml/", "/stories/southwind/", "/stories/old/", "/stories/northwind/"])
    assert located(site.load()) == [(P, 9, 3, "story-alias-reserved"), (P, 10, 3, "story-duplicate-alias"),
                                    (P, 11, 3, "story-duplicate-alias"), (P, 12, 3, "story-alias-reserved")]


def test_a_story_with_errors_does_not_withhold_another_by_its_aliases(site):
    site.story("a-broken", industry="retial", aliases=["/stories/old/"])
    site.story("northwind", aliases=["/stories/old/"])
    portal = site.load()
    assert (located(portal), portal.status[P]) == (
        [("stories/a-broken.md", 8, 11, "story-taxonomy-unknown"), ("stories/a-broken.md", 10, 3, "story-duplicate-alias")],
        Status.PUBLISHED)


def test_alias_reserved_message(site):
    site.story("northwind", aliases=["/sitemap.xml/"])
    assert site.issues() == [
        f"{P}:9:3: error: The old address /sitemap.xml/ cannot redirect to this story: 'sitemap.xml' is a file "
        "name (like sitemap.xml or 404.html), and the site's pages are folders (give the address the story really "
        "had before, like /stories/old-name/, or remove it) [story-alias-reserved]"]


def test_attack_the_deploy_build_withholds_the_story_and_publishes_the_rest(site):
    site.story("southwind", title="Southwind")
    site.story("northwind", aliases=["/sitemap.xml/"])
    out = site.build()
    assert (out / "stories" / "southwind" / "index.html").is_file()
    assert not (out / "stories" / "northwind").exists()
    assert (out / "sitemap.xml").is_file()


def test_an_old_story_address_is_still_accepted(site):
    site.story("northwind", aliases=["/stories/old-northwind/", "/customers/northwind/"])
    assert site.issues() == []


def test_attack_a_story_named_index_cannot_replace_the_story_list(site):
    site.story("northwind")
    site.story("index", title="I am the list now")
    assert site.issues() == [
        "stories/index.md:1:1: error: The name 'index' would give this story the address /stories/, the list of "
        "every story, which the site needs for its own page (name the file after the story, like "
        "northwind-onboarding.md) [story-slug-reserved]"]
    listing = (site.build() / "stories" / "index.html").read_text()
    assert "I am the list now" not in listing and 'href="northwind/"' in listing


def test_a_story_folder_named_index_is_refused_too(site):
    site.story("index", folder=True)
    assert located(site.load()) == [("stories/index/index.md", 1, 1, "story-slug-reserved")]


def written_addresses(out) -> set[str]:
    """Every address a redirect page could try to take in a built site: each file, and each folder."""
    found = set()
    for path in out.rglob("*"):
        parts = path.relative_to(out).parts
        if path.is_file() and parts[-1] == "index.html":
            parts = parts[:-1]
        found |= {"/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)}
    return found


def test_every_address_a_full_build_writes_is_refused_as_an_alias(site):
    """Asks the build itself, so a new generated page or file cannot slip past the alias rule."""
    site.extra_plugins = ["search"]  # Material's search too, for portals that add it back
    site.plugin["search"] = True  # Pagefind
    site.image("assets/logos/acme.png")
    site.image("assets/people/jane.png", size=(200, 200))
    site.company("acme", logo="assets/logos/acme.png")
    site.advocate(photo="assets/people/jane.png", reference_calls={"available": True, "max_per_quarter": 2})
    site.image("stories/northwind/hero.png", size=(700, 400))
    site.image("stories/northwind/chart.png")
    site.story("northwind", folder=True, type="testimonial", quote="We love it.", image="hero.png",
               aliases=["/stories/old-northwind/"], body="Before and after.\n\n![Chart](chart.png)\n")
    addresses = written_addresses(site.build()) | written_addresses(site.build("--audience", "internal"))
    candidates = sorted(a for a in addresses if a != "/stories/old-northwind/")
    assert len(candidates) > 30
    probes = {f"stories/probe-{n}.md": alias for n, alias in enumerate(candidates)}
    for n, alias in enumerate(candidates):  # one story each: a story with an error is not checked further
        site.story(f"probe-{n}", title="Probe", aliases=[alias])
    refused = {probes[i.path] for i in site.load(BUILD_DATE).issues if i.rule in ALIAS_RULES}
    assert [a for a in candidates if a not in refused] == []
