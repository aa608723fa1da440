"""The last line of defence: no private registry value, e-mail or phone number in the output.

Reads every file a build wrote before the output replaces the published site:
the text of HTML, JSON (the search index included), CSV, XML, SVG, JavaScript
and any other file, what a gzip stream holds (found by its magic bytes, whatever
the file is called), and the metadata of images (EXIF, PNG text chunks). Each
file's text is normalised once (``core.privacy.normalise``: unescaped, markup and
invisible characters dropped, whitespace collapsed, case-folded) and all private
values are matched at once with an Aho-Corasick automaton, phone numbers by their
digits, so the cost grows with the size of the site, not with the number of values.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from storyportal.core.imagecheck import IMAGE_SUFFIXES
from storyportal.core.issues import visible
from storyportal.core.privacy import PrivateMatcher, PrivateValue, build_matcher, contacts_in, normalise

CONTACT_SUFFIXES = {".html", ".json", ".csv", ".xml", ".txt", ".svg"}  # our outputs, not vendored scripts
GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 64 * 1024 * 1024  # a gzip stream that unpacks to more is refused, not searched


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the output folder
    what: str  # "private value of jane-doe.email", "an e-mail address" ...


def scan_output(
    out_dir: Path, private_values: Iterable[PrivateValue], allowed: Collection[str] = frozenset()
) -> list[Leak]:
    """Every leak in ``out_dir``: private values anywhere, undeclared e-mails and phones in our text."""
    matcher = build_matcher(private_values)
    leaks: set[Leak] = set()
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file() and not p.is_symlink()):
        leaks.update(scan_file(path, visible(path.relative_to(out_dir).as_posix()), matcher, allowed))
    return sorted(leaks, key=lambda leak: (leak.file, leak.what))


def scan_file(path: Path, rel: str, matcher: PrivateMatcher, allowed: Collection[str]) -> list[Leak]:
    """The leaks in one file, its text normalised once."""
    data, problem = _searchable_bytes(path)
    leaks = [Leak(rel, problem)] if problem else []
    if data:
        text = normalise(data.decode("utf-8", "replace"), attributes=True)
        leaks += [Leak(rel, f"private value of {label}") for label in sorted(matcher.find(text))]
    if path.suffix.lower() in CONTACT_SUFFIXES:
        leaks += _contacts(rel, data, allowed)
    return leaks


def _searchable_bytes(path: Path) -> tuple[bytes, str]:
    """The bytes to search, and a problem if part of the file could not be read."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return image_metadata_text(path).encode("utf-8"), ""
    data, problem = path.read_bytes(), ""
    for _ in range(3):  # sitemap.xml.gz, or a gzip file inside a gzip file
        if problem or not data.startswith(GZIP_MAGIC):
            break
        data, problem = _gunzip(data)
    return data, problem


def _gunzip(data: bytes) -> tuple[bytes, str]:
    """What a gzip stream holds, up to MAX_UNPACKED; a stream that says more cannot be vouched for."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        unpacked = inflater.decompress(data, MAX_UNPACKED)
    except zlib.error:
        return b"", "a compressed file that cannot be unpacked, so it cannot be checked"
    if inflater.unconsumed_tail:
        return unpacked, f"a compressed file that unpacks to more than {MAX_UNPACKED:,} bytes, so it cannot be checked"
    return unpacked, ""


def image_metadata_text(path: Path) -> str:
    """The text an image carries besides its pixels: EXIF values and text chunks."""
    try:
        with Image.open(path) as img:
            # A bytes value is searched as Python writes it out, b'...': said with !s on purpose.
            parts = [f"{k}={v!s}" for k, v in img.info.items() if isinstance(v, (str, bytes))]
            if img.format != "PNG":  # PNG's EXIF is already in info; getexif() would decode the pixels
                parts += [str(v) for v in img.getexif().values()]
    except Exception:  # not an image after all: search its bytes
        return path.read_bytes().decode("utf-8", "replace")
    return "\n".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p in parts)


def _contacts(rel: str, data: bytes, allowed: Collection[str]) -> list[Leak]:
    # The same finder as the story rule story-contact: what validate lets through, the guard does too.
    return [
        Leak(rel, f"an e-mail address not declared public ({found})" if "@" in found else f"a phone number ({found})")
        for found in contacts_in(data)
        if found.lower() not in allowed
    ]
