"""The ``site`` fixture: a scratch portal in tmp_path (see sitebuilder.py)."""

import pytest

from sitebuilder import SiteBuilder


@pytest.fixture
def site(tmp_path) -> SiteBuilder:
    return SiteBuilder(tmp_path)


def pytest_terminal_summary(terminalreporter):
    """Say how many property-test examples ran (counted by tests/test_fuzz_validate.py)."""
    runs = getattr(terminalreporter.config, "storyportal_fuzz_runs", None)
    if runs:
        detail = ", ".join(f"{name} {count}" for name, count in sorted(runs.items()))
        terminalreporter.write_line(f"fuzz: {sum(runs.values())} examples run ({detail}); "
                                    "set STORYPORTAL_FUZZ_EXAMPLES to run more")
