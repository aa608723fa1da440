"""``storyportal build -d`` and ``mkdocs build -d``: a build replaces only a folder it may replace.

A build swaps its output folder in whole: the folder named must not be, hold, or lie inside
what the portal is made from, and an existing folder must be empty or carry an earlier build's marker.
"""

import os
import subprocess
import sys

import pytest

from sitebuilder import BUILD_DATE


def build_into(site, target):
    return site.cli("build", "-d", target, "--build-date", BUILD_DATE.isoformat())


def sources(site):
    return sorted(p.relative_to(site.root).as_posix() for p in site.root.rglob("*") if p.is_file())


@pytest.mark.parametrize("target, what", [
    (".", "it is the portal's folder"),
    ("stories", "it is the stories (stories_dir)"),
    ("docs", "it is the hand-written pages (docs_dir)"),
    ("advocates.yaml", "it is the advocate registry (registry)"),
    ("mkdocs.yml", "it is the site configuration mkdocs.yml"),
    ("assets", "it is the logos and photos (assets_dir)"),
    ("stories/site", "it is inside the stories (stories_dir)"),
])
def test_a_build_never_replaces_the_portal_or_its_sources(site, target, what):
    site.story("acme")
    site.flush()
    (site.root / "assets").mkdir()
    before = sources(site)
    code, out, err = build_into(site, target)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        f"storyportal: error: cannot build into {target}: {what}; give -d a new folder, an empty one, "
        "or one an earlier build wrote (like the default, site)")
    assert sources(site) == before


def test_a_build_into_a_folder_that_holds_the_portal_is_refused(site):
    site.story("acme")
    code, _, err = build_into(site, str(site.root.parent))
    assert code == 2
    assert f"cannot build into {site.root.parent}: it holds the portal's folder;" in err


def test_a_build_into_the_filesystem_root_is_refused_without_a_traceback(site):
    site.story("acme")
    code, _, err = build_into(site, "/")
    assert code == 2
    assert "storyportal: error: cannot build into /: it holds the portal's folder;" in err
    assert "Traceback" not in err


def test_a_build_into_the_home_folder_is_refused(site, tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    site.story("acme")
    code, _, err = build_into(site, str(home))
    assert code == 2
    assert f"cannot build into {home}: it is your home folder;" in err


def test_a_folder_no_build_wrote_is_kept(site):
    site.story("acme")
    site.write("notes/plan.txt", "my plans")
    code, _, err = build_into(site, "notes")
    assert code == 2
    assert ("cannot build into notes: it is a folder that no storyportal build wrote "
            "(it has no .storyportal-build.json), and everything in it would be lost;") in err
    assert (site.root / "notes" / "plan.txt").read_text() == "my plans"


def test_a_file_is_never_replaced_by_a_site(site):
    site.story("acme")
    site.write("report.txt", "keep me")
    code, _, err = build_into(site, "report.txt")
    assert code == 2
    assert "cannot build into report.txt: it is a file, not a folder;" in err
    assert (site.root / "report.txt").read_text() == "keep me"


def test_a_git_work_tree_is_never_replaced(site):
    site.story("acme")
    (site.root / "other" / ".git").mkdir(parents=True)
    (site.root / "other" / ".storyportal-build.json").write_text("{}")  # even one that looks built
    code, _, err = build_into(site, "other")
    assert code == 2
    assert "cannot build into other: it is a git repository;" in err
    assert (site.root / "other" / ".git").is_dir()


@pytest.mark.parametrize("prepare", ["new", "empty", "built before"])
def test_a_new_empty_or_built_folder_gets_the_site(site, prepare):
    site.story("acme")
    if prepare == "empty":
        (site.root / "out").mkdir()
    if prepare == "built before":
        site.build("-d", "out")
    code, _, err = build_into(site, "out")
    assert code == 0, err
    assert (site.root / "out" / "stories" / "acme" / "index.html").is_file()


def test_mkdocs_build_never_empties_the_stories_folder(site):
    # MkDocs refuses a site_dir holding docs_dir or mkdocs.yml, but knows nothing of stories/:
    # without the plugin's check it would empty it before writing the site there.
    site.story("acme")
    site.flush()
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "stories"], cwd=site.root,
                         capture_output=True, text=True,
                         env={"NO_MKDOCS_2_WARNING": "1", "STORYPORTAL_BUILD_DATE": BUILD_DATE.isoformat(),
                              "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(site.root.parent)})
    assert run.returncode == 1
    assert "site_dir stories: it is the stories (stories_dir); choose a new folder, like site" in run.stderr
    assert (site.root / "stories" / "acme.md").is_file()


@pytest.mark.parametrize("target, what", [
    ("advocates.yaml", "it is the advocate registry (registry)"),
    ("stories/report.md", "it is inside the stories (stories_dir)"),
    ("docs/report.md", "it is inside the hand-written pages (docs_dir)"),
])
def test_the_report_never_overwrites_the_portal_s_sources(site, target, what):
    site.story("acme")
    site.flush()
    before = sources(site)
    code, _, err = site.cli("report", "--output", target, "--build-date", BUILD_DATE.isoformat())
    assert code == 2
    assert err == f"storyportal: error: cannot write {target}: {what}; give --output another file's name\n"
    assert sources(site) == before
