"""Stories found free of private values, kept between builds (``scanned.log``, core/portal.py
PortalLoader.scans): a fresh loader, as the next build has, does not search a story again that an
earlier one found clean with the same private values and code; every other story is searched.
"""

from __future__ import annotations

from sitebuilder import BUILD_DATE
from storyportal.core import codeversion, portal
from storyportal.core.config import load_settings
from storyportal.core.portal import PortalLoader
from storyportal.site.keylog import SCANNED_LOG, KeyLog

NOTE = "Prefers email, not before 10am"


def load(site, tmp_path) -> list[str]:
    """A build's load, in a loader of its own, with the scans kept in tmp_path: the rule ids found."""
    site.flush()
    settings, problems = load_settings(site.root / "mkdocs.yml")
    assert settings is not None, problems
    loader = PortalLoader(settings, scans=KeyLog(tmp_path / SCANNED_LOG))
    return [issue.rule for issue in loader.load(BUILD_DATE).issues]


def searched(monkeypatch) -> list[str]:
    """The stories whose text is searched for private values from now on."""
    found: list[str] = []
    search = portal.registry_private_values
    monkeypatch.setattr(portal, "registry_private_values", lambda f, r: found.append(f.ref.slug) or search(f, r))
    return found


def a_portal(site):
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.story("contoso")


def test_a_story_found_clean_before_is_not_searched_again(site, tmp_path, monkeypatch):
    a_portal(site)
    load(site, tmp_path)
    again = searched(monkeypatch)
    load(site, tmp_path)
    assert again == []


def test_an_edited_story_is_searched_again(site, tmp_path, monkeypatch):
    a_portal(site)
    load(site, tmp_path)
    site.story("contoso", body=f"## Challenge\n\nJane: {NOTE}.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    again = searched(monkeypatch)
    assert "story-private-value" in load(site, tmp_path)
    assert again == ["contoso"]


def test_every_story_is_searched_again_when_the_private_values_change(site, tmp_path, monkeypatch):
    a_portal(site)
    site.story("contoso", body="## Challenge\n\nProject Falcon.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    load(site, tmp_path)
    site.advocate("jane-doe", private={"notes": NOTE, "codename": "Project Falcon"})
    again = searched(monkeypatch)
    assert "story-private-value" in load(site, tmp_path)
    assert sorted(again) == ["contoso", "northwind"]


def test_a_story_with_a_private_value_is_searched_on_every_build(site, tmp_path, monkeypatch):
    a_portal(site)
    site.story("contoso", body=f"## Challenge\n\nJane: {NOTE}.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    load(site, tmp_path)
    again = searched(monkeypatch)
    assert "story-private-value" in load(site, tmp_path)
    assert again == ["contoso"]


def test_stories_found_clean_by_other_code_are_searched_again(site, tmp_path, monkeypatch):
    a_portal(site)
    monkeypatch.setattr(codeversion, "code_version", lambda: "code that searched differently")
    load(site, tmp_path)
    monkeypatch.undo()
    again = searched(monkeypatch)
    load(site, tmp_path)
    assert sorted(again) == ["contoso", "northwind"]


def test_the_log_holds_no_private_value(site, tmp_path):
    a_portal(site)
    load(site, tmp_path)
    log = (tmp_path / SCANNED_LOG).read_text()
    assert len(log.splitlines()) == 3  # what it was made for, and the two clean stories
    assert "Prefers" not in log and "northwind" not in log
