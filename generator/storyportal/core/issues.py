"""Problems as values: every check returns located issues instead of raising."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path  # 0: no line to point at
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return f"{text} [{self.rule}]"

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        }


def sort_issues(issues) -> list[Issue]:
    """Stable, reader-friendly order: by file, then position, then rule."""
    return sorted(set(issues), key=lambda i: (i.path, i.line, i.col, i.rule, i.message))
