"""Every file the tool reads, saved in another encoding: a located file-encoding error, never a traceback.

mkdocs.yml (with the taxonomy), advocates.yaml, a portal's interface strings and a story, each
saved as Latin-1, as UTF-16 or with a NUL byte, under every command that reads it.
"""

from __future__ import annotations

import pytest

from test_robust_types import COMMANDS

ENCODED = {
    "latin-1": lambda text: text.encode("utf-8").replace(b"Acme", b"Acm\xe9", 1),  # one Latin-1 'é'
    "utf-16": lambda text: text.encode("utf-16"),
    "nul-byte": lambda text: text.encode("utf-8").replace(b"Acme", b"Ac\x00me", 1),
}
FILES = ["mkdocs.yml", "advocates.yaml", "messages/de.yaml", "stories/acme.md"]
READ_BY_EVERY_COMMAND = ("mkdocs.yml", "advocates.yaml")  # the others are named by validate


def portal(site) -> None:
    site.plugin["lang"] = "en"
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}
    taxonomy = site.plugin["taxonomy"]  # the builder's shared default: changed in a copy
    site.plugin["taxonomy"] = {**taxonomy, "region": {**taxonomy["region"], "emea": "EMEA (Acme's region)"}}
    site.advocate(activities={"site-visit": {"available": True}})
    site.advocates["jane-doe"]["consent"]["scopes"].append("site-visit")
    site.story("acme", title="How Acme grew")
    site.write("messages/de.yaml", "sales.title: Acme Referenzen\n")
    site.flush()


def save_as(site, rel: str, encoding: str) -> None:
    path = site.root / rel
    path.write_bytes(ENCODED[encoding](path.read_text(encoding="utf-8")))
    site.flush = lambda: None  # commands read the file as saved


@pytest.mark.parametrize("encoding", ENCODED)
@pytest.mark.parametrize("rel", FILES)
def test_a_file_in_another_encoding_is_never_a_traceback(site, rel, encoding):
    portal(site)
    save_as(site, rel, encoding)
    for command in COMMANDS:
        code, out, err = site.run(*command, "--build-date", "2026-06-01")
        assert code in (0, 1, 2), (command, err)
        assert f"{rel}:" in out + err or (command != ["validate"] and rel not in READ_BY_EVERY_COMMAND), command


@pytest.mark.parametrize("encoding", ENCODED)
def test_mkdocs_yml_in_another_encoding_stops_validate_at_its_line(site, encoding):
    portal(site)
    line = first_line_with(site, "mkdocs.yml", "Acme") if encoding == "latin-1" else 1
    save_as(site, "mkdocs.yml", encoding)
    code, out, err = site.run("validate")
    assert (code, err.splitlines()[0].split(": error: ")[0], err.splitlines()[0].endswith("[file-encoding]")) == (
        2, f"mkdocs.yml:{line}:1", True)


@pytest.mark.parametrize("rel", ["advocates.yaml", "messages/de.yaml", "stories/acme.md"])
def test_validate_reports_a_file_not_in_utf8_at_the_line_of_the_byte(site, rel):
    portal(site)
    line = first_line_with(site, rel, "Acme")
    save_as(site, rel, "latin-1")
    code, out, err = site.run("validate", "--build-date", "2026-06-01")
    assert [line for line in out.splitlines() if "file-encoding" in line] == [
        f"{rel}:{line}:1: error: The file is not UTF-8 text (save it as UTF-8) [file-encoding]"]


def first_line_with(site, rel: str, word: str) -> int:
    lines = (site.root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if word in text)


def docs_page_saved_as(site, encoding: str) -> None:
    """A story, a good hand-written page, and docs/about.md ("Acme" on line 3) saved in ``encoding``."""
    site.story("acme", title="How Acme grew")
    site.write("docs/ok.md", "# A page that is fine\n")
    site.write("docs/about.md", "# About\n\nWe work with Acme.\n")
    site.flush()
    save_as(site, "docs/about.md", encoding)


DOCS_ERRORS = {
    "latin-1": "docs/about.md:3:1: error: The file is not UTF-8 text (save it as UTF-8) [file-encoding]",
    "utf-16": "docs/about.md:1:1: error: The file is not UTF-8 text (save it as UTF-8) [file-encoding]",
    "nul-byte": "docs/about.md:1:1: error: The file contains NUL bytes; it is not a text file [file-encoding]",
}


@pytest.mark.parametrize("encoding", ENCODED)
def test_validate_names_a_docs_page_not_in_utf8_at_its_line(site, encoding):
    docs_page_saved_as(site, encoding)
    assert site.run("validate", "--build-date", "2026-06-01")[:2] == (1, DOCS_ERRORS[encoding] + "\n")


@pytest.mark.parametrize("encoding", ENCODED)
def test_the_build_leaves_a_docs_page_not_in_utf8_out_and_builds_the_rest(site, encoding):
    docs_page_saved_as(site, encoding)
    code, out, err = site.run("build", "--build-date", "2026-06-01")
    built = site.root / "site"
    assert (code, f"ERROR   -  storyportal: {DOCS_ERRORS[encoding]}" in err.splitlines()) == (0, True)
    assert [(built / page).is_file() for page in ("ok/index.html", "stories/acme/index.html", "about/index.html")] == [
        True, True, False]
