"""The leak guard's clean verdicts kept between builds (site/keylog.py, ``clean.log``): a file whose kind and
bytes the last build found clean, looking for the same values with the same code, is not searched
again; anything else is. Files with a leak are never recorded, and the log never holds a value.
"""

from __future__ import annotations

from sitebuilder import BUILD_DATE
from storyportal.core import codeversion
from storyportal.site import leakguard
from storyportal.site.keylog import CLEAN_LOG, KeyLog
from storyportal.site.leakguard import scan_output

NOTE = ("jane-doe", "notes", "Prefers email, not before 10am")
CLEAN = b"<html><body><p>A story about invoices.</p></body></html>"
LEAKY = b"<html><body><p>She prefers email, not <b>before</b> 10am.</p></body></html>"


def guard(out_dir, verdicts, values=(NOTE,), allowed=frozenset()) -> list[tuple[str, str]]:
    return [(leak.file, leak.what) for leak in scan_output(out_dir, values, allowed, verdicts=verdicts)]


def searched(monkeypatch) -> list[str]:
    """The files whose text the guard searches from now on."""
    found: list[str] = []
    scan_raw = leakguard.scan_raw
    monkeypatch.setattr(leakguard, "scan_raw", lambda rel, *a: found.append(rel) or scan_raw(rel, *a))
    return found


def write(folder, rel: str, data: bytes) -> None:
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    (folder / rel).write_bytes(data)


def test_a_file_found_clean_by_the_last_build_is_not_searched_again(tmp_path, monkeypatch):
    write(tmp_path / "site", "story/index.html", CLEAN)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    guard(tmp_path / "site", verdicts)
    again = searched(monkeypatch)
    assert guard(tmp_path / "site", verdicts) == []
    assert again == []


def test_a_file_changed_since_the_last_build_is_searched_again(tmp_path):
    write(tmp_path / "site", "story/index.html", CLEAN)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    guard(tmp_path / "site", verdicts)
    write(tmp_path / "site", "story/index.html", LEAKY)
    assert guard(tmp_path / "site", verdicts) == [("story/index.html", "private value of jane-doe.notes")]


def test_a_file_with_a_leak_is_reported_on_every_build(tmp_path):
    write(tmp_path / "site", "story/index.html", LEAKY)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    guard(tmp_path / "site", verdicts)
    assert guard(tmp_path / "site", verdicts) == [("story/index.html", "private value of jane-doe.notes")]


def test_verdicts_reached_looking_for_other_values_are_not_used(tmp_path):
    write(tmp_path / "site", "story/index.html", LEAKY)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    assert guard(tmp_path / "site", verdicts, values=()) == []  # clean while nothing was private
    assert guard(tmp_path / "site", verdicts) == [("story/index.html", "private value of jane-doe.notes")]


def test_verdicts_reached_with_other_public_contacts_are_not_used(tmp_path):
    write(tmp_path / "site", "about/index.html", b"<p>Write to press@acme.example</p>")
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    assert guard(tmp_path / "site", verdicts, allowed=frozenset({"press@acme.example"})) == []
    assert guard(tmp_path / "site", verdicts) == [
        ("about/index.html", "an e-mail address not declared public (press@acme.example)")
    ]


def test_verdicts_of_other_guard_code_are_not_used(tmp_path, monkeypatch):
    write(tmp_path / "site", "story/index.html", LEAKY)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    monkeypatch.setattr(codeversion, "code_version", lambda: "a guard that missed it")
    monkeypatch.setattr(leakguard, "scan_raw", lambda *a: [])
    guard(tmp_path / "site", verdicts)
    monkeypatch.undo()
    assert guard(tmp_path / "site", verdicts) == [("story/index.html", "private value of jane-doe.notes")]


def test_a_clean_verdict_holds_for_the_kind_of_file_it_was_reached_on(tmp_path):
    # The same bytes: a script is not searched for contacts, a page is.
    data = b"<p>Write to bob@acme.example</p>"
    write(tmp_path / "site", "assets/app.js", data)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    assert guard(tmp_path / "site", verdicts) == []
    write(tmp_path / "site", "about/index.html", data)
    assert guard(tmp_path / "site", verdicts) == [
        ("about/index.html", "an e-mail address not declared public (bob@acme.example)")
    ]


def test_the_log_never_holds_a_value_it_looks_for(tmp_path):
    write(tmp_path / "site", "story/index.html", CLEAN)
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    guard(tmp_path / "site", verdicts)
    log = (tmp_path / "cache" / CLEAN_LOG).read_text()
    assert len(log.splitlines()) == 2  # what it was made for, and the one clean file
    assert "Prefers" not in log and "jane-doe" not in log


def test_the_log_holds_only_the_last_builds_files(tmp_path):
    write(tmp_path / "site", "old/index.html", b"<p>Gone next time.</p>")
    verdicts = KeyLog(tmp_path / "cache" / CLEAN_LOG)
    guard(tmp_path / "site", verdicts)
    (tmp_path / "site/old/index.html").unlink()
    write(tmp_path / "site", "new/index.html", CLEAN)
    guard(tmp_path / "site", verdicts)
    assert len(verdicts.known(leakguard.looked_for((NOTE,), frozenset()))) == 1


def test_a_second_build_searches_no_unchanged_file(site, monkeypatch):
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind")
    site.build(today=BUILD_DATE)
    again = searched(monkeypatch)
    submitted: list[str] = []
    monkeypatch.setattr(leakguard, "_scan_early", lambda rel, *a: submitted.append(rel) or [])
    site.build(today=BUILD_DATE)
    assert again == [] and submitted == []


def test_a_build_that_writes_a_leak_fails_though_the_last_build_was_clean(site):
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind")
    site.write("docs/notes.txt", "Nothing yet.\n")
    site.build(today=BUILD_DATE)
    site.write("docs/notes.txt", "Jane prefers email, not before 10am.\n")
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "notes.txt: private value of jane-doe.notes" in err
