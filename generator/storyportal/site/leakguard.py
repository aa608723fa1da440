"""The last line of defence: no private registry value, e-mail or phone number in the output.

Reads every file a build wrote before the output replaces the published site:
the text of HTML, JSON (the search index included), CSV, XML, SVG, JavaScript
and any other file, what a gzip stream holds (found by its magic bytes, whatever
the file is called), and everything images carry besides their pixels (every chunk
or segment that is not pixel data, read from the container itself). Each
file's text is normalised once (``core.privacy.normalise``: unescaped, markup and
invisible characters dropped, whitespace collapsed, case-folded) and all private
values are matched at once with an Aho-Corasick automaton, phone numbers by their
digits, so the cost grows with the size of the site, not with the number of values.
"""

from __future__ import annotations

import gc
import hashlib
import io
import multiprocessing
import os
import posixpath
import threading
import zlib
from collections.abc import Collection, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from storyportal.core.codeversion import made_for
from storyportal.core.imagecheck import IMAGE_SUFFIXES
from storyportal.core.issues import visible
from storyportal.core.privacy import (
    NAME_FIELD,
    PrivateMatcher,
    PrivateValue,
    build_matcher,
    contacts_shown,
    label_parts,
    normalise,
)
from storyportal.site.keylog import KeyLog

CONTACT_SUFFIXES = {".html", ".json", ".csv", ".xml", ".txt", ".svg"}  # our outputs, not vendored scripts
GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 64 * 1024 * 1024  # a gzip stream that unpacks to more is refused, not searched
GZIP_LAYERS = 3  # gzip inside gzip: unpacked this many times over, refused beyond


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the output folder
    what: str  # "private value of jane-doe.email", "an e-mail address" ...


def scan_output(
    out_dir: Path,
    private_values: Iterable[PrivateValue],
    allowed: Collection[str] = frozenset(),
    workers: int = 1,
    early: EarlyScan | None = None,
    verdicts: KeyLog | None = None,
) -> list[Leak]:
    """Every leak in ``out_dir``: private values anywhere, undeclared e-mails and phones in our text.

    Every file is read; with ``workers`` above one and enough files, by that many processes,
    each reading every n-th file (the build's worker count: a site of 1,000 stories has 7,000 files).
    A file the ``early`` scan read while the build went on keeps that verdict only if its bytes
    are still, byte for byte, the ones it read; every other file is scanned here. With ``verdicts``,
    a file whose kind and bytes the last build found clean, looking for the same values with the same
    code, is clean (``site/keylog.py``); the log is then replaced with this build's clean files.
    """
    values, allowed = tuple(private_values), frozenset(allowed)
    known = verdicts.known(looked_for(values, allowed)) if verdicts is not None else frozenset()
    files, leaks, clean = written_files(str(out_dir)), list[Leak](), set[str]()
    if early is not None and early.looks_for(values, allowed):
        files, leaks, clean = early.settle(out_dir, files)
    found, clean_here = _scan_all(out_dir, files, values, allowed, workers, known)
    if verdicts is not None:
        verdicts.keep(looked_for(values, allowed), clean | clean_here)
    return sorted(set(leaks + found), key=lambda leak: (leak.file, leak.what))


def looked_for(values: Iterable[PrivateValue], allowed: Collection[str]) -> str:
    """A digest of what a verdict is reached with: the values, the public contacts, the code."""
    return made_for(values, [(contact,) for contact in allowed])


def verdict_key(rel: str, digest: bytes) -> str:
    """What a clean verdict on a file stands for: how the guard read it (by its kind) and the
    SHA-256 of its bytes as written."""
    suffix = posixpath.splitext(rel)[1].lower()
    kind = "image" if suffix in IMAGE_SUFFIXES else "text" if suffix in CONTACT_SUFFIXES else "other"
    return f"{kind}:{digest.hex()}"


def _scan_all(
    out_dir: Path,
    files: list[str],
    values: tuple[PrivateValue, ...],
    allowed: frozenset[str],
    workers: int,
    known: frozenset[str],
) -> tuple[list[Leak], set[str]]:
    """The leaks in ``files``, and the verdict keys of those found clean."""
    shares = [files[i :: max(1, workers)] for i in range(max(1, workers))] if _may_fork(files, workers) else [files]
    if len(shares) == 1:
        return scan_files(out_dir, files, values, allowed, known)
    # fork: the workers start at once with everything imported (a build runs no other thread)
    with ProcessPoolExecutor(len(shares), mp_context=multiprocessing.get_context("fork")) as pool:
        n = len(shares)
        parts = list(pool.map(scan_files, [out_dir] * n, shares, [values] * n, [allowed] * n, [known] * n))
    return [leak for leaks, _ in parts for leak in leaks], {key for _, clean in parts for key in clean}


class EarlyScan:
    """Files the build still holds in memory (pages, /embed/ pages, data files), scanned by one
    process beside the build while it goes on: on two cores the guard's reading of the pages is
    done by the time the last file is written. ``settle`` then keeps a verdict only for a file
    whose bytes on disk are the ones scanned (a later writer may have changed it)."""

    def __init__(
        self,
        private_values: Iterable[PrivateValue],
        allowed: Collection[str] = frozenset(),
        known: frozenset[str] = frozenset(),
    ):
        self._values, self._allowed = tuple(private_values), frozenset(allowed)
        self._known = known  # verdict keys the last build found clean looking for the same values
        self._pool: ProcessPoolExecutor | None = None
        self._started = False
        self._sent: dict[str, tuple[bytes, Future[list[Leak]]]] = {}  # rel -> (SHA-256 of the bytes, verdict)

    def submit(self, rel: str, data: bytes) -> None:
        """Scan ``data``, what the build writes at ``rel``, if a process beside the build can."""
        if rel.lower().endswith(tuple(IMAGE_SUFFIXES)) or data.startswith(GZIP_MAGIC):
            return  # read from the file itself, as it is written
        digest = hashlib.sha256(data).digest()
        if verdict_key(rel, digest) in self._known:
            self._sent[rel] = (digest, _CLEAN)
            return
        pool = self._pool_or_none()
        if pool is not None:
            self._sent[rel] = (digest, pool.submit(_scan_early, rel, data, self._allowed))

    def _pool_or_none(self) -> ProcessPoolExecutor | None:
        if not self._started:
            self._started = True
            if _fork_is_safe():
                context = multiprocessing.get_context("fork")
                self._pool = ProcessPoolExecutor(
                    1, mp_context=context, initializer=_start_worker, initargs=(self._values,)
                )
        return self._pool

    def looks_for(self, values: tuple[PrivateValue, ...], allowed: frozenset[str]) -> bool:
        """Whether its verdicts were reached with these values and contacts."""
        return (values, allowed) == (self._values, self._allowed)

    def settle(self, out_dir: Path, files: list[str]) -> tuple[list[str], list[Leak], set[str]]:
        """The files still to scan, the leaks of those whose scanned bytes are what is on disk, and
        the verdict keys of those found clean."""
        sent, self._sent = self._sent, {}
        self.close()  # after every verdict is in: its thread must be gone before the guard forks
        todo, leaks, clean = [], [], set()
        for rel in files:
            digest, verdict = sent.get(rel, (b"", None))
            if verdict is not None and verdict.exception() is None and _digest_of(out_dir / rel) == digest:
                found = verdict.result()
                leaks += found
                if not found:
                    clean.add(verdict_key(rel, digest))
            else:
                todo.append(rel)
        return todo, leaks, clean

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


_worker_matcher: PrivateMatcher | None = None  # in an early-scan process: built once, at its start
_CLEAN: Future[list[Leak]] = Future()  # the verdict on bytes the last build found clean
_CLEAN.set_result([])


def _start_worker(values: tuple[PrivateValue, ...]) -> None:
    global _worker_matcher  # noqa: PLW0603 (one matcher per worker process)
    # The build's objects, inherited by the fork, are never looked at here: the collector must not
    # walk them either, or it touches (and so copies) every page of the build's memory.
    gc.freeze()
    _worker_matcher = build_matcher(values)


def _scan_early(rel: str, data: bytes, allowed: frozenset[str]) -> list[Leak]:
    assert _worker_matcher is not None  # _start_worker ran in this process
    return scan_data(visible(rel), posixpath.splitext(rel)[1], data, "", _worker_matcher, allowed)


def _digest_of(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b""


POOL_MIN_FILES = 2000  # below this, starting processes costs more than it saves


def _may_fork(files: list[str], workers: int) -> bool:
    """A pool only for many files, and only where forking is safe: a process with one thread."""
    return workers > 1 and len(files) >= POOL_MIN_FILES and _fork_is_safe()


def _fork_is_safe() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def scan_files(
    out_dir: Path,
    files: list[str],
    values: tuple[PrivateValue, ...],
    allowed: frozenset[str],
    known: frozenset[str] = frozenset(),
) -> tuple[list[Leak], set[str]]:
    """The leaks in ``files`` (relative to ``out_dir``), and the verdict keys of those found clean
    (``known``: found clean before); runs in a worker process too."""
    matcher: PrivateMatcher | None = None  # built on the first file not known clean
    leaks, clean = list[Leak](), set[str]()
    for rel in files:
        raw = (out_dir / rel).read_bytes()
        key = verdict_key(rel, hashlib.sha256(raw).digest())
        if key not in known:
            matcher = matcher or build_matcher(values)
            found = scan_raw(rel, raw, matcher, allowed)
            leaks += found
            if found:
                continue
        clean.add(key)
    return leaks, clean


def written_files(top: str) -> list[str]:
    """Every regular file below ``top`` (links are not followed), as sorted ``/``-separated relative paths.

    Plain strings and ``os.scandir``, not pathlib: a site has thousands of files.
    """
    found, folders = [], [""]
    while folders:
        folder = folders.pop()
        with os.scandir(os.path.join(top, folder)) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    found.append(rel)
    return sorted(found)


def scan_raw(rel: str, raw: bytes, matcher: PrivateMatcher, allowed: Collection[str]) -> list[Leak]:
    """The leaks in one file's bytes (``rel``: where it is written), its text normalised once."""
    suffix = posixpath.splitext(rel)[1]
    data, problem = _searchable_bytes(suffix, raw)
    return scan_data(visible(rel), suffix, data, problem, matcher, allowed)


def scan_data(
    rel: str, suffix: str, data: bytes, problem: str, matcher: PrivateMatcher, allowed: Collection[str]
) -> list[Leak]:
    """The leaks in the searchable bytes of a file (``rel`` as messages show it), and the problem reading them."""
    leaks = [Leak(rel, problem)] if problem else []
    if data:
        text = normalise(data.decode("utf-8", "replace"), attributes=True)
        leaks += [Leak(rel, _what(label)) for label in sorted(matcher.find(text))]
        if suffix.lower() in CONTACT_SUFFIXES:
            leaks += _contacts(rel, text, allowed, matcher)
    return leaks


def _what(label: str) -> str:
    ident, field = label_parts(label)
    return (
        f"the name of {ident}, who has not agreed to be named" if field == NAME_FIELD else f"private value of {label}"
    )


def _searchable_bytes(suffix: str, data: bytes) -> tuple[bytes, str]:
    """The bytes to search in a file's, and a problem if part of the file could not be read."""
    if suffix.lower() in IMAGE_SUFFIXES:
        return image_metadata(data)
    problem = ""
    for _ in range(GZIP_LAYERS):  # sitemap.xml.gz, or a gzip file inside a gzip file
        if problem or not data.startswith(GZIP_MAGIC):
            return data, problem
        data, problem = _gunzip(data)
    if not problem and data.startswith(GZIP_MAGIC):  # what is left is still compressed: unread
        problem = f"a file compressed more than {GZIP_LAYERS} times over, so it cannot be checked"
    return data, problem


def _gunzip(data: bytes) -> tuple[bytes, str]:
    """What a gzip stream holds, every member of it (gunzip and browsers unpack them all, one after
    the other), up to MAX_UNPACKED; a stream that says more cannot be vouched for. Bytes after the
    last member are searched as they are."""
    parts, size, rest = list[bytes](), 0, data
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            parts.append(inflater.decompress(rest, MAX_UNPACKED - size))
        except zlib.error:
            return b"".join(parts), "a compressed file that cannot be unpacked, so it cannot be checked"
        size += len(parts[-1])
        if inflater.unconsumed_tail:
            return b"".join(
                parts
            ), f"a compressed file that unpacks to more than {MAX_UNPACKED:,} bytes, so it cannot be checked"
        if not inflater.eof:
            return b"".join(parts), "a compressed file that ends before its end, so it cannot be checked"
        rest = inflater.unused_data
    return b"".join([*parts, rest]), ""


class _Unreadable(Exception):
    """A compressed text in an image that cannot be unpacked whole: what it says is unknown."""


def image_metadata(data: bytes) -> tuple[bytes, str]:
    """The text an image carries besides its pixels (EXIF, XMP, ICC, comments and text chunks),
    and a problem if some of it cannot be read.

    PNG, WebP and JPEG are read by their container (chunks, segments) rather than opened with
    Pillow, which set up a decoder for each of the site's thousands of images: every chunk that
    is not pixels is searched, known or not, compressed text unpacked. A file whose structure
    does not add up is searched whole, with the text unpacked from the chunks read before the
    break (its compressed chunks would hide their text otherwise); a compressed text that cannot
    be unpacked whole is a problem: the image cannot be vouched for.
    """
    reader = _CONTAINERS.get(data[:4])
    if reader is None:
        return _pillow_metadata_text(data).encode("utf-8"), ""
    parts: list[bytes] = []
    try:
        reader(data, parts)
    except _Unreadable as exc:
        return b"", f"an image whose {exc} cannot be unpacked, so it cannot be checked"
    except (ValueError, IndexError):  # a broken container: what was read, and every byte as it is
        return b"\n".join([*parts, data]), ""
    return b"\n".join(parts), ""


def _png_chunks(data: bytes, parts: list[bytes]) -> None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG")
    at = 8
    while at < len(data):
        length, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if len(kind) == 4 and kind not in _PNG_PIXELS:
            parts.append(_png_text(kind, body))  # a cut chunk too: what its text has so far
        if len(kind) < 4 or len(body) < length:
            raise ValueError("truncated chunk")
        at += 12 + length
        if kind == b"IEND":
            parts.append(data[at:])  # anything after the end is still in the file
            break


def _png_text(kind: bytes, body: bytes) -> bytes:
    """A chunk's text, unpacked where PNG compresses it (zTXt, iCCP, compressed iTXt)."""
    if kind in (b"zTXt", b"iCCP"):
        key, _, rest = body.partition(b"\0")
        return key + b" " + _inflate(rest[1:])
    if kind == b"iTXt":
        key, _, rest = body.partition(b"\0")
        compressed, header = rest[:1] == b"\1", rest[2:]
        language, _, header = header.partition(b"\0")
        translated, _, text = header.partition(b"\0")
        return b" ".join([key, language, translated, _inflate(text) if compressed else text])
    return kind + b" " + body


def _inflate(data: bytes) -> bytes:
    """A compressed text chunk's text (of a cut stream, what it has so far)."""
    inflater = zlib.decompressobj()
    try:
        unpacked = inflater.decompress(data, MAX_UNPACKED)
    except zlib.error:
        raise _Unreadable("compressed text") from None
    if inflater.unconsumed_tail:
        raise _Unreadable(f"text that unpacks to more than {MAX_UNPACKED:,} bytes")
    return unpacked


def _webp_chunks(data: bytes, parts: list[bytes]) -> None:
    if data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    parts.append(data[end:])  # anything after the RIFF container is still in the file
    at = 12
    while at < end:
        kind, length = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        body = data[at + 8 : at + 8 + length]
        if len(kind) < 4 or len(body) < length:
            raise ValueError("truncated chunk")
        if kind not in _WEBP_PIXELS:
            parts.append(kind + b" " + body)
        at += 8 + length + (length & 1)


def _jpeg_segments(data: bytes, parts: list[bytes]) -> None:
    """Every APPn (EXIF, XMP, ICC, Photoshop) and comment segment, between the scans of a
    progressive JPEG too, and anything after the end marker."""
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError("not a marker")
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before a marker
            at += 1
            continue
        if marker == 0xD9:  # the end of the image
            parts.append(data[at + 2 :])
            break
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if length < 2 or at + 2 + length > len(data):
            raise ValueError("truncated segment")
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            parts.append(data[at + 4 : at + 2 + length])
        at += 2 + length
        if marker == 0xDA:  # a scan: its coded pixels run to the next marker
            at = _after_scan(data, at)


def _after_scan(data: bytes, at: int) -> int:
    """Where the first marker after the coded data from ``at`` is (len(data) if none)."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:  # a stuffed 0xFF, a restart marker
            at += 2
        elif following == 0xFF:
            at += 1
        else:
            return at


_CONTAINERS = {b"\x89PNG": _png_chunks, b"RIFF": _webp_chunks}
_CONTAINERS.update({b"\xff\xd8\xff" + bytes([m]): _jpeg_segments for m in range(0xC0, 0x100)})
_PNG_PIXELS = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND"})
_WEBP_PIXELS = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and the restart markers carry no length


def _pillow_metadata_text(data: bytes) -> str:
    """What Pillow finds besides the pixels of any other image (a GIF), else the whole file."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            # A bytes value is searched as Python writes it out, b'...': said with !s on purpose.
            parts = [f"{k}={v!s}" for k, v in img.info.items() if isinstance(v, (str, bytes))]
            parts += [str(v) for v in img.getexif().values()]
    except Exception:  # not an image after all: search its bytes
        return data.decode("utf-8", "replace")
    return "\n".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p in parts)


def _contacts(rel: str, text: str, allowed: Collection[str], matcher: PrivateMatcher) -> list[Leak]:
    # The same finder as the story rule story-contact, on the same normalised text: what validate
    # lets through, the guard does too. A registered private value is reported as that, once.
    return [
        Leak(rel, f"an e-mail address not declared public ({found})" if "@" in found else f"a phone number ({found})")
        for found in contacts_shown(text)
        if found.lower() not in allowed and not matcher.find(normalise(found))
    ]
