"""The build around MkDocs: what is published, what never is, and builds a reviewer can trust."""

import hashlib
import subprocess
import sys

import pytest

from sitebuilder import BUILD_DATE


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def all_text(folder) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "ignore") for p in folder.rglob("*") if p.is_file())


def test_a_published_story_gets_its_page(site):
    site.story("northwind")
    out = site.build()
    assert (out / "stories" / "northwind" / "index.html").is_file()


def test_a_withheld_story_is_not_built(site):
    site.advocate("jane-doe", consent={"scopes": ["case-study"], "granted": BUILD_DATE, "revoked": True})
    site.story("northwind", summary="UNIQUE-WITHHELD-SUMMARY")
    out = site.build()
    assert not (out / "stories" / "northwind").exists()
    assert "UNIQUE-WITHHELD-SUMMARY" not in all_text(out)


def test_broken_front_matter_is_never_published_as_text(site):
    site.story("good")
    site.story("broken", text="---\ntitle: [unclosed\nsummary: SECRET-FRONT-MATTER\n---\nBody\n")
    out = site.build()
    assert not (out / "stories" / "broken").exists()
    assert "SECRET-FRONT-MATTER" not in all_text(out)


def test_building_twice_gives_identical_files(site, tmp_path):
    site.story("northwind")
    site.story("southwind", title="Southwind story", featured=True)
    first = tree(site.build("-d", str(tmp_path / "one")))
    second = tree(site.build("-d", str(tmp_path / "two")))
    assert first == second


def test_private_values_never_reach_the_site(site):
    site.advocate("jane-doe", private={"email": "jane.private@acme.example", "phone": "+44 20 7946 0000",
                                       "notes": "MARKER-PRIVATE-NOTE"})
    site.story("northwind")
    text = all_text(site.build())
    for marker in ("jane.private@acme.example", "+44 20 7946 0000", "MARKER-PRIVATE-NOTE"):
        assert marker not in text


def test_leak_guard_fails_the_build_and_keeps_the_previous_site(site):
    site.advocate("jane-doe", private={"notes": "MARKER-LEAKED-NOTE"})
    site.story("northwind")
    before = tree(site.build())
    site.mkdocs["copyright"] = "MARKER-LEAKED-NOTE"  # a theme that prints a private value
    code, out, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "private value of jane-doe.notes" in err
    assert tree(site.root / "site") == before


def test_an_alias_redirects_to_the_story(site):
    site.story("northwind", aliases=["/stories/old-northwind/"])
    page = (site.build() / "stories" / "old-northwind" / "index.html").read_text()
    assert 'content="0; url=../../stories/northwind/"' in page


def test_a_symlink_in_docs_is_not_published(site):
    site.story("northwind")
    site.flush()
    (site.root / "docs" / "registry.yaml").symlink_to(site.root / "advocates.yaml")
    out = site.build()
    assert not (out / "registry.yaml").exists()


def test_strict_mkdocs_build_fails_on_a_story_error(site):
    site.story("northwind", industry="retial")
    site.flush()
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site.root / "out")],
                         cwd=site.root, capture_output=True, text=True,
                         env={"NO_MKDOCS_2_WARNING": "1", "STORYPORTAL_BUILD_DATE": BUILD_DATE.isoformat(),
                              "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1
    assert "[story-taxonomy-unknown]" in run.stderr


@pytest.mark.parametrize("payload", [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
])
def test_values_are_escaped_where_they_land(site, payload):
    site.story("northwind", title="T " + payload, summary="S " + payload)
    page = (site.build() / "stories" / "northwind" / "index.html").read_text()
    assert "<script>window.__xss" not in page
    assert 'onerror="window.__xss' not in page


def test_the_build_writes_only_its_output_folder_and_image_cache(site):
    site.story("northwind")
    site.flush()
    before = tree(site.root)
    site.build()
    after = {path: digest for path, digest in tree(site.root).items()
             if not path.startswith(("site/", ".cache/storyportal/"))}
    assert after == before


def test_a_hand_written_home_page_is_kept(site):
    site.story("northwind")
    site.write("docs/index.md", "# Welcome\n\nOUR OWN HOME PAGE TEXT\n")
    out = site.build()
    assert "OUR OWN HOME PAGE TEXT" in (out / "index.html").read_text()
