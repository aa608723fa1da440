"""What is installed is what requirements.txt pins: the tests ran on the locked versions.

`make test` (and so CI) installs the lock into .venv/; this fails when the environment drifted
from it (a stale .venv, a hand-installed upgrade, a lock edited without `make lock`).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?\\?\s*$")


def pins() -> list[tuple[str, str, str | None]]:
    """(name, version, marker or None) for every requirement line of the lock."""
    found = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            match = PIN.match(line)
            assert match, f"not an exact pin: {line!r}"
            marker = match["marker"].strip() if match["marker"] else None
            found.append((canonicalize_name(match["name"]), match["version"], marker))
    return found


def applies(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate()


def test_every_pin_has_hashes():
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert len(blocks) == len(pins())
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_lock_covers_every_direct_dependency_and_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    locked = {name for name, _, marker in pins() if applies(marker)}
    for requirement in map(Requirement, wanted):
        assert canonicalize_name(requirement.name) in locked, requirement.name


# Pins whose marker excludes this interpreter or platform (colorama on Windows, a second
# pymdown-extensions for Python < 3.11.5) are not installed here, so not checked.
MINE = [(name, version) for name, version, marker in pins() if applies(marker)]


@pytest.mark.parametrize("name, version", MINE, ids=[name for name, _ in MINE])
def test_the_installed_version_is_the_locked_one(name, version):
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        pytest.fail(f"{name}=={version} is locked but not installed: run `make test` (it installs the lock)")
    assert installed == version, f"{name}: installed {installed}, locked {version}: run `make test` to reinstall"
