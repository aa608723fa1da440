"""docs/ is code: it cannot replace a generated page, nor publish raw HTML (issue 13, finding 4).

``docs/stories/<slug>.md`` replaced a consent-checked story page, and a ``<script src>`` in a
hand-written page passed the same-origin Content-Security-Policy.
"""

from __future__ import annotations

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.docspages import MARKDOWN
from storyportal.site import handwritten
from storyportal.site.handwritten import DocsScan, check_docs

PAGES = ["index.md", "stories/index.md", "stories/northwind.md", "sales/index.md", "industries/retail.md"]
FILES = ["sales/index.json", "stories/facets.json", "assets/storyportal.js", "img/abc-160.webp"]


def found(docs: dict) -> list[tuple]:
    issues, refused = check_docs("docs", docs, PAGES, FILES)
    return [(i.path, i.line, i.col, i.rule) for i in issues], sorted(refused)


REPLACE_CASES = [
    ("story-page", "stories/northwind.md", ("docs/stories/northwind.md", 1, 1, "docs-replaces-page")),
    ("story-page-as-mkd", "stories/northwind.mkd", ("docs/stories/northwind.mkd", 1, 1, "docs-replaces-page")),
    ("story-page-as-folder", "stories/northwind/index.md", ("docs/stories/northwind/index.md", 1, 1, "docs-replaces-page")),
    ("sales-page", "sales/index.md", ("docs/sales/index.md", 1, 1, "docs-replaces-page")),
    ("story-list", "stories/README.md", ("docs/stories/README.md", 1, 1, "docs-replaces-page")),
    ("data-file", "sales/index.json", ("docs/sales/index.json", 1, 1, "docs-replaces-page")),
    ("theme-script", "assets/storyportal.js", ("docs/assets/storyportal.js", 1, 1, "docs-replaces-page")),
    ("file-where-a-folder-is", "img", ("docs/img", 1, 1, "docs-replaces-page")),
    ("file-where-a-parent-folder-is", "industries", ("docs/industries", 1, 1, "docs-replaces-page")),
    ("home-page-is-kept", "index.md", None),
    ("home-page-as-readme-is-kept", "README.md", None),
    ("home-page-as-html-is-not", "index.html", ("docs/index.html", 1, 1, "docs-raw-html")),
    ("a-new-page", "about.md", None),
    ("a-page-beside-stories", "stories/how-we-choose.md", None),
    ("an-html-file", "landing.html", ("docs/landing.html", 1, 1, "docs-raw-html")),
    ("an-svg-file", "pics/Logo.SVG", ("docs/pics/Logo.SVG", 1, 1, "docs-raw-html")),
    ("an-image", "pics/team.png", None),
]


@pytest.mark.parametrize("src_uri, expected", [c[1:] for c in REPLACE_CASES], ids=[c[0] for c in REPLACE_CASES])
def test_a_docs_file_may_not_replace_what_the_build_writes_or_run_script(src_uri, expected):
    text = "# Page\n" if src_uri.endswith(".md") else None
    assert found({src_uri: text}) == (([expected], [src_uri]) if expected else ([], []))


HTML_CASES = [
    ("script", "# About\n\n<script src=\"/assets/x.js\"></script>\n", [("docs/about.md", 3, 1, "docs-raw-html")]),
    ("inline-tag", "Text <img src=x onerror=alert(1)> here\n", [("docs/about.md", 1, 6, "docs-raw-html")]),
    ("closing-tag", "</div>\n", [("docs/about.md", 1, 1, "docs-raw-html")]),
    ("in-a-fence", "```html\n<script>alert(1)</script>\n```\n", []),
    ("in-a-tilde-fence", "~~~~\n<script>\n~~~\nstill code\n~~~~\n", []),
    ("after-a-fence", "```\nx\n```\n<iframe src=x>\n", [("docs/about.md", 4, 1, "docs-raw-html")]),
    ("in-a-code-span", "Write `<script>` never.\n", []),
    ("autolink-and-comparison", "See <https://example.com> and 1 < 2. <!-- note -->\n", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES])
def test_docs_markdown_holds_no_raw_html(text, expected):
    assert found({"about.md": text}) == (expected, ["about.md"] if expected else [])


def test_every_extension_mkdocs_renders_counts_as_a_page():
    from mkdocs.utils import markdown_extensions
    assert set(MARKDOWN) == set(markdown_extensions)


def test_attack_docs_cannot_replace_a_story_page(site):
    site.story("northwind", title="The consented story")
    site.write("docs/stories/northwind.md", "# Hand-written\n\nUNCONSENTED TEXT\n")
    page = (site.build() / "stories" / "northwind" / "index.html").read_text()
    assert "UNCONSENTED TEXT" not in page and "The consented story" in page


def test_the_strict_build_names_the_file_that_would_replace_a_page(site):
    site.story("northwind")
    site.write("docs/sales/index.md", "# Our sales page\n")
    code, out, err = site.cli("build", "--strict", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert ("docs/sales/index.md:1:1: error: This hand-written file would replace the generated page /sales/, "
            "which the site builds itself (give the page another name; stories go in stories/, with their consent "
            "checked) [docs-replaces-page]") in err


def test_attack_a_script_in_a_docs_page_is_never_published(site):
    site.story("northwind")
    site.write("docs/evil.js", "window.__xss = 1;\n")
    site.write("docs/about.md", "# About us\n\n<script src=\"../evil.js\"></script>\n")
    site.write("docs/landing.html", "<script src=\"evil.js\"></script>\n")
    out = site.build()
    assert not (out / "about").exists() and not (out / "landing.html").exists()


def test_attack_docs_cannot_replace_the_theme_script(site):
    site.story("northwind")
    site.write("docs/assets/storyportal.js", "window.__xss = 1;\n")
    out = site.build()
    assert "window.__xss" not in (out / "assets" / "storyportal.js").read_text()


GUARDED = (("jane-doe", "notes", "Renewal blocked by the Vega merger"),)
SHOWING = "# About\n\nRenewal blocked by the Vega merger.\n"


def private_found(docs: dict, guarded: tuple, scan) -> list[tuple]:
    issues, _ = check_docs("docs", docs, PAGES, FILES, guarded, scan)
    return [(i.path, i.line, i.rule) for i in issues]


def test_a_kept_docs_scan_finds_what_a_fresh_check_finds_after_each_change():
    """The preview keeps one DocsScan between rebuilds: a page's text or the private values changing
    is scanned again, never answered from the last scan."""
    scan = DocsScan()
    steps = [
        ({"about.md": "# About\n"}, GUARDED),
        ({"about.md": SHOWING}, GUARDED),  # the page now shows a private value
        ({"about.md": SHOWING}, ()),  # the value is no longer private
        ({"about.md": SHOWING}, GUARDED),  # private again
        ({"about.md": "# About\n", "team.md": SHOWING}, GUARDED),  # moved to another page
    ]
    for docs, guarded in steps:
        assert private_found(docs, guarded, scan) == private_found(docs, guarded, None)
    assert private_found(*steps[-1], scan) == [("docs/team.md", 3, "docs-private-value")]


def test_a_kept_docs_scan_builds_its_matcher_once_while_the_private_values_are_the_same(monkeypatch):
    built = []
    real = handwritten.build_matcher
    monkeypatch.setattr(handwritten, "build_matcher", lambda values: built.append(values) or real(values))
    scan = DocsScan()
    for text in ("# About\n", SHOWING, "# About again\n"):
        private_found({"about.md": text}, GUARDED, scan)
    assert len(built) == 1


def test_validate_names_the_file_that_would_replace_a_page_as_the_strict_build_does(site):
    site.story("northwind")
    site.write("docs/sales/index.md", "# Our sales page\n")
    _, _, build_err = site.cli("build", "--strict", "--build-date", BUILD_DATE.isoformat())
    code, out, _ = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    line = next(line for line in out.splitlines() if "[docs-replaces-page]" in line)
    assert code == 1 and line in build_err


@pytest.mark.parametrize(
    "src_uri", ["stories/northwind.md", "sales/rows-0.json", "embed/northwind/index.md", "stories/facets.json"]
)
def test_validate_finds_every_generated_address_a_docs_file_would_take(site, src_uri):
    site.story("northwind")
    site.write(f"docs/{src_uri}", "# Hand-written\n")
    code, out, _ = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    assert code == 1 and f"docs/{src_uri}:1:1: error: " in out and "[docs-replaces-page]" in out


def test_validate_plans_the_site_only_when_docs_holds_a_file(site, monkeypatch):
    from storyportal.cli import validate

    site.story("northwind")
    monkeypatch.setattr(validate, "generated_outputs", lambda portal: pytest.fail("planned for an empty docs/"))
    code, _, _ = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    assert code == 0
