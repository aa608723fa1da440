"""Parse again only the entry of a long YAML mapping that an edit touched (the preview's advocates.yaml).

Reading advocates.yaml with positions is the largest part of a preview rebuild after a consent
is revoked (5,000 advocates: the whole file composed and walked). Most edits change lines of one
advocate entry and keep the line count. Then the new document is the last one with that entry
parsed again on its own, at its own lines: the same values and the same positions, which a test
checks against a full parse. Whenever that cannot be shown from the text (the line count moved,
the edit crosses an entry's first line or leaves its indentation, the last parse or the entry has
a problem, the entry nests near the depth limit), the whole file is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from storyportal.core.issues import Issue
from storyportal.core.yamlload import MAX_DEPTH, Mark, Parsed, parse_yaml
from storyportal.core.yamlload import Path as KeyPath

_SECTION_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ ]*(#.*)?\r?\n?\Z")  # a block mapping's key, value below


@dataclass
class EntryParser:
    """``parse_yaml`` for one file, re-parsing only the entry of ``section`` an edit touched."""

    section: str
    last: tuple[list[str], Parsed] | None = None  # the last text's lines and its parse, when it had no problem
    spliced = 0  # parses answered by one entry (tests count them)

    def __call__(self, text: str, source: str) -> tuple[Parsed | None, list[Issue]]:
        lines = text.splitlines(keepends=True)
        found = splice_entry(self.last, lines, source, self.section) if self.last is not None else None
        if found is not None:
            self.spliced += 1
            self.last = (lines, found)
            return found, []
        parsed, issues = parse_yaml(text, source)
        self.last = (lines, parsed) if parsed is not None and not issues else None
        return parsed, issues


def splice_entry(last: tuple[list[str], Parsed], lines: list[str], source: str, section: str) -> Parsed | None:
    """The parse of ``lines`` from the last parse and one entry of ``section``; None unless provably the same."""
    old_lines, old = last
    if len(lines) != len(old_lines):
        return None
    changed = [i for i, (a, b) in enumerate(zip(old_lines, lines, strict=True)) if a != b]
    if not changed:
        return old
    span = _entry_span(old, old_lines, section, changed[0], changed[-1])
    if span is None:
        return None
    ident, start, end, indent = span
    chunk = lines[start:end]
    if any(line.strip() and not _deeper(line, indent) and not line.lstrip().startswith("#") for line in chunk[1:]):
        return None  # a line left the entry's indentation: it may start another entry or key
    parsed, issues = parse_yaml("".join(chunk), source, line_offset=start)
    if parsed is None or issues or not isinstance(parsed.data, dict) or list(parsed.data) != [ident]:
        return None
    if any(len(path) >= MAX_DEPTH for path in parsed.values):
        return None  # one level deeper in the file: the full parse judges the depth
    return _spliced(old, parsed, section, ident)


def _entry_span(old: Parsed, lines: list[str], section: str, first: int, last: int) -> tuple[str, int, int, int] | None:
    """The entry of ``section`` whose lines hold lines ``first``..``last`` (0-based), after its key line.

    Returns (id, first line, end line, key indentation), or None when the section is not a block
    mapping at the top or the changed lines are not inside one entry.
    """
    data = old.data
    if not isinstance(data, dict) or not isinstance(data.get(section), dict) or not data[section]:
        return None
    head = old.keys.get((section,))
    if head is None or head.col != 1 or not _SECTION_LINE.match(lines[head.line - 1]):
        return None
    after = [old.keys[(k,)].line for k in data if (k,) in old.keys and old.keys[(k,)].line > head.line]
    section_end = min(after, default=len(lines) + 1) - 1  # 0-based end, exclusive
    starts = []
    for ident in data[section]:
        mark = old.keys.get((section, ident))
        if mark is None:
            return None
        starts.append((mark.line - 1, ident, mark.col - 1))
    starts.sort()
    indents = {indent for _, _, indent in starts}
    if len(indents) != 1 or 0 in indents:
        return None
    for n, (start, ident, indent) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else section_end
        if start < first and last < end:
            return ident, start, end, indent
    return None


def _deeper(line: str, indent: int) -> bool:
    return len(line) - len(line.lstrip(" ")) > indent


def _spliced(old: Parsed, entry: Parsed, section: str, ident: str) -> Parsed:
    """``old`` with the entry ``ident`` of ``section`` replaced by ``entry`` (parsed on its own)."""
    entries = dict(old.data[section])
    entries[ident] = entry.data[ident]  # the same key: its place in the mapping stays
    data = dict(old.data)
    data[section] = entries

    def mine(path: KeyPath) -> bool:
        return len(path) >= 2 and path[0] == section and path[1] == ident

    values = _replaced(old.values, {(section, *p): m for p, m in entry.values.items() if p}, mine)
    keys = _replaced(old.keys, {(section, *p): m for p, m in entry.keys.items()}, mine)
    return Parsed(data, values, keys)


def _replaced(
    marks: dict[KeyPath, Mark], new: dict[KeyPath, Mark], mine: Callable[[KeyPath], bool]
) -> dict[KeyPath, Mark]:
    """``marks`` with the entry's run of paths (contiguous: the parser builds an entry in one go) replaced, in place."""
    out: dict[KeyPath, Mark] = {}
    for path, mark in marks.items():
        if not mine(path):
            out[path] = mark
        elif new:
            out.update(new)
            new = {}
    out.update(new)
    return out
