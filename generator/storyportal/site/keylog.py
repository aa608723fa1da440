"""Keys of results kept between builds, for what they were reached with (files in the cache folder).

Two checks are functions of their inputs that a warm build gives again unchanged, and whose
answer is nearly always "nothing found": the leak guard's reading of a written file
(``clean.log``: site/leakguard.py) and a story's search for private values (``scanned.log``:
core/portal.py). Each log's first line names, by a digest, what its keys were reached with (the
values looked for, the code: never a value itself); each further line is the key of one input
found clean. A log made for anything else is empty to a reader. Only clean answers are kept: an
input where something was found is checked, and reported, every time. A log is rewritten whole
with the keys of the last build, so it never holds more than one site's worth.

Like every file of the cache, a log is trusted as far as the cache folder is: whoever may write
there may also change the image cache's manifest (site/imagecache.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from storyportal.site.imagecache import read_lines
from storyportal.site.images import write_atomically

CLEAN_LOG = "clean.log"  # the leak guard's clean files
SCANNED_LOG = "scanned.log"  # stories in which no private value was found
FORMAT = "storyportal-keys-1"


class KeyLog:
    """The keys found clean by the last build, for one digest of what they were reached with."""

    def __init__(self, path: Path):
        self.path = path

    def known(self, made_for: str) -> frozenset[str]:
        """The keys kept; none if the log was made for anything else."""
        lines = read_lines(self.path)
        if not lines or lines[0] != f"{FORMAT} {made_for}":
            return frozenset()
        return frozenset(lines[1:])

    def keep(self, made_for: str, keys: Iterable[str]) -> None:
        """Replace the log with these keys."""
        text = "\n".join([f"{FORMAT} {made_for}", *sorted(set(keys))]) + "\n"
        with contextlib.suppress(OSError):  # a cache that cannot be written: the next build checks everything
            write_atomically(self.path, text.encode("ascii"))
