"""The ``site`` fixture: a scratch portal in tmp_path (see sitebuilder.py)."""

import pytest

from sitebuilder import SiteBuilder


@pytest.fixture(autouse=True)
def image_cache_home(tmp_path_factory, monkeypatch):
    """Each test's image cache in a fresh folder outside its portal, never in the user's ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))


@pytest.fixture
def site(tmp_path) -> SiteBuilder:
    return SiteBuilder(tmp_path)


@pytest.fixture
def sam(site) -> SiteBuilder:
    """A portal with Sam Lee of Globex, whose consent is whole: the name-consent tests' other person."""
    site.company("globex", name="Globex")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    return site


@pytest.fixture
def count(request):
    """Count property-test examples per test; the terminal summary prints the totals."""
    runs = request.config.__dict__.setdefault("storyportal_fuzz_runs", {})

    def add(name: str) -> None:
        runs[name] = runs.get(name, 0) + 1
    return add


def _fuzz_summary(terminalreporter):
    """Say how many property-test examples ran (counted by tests/test_fuzz_validate.py)."""
    runs = getattr(terminalreporter.config, "storyportal_fuzz_runs", None)
    if runs:
        detail = ", ".join(f"{name} {count}" for name, count in sorted(runs.items()))
        terminalreporter.write_line(f"fuzz: {sum(runs.values())} examples run ({detail}); "
                                    "set STORYPORTAL_FUZZ_EXAMPLES to run more")


BAD_INPUT_FAMILIES = {
    "test_yaml_hazards.py": "YAML hazards",
    "test_story_rules.py": "story rules, paths, video URLs, Unicode ids",
    "test_registry_rules.py": "registry faults",
    "test_injection.py": "script injection in Chromium",
    "test_injection_output.py": "script injection in the output",
    "test_cli_validate.py": "CLI output and exit codes",
}


def pytest_terminal_summary(terminalreporter):
    """The number of fuzz examples and of bad-input cases, so CI shows what it covered."""
    _fuzz_summary(terminalreporter)
    counts: dict[str, int] = {}
    for report in terminalreporter.stats.get("passed", []):
        module = report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
        if module in BAD_INPUT_FAMILIES and report.when == "call":
            counts[module] = counts.get(module, 0) + 1
    if counts:
        detail = ", ".join(f"{BAD_INPUT_FAMILIES[m]} {n}" for m, n in sorted(counts.items()))
        terminalreporter.write_line(f"bad-input suite: {sum(counts.values())} cases passed ({detail})")


# Whole modules whose tests build whole portals, sweep hundreds of them (test_robust_types.py: every
# command on 675 portals, about 4 minutes) or start Chromium: `make check` runs without them
# (pytest -m "not slow"), `make test` runs everything.
SLOW_MODULES = {"test_links.py", "test_fuzz_build.py", "test_workflows.py", "test_preview.py", "test_robust_types.py",
                "test_robust_types_build.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW_MODULES or "browser" in item.path.parts:
            item.add_marker(pytest.mark.slow)
