"""The package's layers import only downward, as pyproject.toml's import-linter contracts say."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is installed by `make test`")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=package_parent, env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_are_kept():
    result = lint_imports(ROOT / "generator")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contracts(tmp_path):
    shutil.copytree(ROOT / "generator" / "storyportal", tmp_path / "storyportal")
    model = tmp_path / "storyportal" / "core" / "model.py"
    model.write_text(model.read_text() + "\nfrom storyportal.site import plan  # noqa: E402,F401\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "Layers import only those below them BROKEN" in result.stdout


def test_the_core_may_not_import_mkdocs(tmp_path):
    shutil.copytree(ROOT / "generator" / "storyportal", tmp_path / "storyportal")
    rules = tmp_path / "storyportal" / "core" / "rules.py"
    rules.write_text(rules.read_text() + "\nimport mkdocs  # noqa: E402,F401\n")
    result = lint_imports(tmp_path)
    assert "The core and the sales tools know nothing of MkDocs or templates BROKEN" in result.stdout
