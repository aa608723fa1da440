"""YAML with positions, and without YAML 1.1's silent surprises.

PyYAML's C parser builds the node tree (fast); we turn nodes into plain values
ourselves so that every key and value keeps its line and column, and so that
``yes``/``no``, sexagesimal numbers, impossible dates, aliases and unknown tags
become located problems instead of silently changed data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, TypeAlias

import yaml

from storyportal.core.codeversion import code_version
from storyportal.core.issues import Issue

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # the C parser is about twice as fast; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path: TypeAlias = tuple[str | int, ...]  # a key path such as ("metrics", 0, "value")

_TAG = "tag:yaml.org,2002:"
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
MAX_DEPTH = 8
MAX_DIGITS = 30  # no field needs a longer number; Python refuses to convert ints over 4,300 digits
# PyYAML's composer recurses once per nesting level and crashes the interpreter
# (not a Python exception) on ~100,000 nested brackets; refuse far earlier.
HARD_DEPTH = 64
_YAML11_SHORT_BOOLS = {"y", "Y", "n", "N"}
# YAML treats these as line breaks (so its line numbers would not match the
# editor's) or refuses them outright; both are invisible in most editors.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
# YAML accepts these, but they hide inside text: a zero-width space or word joiner makes an id,
# e-mail or word look right and not match; a bidirectional control (U+202A-202E, U+2066-2069)
# makes a title display differently from what it says. Zero-width (non-)joiners are allowed
# only between two non-ASCII characters, where they shape emoji (👩‍💻) and scripts such as Persian.
_HIDDEN_CHARS = re.compile(
    "[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]|(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])"
)


class Mark(NamedTuple):
    """A 1-based position. A tuple, not a dataclass: there is one per key and value, and the
    garbage collector does not track tuples of ints."""

    line: int
    col: int


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

    def __init__(self, source: str, line_offset: int, aliases: Iterable[Mark] = (), text: str = "") -> None:
        self.source = source
        self.text = text
        self.offset = line_offset
        self.issues: list[Issue] = []
        self.parsed = Parsed(None)
        self._seen: set[int] = set()
        # The composer replaces each alias by the anchored node and forgets where
        # the alias was; the parser's events still know, in document order.
        self._aliases = deque(aliases)

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def problem(self, node: yaml.Node, rule: str, message: str, hint: str = "") -> None:
        m = self.mark(node)
        self.issues.append(Issue(self.source, m.line, m.col, rule, message, hint=hint))

    def is_alias(self, node: yaml.Node) -> Mark | None:
        """The position of the alias if ``node`` was met before, else None (and remember it)."""
        if id(node) in self._seen:
            return self._aliases.popleft() if self._aliases else self.mark(node)
        self._seen.add(id(node))
        return None

    def alias_problem(self, mark: Mark) -> None:
        self.issues.append(
            Issue(
                self.source,
                mark.line,
                mark.col,
                "yaml-alias",
                "Anchors and aliases (& and *) are not allowed here",
                hint="write the value out in full",
            )
        )

    def skip(self, node: yaml.Node) -> None:
        """Walk a subtree that is not built, so that alias positions stay in step."""
        if self.is_alias(node) is not None:
            return
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                self.skip(key_node)
                self.skip(value_node)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.skip(item)

    def build(self, node: yaml.Node, path: Path = ()) -> Any:
        alias = self.is_alias(node)
        if alias is not None:
            self.parsed.values[path] = alias
            self.alias_problem(alias)
            return None
        self.parsed.values[path] = self.mark(node)
        if len(path) > MAX_DEPTH:
            self.problem(node, "yaml-too-deep", f"The data is nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        # The composer makes only mapping, sequence and scalar nodes.
        assert isinstance(node, yaml.ScalarNode)
        return self.build_scalar(node)

    def build_mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        self.check_tag(node, "map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            alias = self.is_alias(key_node)
            if alias is not None or not isinstance(key_node, yaml.ScalarNode):
                if alias is not None:
                    self.alias_problem(alias)
                else:
                    self.problem(
                        key_node,
                        "yaml-complex-key",
                        "A field name must be plain text",
                        "write the name followed by ':', like title:",
                    )
                    self.skip_children(key_node)
                self.skip(value_node)
                continue
            key = key_node.value
            if key == "<<":
                self.problem(
                    key_node, "yaml-alias", "Merge keys (<<) are not allowed here", "write the fields out in full"
                )
                self.skip(value_node)
                continue
            if key in result:
                first = self.parsed.keys[path + (key,)]
                self.problem(
                    key_node,
                    "yaml-duplicate-key",
                    f"The field '{key}' appears twice (first on line {first.line})",
                    "keep only one of them",
                )
                self.skip(value_node)
                continue
            self.parsed.keys[path + (key,)] = self.mark(key_node)
            self.check_hidden(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def skip_children(self, node: yaml.Node) -> None:
        # ``node`` itself is already remembered; walk only what it contains.
        self._seen.discard(id(node))
        self.skip(node)

    def check_tag(self, node: yaml.Node, kind: str) -> bool:
        if node.tag == _TAG + kind:
            return True
        tag = node.tag.replace(_TAG, "!!")
        self.problem(node, "yaml-tag", f"The YAML tag '{tag}' is not allowed", "remove the tag; write plain values")
        return False

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        self.check_hidden(node)
        tag, text = node.tag, node.value
        if tag == _TAG + "str" and not node.style and text in _YAML11_SHORT_BOOLS:
            # PyYAML reads these as text, but YAML 1.1 (and tools built on it) as true/false.
            return self.as_bool(node, text)
        if not tag.startswith(_TAG) or tag[len(_TAG) :] not in _SCALARS:
            self.check_tag(node, "str")
            return text
        return _SCALARS[tag[len(_TAG) :]](self, node, text)

    def check_hidden(self, node: yaml.ScalarNode) -> None:
        """Report each zero-width or direction-changing character of a scalar where it stands;
        one written as an escape ("\\u202e" in double quotes) at the start of the value."""
        if not _HIDDEN_CHARS.search(node.value):
            return
        start = node.start_mark.index
        typed = list(_HIDDEN_CHARS.finditer(self.text, start, node.end_mark.index))
        if typed:
            for found in typed:
                before = self.text[: found.start()]
                line, col = before.count("\n") + 1 + self.offset, found.start() - (before.rfind("\n") + 1) + 1
                self.hidden(Mark(line, col), found.group())
        else:
            for found in _HIDDEN_CHARS.finditer(node.value):
                self.hidden(self.mark(node), found.group())

    def hidden(self, mark: Mark, char: str) -> None:
        bidi = "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069"
        effect = (
            "changes the direction the text is shown in, so it reads differently from what it says"
            if bidi
            else "hides inside the text, so it looks right but does not match"
        )
        self.issues.append(
            Issue(
                self.source,
                mark.line,
                mark.col,
                "yaml-invisible-character",
                f"There is an invisible character here (U+{ord(char):04X}, {unicodedata.name(char)}) that {effect}",
                hint="delete it and type the text again; it often comes from copying out of Word, a PDF or a chat",
            )
        )

    # -- one small converter per implicit YAML 1.1 type ------------------------

    def as_str(self, node: yaml.ScalarNode, text: str) -> str:
        return text

    def as_null(self, node: yaml.ScalarNode, text: str) -> None:
        return None

    def as_bool(self, node: yaml.ScalarNode, text: str) -> bool | str:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        self.problem(
            node,
            "yaml-ambiguous-bool",
            f"'{text}' is read by YAML as true/false, not as text",
            f'put it in quotes ("{text}") if you meant the word, or write true or false',
        )
        return text

    def as_int(self, node: yaml.ScalarNode, text: str) -> int | str:
        if len(text) > MAX_DIGITS:  # int() refuses over 4,300 digits (and every message would quote it)
            return self.huge_number(node, text)
        if _PLAIN_INT.match(text):
            return int(text)
        return self.ambiguous_number(node, text)

    def huge_number(self, node: yaml.ScalarNode, text: str) -> str:
        self.problem(
            node,
            "yaml-number-too-long",
            f"A number {len(text):,} characters long is not accepted (at most {MAX_DIGITS})",
            "shorten it, or put it in quotes if it is meant as text",
        )
        return text[:MAX_DIGITS] + "…"

    def as_float(self, node: yaml.ScalarNode, text: str) -> float | str:
        if len(text) > MAX_DIGITS:
            return self.huge_number(node, text)
        if _PLAIN_FLOAT.match(text):
            return float(text)
        return self.ambiguous_number(node, text)

    def ambiguous_number(self, node: yaml.ScalarNode, text: str) -> str:
        self.problem(
            node,
            "yaml-ambiguous-number",
            f"'{text}' is read by YAML as a number in a special notation, not as text",
            f'put it in quotes ("{text}")',
        )
        return text

    def as_timestamp(self, node: yaml.ScalarNode, text: str) -> dt.date | str:
        if not _DATE.match(text):
            self.problem(
                node,
                "yaml-datetime",
                f"'{text}' has a time; a date is expected here",
                f"write just the date, like {text[:10]}",
            )
            return text
        try:
            year, month, day = (int(p) for p in text.split("-"))
            return dt.date(year, month, day)
        except ValueError:
            self.problem(
                node, "yaml-invalid-date", f"'{text}' is not a real date", "write a date that exists, as YYYY-MM-DD"
            )
            return text


_SCALARS: dict[str, Callable[[_Builder, yaml.ScalarNode, str], Any]] = {
    "str": _Builder.as_str,
    "null": _Builder.as_null,
    "bool": _Builder.as_bool,
    "int": _Builder.as_int,
    "float": _Builder.as_float,
    "timestamp": _Builder.as_timestamp,
}

_TAB = ("a tab character is used; YAML needs spaces for indentation", "replace the tab with spaces")
_INDENT_HINT = "check the indentation, and put text containing ':' or '#' in quotes"
_PLAIN_WORDS = {
    "mapping values are not allowed here": ("a ':' appears where YAML did not expect one", _INDENT_HINT),
    # libyaml (the C parser) words the same problems differently
    "mapping values are not allowed in this context": ("a ':' appears where YAML did not expect one", _INDENT_HINT),
    "could not find expected ':'": (
        "a line is not a field: the ':' between the name and the value is missing",
        "write each field as name: value",
    ),
    "but found another document": (
        "there is more than one YAML document (a second '---')",
        "keep one block of fields; remove the extra '---' line",
    ),
    "found a tab character that violates indentation": _TAB,
    "found character that cannot start any token": (
        "a character appears that cannot start a value here",
        "put the value in quotes",
    ),
}


class ParseStore(Protocol):
    """Parses kept between runs (the build's: parses.log in the image cache folder) by ``parse_key``.
    ``get`` gives a new object each time: a caller may change what it was given."""

    def get(self, key: str) -> Parsed | None: ...

    def put(self, key: str, parsed: Parsed) -> None: ...


_parse_stores: list[ParseStore] = []  # the innermost ``remembering_parses`` wins


@contextlib.contextmanager
def remembering_parses(store: ParseStore | None) -> Iterator[None]:
    """Within this block, a text whose parse ``store`` holds is not parsed again, and every parse
    without a problem is added to it. A parse is a function of the text, its first line's number
    and this package's code; the registry and 1,000 stories' front matter were a fifth of a warm
    build's loading."""
    if store is None:
        yield
        return
    _parse_stores.append(store)
    try:
        yield
    finally:
        _parse_stores.remove(store)


def parse_key(text: str, line_offset: int) -> str:
    """What a parse store keys a parse by: the text, where it starts, and the code that parses it
    (this package's, PyYAML's, and which of its parsers: libyaml and the pure-Python one differ)."""
    data = f"{code_version()}\0{_Loader.__name__}\0{line_offset}\0{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def parse_yaml(text: str, source: str, line_offset: int = 0) -> tuple[Parsed | None, list[Issue]]:
    """Parse one YAML document; return it with positions, or None and the syntax problem.

    Inside ``remembering_parses``, a parse kept without problems is read instead (problems are
    never kept: they are found, and reported, every time)."""
    store = _parse_stores[-1] if _parse_stores else None
    if store is None:
        return _parse(text, source, line_offset)
    key = parse_key(text, line_offset)
    kept = store.get(key)
    if kept is not None:
        return kept, []
    parsed, issues = _parse(text, source, line_offset)
    if parsed is not None and not issues:
        store.put(key, parsed)
    return parsed, issues


def _parse(text: str, source: str, line_offset: int) -> tuple[Parsed | None, list[Issue]]:
    bad = _bad_character(text, source, line_offset)
    if bad:
        return None, [bad]
    try:
        aliases, too_deep = _scan_events(text, line_offset) if _needs_event_scan(text) else ([], None)
        if too_deep:
            return None, [
                Issue(
                    source,
                    too_deep.line,
                    too_deep.col,
                    "yaml-too-deep",
                    f"The data is nested more than {MAX_DEPTH} levels deep",
                )
            ]
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(exc, text, source, line_offset)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors; bad characters are caught above
        return None, [Issue(source, 1 + line_offset, 1, "yaml-syntax", f"The YAML could not be read: {exc}")]
    builder = _Builder(source, line_offset, aliases, text)
    if node is not None:
        builder.parsed.data = builder.build(node)
    return builder.parsed, builder.issues


def _needs_event_scan(text: str) -> bool:
    """Only a text with an alias, or with enough structure to nest HARD_DEPTH deep, needs the scan.

    Every level of nesting takes at least one ':', '-', '?', '[' or '{', so fewer of them
    than HARD_DEPTH cannot nest that deep; an alias always starts with '*'.
    """
    if "*" in text:
        return True
    return sum(text.count(c) for c in ":-?[{") >= HARD_DEPTH


def _scan_events(text: str, line_offset: int) -> tuple[list[Mark], Mark | None]:
    """Alias positions in document order, and where nesting first gets absurdly deep."""
    try:
        return _walk_events(text, line_offset)
    except yaml.MarkedYAMLError as exc:
        # libyaml (PyYAML >= 6.0.4) refuses over 1,000 flow levels while scanning ahead, before any
        # event: walk the text up to that point, where our own, lower limit is reached first.
        if "nesting depth" not in (exc.problem or "") or exc.problem_mark is None:
            raise
        with contextlib.suppress(yaml.YAMLError):
            return _walk_events(text[: exc.problem_mark.index], line_offset)
        raise


def _walk_events(text: str, line_offset: int) -> tuple[list[Mark], Mark | None]:
    aliases: list[Mark] = []
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > HARD_DEPTH:
                return aliases, _event_mark(event, line_offset)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases.append(_event_mark(event, line_offset))
    return aliases, None


def _event_mark(event: yaml.Event, line_offset: int) -> Mark:
    # The parser marks every event it emits; only an event built by hand has no mark.
    assert event.start_mark is not None
    return Mark(event.start_mark.line + 1 + line_offset, event.start_mark.column + 1)


def _bad_character(text: str, source: str, line_offset: int) -> Issue | None:
    found = _BAD_CHARS.search(text)
    if not found:
        return None
    before = text[: found.start()]
    line, col = before.count("\n") + 1 + line_offset, found.start() - (before.rfind("\n") + 1) + 1
    char = found.group()
    name = unicodedata.name(char, "a control character")
    return Issue(
        source,
        line,
        col,
        "yaml-invisible-character",
        f"There is an invisible character here (U+{ord(char):04X}, {name}) that YAML does not accept as text",
        hint="delete it and type the text again; it often comes from copying out of Word or a PDF",
    )


# ``title: “Acme: a story”``: quotes pasted from a word processor are text to YAML, not quotes.
# Greedy, each part unable to overlap the next: a lazy group before a trailing [ \t]*$ is quadratic.
_CURLY_VALUE = re.compile(r"^([ \t]*(?:-[ \t]+)?([^\s#:\-\"'][^:#]*)):[ \t]+([“”„‘’‚«»‹›])(.*)$")
# ``title:"Acme"``: without a space after it, the colon does not end the field name.
_NO_SPACE = re.compile(r"^([ \t]*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_-]*):(?!//)([^\s:].*)$")
_CURLY = "“”„‘’‚«»‹›"


def _syntax_issue(exc: yaml.MarkedYAMLError, text: str, source: str, line_offset: int) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    typed = _typing_slip(exc, text, source, line_offset)
    if typed is not None:
        return typed
    line, col = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
    problem = (exc.problem or exc.context or "syntax error").strip()
    words, hint = _PLAIN_WORDS.get(problem, (problem, _INDENT_HINT))
    if mark and _char_at(text, mark.line, mark.column) == "\t":
        words, hint = _TAB
    return Issue(source, line, col, "yaml-syntax", f"The YAML could not be read: {words}", hint=hint)


def _typing_slip(exc: yaml.MarkedYAMLError, text: str, source: str, line_offset: int) -> Issue | None:
    """A curly quote or a missing space after a colon on (or just before) the line YAML stopped at."""
    lines = text.split("\n")
    marks = [m.line for m in (exc.problem_mark, exc.context_mark) if m is not None]
    if not marks:
        return None
    near = dict.fromkeys([marks[0], *marks[1:], marks[0] - 1])  # nearest first
    for index in (i for i in near if 0 <= i < len(lines)):
        found = _CURLY_VALUE.match(lines[index])
        if found:
            return _curly_issue(found, source, index + 1 + line_offset)
    for index in (i for i in near if 0 <= i < len(lines)):
        found = _NO_SPACE.match(lines[index])
        if found:
            indent, key, rest = found.groups()
            rest = rest.rstrip(" \t")
            return Issue(
                source,
                index + 1 + line_offset,
                len(indent) + len(key) + 2,
                "yaml-space-after-colon",
                f"There is no space after '{key}:', so YAML does not see the field '{key}'",
                hint=f"put a space after the colon: {key}: {rest}",
            )
    return None


def _curly_issue(found: re.Match[str], source: str, line: int) -> Issue:
    key, name, quote = found.group(1).strip(), found.group(2).strip(), found.group(3)
    rest = found.group(4).rstrip(" \t")
    inner = rest.rstrip(_CURLY).replace("\\", "\\\\").replace('"', '\\"')
    return Issue(
        source,
        line,
        found.start(3) + 1,
        "yaml-typographic-quotes",
        f"The value of '{name}' starts with a typographic quote {quote}, which YAML reads as text, not as a quote",
        hint=f'type straight quotes " instead, as in: {key}: "{inner}"',
    )


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    return lines[line][col : col + 1] if line < len(lines) else ""
