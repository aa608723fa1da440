"""YAML with positions, and without YAML 1.1's silent surprises.

PyYAML's C parser builds the node tree (fast); we turn nodes into plain values
ourselves so that every key and value keeps its line and column, and so that
``yes``/``no``, sexagesimal numbers, impossible dates, aliases and unknown tags
become located problems instead of silently changed data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .issues import Issue

try:  # the C parser is about twice as fast; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path = tuple  # a key path such as ("metrics", 0, "value")

_TAG = "tag:yaml.org,2002:"
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
_ALLOWED_EXPLICIT = {_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
MAX_DEPTH = 8


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Parsed:
    """A YAML document as plain values, with the position of every key and value."""

    data: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> Mark:
        """Where ``path`` is, or the nearest parent that is known."""
        path = tuple(path)
        while path:
            found = (self.keys if key else self.values).get(path) or self.values.get(path)
            if found:
                return found
            path = path[:-1]
        return self.values.get((), Mark(1, 1))


class _Builder:
    """Turns a composed node tree into values, collecting issues as it goes."""

    def __init__(self, source: str, line_offset: int):
        self.source = source
        self.offset = line_offset
        self.issues: list[Issue] = []
        self.parsed = Parsed(None)
        self._seen: set[int] = set()

    def mark(self, node) -> Mark:
        return Mark(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def problem(self, node, rule: str, message: str, hint: str = "") -> None:
        m = self.mark(node)
        self.issues.append(Issue(self.source, m.line, m.col, rule, message, hint=hint))

    def build(self, node, path: Path = ()) -> Any:
        if id(node) in self._seen:
            self.problem(node, "yaml-alias", "Anchors and aliases (& and *) are not allowed here",
                         "write the value out in full")
            return None
        self._seen.add(id(node))
        self.parsed.values[path] = self.mark(node)
        if len(path) > MAX_DEPTH:
            self.problem(node, "yaml-too-deep", f"The data is nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_mapping(self, node, path: Path) -> dict:
        self.check_tag(node, "map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "yaml-complex-key", "A field name must be plain text")
                continue
            key = key_node.value
            if key == "<<":
                self.problem(key_node, "yaml-alias", "Merge keys (<<) are not allowed here",
                             "write the fields out in full")
                continue
            if key in result:
                first = self.parsed.keys[path + (key,)]
                self.problem(key_node, "yaml-duplicate-key",
                             f"The field '{key}' appears twice (first on line {first.line})",
                             "keep only one of them")
                continue
            self.parsed.keys[path + (key,)] = self.mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def check_tag(self, node, kind: str) -> bool:
        if node.tag.startswith(_TAG) and (node.tag == _TAG + kind or node.tag in _ALLOWED_EXPLICIT):
            return True
        tag = node.tag.replace(_TAG, "!!")
        self.problem(node, "yaml-tag", f"The YAML tag '{tag}' is not allowed",
                     "remove the tag; write plain values")
        return False

    def build_scalar(self, node) -> Any:
        tag, text = node.tag, node.value
        if not tag.startswith(_TAG) or tag[len(_TAG):] not in _SCALARS:
            self.check_tag(node, "str")
            return text
        return _SCALARS[tag[len(_TAG):]](self, node, text)

    # -- one small converter per implicit YAML 1.1 type ------------------------

    def as_str(self, node, text):
        return text

    def as_null(self, node, text):
        return None

    def as_bool(self, node, text):
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        self.problem(node, "yaml-ambiguous-bool",
                     f"'{text}' is read by YAML as true/false, not as text",
                     f"put it in quotes (\"{text}\") if you meant the word, or write true or false")
        return text

    def as_int(self, node, text):
        if _PLAIN_INT.match(text):
            return int(text)
        return self.ambiguous_number(node, text)

    def as_float(self, node, text):
        if _PLAIN_FLOAT.match(text):
            return float(text)
        return self.ambiguous_number(node, text)

    def ambiguous_number(self, node, text):
        self.problem(node, "yaml-ambiguous-number",
                     f"'{text}' is read by YAML as a number in a special notation, not as text",
                     f"put it in quotes (\"{text}\")")
        return text

    def as_timestamp(self, node, text):
        if not _DATE.match(text):
            self.problem(node, "yaml-datetime", f"'{text}' has a time; a date is expected here",
                         f"write just the date, like {text[:10]}")
            return text
        try:
            year, month, day = (int(p) for p in text.split("-"))
            return dt.date(year, month, day)
        except ValueError:
            self.problem(node, "yaml-invalid-date", f"'{text}' is not a real date",
                         "write a date that exists, as YYYY-MM-DD")
            return text


_SCALARS = {
    "str": _Builder.as_str,
    "null": _Builder.as_null,
    "bool": _Builder.as_bool,
    "int": _Builder.as_int,
    "float": _Builder.as_float,
    "timestamp": _Builder.as_timestamp,
}

_PLAIN_WORDS = {
    "found character '\\t' that cannot start any token": "a tab character is used; YAML needs spaces for indentation",
    "mapping values are not allowed here": "a ':' appears where YAML did not expect one",
    "expected a single document in the stream": "there is more than one YAML document (a second '---')",
    "but found another document": "there is more than one YAML document (a second '---')",
    "found a tab character that violates indentation": "a tab character is used; YAML needs spaces for indentation",
}


def parse_yaml(text: str, source: str, line_offset: int = 0) -> tuple[Parsed | None, list[Issue]]:
    """Parse one YAML document; return it with positions, or None and the syntax problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(exc, source, line_offset)]
    except yaml.YAMLError as exc:  # unmarked errors, e.g. bad encoding
        return None, [Issue(source, 1 + line_offset, 1, "yaml-syntax", f"The YAML could not be read: {exc}")]
    builder = _Builder(source, line_offset)
    if node is not None:
        builder.parsed.data = builder.build(node)
    return builder.parsed, builder.issues


def _syntax_issue(exc: yaml.MarkedYAMLError, source: str, line_offset: int) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
    problem = (exc.problem or exc.context or "syntax error").strip()
    words = _PLAIN_WORDS.get(problem, problem)
    return Issue(source, line, col, "yaml-syntax", f"The YAML could not be read: {words}",
                 hint="check the indentation, and put text containing ':' or '#' in quotes")
