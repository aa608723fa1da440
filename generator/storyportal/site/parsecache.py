"""Stories' parsed front matter kept between builds, beside the image cache (``parses.log``).

A parse (``core.yamlload.parse_yaml``: the values and the position of every key and value) is a
function of the text, the number of its first line and the code (this package's, PyYAML's, and
which of its parsers), so the log keys each by a digest of all of them (``parse_key``): an edited
story is a new key, and is parsed again. Only parses without a problem are kept, so a problem is
found and reported on every run. The registry is never kept: its parse holds every private value
of the program, which the cache folder (and so a CI cache) should not.

One line per parse, ``<key> <SHA-256 of the JSON> <JSON>`` (``core.yamlcodec``), appended as texts
are parsed. A line whose JSON does not have its digest (a damaged byte) or does not read as a parse
is ignored, and that text parsed again. It lives in the image cache folder, with the same
protection and the same trust as ``bodies.log``: whoever may write there may write the site. A log
that cannot be read or written is no log (every text is parsed). ``compact`` rewrites it with the
parses of the last load when most of its lines are texts no file holds any more.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path

from storyportal.core.yamlcodec import decode_parsed, encode_parsed
from storyportal.core.yamlload import Parsed
from storyportal.site.imagecache import append_line, read_lines
from storyportal.site.images import write_atomically

PARSES = "parses.log"
_LINE = re.compile(r"([0-9a-f]{64}) ([0-9a-f]{64}) (.+)")
COMPACT_SLACK = 100  # lines a log may hold beyond twice the parses in use before it is rewritten


class ParseLog:
    """Parses by key (``core.yamlload.ParseStore``), read once, appended as texts are parsed."""

    def __init__(self, folder: Path):
        self.path = folder / PARSES
        self._parses: dict[str, str] | None = None  # key -> encoded parse, read on first use
        self._lines = 0
        self.used: set[str] = set()
        self._compacted = False

    def _all(self) -> dict[str, str]:
        if self._parses is None:
            self._parses = {}
            for line in read_lines(self.path):
                self._lines += 1
                found = _LINE.fullmatch(line)
                if found and _digest(found[3]) == found[2]:
                    self._parses[found[1]] = found[3]
        return self._parses

    def get(self, key: str) -> Parsed | None:
        encoded = self._all().get(key)
        parsed = decode_parsed(encoded) if encoded is not None else None
        if parsed is not None:
            self.used.add(key)
        return parsed

    def put(self, key: str, parsed: Parsed) -> None:
        if not re.fullmatch(r"[0-9a-f]{64}", key):
            raise ValueError(f"not a parse key: {key!r}")
        encoded = encode_parsed(parsed)
        self.used.add(key)
        if self._all().get(key) == encoded:
            return
        self._all()[key] = encoded
        self._lines += 1
        with contextlib.suppress(OSError):  # a log that cannot be written: the text is parsed next time too
            append_line(self.path, _line(key, encoded))

    def compact(self) -> None:
        """After the first load only: keep the parses that load used, if the log holds many more."""
        if self._compacted or self._parses is None:
            return
        self._compacted, used = True, self.used
        if self._lines <= 2 * len(used) + COMPACT_SLACK:
            return
        self._parses = {k: p for k, p in self._parses.items() if k in used}
        self._lines = len(self._parses)
        text = "".join(_line(k, p) for k, p in sorted(self._parses.items()))
        with contextlib.suppress(OSError):
            write_atomically(self.path, text.encode("ascii"))


def _digest(encoded: str) -> str:
    return hashlib.sha256(encoded.encode("ascii", "replace")).hexdigest()


def _line(key: str, encoded: str) -> str:
    return f"{key} {_digest(encoded)} {encoded}\n"
