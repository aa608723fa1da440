"""The ``site`` fixture: a scratch portal in tmp_path (see sitebuilder.py)."""

import pytest

from sitebuilder import SiteBuilder


@pytest.fixture
def site(tmp_path) -> SiteBuilder:
    return SiteBuilder(tmp_path)
