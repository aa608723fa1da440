"""Everything a user can type or read about is documented in the README."""

import argparse
import re
from pathlib import Path

import pytest

from storyportal.cli.main import make_parser
from storyportal.core.config import CONFIG_OPTIONS
from storyportal.core.schema import STORY_FIELDS
from storyportal.sales.index import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SOURCE = "\n".join(p.read_text() for p in sorted((ROOT / "generator" / "storyportal").rglob("*.py")))


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def rule_ids() -> set[str]:
    literal = set(re.findall(r'"((?:yaml|story|registry|consent|path|image|video|case-study|frontmatter|file|stories|config|translation)-[a-z-]+)"', SOURCE))
    prefixed = {f"{p}-{kind}" for p in ("story", "registry", "config")
                for kind in re.findall(r'f"\{prefix\}-([a-z-]+)"', SOURCE)}
    return literal | prefixed


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_is_in_the_readme(command):
    assert f"storyportal {command}" in README


@pytest.mark.parametrize("command, option", sorted(
    (name, opt) for name, parser in subcommands().items() for action in parser._actions
    for opt in action.option_strings if opt.startswith("--") and opt != "--help"))
def test_every_command_option_is_in_the_readme(command, option):
    assert re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", README)


@pytest.mark.parametrize("option", CONFIG_OPTIONS)
def test_every_config_option_is_in_the_readme(option):
    assert f"| `{option}` |" in README


@pytest.mark.parametrize("field", STORY_FIELDS)
def test_every_story_field_is_in_the_readme(field):
    assert f"`{field}`" in README.split("## Story fields", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("rule", sorted(rule_ids()))
def test_every_rule_id_is_in_the_readme(rule):
    assert f"`{rule}`" in README


@pytest.mark.parametrize("column", [name for name, _ in COLUMNS])
def test_every_sales_column_is_in_the_readme(column):
    assert f"| `{column}` |" in README


def test_the_readme_first_screen_gives_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:20])
    assert "make demo" in first_screen and "make test" in first_screen
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md", "SECURITY.md"])
def test_every_link_of_the_docs_resolves_inside_the_repository(doc):
    text = (ROOT / doc).read_text()
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        if (path and not (ROOT / path).exists()) or (not path and anchor not in anchors):
            broken.append(target)
    assert broken == []
