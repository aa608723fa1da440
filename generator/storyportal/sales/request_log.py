"""Write the request log into advocates.yaml, changing nothing but the lines it adds.

The registry is a file people edit by hand, with comments that matter ("renewed under
the 2025 terms"). ruamel.yaml's round-trip mode keeps every comment, the key order, flow
lists and quoting; we add or update one request and write the file back. The result is
read again by our own loader before anything is written, so the file stays valid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString


@dataclass(frozen=True)
class NewRequest:
    advocate: str
    date: dt.date
    activity: str
    rep: str
    opportunity: str
    outcome: str
    exception: str | None = None


FREE_TEXT = ("rep", "opportunity", "exception")


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the writer kept on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def next_id(data: Any) -> int:
    """One more than the highest request number anywhere in the registry."""
    numbers: list[int] = [
        entry["id"]
        for _, entry in _entries(data)
        if isinstance(entry.get("id"), int) and not isinstance(entry.get("id"), bool)
    ]
    return max(numbers, default=0) + 1


def _entries(data: Any) -> list[tuple[str, Any]]:
    """(advocate id, request map) for every request in the file as written: an advocate, a log or
    an entry of the wrong kind (reported by validate) is passed over, not read."""
    advocates = data.get("advocates") if isinstance(data, dict) else None
    found = []
    for ident, advocate in advocates.items() if isinstance(advocates, dict) else []:
        requests = advocate.get("requests") if isinstance(advocate, dict) else None
        found += [
            (ident, entry) for entry in (requests if isinstance(requests, list) else []) if isinstance(entry, dict)
        ]
    return found


def add_request(data: Any, request: NewRequest) -> int:
    """Append ``request`` under its advocate (creating ``requests:`` before ``private:``); its number."""
    advocate = data["advocates"][request.advocate]
    number = next_id(data)
    entry = CommentedMap()
    for key, value in (
        ("id", number),
        ("date", request.date),
        ("activity", request.activity),
        ("rep", request.rep),
        ("opportunity", request.opportunity),
        ("outcome", request.outcome),
        ("exception", request.exception),
    ):
        if value is not None:
            # Free text in double quotes: 'no', '12:30' or 'OPP: 7' stay text for every YAML reader.
            entry[key] = DoubleQuotedScalarString(value) if key in FREE_TEXT and isinstance(value, str) else value
    if "requests" not in advocate or advocate["requests"] is None:
        keys = list(advocate.keys())
        position = keys.index("private") if "private" in keys else len(keys)
        advocate.insert(position, "requests", CommentedSeq())
    advocate["requests"].append(entry)
    return number


def find_request(data: Any, number: int) -> tuple[str, Any] | None:
    """(advocate id, the request's map) for request ``number``, or None."""
    for ident, entry in _entries(data):
        if entry.get("id") == number and not isinstance(entry.get("id"), bool):
            return ident, entry
    return None


def set_outcome(entry: Any, outcome: str, exception: str | None) -> None:
    entry["outcome"] = outcome
    if exception is not None:
        entry["exception"] = DoubleQuotedScalarString(exception)


def diff(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), name, name))
