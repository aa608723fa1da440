"""Rendered story bodies kept between builds, beside the image cache (``bodies.log``).

Rendering a body (Python-Markdown, then nh3) is a pure function of its text, folder and slug
and of the renderer (``core.body.renderer_version``: its code, the versions of Python-Markdown,
nh3 and Python), so the log keys each body by a digest of all of them (``core.body.body_key``).
A changed text, renderer or library version is a new key, and the body is rendered again.

The log is one JSON line per body, appended as bodies are rendered (two builds sharing the
cache never lose each other's lines). It lives in the image cache folder, so it has the same
protection: outside the checkout, or in a folder git ignores; a link in its place is never
followed. A line that does not read as a body, or whose content does not have the SHA-256 the
line records (a damaged byte), is ignored (that body is rendered again); a log that cannot be
written is no log.
``compact`` rewrites the log with the bodies of the last load when most of its lines are
bodies no story has any more.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path

from storyportal.core.body import RenderedBody
from storyportal.site.imagecache import append_line, read_lines
from storyportal.site.images import write_atomically

BODIES = "bodies.log"
_KEY = re.compile(r"[0-9a-f]{64}")
COMPACT_SLACK = 100  # lines a log may hold beyond twice the bodies in use before it is rewritten


class BodyLog:
    """Rendered bodies by key (``core.body.BodyStore``), read once, appended as bodies are rendered."""

    def __init__(self, folder: Path):
        self.path = folder / BODIES
        self._bodies: dict[str, RenderedBody] = {}
        self._lines = 0
        for line in read_lines(self.path):
            self._lines += 1
            found = _parse(line)
            if found is not None:
                self._bodies[found[0]] = found[1]
        self.used: set[str] = set()  # keys asked for or added
        self._compacted = False

    def get(self, key: str) -> RenderedBody | None:
        found = self._bodies.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: str, body: RenderedBody) -> None:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a body key: {key!r}")
        self.used.add(key)
        if self._bodies.get(key) == body:
            return
        self._bodies[key] = body
        self._lines += 1
        with contextlib.suppress(OSError):  # a log that cannot be written: the body is rendered next time too
            append_line(self.path, _line(key, body))

    def compact(self) -> None:
        """After the first load only (later loads of a preview ask only for what changed): keep
        the bodies that load used, if the log holds many more lines than that."""
        if self._compacted:
            return
        self._compacted, used = True, self.used
        if self._lines <= 2 * len(used) + COMPACT_SLACK:
            return
        self._bodies = {k: b for k, b in self._bodies.items() if k in used}
        self._lines = len(self._bodies)
        text = "".join(_line(k, b) for k, b in sorted(self._bodies.items()))
        with contextlib.suppress(OSError):
            write_atomically(self.path, text.encode("utf-8"))


def _line(key: str, body: RenderedBody) -> str:
    # ensure_ascii: one line whatever the text holds (U+2028 included); json escapes newlines.
    record = {"key": key, "html": body.html, "images": body.images, "check": _check(body.html, body.images)}
    return json.dumps(record, ensure_ascii=True) + "\n"


def _check(html: str, images: object) -> str:
    """The SHA-256 of what a line holds: a damaged byte makes the line no body, never other HTML."""
    return hashlib.sha256(json.dumps([html, images], ensure_ascii=True).encode("ascii")).hexdigest()


def _parse(line: str) -> tuple[str, RenderedBody] | None:
    """``(key, body)`` of a log line, or None for a line that is not one of ours."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    key, html, images = record.get("key"), record.get("html"), record.get("images")
    if not (isinstance(key, str) and _KEY.fullmatch(key) and isinstance(html, str) and isinstance(images, list)):
        return None
    if record.get("check") != _check(html, images):
        return None
    pairs = []
    for pair in images:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            return None
        pairs.append((pair[0], pair[1]))
    return key, RenderedBody(html, tuple(pairs))
