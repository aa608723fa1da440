"""A parsed YAML document (``yamlload.Parsed``) as JSON text and back, for the parse cache.

Only what ``parse_yaml`` builds is written: mappings with text keys, lists, text, numbers,
true/false, null and dates, and the position of every key and value. Reading refuses anything
else (it answers None, and the text is parsed again), so a damaged line never becomes data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from storyportal.core.yamlload import Mark, Parsed, Path

_MAPPING, _DATE = "m", "d"  # a JSON object is one of these two, by its only key


def encode_parsed(parsed: Parsed) -> str:
    """One line of ASCII JSON (``ensure_ascii``: whatever the text holds, U+2028 included)."""
    record = [_encode(parsed.data), _marks(parsed.values), _marks(parsed.keys)]
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


def decode_parsed(text: str) -> Parsed | None:
    """The document ``encode_parsed`` wrote, or None if ``text`` is not one."""
    try:
        data, values, keys = json.loads(text)
        return Parsed(_decode(data), _read_marks(values), _read_marks(keys))
    except (ValueError, TypeError, RecursionError):
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {_MAPPING: {key: _encode(item) for key, item in value.items()}}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    return value  # text, a number, true/false or null


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError("not a mapping or a date")
        if isinstance(value.get(_MAPPING), dict):
            return {key: _decode(item) for key, item in value[_MAPPING].items()}
        if isinstance(value.get(_DATE), str):
            return dt.date.fromisoformat(value[_DATE])
        raise ValueError("not a mapping or a date")
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise ValueError("not a value YAML gives")


def _marks(found: dict[Path, Mark]) -> list[list[Any]]:
    return [[list(path), mark.line, mark.col] for path, mark in found.items()]


def _read_marks(rows: Any) -> dict[Path, Mark]:
    marks: dict[Path, Mark] = {}
    for path, line, col in rows:
        steps = tuple(path)
        if not all(isinstance(step, (str, int)) and not isinstance(step, bool) for step in steps):
            raise ValueError("not a key path")
        if not (type(line) is int and type(col) is int):
            raise ValueError("not a position")
        marks[steps] = Mark(line, col)
    return marks
