"""validate reads docs/ as the build does: what validates, builds (review 3, finding 5).

A hand-written page with raw HTML, a private registry value or a contact detail used to pass
``validate --strict`` and then fail ``build --strict`` (the private value in the leak guard,
which stopped the whole build). Both now report it at its line, and the build leaves that page
out instead of stopping.
"""

from __future__ import annotations

from sitebuilder import BUILD_DATE

NOTES = "Allergic to conference calls"


def validate(site, *args: str) -> tuple[int, str]:
    code, out, _ = site.cli("validate", "--build-date", BUILD_DATE.isoformat(), *args)
    return code, out


def test_raw_html_in_a_docs_page_is_reported_at_its_line(site):
    site.story("acme")
    site.write("docs/about.md", "# About\n\n<script>alert(1)</script>\n")
    code, out = validate(site)
    assert code == 1 and "docs/about.md:3:1: error:" in out and "[docs-raw-html]" in out


def test_a_private_value_in_a_docs_page_is_reported_at_its_line(site):
    site.advocate("jane-doe", private={"notes": NOTES})
    site.story("acme")
    site.write("docs/about.md", "# About\n\nJane is\n**allergic** to conference calls.\n")
    code, out = validate(site)
    assert code == 1 and "docs/about.md:4:" in out and "jane-doe.notes" in out and "[docs-private-value]" in out


def test_an_e_mail_address_in_a_docs_page_is_reported(site):
    site.story("acme")
    site.write("docs/about.md", "# About\n\nWrite to press@acme.example.\n")
    code, out = validate(site)
    assert code == 1 and "docs/about.md:3:" in out and "press@acme.example" in out


def test_a_docs_page_naming_an_advocate_who_may_not_be_named_is_reported(site):
    site.advocate("jane-doe", scopes=["case-study"])
    site.story("acme")
    site.write("docs/about.md", "# About\n\nThanks to Jane Doe.\n")
    code, out = validate(site)
    assert code == 1 and "docs/about.md:3:11:" in out and "names Jane Doe (jane-doe" in out


def test_a_hidden_file_in_docs_is_not_read(site):
    site.story("acme")
    site.write("docs/.notes.md", "<script>alert(1)</script>\n")
    assert validate(site) == (0, "")


def test_the_build_leaves_out_a_docs_page_with_a_private_value_and_publishes_the_rest(site):
    site.advocate("jane-doe", private={"notes": NOTES})
    site.story("acme")
    site.write("docs/about.md", f"# About\n\nJane is {NOTES}.\n")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 0 and "docs/about.md:3:" in err and "[docs-private-value]" in err
    assert not (site.root / "site/about").exists() and (site.root / "site/stories/acme/index.html").is_file()


def test_a_symbolic_link_in_docs_is_reported(site):
    site.story("acme")
    (site.root / "docs").mkdir(exist_ok=True)
    (site.root / "docs" / "registry.md").symlink_to(site.root / "advocates.yaml")
    code, out = validate(site)
    assert code == 1 and out.startswith("docs/registry.md:1:1: error:") and "[path-symlink]" in out
