"""The build, for each field of advocates.yaml given a value of the wrong kind: an answer, never a traceback.

One build per field (the wrong kinds taken in turn, so each kind meets fields at every level), for
the internal audience, which also reads the request log and the reference-call terms. The other
commands meet every kind at every field in tests/test_robust_types.py.
"""

from __future__ import annotations

import re

import pytest

from test_robust_types import WRONG, field_paths, full_registry, full_story, portal, with_value

KINDS = list(WRONG.items())
CRASHED = re.compile(r"the build failed: \w+(Error|Exception):")  # the runner's last resort: a bug, not a message
CASES = [pytest.param(path, KINDS[n % len(KINDS)][1], id="/".join(map(str, path)) + "=" + KINDS[n % len(KINDS)][0])
         for n, path in enumerate(field_paths(full_registry()))]


@pytest.mark.parametrize("path, value", CASES)
def test_a_wrong_kind_of_value_in_the_registry_never_stops_the_build_with_a_traceback(site, path, value):
    portal(site, with_value(full_registry(), path, value), full_story())
    code, out, err = site.run("build", "--audience", "internal", "--no-search")  # an exception here: a traceback
    assert code in (0, 1) and not CRASHED.search(err), err
