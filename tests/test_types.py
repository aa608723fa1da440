"""mypy passes: strict on core/ and sales/, the other layers' untyped bodies checked (pyproject.toml's [tool.mypy])."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MYPY = Path(sys.executable).with_name("mypy")

pytestmark = pytest.mark.skipif(not MYPY.exists(), reason="mypy is installed by `make test`")

UNTYPED = "\n\ndef untyped_helper(value):\n    return value\n"


def mypy(root: Path) -> subprocess.CompletedProcess:
    # The incremental cache (.mypy_cache, ignored by git) makes a run after a small change take a second.
    return subprocess.run([str(MYPY)], cwd=root, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


def test_mypy_passes():
    result = mypy(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in ")


@pytest.mark.slow
def test_only_the_core_and_sales_must_be_fully_annotated(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "generator" / "storyportal", tmp_path / "generator" / "storyportal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for module in ("core/model.py", "sales/index.py", "site/context.py", "cli/output.py"):
        path = tmp_path / "generator" / "storyportal" / module
        path.write_text(path.read_text() + UNTYPED)
    result = mypy(tmp_path)
    errors = sorted({line.split(":")[0] for line in result.stdout.splitlines() if ": error: " in line})
    assert errors == ["generator/storyportal/core/model.py", "generator/storyportal/sales/index.py"], result.stdout
    assert "Function is missing a type annotation  [no-untyped-def]" in result.stdout
