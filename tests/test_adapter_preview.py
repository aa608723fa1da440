"""The preview marks every page with StoryPortalFile: a hand-written page is rendered again too."""

import pytest

from test_preview import Preview, start

pytestmark = pytest.mark.slow  # whole portals built several times, as in test_preview.py


def test_a_hand_written_page_follows_a_change_of_mkdocs_yml_in_storyportal_serve(site, monkeypatch):
    start(site)
    site.write("docs/about.md", "# About\n\nHow we choose our stories.\n")
    preview = Preview(site, monkeypatch, dirty=True)
    preview.rebuild()
    site.mkdocs["site_name"] = "Renamed stories"  # every page shows it; the page's own file is unchanged
    served = preview.rebuild()
    assert served == preview.fresh()
    assert "Renamed stories" in (site.root.parent / "served" / "about" / "index.html").read_text()
