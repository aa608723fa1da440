"""The preview's loader looks only at the story files the watcher saw saved, and at every file when it cannot say."""

from __future__ import annotations

import os
import shutil

from sitebuilder import BUILD_DATE
from storyportal.adapter.watcher import SaveLog
from storyportal.core import portal as portal_module
from storyportal.core.config import load_settings
from storyportal.core.portal import PortalLoader, load_portal
from test_preview import EDITS, Preview, start


def loader_of(site) -> PortalLoader:
    site.story("alpha", title="Alpha story")
    site.story("beta", title="Beta story")
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")
    loader = PortalLoader(settings)
    loader.load(BUILD_DATE)
    return loader


def stats_of_stories(monkeypatch) -> list[str]:
    looked: list[str] = []
    stat = os.stat

    def counting(path, *args, **kwargs):
        if str(path).endswith(".md"):
            looked.append(os.path.basename(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(portal_module.os, "stat", counting)
    return looked


def test_a_saved_story_is_read_again_and_the_others_are_not_looked_at(site, monkeypatch):
    loader = loader_of(site)
    site.story("alpha", title="Alpha story, retold")
    looked = stats_of_stories(monkeypatch)
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert looked == ["alpha.md"]
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories


def test_without_word_from_the_watcher_every_story_is_looked_at(site, monkeypatch):
    loader = loader_of(site)
    site.story("beta", title="Beta story, retold")
    looked = stats_of_stories(monkeypatch)
    portal = loader.load(BUILD_DATE, None)
    assert sorted(looked) == ["alpha.md", "beta.md"]
    assert "Beta story, retold" in {s.title for s in portal.stories}


def test_a_new_or_renamed_story_is_read_though_the_watcher_named_another(site):
    loader = loader_of(site)
    (site.root / "stories/beta.md").rename(site.root / "stories/gamma.md")
    portal = loader.load(BUILD_DATE, set())
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories
    assert {s.slug for s in portal.stories} == {"alpha", "gamma"}


def test_saves_seen_before_a_load_that_failed_are_looked_at_by_the_next(site, monkeypatch):
    loader = loader_of(site)
    site.story("alpha", title="Alpha story, retold")

    def fail(*args, **kwargs):
        raise RuntimeError("the registry could not be read")

    with monkeypatch.context() as patched:
        patched.setattr(loader, "registry", fail)
        try:
            loader.load(BUILD_DATE, {"stories/alpha.md"})
        except RuntimeError:
            pass
    portal = loader.load(BUILD_DATE, set())
    assert "Alpha story, retold" in {s.title for s in portal.stories}


def test_storyportal_serve_gives_a_fresh_build_s_site_from_the_watcher_s_saves(site, monkeypatch):
    start(site, material_search=False)
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    log = SaveLog()
    preview.instance.saves, preview.instance.watched_root = log, str(site.root)
    log.take()  # the watches run from here on
    saved = {
        "body": ["alpha.md"],
        "title": ["beta.md"],
        "new story": ["delta.md"],
        "renamed slug": ["alpha.md", "alpha-two.md"],
        "consent revoked": [],
    }
    for name, files in saved.items():  # only what each edit saved
        EDITS[name](site)
        site.flush()
        log.saved(*(str(site.root / "stories" / f) for f in files), str(site.root / "advocates.yaml"))
        assert preview.rebuild() == preview.fresh(), name


def published(portal) -> dict[str, str]:
    return {source: status.value for source, status in portal.status.items()}


def test_a_story_made_beside_the_saved_one_is_found_though_only_the_other_was_named(site):
    loader = loader_of(site)
    site.story("gamma", title="Gamma story")
    site.story("alpha", title="Alpha story, retold")
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert {s.slug for s in portal.stories} == {"alpha", "beta", "gamma"}
    assert portal.issues == load_portal(loader.settings, BUILD_DATE).issues


def test_a_saved_story_that_became_a_link_is_listed_again_and_refused(site):
    loader = loader_of(site)
    alpha = site.root / "stories/alpha.md"
    alpha.unlink()
    alpha.symlink_to(site.root / "stories/beta.md")
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert "path-symlink" in {i.rule for i in portal.issues}
    assert portal.issues == load_portal(loader.settings, BUILD_DATE).issues


def test_a_revocation_saved_in_the_registry_resolves_the_stories_again(site):
    loader = loader_of(site)
    site.advocates["jane-doe"]["consent"]["revoked"] = BUILD_DATE
    site.flush()
    portal = loader.load(BUILD_DATE, {"advocates.yaml"})
    fresh = load_portal(loader.settings, BUILD_DATE)
    assert published(portal) == published(fresh) and portal.stories == fresh.stories
    assert "published" not in published(portal).values()


def test_an_image_saved_beside_the_stories_resolves_them_again(site):
    site.write("stories/hero.png", b"not an image")
    site.story("gamma", title="Gamma story", image="hero.png")
    loader = loader_of(site)
    assert published(loader.load(BUILD_DATE, set()))["stories/gamma.md"] == "invalid"
    site.image("stories/hero.png", size=(1200, 800))
    portal = loader.load(BUILD_DATE, {"stories/hero.png"})
    assert published(portal)["stories/gamma.md"] == "published"
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories


def test_an_alias_added_in_a_saved_story_is_checked_against_the_others(site):
    site.story("gamma", title="Gamma story", aliases=["/old/gamma/"])
    loader = loader_of(site)
    site.story("beta", title="Beta story", aliases=["/old/gamma/"])
    portal = loader.load(BUILD_DATE, {"stories/beta.md"})
    assert "story-duplicate-alias" in {i.rule for i in portal.issues}
    assert portal.issues == load_portal(loader.settings, BUILD_DATE).issues


def test_an_edit_after_a_load_that_failed_half_way_is_resolved_again(site, monkeypatch):
    loader = loader_of(site)
    site.story("alpha", title="Alpha story, retold")
    with monkeypatch.context() as patched:
        patched.setattr(portal_module, "check_versions", lambda *args: 1 / 0)
        try:
            loader.load(BUILD_DATE, {"stories/alpha.md"})
        except ZeroDivisionError:
            pass
    site.story("alpha", title="Alpha story, told a third time")
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories


def test_a_translation_follows_its_saved_original_as_a_fresh_load_does(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.plugin["case_study_sections"] = {"en": ["Challenge", "Solution", "Results"],
                                          "de": ["Challenge", "Solution", "Results"]}
    site.story("acme-de", translation_of="alpha", lang="de", title="Alpha auf Deutsch")
    loader = loader_of(site)
    steps = {
        "original a draft": ({"stories/alpha.md"}, lambda: site.story("alpha", title="Alpha", draft=True)),
        "original published": ({"stories/alpha.md"}, lambda: site.story("alpha", title="Alpha")),
        "facts differ": ({"stories/acme-de.md"}, lambda: site.story(
            "acme-de", translation_of="alpha", lang="de", title="Alpha", type="testimonial", quote="Gut.")),
        "body edited elsewhere": ({"stories/beta.md"}, lambda: site.story("beta", title="Beta, retold")),
    }
    for name, (saved, edit) in steps.items():
        edit()
        portal, fresh = loader.load(BUILD_DATE, saved), load_portal(loader.settings, BUILD_DATE)
        assert (published(portal), portal.issues) == (published(fresh), fresh.issues), name


def test_a_saved_story_moved_to_another_language_site_is_placed_there_as_a_fresh_load_places_it(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    site.plugin["case_study_sections"] = {"en": ["Challenge", "Solution", "Results"],
                                          "de": ["Challenge", "Solution", "Results"]}
    loader = loader_of(site)
    site.story("alpha", title="Alpha auf Deutsch", lang="de")
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert {s.slug: s.url for s in portal.stories}["alpha"] == "de/stories/alpha/"
    assert portal.stories == load_portal(loader.settings, BUILD_DATE).stories


def test_a_new_story_file_is_read_alone_and_the_others_are_kept_as_they_were(site, monkeypatch):
    loader = loader_of(site)
    before = {s.slug: s for s in loader.load(BUILD_DATE, set()).stories}
    site.story("aardvark", title="Aardvark story")  # sorts before the others
    site.flush()
    looked = stats_of_stories(monkeypatch)
    compared: list[str] = []  # the files whose inputs are compared with last time's
    entries = portal_module.registry_entries
    monkeypatch.setattr(portal_module, "registry_entries", lambda f, r: compared.append(f.ref.slug) or entries(f, r))
    portal = loader.load(BUILD_DATE, {"stories/aardvark.md"})
    assert looked == ["aardvark.md"] and compared == ["aardvark"]
    assert all(s is before[s.slug] for s in portal.stories if s.slug != "aardvark")  # not resolved again
    fresh = load_portal(loader.settings, BUILD_DATE)
    assert portal.stories == fresh.stories and portal.issues == fresh.issues


def test_a_new_story_file_whose_address_another_has_is_reported_as_a_fresh_load_reports_it(site):
    loader = loader_of(site)
    site.write("stories/Alpha.md", (site.root / "stories/alpha.md").read_text())
    portal = loader.load(BUILD_DATE, {"stories/Alpha.md"})
    assert {"story-duplicate-slug", "story-slug-invalid"} <= {i.rule for i in portal.issues}
    assert portal.issues == load_portal(loader.settings, BUILD_DATE).issues


def test_a_new_file_that_is_not_a_plain_story_file_is_listed_again(site):
    loader = loader_of(site)
    site.write("stories/notes.txt", "not a story")
    (site.root / "stories/link.md").symlink_to(site.root / "stories/beta.md")
    portal = loader.load(BUILD_DATE, {"stories/notes.txt", "stories/link.md"})
    assert {"story-stray-file", "path-symlink"} <= {i.rule for i in portal.issues}
    assert portal.issues == load_portal(loader.settings, BUILD_DATE).issues


def same_as_fresh(loader: PortalLoader, portal) -> bool:
    fresh = load_portal(loader.settings, BUILD_DATE)
    return portal.issues == fresh.issues and published(portal) == published(fresh) and portal.stories == fresh.stories


def test_a_stories_folder_made_after_the_first_load_is_listed_whole(site):
    loader = loader_of(site)
    shutil.rmtree(site.root / "stories")
    loader.load(BUILD_DATE, set())  # no folder: every name after it would look new
    site.story("alpha", title="Alpha story")
    site.flush()
    portal = loader.load(BUILD_DATE, {"stories/alpha.md"})
    assert same_as_fresh(loader, portal) and "stories-missing" not in {i.rule for i in portal.issues}


def test_a_story_added_to_a_linked_stories_folder_is_refused_as_a_fresh_load_refuses_it(site):
    loader = loader_of(site)
    shutil.move(site.root / "stories", site.root / "elsewhere")
    (site.root / "stories").symlink_to(site.root / "elsewhere")
    loader.load(BUILD_DATE, set())
    site.story("gamma", title="Gamma story")
    site.flush()
    portal = loader.load(BUILD_DATE, {"stories/gamma.md"})
    assert same_as_fresh(loader, portal) and portal.stories == ()


def test_a_story_made_again_under_its_old_name_is_read_though_the_watcher_said_nothing(site):
    loader = loader_of(site)
    site.story("delta", title="Delta one")
    site.flush()
    loader.load(BUILD_DATE, {"stories/delta.md"})
    (site.root / "stories/delta.md").unlink()
    loader.load(BUILD_DATE, {"stories/delta.md"})
    site.story("delta", title="Delta two, a longer title")
    site.flush()
    portal = loader.load(BUILD_DATE, set())
    assert "Delta two, a longer title" in {s.title for s in portal.stories} and same_as_fresh(loader, portal)
