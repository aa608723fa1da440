"""Reading the files people write (stories, the registry, mkdocs.yml, catalogues, images, docs/): regular files only.

A named pipe, a socket or a device under a story's name makes a plain ``open().read()`` wait
forever (a pipe with no writer) or never end (``/dev/zero``). git cannot store any of them, but a
sync tool, a mounted folder or a slip in a terminal can leave one in a checkout: it gets a located
``file-not-regular`` error, and the rest of the portal is read as usual.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from storyportal.core.issues import Issue

NOT_REGULAR = "file-not-regular"
# What each kind of file is called in an error a marketing person reads.
_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)
# Opening a pipe for reading waits for a writer unless non-blocking; a regular file reads the same either way.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path is a folder, a pipe, a socket or a device; ``kind`` says which, in words."""

    def __init__(self, path: str | os.PathLike[str], kind: str):
        super().__init__(f"{os.fspath(path)} is {kind}, not a regular file")
        self.kind = kind


def special_kind(mode: int) -> str | None:
    """None for a regular file's ``st_mode``; otherwise what the file is, in words."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def read_regular(path: str | os.PathLike[str], mode: int | None = None) -> bytes:
    """The bytes of a regular file (a symbolic link is followed); ``NotRegularFile`` for anything else.

    Checked before opening (a device is never opened), on ``mode`` when the caller has just looked
    (``os.stat(path).st_mode``), and again on the open file, which may have been swapped in
    between: the open itself never waits.
    """
    kind = special_kind(os.stat(path).st_mode if mode is None else mode)
    if kind is not None:
        raise NotRegularFile(path, kind)
    handle = os.open(path, _OPEN_FLAGS)
    with os.fdopen(handle, "rb") as file:
        kind = special_kind(os.fstat(handle).st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        return file.read()


def not_regular_issue(source: str, kind: str) -> Issue:
    """The located error for a file that is not a regular file."""
    return Issue(
        source,
        1,
        1,
        NOT_REGULAR,
        f"This is {kind}, not an ordinary file, so it cannot be read",
        hint="delete it and save the file again as an ordinary file",
    )
