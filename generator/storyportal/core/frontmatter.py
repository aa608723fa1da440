"""Split a story file into its YAML front matter and its Markdown body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyportal.core.issues import Issue

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class SplitFile:
    front: str  # the YAML text between the fences
    front_line: int  # file line number of the first YAML line, minus one
    body: str
    body_line: int  # file line number where the body starts


def normalize_text(raw: bytes, source: str) -> tuple[str | None, list[Issue]]:
    """Decode UTF-8 (a BOM is fine) and turn CRLF/CR line endings into LF."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Issue(source, line, 1, "file-encoding", "The file is not UTF-8 text", hint="save it as UTF-8")]
    if "\x00" in text:
        return None, [Issue(source, 1, 1, "file-encoding", "The file contains NUL bytes; it is not a text file")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, source: str) -> tuple[SplitFile | None, list[Issue]]:
    """Find the ``---`` fenced block at the top of ``text``."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, [
            Issue(
                source,
                1,
                1,
                "frontmatter-missing",
                "The story must start with a front matter block: a line '---', the fields, and '---' again",
            )
        ]
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return SplitFile(front, 1, body, index + 2), []
    return None, [
        Issue(
            source,
            1,
            1,
            "frontmatter-unclosed",
            "The front matter that starts on line 1 is never closed",
            hint="add a line with just '---' after the last field",
        )
    ]
