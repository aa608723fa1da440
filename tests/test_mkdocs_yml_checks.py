"""mkdocs.yml as build and serve read it: the located errors validate gives, before MkDocs reads it."""

import pytest

from sitebuilder import BUILD_DATE


def write_config(site, encoding):
    site.story("acme")
    site.flush()
    config = site.root / "mkdocs.yml"
    text = config.read_text().replace("Test stories", "Tést stories")
    config.write_bytes(text.encode(encoding, errors="replace"))  # latin-1 has no en dash (taxonomy labels)


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_build_reports_a_mkdocs_yml_that_is_not_utf8_at_its_place(site, encoding):
    write_config(site, encoding)
    code, out, err = site.run("build", "--build-date", BUILD_DATE.isoformat())
    assert (code, out) == (2, "")
    assert err.startswith("mkdocs.yml:1:1: error: ")
    assert err.rstrip().endswith("[file-encoding]")
    assert "codec" not in err


def test_serve_reports_a_mkdocs_yml_that_is_not_utf8_at_its_place(site):
    write_config(site, "latin-1")
    code, _, err = site.run("serve", "--dev-addr", "127.0.0.1:1")
    assert code == 2
    assert err.startswith("mkdocs.yml:1:1: error: ") and err.rstrip().endswith("[file-encoding]")


def test_a_key_repeated_in_mkdocs_yml_is_reported_where_it_is(site):
    site.story("acme")
    site.flush()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "site_name: Other stories\n")
    code, out, _ = site.run("validate", "--build-date", BUILD_DATE.isoformat())
    line = len(config.read_text().splitlines())
    assert code == 1
    assert (f"mkdocs.yml:{line}:1: error: The field 'site_name' appears twice (first on line 1) "
            "(keep only one of them) [yaml-duplicate-key]") in out


def test_the_build_reports_a_key_repeated_in_mkdocs_yml(site):
    site.story("acme")
    site.flush()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "site_name: Other stories\n")
    code, _, err = site.run("build", "--strict", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "[yaml-duplicate-key]" in err
