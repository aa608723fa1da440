"""Problems as values: every check returns located issues instead of raising."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Line breaks (\n, \r, U+0085, U+2028/9), other control characters, and invisible format
# characters (bidi controls, zero-width spaces): shown as escapes so that a value can neither
# start a new log line (GitHub Actions reads a line starting with '::' as a workflow command)
# nor hide or reorder what a reader sees.
_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f]|[^\x00-\x7f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Issue:
    """One located problem: ``path:line:col: severity: message [rule]``.

    ``line`` and ``col`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""

    def format(self) -> str:
        """One line, whatever the values in it hold (see ``visible``)."""
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path  # 0: no line to point at
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return visible(f"{text} [{self.rule}]")

    def to_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        }


def visible(text: str) -> str:
    """``text`` on one line with nothing hidden: control and format characters escaped as
    ``\\n`` or ``\\u202e``, and a leading ``::`` (a GitHub Actions workflow command) defused."""
    text = _UNSEEN.sub(_escape, text)
    if text.lstrip().startswith("::"):
        text = text.replace(":", "\\x3a", 1)
    return text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    if ord(char) > 0x9F and unicodedata.category(char) not in ("Cf", "Cs", "Zl", "Zp"):  # Cs: undecodable bytes
        return char  # any other letter or symbol is shown as itself
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Stable, reader-friendly order: by file, then position, then rule."""
    return sorted(set(issues), key=lambda i: (i.path, i.line, i.col, i.rule, i.message))
