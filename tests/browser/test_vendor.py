"""The vendored axe-core is the published file, with its licence beside it."""

from __future__ import annotations

import base64
import hashlib

from browserkit import AXE

# sri-history.json of the npm package axe-core@4.14.1 lists this for axe.min.js.
AXE_SRI = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="


def test_the_vendored_axe_is_the_published_4_14_1_file():
    data = AXE.read_bytes()
    assert data.startswith(b"/*! axe v4.14.1\n")
    assert "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() == AXE_SRI


def test_the_vendored_axe_carries_its_licence():
    assert (AXE.parent / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License, version 2.0")
