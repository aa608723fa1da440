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

The manifest is a log of ``<sha256>  <name>`` lines, appended one line per file written, so
two builds sharing a cache (``serve`` and ``build``) never lose each other's entries.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

from storyportal.site.images import write_atomically

MANIFEST = "manifest.log"
# The names this package writes: img/, cards/ and body/ files named by a hex digest.
_NAME = re.compile(r"(img|cards|body)/[0-9a-f]{16}(-[0-9]+)?\.[a-z]{3,4}")
_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")


def default_location(root: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CACHE_HOME/storyportal/<hash16 of the portal folder>`` (``~/.cache`` by default)."""
    base = environ.get("XDG_CACHE_HOME", "")
    home = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return home / "storyportal" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def check_location(folder: Path, root: Path) -> str | None:
    """Why ``folder`` cannot hold the cache, or None.

    A folder outside the portal and its repository is fine. Inside, a committed file could
    pose as a rendered one (and the manifest beside it as proof), so git must ignore the
    folder and track nothing in it; without git nothing says which files were committed.
    """
    folder, root = folder.resolve(), root.resolve()
    top = _repository_top(root)
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


def _repository_top(root: Path) -> Path | None:
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
        self._hashes = _read_manifest(folder / MANIFEST)
        # name -> (stat seen when last verified, its path): the preview asks for every file every rebuild
        self._checked: dict[str, tuple[tuple[int, int, int], Path]] = {}

    def get(self, name: str) -> Path | None:
        """The cached file of ``name``, or None if it is missing, a link, or not what was written."""
        expected = self._hashes.get(name)
        if expected is None or not _NAME.fullmatch(name):
            return None
        found = _regular_file(self._top, name)
        if found is None:
            return None
        stamp = (found.st_ino, found.st_size, found.st_mtime_ns)
        kept = self._checked.get(name)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        # Verified once per process and version of the file; links are refused above on every call.
        path = self.folder / name
        if _sha256(path) != expected:
            return None
        self._checked[name] = (stamp, path)
        return path

    def put(self, name: str, content: bytes) -> Path:
        """Write ``content`` under ``name`` and record its hash; the path written."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a cache name: {name!r}")
        path = self.folder / name
        _replace_links(path, self.folder)
        write_atomically(path, content)
        digest = hashlib.sha256(content).hexdigest()
        self._hashes[name] = digest
        _append_line(self.folder / MANIFEST, f"{digest}  {name}\n")
        return path


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return {}
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return {}
    hashes = {}
    for line in text.splitlines():  # later lines win: a file written again has a new hash
        match = _LINE.fullmatch(line)
        if match:
            hashes[match[2]] = match[1]
    return hashes


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


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_links(path, path.parent)
    # O_APPEND: one short write per line, so concurrent builds interleave whole lines.
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        os.write(handle, line.encode("ascii"))
    finally:
        os.close(handle)
