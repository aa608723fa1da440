"""A build keeps what it loaded out of the cyclic collector's passes while pages render, and gives
it back when it ends, failed or not; a build imports nothing only the preview needs."""

import gc
import json
import subprocess
import sys

import pytest

# Writes what the collector holds while the pages are rendered (on_env comes after on_config).
STATE_HOOK = """
import gc, json

def on_env(env, config, files):
    with open("collector.json", "w") as out:
        json.dump({"frozen": gc.get_freeze_count(), "enabled": gc.isenabled()}, out)
"""

FAILING_HOOK = """
from mkdocs.exceptions import PluginError

def on_env(env, config, files):
    raise PluginError("stopped on purpose")
"""


@pytest.fixture
def thawed():
    """The test process as a build finds it: nothing frozen, the collector on."""
    gc.unfreeze()
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def hooked(site, hook: str):
    site.write("hooks.py", hook)
    site.mkdocs["hooks"] = ["hooks.py"]
    site.story("northwind")
    return site


def test_pages_render_with_the_loaded_portal_frozen_and_the_collector_on(site, thawed):
    hooked(site, STATE_HOOK).build()
    state = json.loads((site.root / "collector.json").read_text())
    assert state["frozen"] > 1000
    assert state["enabled"] is True


def test_a_build_unfreezes_what_it_froze_when_it_ends(site, thawed):
    hooked(site, STATE_HOOK).build()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_failed_build_unfreezes_what_it_froze(site, thawed):
    code, _, err = hooked(site, FAILING_HOOK).cli("build")
    assert code != 0 and "stopped on purpose" in err
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_build_whose_settings_are_refused_leaves_the_collector_on(site, thawed):
    site.plugin["image_workers"] = "many"
    code, _, _ = hooked(site, STATE_HOOK).cli("build")
    assert code != 0
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_the_plugin_imports_no_file_watching():
    code = "import sys, storyportal.adapter.plugin; print(sorted(m for m in sys.modules if m.startswith(('watchdog', 'mkdocs.livereload'))))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
