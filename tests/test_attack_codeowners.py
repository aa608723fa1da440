"""CODEOWNERS: code by default, content by exception (issue 13, finding 4).

docs/, .cache/, a root setup.py, the Makefile and .ci/ had no owner, so a pull request that a
marketing person may open could change code that runs in the deploy build.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = "@lumen-cloud/web-developers"
CONTENT = "@lumen-cloud/customer-programs"
CONTENT_PATHS = ("stories/", "assets/", "advocates.yaml")


def rules() -> list[tuple[str, tuple[str, ...]]]:
    lines = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    parsed = [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [(words[0], tuple(words[1:])) for words in parsed]


def matches(pattern: str, path: str) -> bool:
    """GitHub's CODEOWNERS matching for the patterns this file uses: ``*``, ``/file``, ``/folder/``."""
    if pattern == "*":
        return True
    assert pattern.startswith("/") and "*" not in pattern, f"a pattern this test cannot read: {pattern}"
    anchored = pattern[1:]
    return path.startswith(anchored) if anchored.endswith("/") else path == anchored or path.startswith(anchored + "/")


def owners(path: str) -> tuple[str, ...]:
    found = ()
    for pattern, names in rules():  # the last matching line wins
        if matches(pattern, path):
            found = names
    return found


def tracked() -> list[str]:
    run = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return run.stdout.splitlines()


def test_the_first_rule_gives_everything_to_the_developers():
    assert rules()[0] == ("*", (CODE,))


@pytest.mark.parametrize("path", [
    "setup.py", "setup.cfg", "Makefile", ".ci/run", ".cache/storyportal/img/0123456789abcdef-160.webp",
    "docs/stories/northwind.md", "docs/assets/storyportal.js", "generator/storyportal/core/rules.py",
    "theme/sp_story.html", "pyproject.toml", "mkdocs.yml", ".github/workflows/deploy.yml", ".github/CODEOWNERS",
    "conftest.py", "sitecustomize.py", "a-new-folder/anything.py",
])
def test_attack_code_paths_need_a_developer(path):
    assert owners(path) == (CODE,)


@pytest.mark.parametrize("path", ["stories/northwind.md", "stories/northwind/hero.jpg", "assets/logos/acme.png",
                                  "advocates.yaml"])
def test_content_is_owned_by_customer_programs(path):
    assert owners(path) == (CONTENT,)


def test_every_tracked_file_has_its_owner():
    files = tracked()
    assert len(files) > 50
    wrong = [(f, owners(f)) for f in files
             if owners(f) != ((CONTENT,) if f.startswith(CONTENT_PATHS) else (CODE,))]
    assert wrong == []
