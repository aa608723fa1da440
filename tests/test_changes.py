"""``validate --changed-since REF``: what a pull request changed, and what it broke elsewhere."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

DATE = "2026-06-01"  # the site fixture's build date (not imported: tests/browser has a conftest too)


def git(cwd, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(site):
    """The site as a git repository with one commit on main: a clean story, and a legacy broken one."""
    site.advocate("jane-doe", company="acme")
    site.advocate("bob-lee", company="globex", name="Bob Lee")
    site.story("acme-story")
    site.story("legacy", advocates=["bob-lee"], title="")
    commit_all(site, init=True)
    git(site.root, "switch", "-q", "-c", "feature")
    return site


def commit_all(site, init=False, message="change", root=None) -> None:
    site.flush()
    root = root or site.root
    if init:
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "--all")  # a scratch repository in tmp_path, not the project's
    git(root, "commit", "-q", "-m", message)


def changed(site, ref: str = "main") -> tuple[int, list[str]]:
    """The exit code, and each reported issue as ``path:line:col [rule]``."""
    code, out, err = site.cli("validate", "--build-date", DATE, "--changed-since", ref)
    return code, [where(line) for line in out.splitlines()]


def where(line: str) -> str:
    # Which issues are chosen is the point here; their wording belongs to the rules' tests.
    return line.split(": ", 1)[0] + " [" + line.rsplit("[", 1)[1]


LEGACY = "stories/legacy.md:2:8 [story-required-field]"


def test_without_changes_nothing_is_reported(repo):
    assert [where(line) for line in repo.cli("validate", "--build-date", DATE)[1].splitlines()] == [LEGACY]
    assert changed(repo) == (0, [])


@pytest.mark.parametrize("how", ["committed", "staged", "untracked"])
def test_a_new_broken_story_is_reported_and_the_legacy_one_is_not(repo, how):
    repo.story("fresh", summary="")
    if how == "committed":
        commit_all(repo)
    elif how == "staged":
        git(repo.root, "add", "stories/fresh.md")
    assert changed(repo) == (1, ["stories/fresh.md:6:10 [story-required-field]"])


def test_an_edit_to_a_story_reports_it(repo):
    repo.story("acme-story", products=["analytic"])
    assert changed(repo) == (1, ["stories/acme-story.md:9:3 [story-taxonomy-unknown]"])


def test_changes_on_main_since_the_branch_started_are_not_the_branch_s(repo):
    git(repo.root, "switch", "-q", "main")
    repo.story("on-main", summary="")
    commit_all(repo)
    git(repo.root, "switch", "-q", "feature")
    (repo.root / "stories" / "on-main.md").unlink(missing_ok=True)
    assert changed(repo) == (0, [])


def test_revoking_consent_reports_the_unchanged_stories_that_name_the_advocate(repo):
    repo.advocates["jane-doe"]["consent"]["revoked"] = True
    assert changed(repo) == (0, ["stories/acme-story.md:5:3 [consent-revoked]"])


def test_a_company_change_reaches_its_advocates_stories_and_the_registry_entry(repo):
    repo.companies["acme"]["region"] = "emeaa"
    assert changed(repo) == (1, ["advocates.yaml:6:13 [registry-taxonomy-unknown]",
                                 "stories/acme-story.md:5:3 [story-advocate-invalid]"])


def test_registry_problems_in_unchanged_entries_are_not_reported(repo):
    repo.companies["globex"]["website"] = "http://globex.example"
    commit_all(repo)
    git(repo.root, "branch", "-f", "main")
    repo.advocates["jane-doe"]["title"] = "CEO"
    assert changed(repo) == (0, [])
    assert "[registry-invalid-value]" in repo.cli("validate", "--build-date", DATE)[1]


def test_a_changed_taxonomy_reports_everything(repo):
    repo.plugin["taxonomy"] = {**repo.plugin["taxonomy"], "products": {"analytics": "Analytics"}}
    assert changed(repo) == (1, [LEGACY])


def test_a_new_image_in_a_story_folder_reports_that_story(repo):
    repo.story("folder-story", folder=True, image="hero.png")
    commit_all(repo)
    git(repo.root, "branch", "-f", "main")
    assert changed(repo) == (0, [])
    (repo.root / "stories" / "folder-story" / "hero.png").write_bytes(b"not an image")
    assert changed(repo) == (1, ["stories/folder-story/index.md:8:8 [image-invalid]"])


def test_a_portal_below_the_git_top_level_uses_paths_relative_to_the_portal(site, tmp_path):
    (tmp_path / "portal").mkdir()
    site = type(site)(tmp_path / "portal")
    site.advocate()
    site.story("legacy", title="")
    commit_all(site, init=True, root=tmp_path)
    site.story("fresh", summary="")
    assert changed(site) == (1, ["stories/fresh.md:6:10 [story-required-field]"])


@pytest.mark.parametrize("ref, message", [
    ("no-such-branch", "'no-such-branch' is not a commit in this repository "
                       "(in GitHub Actions, check out with fetch-depth: 0 so the base branch is there)"),
    ("--output=/tmp/x", "'--output=/tmp/x' is not a git ref"),
])
def test_a_bad_ref_is_a_usage_error(repo, ref, message):
    code, out, err = repo.cli("validate", "--build-date", DATE, f"--changed-since={ref}")
    assert (code, out, err) == (2, "", f"storyportal: error: {message}\n")


def test_outside_a_git_repository_is_a_usage_error(site, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(site.root.parent))
    site.story()
    code, out, err = site.cli("validate", "--build-date", DATE, "--changed-since", "main")
    assert (code, out) == (2, "")
    assert err == f"storyportal: error: {site.root} is not in a git repository, so --changed-since cannot be used\n"


def test_a_registry_new_since_the_ref_counts_every_entry_as_changed(repo):
    git(repo.root, "rm", "-q", "--cached", "advocates.yaml")
    git(repo.root, "commit", "-q", "-m", "no registry yet")
    git(repo.root, "branch", "-f", "main")
    repo.companies["acme"]["region"] = "emeaa"
    assert changed(repo) == (1, ["advocates.yaml:6:13 [registry-taxonomy-unknown]",
                                 "stories/acme-story.md:5:3 [story-advocate-invalid]", LEGACY])


def test_the_build_date_still_decides_consent(repo):
    repo.advocates["jane-doe"]["consent"]["expires"] = dt.date(2026, 5, 1)
    code, out, _ = repo.cli("validate", "--build-date", "2026-04-30", "--changed-since", "main")
    assert (code, out) == (0, "")
