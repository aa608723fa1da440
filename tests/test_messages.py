"""Message catalogues: complete in en/de/fr, shipped with the package, overridable, checked by validate."""

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from storyportal.core.messages import Messages, fill, package_catalogue, placeholders

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator" / "storyportal"
SHIPPED = ("en", "de", "fr")
TWO = {"en": {"label": "English"}, "de": {"label": "Deutsch"}}


def catalogue(code: str) -> dict:
    return yaml.safe_load(package_catalogue(code).read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", SHIPPED[1:])
def test_shipped_catalogues_have_every_english_key_and_no_other(code):
    assert set(catalogue(code)) == set(catalogue("en"))


@pytest.mark.parametrize("code", SHIPPED[1:])
def test_translations_use_only_the_placeholders_english_gives(code):
    english = catalogue("en")
    wrong = {k: v for k, v in catalogue(code).items() if not placeholders(v) <= placeholders(english[k])}
    assert wrong == {}


@pytest.mark.parametrize("code", SHIPPED[1:])
def test_translations_are_translated_not_copied(code):
    english = catalogue("en")
    same = {k for k, v in catalogue(code).items() if v == english[k]}
    # Words that are the same in both languages.
    assert same <= {"type.video", "facet.region", "js.video_title", "embed.preview", "js.wall_pause"}


def test_the_catalogues_are_package_data_so_an_installed_package_has_them():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["storyportal"]
    for path in (PACKAGE / "messages").iterdir():
        assert any(fnmatch(path.relative_to(PACKAGE).as_posix(), g) for g in globs), path


def test_every_key_is_used_by_a_template_a_script_or_the_code():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "theme").rglob("*") if p.is_file()
                        and p.suffix in (".html", ".js"))
    sources += "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    unused = [k for k in catalogue("en") if not _used(k, sources)]
    assert unused == []


def _used(key: str, sources: str) -> bool:
    short = key.removeprefix("js.")
    if key.startswith(("type.", "facet.")):  # built from the value: t("type." ~ ...), type_label()
        return True
    return bool(re.search(r"""t\(\s*["']""" + re.escape(short if key.startswith("js.") else key) + "[\"']", sources))


def test_no_template_of_the_public_site_keeps_an_english_sentence():
    public = ["sp_home.html", "sp_stories.html", "sp_industry.html", "sp_story.html", "sp_embed_card.html",
              "sp_embed_wall.html", "partials/sp_card.html", "partials/sp_embed_button.html",
              "partials/sp_embed_card.html", "partials/sp_languages.html", "partials/sp_alternates.html"]
    for name in public:
        text = (ROOT / "theme" / name).read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", " ", text, flags=re.S)
        words = re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,})+", text)
        assert words == [], name


@pytest.mark.parametrize("script", ["assets/storyportal.js", "assets/sp-search.js", "assets/embed-button.js",
                                    "embed/wall.js"])
def test_no_public_script_shows_an_english_sentence(script):
    text = (ROOT / "theme" / script).read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    shown = [s for s in re.findall(r'"([^"\n]*)"', text) if re.search(r"[A-Z][a-z]+ [a-z]", s)]
    assert shown in ([], ["Prospect link copied"]), shown  # /sales/ only: the reps' tool stays in one language


# -- lookup ----------------------------------------------------------------------------------------

def test_a_missing_string_falls_back_to_english_then_to_its_key():
    messages = Messages("it", {"a": "uno"}, {"a": "one", "b": "two"})
    assert (messages.t("a"), messages.t("b"), messages.t("c")) == ("uno", "two", "c")


@pytest.mark.parametrize("lang, count, expected", [("en", 1, "1 story"), ("en", 0, "0 stories"),
                                                   ("fr", 0, "0 histoire"), ("fr", 2, "2 histoires")])
def test_the_count_chooses_the_form(lang, count, expected):
    forms = {"one": "{count} histoire", "other": "{count} histoires"} if lang == "fr" else \
        {"one": "{count} story", "other": "{count} stories"}
    assert Messages(lang, {"n": forms}).t("n", count=count) == expected


@pytest.mark.parametrize("text, expected", [
    ("{count} of {total}", "3 of {total}"),  # an unknown name stays visible
    ("{count.__class__}", "{count.__class__}"),  # never an attribute lookup
    ("an unpaired { brace", "an unpaired { brace"),
])
def test_fill_replaces_only_names_it_is_given(text, expected):
    assert fill(text, {"count": 3}) == expected


# -- portal catalogues and validate ------------------------------------------------------------------

def test_validate_strict_lists_the_strings_an_incomplete_catalogue_lacks(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "it": {"label": "Italiano"}}
    site.plugin["taxonomy"] = {f: {k: {"en": v, "it": v} for k, v in vals.items()} for f, vals in
                               site.plugin["taxonomy"].items()}
    site.write("messages/it.yaml", "home.featured: Storie in evidenza\nhome.latest: Ultime storie\n")
    site.story()
    code, out, _ = site.cli("validate", "--strict")
    assert code == 1
    total = len(catalogue("en"))
    assert re.search(
        rf"^messages/it.yaml: warning: {total - 2} interface string\(s\) have no Italiano \('it'\) text and show in "
        r"English: type.case-study, type.testimonial, .* and \d+ more \(add them to messages/it.yaml, copying the "
        r"keys of storyportal/messages/en.yaml\) \[config-message-missing\]$", out, re.M)


def test_a_language_with_no_catalogue_at_all_is_reported_at_the_config(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "ja": {"label": "日本語"}}
    site.story()
    assert any(i.startswith("mkdocs.yml: warning:") and "[config-message-missing]" in i for i in site.issues())


def test_german_and_french_need_nothing_more(site):
    site.plugin["languages"] = {"en": {"label": "English"}, "de": {"label": "Deutsch"}, "fr": {"label": "Français"}}
    site.story()
    assert not [i for i in site.issues() if "message" in i]


def test_a_portal_string_replaces_ours(site):
    site.plugin["languages"] = TWO
    site.write("messages/de.yaml", "story.copy_link: Link kopieren\n")
    site.story()
    assert site.load().messages.for_language("de").t("story.copy_link") == "Link kopieren"


def test_a_portal_string_replaces_ours_in_the_default_language_too(site):
    site.write("messages/en.yaml", "stories.title: Success stories\n")
    site.story()
    html = (site.build() / "stories" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Success stories</h1>" in html


@pytest.mark.parametrize("text, rule, message", [
    ("story.copylink: Link kopieren\n", "config-message-unknown",
     "Unknown string 'story.copylink' (did you mean 'story.copy_link'?)"),
    ("story.about: Über {firma}\n", "config-message-placeholder",
     "'story.about' uses {firma}, which this string never gets (use only the {names} of the English text: company)"),
    ("stories.count: {one: eine}\n", "config-message-invalid",
     "'stories.count' must be a text, or 'one:' and 'other:' texts for a number"),
    ("- a list\n", "config-message-invalid", "A catalogue holds lines like 'key: text', one per string"),
])
def test_a_wrong_portal_catalogue_is_located(site, text, rule, message):
    site.plugin["languages"] = TWO
    site.write("messages/de.yaml", text)
    site.story()
    found = [i for i in site.issues() if i.startswith("messages/de.yaml:1:1:")]
    assert found and found[0].endswith(f"{message} [{rule}]"), site.issues()


def test_messages_dir_names_the_folder(site):
    site.plugin.update(languages=TWO, messages_dir="i18n")
    site.write("i18n/de.yaml", "story.copylink: x\n")
    site.story()
    assert any(i.startswith("i18n/de.yaml:1:1:") for i in site.issues())


@pytest.mark.slow
def test_an_installed_package_carries_the_catalogues(tmp_path):
    """setuptools' build_py (what a wheel or a plain install copies) from a clean copy of the source."""
    pytest.importorskip("setuptools")  # the build backend (pyproject.toml); the venvs make creates have it
    import shutil
    import subprocess
    import sys

    source = tmp_path / "src"
    shutil.copytree(PACKAGE, source / "generator" / "storyportal", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    run = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                          "-d", str(tmp_path / "lib")], cwd=source, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    shipped = {p.name for p in (tmp_path / "lib" / "storyportal" / "messages").glob("*.yaml")}
    assert shipped == {f"{code}.yaml" for code in SHIPPED}
