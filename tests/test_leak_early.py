"""The leak guard's early scan (site/leakguard.py EarlyScan): pages and generated texts are read
by a process beside the build while it goes on, and the final pass keeps a verdict only for a
file whose bytes on disk are still the ones that were read. A later writer that changes a file
gets it read again; a verdict reached with other values is never used.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from sitebuilder import BUILD_DATE
from storyportal.site import leakguard
from storyportal.site.leakguard import EarlyScan, scan_output

NOTE = ("jane-doe", "notes", "Prefers email, not before 10am")
CLEAN = b"<html><body><p>A story about invoices.</p></body></html>"
LEAKY = b"<html><body><p>She prefers email, not <b>before</b> 10am.</p></body></html>"


def alone_if_threaded(request) -> bool:
    """Run this test in a pytest process of its own if this one has other threads (a browser or
    preview test earlier in the run leaves some): the early scan forks only from a process with one
    thread, and is off otherwise. True when that process ran it (and passed)."""
    if leakguard._fork_is_safe():
        return False
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid]
    done = subprocess.run(command, cwd=request.config.rootpath, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return True


def early_with(rel: str, data: bytes, values=(NOTE,)) -> EarlyScan:
    early = EarlyScan(values)
    early.submit(rel, data)
    return early


def whats(out_dir, early, values=(NOTE,)) -> list[tuple[str, str]]:
    return [(leak.file, leak.what) for leak in scan_output(out_dir, values, early=early)]


def test_a_page_changed_after_it_was_scanned_is_read_again(tmp_path):
    early = early_with("story/index.html", CLEAN)
    (tmp_path / "story").mkdir()
    (tmp_path / "story/index.html").write_bytes(LEAKY)  # a later writer put the note in
    assert whats(tmp_path, early) == [("story/index.html", "private value of jane-doe.notes")]


def test_a_verdict_on_other_bytes_is_not_used(tmp_path):
    early = early_with("story/index.html", LEAKY)
    (tmp_path / "story").mkdir()
    (tmp_path / "story/index.html").write_bytes(CLEAN)
    assert whats(tmp_path, early) == []


def test_a_page_unchanged_since_it_was_scanned_keeps_its_verdict(tmp_path, monkeypatch, request):
    if alone_if_threaded(request):
        return
    early = early_with("story/index.html", LEAKY)
    (tmp_path / "story").mkdir()
    (tmp_path / "story/index.html").write_bytes(LEAKY)
    read_again = []
    monkeypatch.setattr(leakguard, "scan_files", lambda out, files, *a: (read_again.extend(files), ([], set()))[1])
    assert whats(tmp_path, early) == [("story/index.html", "private value of jane-doe.notes")]
    assert read_again == []


def test_a_verdict_reached_with_other_values_is_not_used(tmp_path):
    early = early_with("story/index.html", LEAKY, values=())
    (tmp_path / "story").mkdir()
    (tmp_path / "story/index.html").write_bytes(LEAKY)
    assert whats(tmp_path, early) == [("story/index.html", "private value of jane-doe.notes")]


@pytest.mark.parametrize("rel", ["img/hero.png", "sitemap.xml.gz"])
def test_images_and_compressed_files_are_left_to_the_final_pass(tmp_path, rel):
    data = b"\x1f\x8b" + LEAKY if rel.endswith(".gz") else LEAKY
    early = early_with(rel, data)
    (tmp_path / rel).parent.mkdir(exist_ok=True)
    (tmp_path / rel).write_bytes(data)
    assert early.settle(tmp_path, [rel]) == ([rel], [], set())


def test_a_leak_on_a_page_is_found_by_the_early_scan_of_a_build(site, monkeypatch, request):
    if alone_if_threaded(request):
        return
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind")
    # a hook (code, past every check of the sources) writes it: docs-private-value leaves out a page that has it
    site.write("docs/contact.md", "# Contact\n\nNothing yet.\n")
    site.write(
        "hooks.py",
        "def on_page_markdown(markdown, **kwargs):\n"
        "    return markdown.replace('Nothing yet.', 'Jane prefers email, not before 10am.')\n",
    )
    site.mkdocs["hooks"] = ["hooks.py"]
    read_again: list[str] = []
    scan_all = leakguard._scan_all
    monkeypatch.setattr(
        leakguard, "_scan_all", lambda out, files, *a: read_again.extend(files) or scan_all(out, files, *a)
    )
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "contact/index.html: private value of jane-doe.notes" in err
    assert "contact/index.html" not in read_again  # the verdict came from the early scan


def test_a_build_hands_its_pages_texts_and_copies_to_the_early_scan(site, monkeypatch):
    sent: list[str] = []
    submit = EarlyScan.submit
    monkeypatch.setattr(EarlyScan, "submit", lambda self, rel, data: sent.append(rel) or submit(self, rel, data))
    site.story("northwind")
    site.build(today=BUILD_DATE)
    assert "stories/northwind/index.html" in sent  # a page, as it is written
    assert "embed/northwind/index.html" in sent  # a generated text
    assert "assets/storyportal.js" in sent  # a copied file, read from its source


def test_a_copied_file_is_read_again_if_its_copy_differs_from_what_was_read(site, monkeypatch):
    site.advocate("jane-doe", private={"notes": "Prefers email, not before 10am"})
    site.story("northwind")
    site.write("docs/notes.txt", "Jane prefers email, not before 10am.\n")
    submit = EarlyScan.submit
    monkeypatch.setattr(  # the early scan is shown other bytes than the copy holds
        EarlyScan, "submit", lambda self, rel, data: submit(self, rel, b"clean" if rel == "notes.txt" else data)
    )
    code, _, err = site.cli("build", "--build-date", BUILD_DATE.isoformat())
    assert code == 1
    assert "notes.txt: private value of jane-doe.notes" in err
