"""The image cache: rendered files reused across builds, trusted only for what it wrote itself.

A name in the cache is a pure function of public inputs, so anyone who can put a file under
that name could have it published in place of the rendered image. Three defences:

- the cache lives outside the checkout by default (``$XDG_CACHE_HOME/storyportal/<hash of the
  portal path>``), and a configured folder inside the repository is refused unless git ignores
  it and tracks nothing in it (``check_location``);
- a symbolic link is never followed: every path below the cache folder is checked with
  ``os.lstat``, so a link can neither be published nor hard-linked into the site;
- every file is checked against a manifest of the SHA-256 of the bytes the cache wrote; a file
  that is not in it, or whose bytes differ, counts as missing and is rendered again.

The manifest is a log of ``<sha256>  <name>  <size> <mtime_ns>`` lines, appended one line per
file written, so two builds sharing a cache (``serve`` and ``build``) never lose each other's
entries. A file whose size and modification time (in nanoseconds) are still those recorded when
it was written is trusted without hashing it again (hashing every cached file was 0.15 s of a
warm build at 1,000 stories); any other file is hashed, and if it matches, its new stat is
recorded. Changing a file's bytes while keeping its size and setting its time back to the
nanosecond takes write access to the cache folder, which could rewrite the manifest as well.

``decoded.log`` beside it lists the source images that decoded in full (``DecodeLog``), so that
validation, which decodes every image as rendering will, decodes each source once, not on every build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

from storyportal.site.images import write_atomically

MANIFEST = "manifest.log"
TEXT_SLACK = 200  # text files the cache may hold beyond twice a build's before the unused go
DECODED = "decoded.log"
# The names this package writes: img/, cards/ and body/ files named by a hex digest, and
# text/ files (generated text the site links to) named by the SHA-256 of their bytes.
_NAME = re.compile(r"(img|cards|body)/[0-9a-f]{16}(-[0-9]+)?\.[a-z]{3,4}|text/[0-9a-f]{64}\.txt")
_LINE = re.compile(r"([0-9a-f]{64})  (\S+)(?:  ([0-9]{1,20}) ([0-9]{1,20}))?")


def default_location(root: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CACHE_HOME/storyportal/<hash16 of the portal folder>`` (``~/.cache`` by default)."""
    base = environ.get("XDG_CACHE_HOME", "")
    home = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return home / "storyportal" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def cache_folder(root: Path, cache_dir: str | None, environ: Mapping[str, str] = os.environ) -> Path:
    """The portal's cache folder: ``cache_dir`` (relative to the portal), else ``default_location``."""
    folder = Path(cache_dir).expanduser() if cache_dir else default_location(root, environ)
    return folder if folder.is_absolute() else root / folder


def check_location(folder: Path, root: Path) -> str | None:
    """Why ``folder`` cannot hold the cache, or None.

    A folder outside the portal and its repository is fine. Inside, a committed file could
    pose as a rendered one (and the manifest beside it as proof), so git must ignore the
    folder and track nothing in it; without git nothing says which files were committed.
    """
    folder, root = folder.resolve(), root.resolve()
    top = repository_top(root)
    inside = [base for base in (root, top) if base is not None and folder.is_relative_to(base)]
    if not inside:
        return None
    if top is None or not folder.is_relative_to(top):
        return f"the image cache folder {folder} is inside the portal folder, which is not a git repository"
    if _git(top, "ls-files", "--", str(folder)):
        return f"the image cache folder {folder} holds files committed to git"
    if _git(top, "check-ignore", "--no-index", "-q", str(folder)) is None:
        return f"the image cache folder {folder} is inside the repository and not ignored by git"
    return None


def repository_top(root: Path) -> Path | None:
    """The top of the git work tree holding ``root``, or None."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git(top: Path, *args: str) -> str | None:
    """The output of ``git args`` in ``top``; None when git says no (or is missing)."""
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


class ImageCache:
    """Files by name, each returned only if its bytes are the ones this cache recorded."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._top = str(folder)
        self._hashes, self._stats = _read_manifest(folder / MANIFEST)
        self.decoded = DecodeLog(folder / DECODED)
        self._paths: dict[str, Path] = {}  # name -> its path, made once (the preview asks every rebuild)
        self.texts_used: set[str] = set()  # text/ names asked for since the last prune_texts

    def get(self, name: str) -> Path | None:
        """The cached file of ``name``, or None if it is missing, a link, or not what was written."""
        expected = self._hashes.get(name)
        if expected is None or not _NAME.fullmatch(name):
            return None
        found = _regular_file(self._top, name)
        if found is None:
            return None
        path = self._paths.get(name)
        if path is None:
            path = self._paths[name] = self.folder / name
        stamp = (found.st_size, found.st_mtime_ns)
        if self._stats.get(name) != stamp:
            # Not as recorded (or written before stats were): hashed, then recorded for the next build.
            if _sha256(path) != expected:
                return None
            self._record(name, expected, stamp)
        return path

    def put(self, name: str, content: bytes, digest: str | None = None) -> Path:
        """Write ``content`` under ``name`` and record its hash (``digest``: its SHA-256, hex, when the
        caller has it); the path written."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a cache name: {name!r}")
        path = self.folder / name
        _replace_links(path, self.folder)
        write_atomically(path, content)
        found = os.lstat(path)
        self._record(name, digest or hashlib.sha256(content).hexdigest(), (found.st_size, found.st_mtime_ns))
        return path

    def text_file(self, data: bytes, digest: bytes | None = None) -> Path:
        """The cached file holding ``data`` (written now if the cache lacks it), to hard-link into
        the site: a link is one directory entry, a new file an inode and its blocks (0.5 ms each
        on this project's machine, for thousands of /embed/ pages a build). ``digest``: the SHA-256
        of ``data``, when the caller has it (the preview's 10 MB data files are hashed once)."""
        hexdigest = (digest or hashlib.sha256(data).digest()).hex()
        name = f"text/{hexdigest}.txt"
        self.texts_used.add(name)
        return self.get(name) or self.put(name, data, hexdigest)

    def prune_texts(self) -> int:
        """After a full build: remove the text files it did not use, once they outnumber twice
        those it did (every edit leaves an old /embed/ page or data chunk behind). A build of the
        other audience sharing the cache keeps its own within that margin; one removed is only
        written again. The number of files removed."""
        used, self.texts_used = self.texts_used, set()
        try:
            with os.scandir(self.folder / "text") as entries:
                names = [f"text/{e.name}" for e in entries if e.is_file(follow_symlinks=False)]
        except OSError:
            return 0
        if len(names) <= 2 * len(used) + TEXT_SLACK:
            return 0
        stale = [name for name in names if name not in used]
        for name in stale:
            os.unlink(self.folder / name)
        return len(stale)

    def _record(self, name: str, digest: str, stamp: tuple[int, int]) -> None:
        self._hashes[name], self._stats[name] = digest, stamp
        append_line(self.folder / MANIFEST, f"{digest}  {name}  {stamp[0]} {stamp[1]}\n")


class DecodeLog:
    """The keys (``imagecheck.decode_key``: content hash and Pillow version) of source images that
    decoded in full, one a line, appended like the manifest."""

    def __init__(self, path: Path):
        self.path = path
        self._keys = {line for line in read_lines(path) if _is_decode_key(line)}

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: str) -> None:
        if key not in self._keys and _is_decode_key(key):
            self._keys.add(key)
            with contextlib.suppress(OSError):  # a log that cannot be written: the image is decoded next time too
                append_line(self.path, key + "\n")


def _is_decode_key(text: str) -> bool:
    digest, _, version = text.partition(":")
    hexdigits = set("0123456789abcdef")
    return (
        len(digest) == 64
        and set(digest) <= hexdigits
        and 0 < len(version) <= 40
        and version.isprintable()
        and " " not in version
    )


def read_lines(path: Path) -> list[str]:
    """The lines of a log of ours; none if it is missing, unreadable or not a regular file (a link)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return []
        return path.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []


def _read_manifest(path: Path) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Name -> SHA-256, and name -> (size, mtime_ns) where the line records them."""
    hashes: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    for line in read_lines(path):  # later lines win: a file written again has a new hash
        match = _LINE.fullmatch(line)
        if match:
            hashes[match[2]] = match[1]
            if match[3] is None:
                stats.pop(match[2], None)
            else:
                stats[match[2]] = (int(match[3]), int(match[4]))
    return hashes, stats


def _regular_file(top: str, name: str) -> os.stat_result | None:
    """``lstat`` of ``top/name`` if it and every folder between it and ``top`` are real, not links.

    Plain strings, not pathlib: the preview checks every cached file (thousands) on every rebuild.
    """
    parts = name.split("/")
    try:
        for depth in range(1, len(parts)):
            if not stat.S_ISDIR(os.lstat(os.path.join(top, *parts[:depth])).st_mode):
                return None
        found = os.lstat(os.path.join(top, name))
    except OSError:
        return None
    return found if stat.S_ISREG(found.st_mode) else None


def _replace_links(path: Path, top: Path) -> None:
    # A link where a folder or file of ours belongs is removed, so writing never goes through it.
    for folder in [*reversed(path.relative_to(top).parents[:-1]), path.relative_to(top)]:
        if (top / folder).is_symlink():
            (top / folder).unlink()


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_links(path, path.parent)
    # O_APPEND: one short write per line, so concurrent builds interleave whole lines.
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        os.write(handle, line.encode("ascii"))
    finally:
        os.close(handle)
