"""Review 4, written as the attacks: results kept between builds (clean.log, scanned.log, parses.log,
bodies.log, pages/) reused when an input that matters changed, a damaged cache file, and two ways the
leak guard failed open (gzip members and layers, a PNG whose structure does not add up)."""

from __future__ import annotations

import struct
import zlib

import pytest

from sitebuilder import BUILD_DATE  # noqa: F401
from storyportal.site.leakguard import MAX_UNPACKED, scan_files

NOTE = "Prefers email, not before 10am"
SECRET_BODY = f"## Challenge\n\nJane: {NOTE}.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n"


def _validate_rules(site) -> str:
    code, out, err = site.cli("validate", "--build-date", "2026-06-01")
    return out + err


# F1: scanned.log keys a story by its bytes, but the scan's input (the story as read) also depends on
# max_story_bytes: a story too large is read as nothing (no front matter, no body) and kept "clean".
def test_raising_max_story_bytes_rescans_a_story_found_clean_while_too_large(site):
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.story("contoso", body=SECRET_BODY + "\n" + ("Padding. " * 200) + "\n")
    site.plugin["max_story_bytes"] = 1000
    site.build()  # cold: contoso is too large, withheld; scanned.log records it as clean
    site.plugin["max_story_bytes"] = 100_000
    out = _validate_rules(site)
    assert "story-private-value" in out, out


def test_raising_max_story_bytes_never_publishes_a_private_value_without_the_guard(site):
    site.plugin["leak_guard"] = False
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.story("contoso", body=SECRET_BODY + "\n" + ("Padding. " * 200) + "\n")
    site.plugin["max_story_bytes"] = 1000
    site.build()
    site.plugin["max_story_bytes"] = 100_000
    out = site.build()
    published = "".join(p.read_text(errors="replace") for p in out.rglob("*.html"))
    assert NOTE not in published  # cold: story-private-value withholds contoso


def _fresh_cli(site, *args: str) -> tuple[int, str, str]:
    """``storyportal ARGS`` in a process of its own, as CI runs it (no in-process memo of an earlier build)."""
    import subprocess
    import sys
    from pathlib import Path

    site.flush()
    exe = str(Path(sys.executable).parent / "storyportal")
    done = subprocess.run([exe, *args], cwd=site.root, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def _cache_file(name: str):
    import os
    from pathlib import Path

    found = list(Path(os.environ["XDG_CACHE_HOME"]).rglob(name))
    assert len(found) == 1, found
    return found[0]


# F2: parses.log had no check of its own lines: a damaged line that is still JSON was read as the parse.
@pytest.mark.parametrize(("title", "kept", "damaged"), [
    ("Northwind cuts invoice time", b'"Northwind cuts', b'"Northwind cu\xffs'),  # one byte, no longer UTF-8
    ("Northwind saved 30% of its invoice time", b"saved 30%", b"saved 90%"),  # still ASCII, still JSON: one digit
], ids=["byte", "digit"])
def test_a_damaged_kept_parse_never_becomes_data(site, title, kept, damaged):
    site.story("northwind", title=title)
    out = site.build()
    log = _cache_file("parses.log")
    data = log.read_bytes()
    assert data.count(kept) == 1, data
    log.write_bytes(data.replace(kept, damaged))  # damaged on disk
    code, _, err = _fresh_cli(site, "build", "--build-date", "2026-06-01")
    assert code == 0, err
    page = (out / "stories/northwind/index.html").read_text(errors="replace")
    assert title in page and "\ufffd" not in page


def test_the_registry_is_never_kept_in_the_cache(site):
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.build()
    cache = _cache_file("parses.log").parent
    assert not [p for p in cache.rglob("*") if p.is_file() and NOTE.encode() in p.read_bytes()]


def test_a_damaged_parses_log_line_is_no_traceback_when_the_log_is_compacted(site):
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.build()
    log = _cache_file("parses.log")
    data = log.read_bytes().replace(b'"Northwind', b'"N\xffrthwind')
    junk = b"".join(b"%064x [null,[],[]]\n" % i for i in range(300))  # texts no file holds any more
    log.write_bytes(data + junk)
    code, out, err = _fresh_cli(site, "build", "--build-date", "2026-06-01")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err + out, err
    assert code == 0, err


# F4: looked_for joins the parts with \0, \1 and \2, which a registry value may hold ("\x02" in double
# quotes parses without a problem): two different (values, public contacts) have one digest.
def test_two_different_sets_of_values_and_contacts_never_share_a_verdict_digest():
    from storyportal.core.yamlload import parse_yaml
    from storyportal.site.leakguard import looked_for

    parsed, problems = parse_yaml('notes: "Falcon\\x02sales@acme.example"\n', "advocates.yaml")
    assert problems == [] and parsed is not None
    before = looked_for([("jane-doe", "notes", parsed.data["notes"])], frozenset())
    after = looked_for([("jane-doe", "notes", "Falcon")], frozenset({"sales@acme.example"}))
    assert before != after  # else files clean of the first are kept clean of "Falcon"


# F5: parse_key is the text, first line and code_version(), which names neither PyYAML's version nor
# whether libyaml parsed it; the two disagree (a tab after "title:" is a syntax error without libyaml).
def test_a_parse_kept_by_one_yaml_parser_is_not_reused_by_another(tmp_path, monkeypatch):
    import yaml

    from storyportal.core import yamlload
    from storyportal.site.parsecache import ParseLog

    text = "title:\tHow Acme cut onboarding\n"
    monkeypatch.setattr(yamlload, "_Loader", yaml.CSafeLoader)
    with yamlload.remembering_parses(ParseLog(tmp_path)):
        _, problems = yamlload.parse_yaml(text, "stories/a.md", 1)
    assert problems == []  # libyaml: a clean parse, kept
    monkeypatch.setattr(yamlload, "_Loader", yaml.SafeLoader)  # the CI image without libyaml, same cache
    _, cold = yamlload.parse_yaml(text, "stories/a.md", 1)
    with yamlload.remembering_parses(ParseLog(tmp_path)):
        _, warm = yamlload.parse_yaml(text, "stories/a.md", 1)
    assert [i.rule for i in cold] == ["yaml-syntax"]
    assert [i.rule for i in warm] == [i.rule for i in cold]


def test_a_parses_log_that_is_not_a_file_is_no_traceback(site):
    site.story("northwind")
    site.build()
    log = _cache_file("parses.log")
    log.unlink()
    log.mkdir()  # damaged cache: what read_lines already treats as "no log"
    site.story("northwind", title="A new title")  # a text never parsed: put() appends
    code, out, err = _fresh_cli(site, "build", "--build-date", "2026-06-01")
    assert code == 0 and "Error" not in err, err


def test_a_story_kept_clean_by_one_yaml_parser_is_searched_again_by_another(site, tmp_path, monkeypatch):
    """F5 through scanned.log: a front matter the pure-Python loader cannot parse is searched body-only and
    kept clean; where libyaml parses it, its title shows a private value, and the search is skipped."""
    import yaml

    from storyportal.core import yamlload
    from storyportal.core.config import load_settings
    from storyportal.core.portal import PortalLoader
    from storyportal.site.keylog import SCANNED_LOG, KeyLog

    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("contoso", text=f"---\ntitle:\t{NOTE}\ntype: testimonial\nadvocates: [jane-doe]\n---\nA short story.\n")
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")

    def rules() -> list[str]:
        loader = PortalLoader(settings, scans=KeyLog(tmp_path / SCANNED_LOG))
        return [i.rule for i in loader.load(BUILD_DATE).issues]

    monkeypatch.setattr(yamlload, "_Loader", yaml.SafeLoader)
    assert "yaml-syntax" in rules()
    monkeypatch.setattr(yamlload, "_Loader", yaml.CSafeLoader)
    cold = [i.rule for i in PortalLoader(settings).load(BUILD_DATE).issues]
    assert "story-private-value" in cold
    assert "story-private-value" in rules()


# Pre-existing, seen on the way: _searchable_bytes unpacks at most three gzip layers and then searches
# what is left (still compressed) as it is, without a problem: a fourth layer hides anything.
def test_a_private_value_under_four_gzip_layers_is_found_or_refused(tmp_path):
    import gzip

    from storyportal.site.leakguard import scan_files

    data = f"<p>Jane: {NOTE}</p>".encode()
    for _ in range(4):
        data = gzip.compress(data)
    (tmp_path / "notes.bin").write_bytes(data)  # a docs/ file, copied as it is
    leaks, clean = scan_files(tmp_path, ["notes.bin"], (("jane-doe", "notes", NOTE),), frozenset())
    assert leaks, clean


def test_a_docs_file_under_four_gzip_layers_never_publishes_a_private_value(site):
    import gzip

    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    data = f"Jane: {NOTE}".encode()
    for _ in range(4):
        data = gzip.compress(data)
    site.write("docs/downloads/notes.bin", data)
    code, out, err = site.cli("build", "--build-date", "2026-06-01")
    assert code != 0 or not (site.root / "site/downloads/notes.bin").exists(), err


def chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk: length, kind, body, CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_text(text: bytes, tail: bytes | None = None) -> bytes:
    """A 1x1 PNG with ``text`` in a zTXt chunk; ``tail`` in place of its IEND chunk (a broken end)."""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(text, 9))
            + chunk(b"IDAT", zlib.compress(b"\0\0")) + (chunk(b"IEND", b"") if tail is None else tail))


HUGE_TEXT = f"Jane: {NOTE} ".encode() + b" " * (MAX_UNPACKED + 1)  # unpacks past what the guard unpacks
CUT_TAIL = struct.pack(">I", 4096) + b"tEXt" + b"short"  # a last chunk that claims more than is there


def found_in_png(tmp_path, png: bytes) -> bool:
    (tmp_path / "photo.png").write_bytes(png)  # a docs/ image, copied as it is
    leaks, _ = scan_files(tmp_path, ["photo.png"], (("jane-doe", "notes", NOTE),), frozenset())
    return bool(leaks)


def published_from_docs(site, png: bytes) -> bool:
    site.advocate("jane-doe", private={"notes": NOTE})
    site.story("northwind")
    site.write("docs/img/photo.png", png)
    code, _, _ = site.cli("build", "--build-date", "2026-06-01")
    return code == 0 and (site.root / "site/img/photo.png").exists()


# Pre-existing: a PNG text chunk that unpacks past MAX_UNPACKED makes _inflate raise, and the "broken
# container" fallback searches the file's raw (compressed) bytes: the chunk's text is never read.
def test_a_private_value_in_a_huge_compressed_png_text_chunk_is_found_or_refused(tmp_path):
    assert found_in_png(tmp_path, png_with_text(HUGE_TEXT))


def test_a_docs_png_with_a_huge_compressed_text_chunk_never_publishes_a_private_value(site):
    assert not published_from_docs(site, png_with_text(HUGE_TEXT))


# Pre-existing: any structural error in a PNG (here a truncated last chunk) sends it to the raw-bytes
# fallback, where a zTXt/iTXt/iCCP chunk's text is still compressed and never read.
def test_a_private_value_in_a_compressed_chunk_of_a_png_with_a_truncated_tail_is_found(tmp_path):
    assert found_in_png(tmp_path, png_with_text(f"Jane: {NOTE}".encode(), CUT_TAIL))


def test_a_docs_png_with_a_truncated_tail_never_publishes_a_compressed_private_value(site):
    assert not published_from_docs(site, png_with_text(f"Jane: {NOTE}".encode(), CUT_TAIL))


# Pre-existing: _gunzip reads the first gzip member only; what follows it (a second member, which gunzip
# and browsers unpack too) is in unused_data and never searched.
def test_a_private_value_in_a_second_gzip_member_is_found(tmp_path):
    import gzip

    from storyportal.site.leakguard import scan_files

    data = gzip.compress(b"<p>Nothing to see.</p>") + gzip.compress(f"<p>Jane: {NOTE}</p>".encode())
    assert NOTE.encode() in gzip.decompress(data)
    (tmp_path / "notes.html.gz").write_bytes(data)
    leaks, _ = scan_files(tmp_path, ["notes.html.gz"], (("jane-doe", "notes", NOTE),), frozenset())
    assert leaks


def test_a_damaged_byte_in_a_kept_body_never_becomes_data(site):
    site.story("northwind", body="## Challenge\n\nInvoices took 30 days.\n\n## Solution\n\nS.\n\n## Results\n\nR.\n")
    out = site.build()
    log = _cache_file("bodies.log")
    data = log.read_bytes()
    assert data.count(b"took 30 days") == 1, data
    log.write_bytes(data.replace(b"took 30 days", b"took 90 days"))
    code, _, err = _fresh_cli(site, "build", "--build-date", "2026-06-01")
    assert code == 0, err
    assert "took 90 days" not in (out / "stories/northwind/index.html").read_text()


def test_a_damaged_byte_in_a_kept_page_never_becomes_data(site):
    site.story("northwind", title="Northwind saved 30% of its invoice time")
    out = site.build()
    (page,) = [p for p in _cache_file("parses.log").parent.glob("pages/*.html") if b"saved 30%" in p.read_bytes()]
    page.write_bytes(page.read_bytes().replace(b"saved 30%", b"saved 90%"))
    code, _, err = _fresh_cli(site, "build", "--build-date", "2026-06-01")
    assert code == 0, err
    assert "saved 90%" not in (out / "stories/northwind/index.html").read_text()


def test_validate_with_a_cache_folder_it_cannot_write_to_is_no_traceback(site):
    # A CI cache restored read-only, say: every log of the folder is then no log (a folder stands in for each).
    site.image("stories/hero.png")
    site.story("northwind", image="hero.png")
    site.build()
    cache = _cache_file("parses.log").parent
    for name in ("parses.log", "bodies.log", "decoded.log", "scanned.log"):
        path = cache / name
        if path.exists():
            path.unlink()
        path.mkdir()
    site.story("northwind", title="A title never parsed before")
    code, out, err = _fresh_cli(site, "validate", "--build-date", "2026-06-01")
    assert code == 0 and "Traceback" not in err, err


def test_a_decode_log_that_cannot_be_written_is_no_log(tmp_path):
    from storyportal.core.imagecheck import decode_key
    from storyportal.site.imagecache import DecodeLog

    (tmp_path / "decoded.log").mkdir()  # what a read-only or damaged cache gives: no file to append to
    log = DecodeLog(tmp_path / "decoded.log")
    log.add(decode_key(b"an image"))
    assert decode_key(b"an image") in log  # remembered for this process, written nowhere
