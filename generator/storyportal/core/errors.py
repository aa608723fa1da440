"""Turn pydantic validation errors into located, plain-words issues."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from storyportal.core.issues import Issue
from storyportal.core.yamlload import Parsed, Path

ModelT = TypeVar("ModelT", bound=BaseModel)


def closest(word: object, choices: Iterable[Any], cutoff: float = 0.6) -> str | None:
    """The allowed value most like ``word``, for "did you mean" hints."""
    choices = [str(c) for c in choices]
    lowered: dict[str, str] = {c.lower(): c for c in choices}
    if str(word).lower() in lowered:
        return lowered[str(word).lower()]
    found = difflib.get_close_matches(str(word), choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: object, choices: Iterable[Any], otherwise: str = "", cutoff: float = 0.6) -> str:
    """The hint for a value that is not allowed: "did you mean 'retail'?", else ``otherwise``."""
    near = closest(word, choices, cutoff)
    return f"did you mean '{near}'?" if near else otherwise


def did_you_mean_or_allowed(word: str, allowed: Iterable[Any]) -> str:
    """The hint for a value outside a short closed list (a taxonomy): the nearest, else the whole list."""
    names = [str(a) for a in allowed]
    return did_you_mean(word, names, "allowed: " + ", ".join(names))


def validate_model(
    model: type[ModelT], data: Any, parsed: Parsed, base: Path, source: str, prefix: str
) -> tuple[ModelT | None, list[Issue]]:
    """Validate ``data`` against ``model``; return (instance or None, issues)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_issue(err, model, parsed, base, source, prefix) for err in _one_branch(exc.errors(), data)]


def _one_branch(errors: list[ErrorDetails], data: Any) -> list[ErrorDetails]:
    """Errors of a union value (a label that is a text or a map) from the branch the value's kind chose.

    Pydantic reports every branch, with the branch's type in the location ('constrained-str',
    'dict[...]'); people wrote one kind of value, so only that branch's complaints are meant for them
    (all branches' when none is of the value's kind).
    """
    tagged = [(err, *_split_tag(tuple(err["loc"]), data)) for err in errors]
    fitting = {at for _, at, _, value, tag in tagged if tag is not None and _tag_fits(tag, value)}
    return [
        {**err, "loc": loc}
        for err, at, loc, value, tag in tagged
        if tag is None or _tag_fits(tag, value) or at not in fitting
    ]


_SCALAR_TAGS = frozenset({"str", "constrained-str", "int", "constrained-int", "float", "bool", "date"})


def _split_tag(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], tuple[Any, ...], Any, str | None]:
    """Where a union branch's type name sits in ``loc``, ``loc`` without it, the value there, the name."""
    current = data
    for index, part in enumerate(loc):
        if (
            isinstance(current, dict)
            and part in current
            or isinstance(current, list)
            and isinstance(part, int)
            and 0 <= part < len(current)
        ):
            current = current[part]
        elif isinstance(part, str) and ("[" in part or part in _SCALAR_TAGS):
            return loc[:index], loc[:index] + loc[index + 1 :], current, part
        else:
            break
    return loc, loc, current, None


def _tag_fits(tag: str, value: Any) -> bool:
    if tag.startswith("dict["):
        return isinstance(value, dict)
    if tag.startswith("list["):
        return isinstance(value, list)
    return not isinstance(value, (dict, list))


def without_repeats(first: list[Issue], later: list[Issue]) -> list[Issue]:
    """``first`` plus the issues of ``later`` at spots ``first`` does not already explain.

    A YAML hazard (an impossible date, ``no`` for a word) already says what is wrong
    with its value; the schema complaint about the same value would only repeat it.
    """
    taken = {(i.path, i.line, i.col) for i in first}
    return list(first) + [i for i in later if (i.path, i.line, i.col) not in taken]


_KINDS = {dict: "a group of fields", list: "a list", str: "the text", type(None): "nothing"}


def _whole(value: Any, base: Path) -> str:
    """What a whole file (or entry) holds instead of fields, for people."""
    found = _KINDS.get(type(value))
    found = f"the text '{value}'" if isinstance(value, str) else (found or f"the value {value!r}")
    if not base:
        return f"The file must hold fields like 'name: value', one per line, but it holds {found}"
    return f"'{base[-1]}' must hold fields like 'name: value', indented below it, but it holds {found}"


def _field_name(loc: Path) -> str:
    """``("metrics", 0, "value")`` becomes ``metrics item 1 > value``, for people."""
    parts = [f"item {p + 1}" if isinstance(p, int) else str(p) for p in loc]
    return " > ".join(parts) or "the file"


def _model_at(model: type[BaseModel], loc: Path) -> type[BaseModel]:
    """The pydantic model that owns the last part of ``loc`` (for "did you mean")."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        ann = getattr(field, "annotation", None)
        inner = [a for a in getattr(ann, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif inner:
            model = inner[0]
        else:
            return model
    return model


def _issue(err: ErrorDetails, model: type[BaseModel], parsed: Parsed, base: Path, source: str, prefix: str) -> Issue:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind, name = err["type"], _field_name(loc)
    ctx = err.get("ctx") or {}
    value = err.get("input")
    rule, hint = f"{prefix}-invalid-value", ""
    if kind == "missing":
        mark = parsed.mark(base + loc[:-1])
        rule, message = f"{prefix}-required-field", f"The field '{name}' is required but missing"
    elif kind == "extra_forbidden":
        mark = parsed.mark(base + loc, key=True)
        owner = _model_at(model, loc)
        rule, message = f"{prefix}-unknown-field", f"'{loc[-1]}' is not a field we know"
        hint = did_you_mean(loc[-1], owner.model_fields, "check the spelling, or remove it")
    elif not loc and kind in ("dict_type", "model_type", "model_attributes_type"):
        mark = parsed.mark(base)
        rule, message, hint = (
            f"{prefix}-field-type",
            _whole(value, base),
            "write each field on its own line, like title: My story",
        )
    else:
        mark = parsed.mark(base + loc)
        message, hint, rule = _describe(kind, name, value, ctx, prefix)
    return Issue(source, mark.line, mark.col, rule, message, hint=hint)


def _describe(kind: str, name: str, value: Any, ctx: dict[str, Any], prefix: str) -> tuple[str, str, str]:
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if value is None:  # `title:` with nothing after it
        return f"'{name}' is empty: nothing is written after it", _fill_hint(name), f"{prefix}-required-field"
    if kind == "text_blank":
        return (
            f"'{name}' has no visible text, only {_blanks(value)}",
            "type the text; delete what is there first, as it may hold characters you cannot see",
            _BLANK_RULES.get(prefix, f"{prefix}-invalid-value"),
        )
    if kind == "date_out_of_range":
        return (
            f"'{name}' is {value}, outside the years 1900 to 2999",
            "check the year: write the date as YYYY-MM-DD, like 2026-03-14",
            f"{prefix}-invalid-value",
        )
    if kind == "date_impossible":
        return (
            f"'{name}' is not a real date: {shown}",
            "write a date that exists, as YYYY-MM-DD",
            f"{prefix}-invalid-value",
        )
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        return (
            f"'{name}' is {len(value)} characters long; the limit is {ctx['max_length']}",
            "shorten it",
            f"{prefix}-too-long",
        )
    if kind == "too_long":
        return (f"'{name}' has too many entries; the limit is {ctx.get('max_length')}", "", f"{prefix}-too-long")
    if kind in ("string_too_short", "too_short"):
        return f"'{name}' is empty", "fill it in", f"{prefix}-required-field"
    if kind == "string_type":
        hint = f'put it in quotes: "{value}"' if isinstance(value, (int, float, bool)) else ""
        return f"'{name}' must be text, not {shown}", hint, f"{prefix}-field-type"
    if kind in ("date_type", "date_from_datetime_parsing", "date_parsing") and _DATE_TIME.match(str(value)):
        return (
            f"'{name}' must be a date like 2026-03-14, but {shown} also has a time",
            f"write just the date, like {str(value)[:10]}",
            f"{prefix}-field-type",
        )
    if kind in ("date_type", "date_from_datetime_parsing", "date_parsing"):
        return (
            f"'{name}' must be a date like 2026-03-14, not {shown}",
            "write it as YYYY-MM-DD, like 2026-03-14",
            f"{prefix}-field-type",
        )
    if kind == "bool_type":
        return (
            f"'{name}' must be true or false, not {shown}",
            "write true or false, without quotes",
            f"{prefix}-field-type",
        )
    if kind in ("list_type", "tuple_type"):
        return f"'{name}' must be a list, like [a, b]", "", f"{prefix}-field-type"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"'{name}' must be a group of fields, not {shown}", "indent its fields under it", f"{prefix}-field-type"
    if kind in ("int_type", "int_parsing"):
        return f"'{name}' must be a whole number, not {shown}", "", f"{prefix}-field-type"
    if kind == "enum":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        hint = did_you_mean(value, allowed)
        return f"'{name}' cannot be {shown}; allowed: {', '.join(allowed)}", hint, f"{prefix}-invalid-value"
    if kind == "string_pattern_mismatch":
        return (
            f"'{name}' has an invalid format: {shown}",
            _PATTERN_HINTS.get(re.sub(r" > item \d+$", "", name).split(".")[-1], ""),  # a list's items share one
            f"{prefix}-invalid-value",
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"'{name}' is out of range: {shown}", "", f"{prefix}-invalid-value"
    return f"'{name}' is not valid: {shown}", "", f"{prefix}-invalid-value"


def _fill_hint(name: str) -> str:
    last = name.split(" > ")[-1]
    if last.startswith("item "):
        return "write the value after the '- ', or remove the empty line"
    return f"write the value on the same line, after '{last}: '"


# Only stories and the registry hold text that readers see.
_BLANK_RULES = {"story": "story-text-blank", "registry": "registry-text-blank"}
_BLANK_NAMES = {" ": "spaces", "\t": "tabs", "\n": "line breaks", "\u00a0": "non-breaking spaces"}


def _blanks(text: str) -> str:
    """What a blank text holds, for people: "spaces and tabs", "U+200B ZERO WIDTH SPACE"."""
    names = [
        _BLANK_NAMES.get(c) or f"U+{ord(c):04X} {unicodedata.name(c, 'an invisible character')}"
        for c in dict.fromkeys(text)
    ]
    return " and ".join(names)


_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]+[0-9]{1,2}:[0-9]{2}")

_PATTERN_HINTS = {
    "duration": 'write it as "m:ss" in quotes, like "2:45"',
    "lang": "use a language code like en, de or fr-CA",
    "website": "use a full https:// address",
    "embed_frame_ancestors": "write a site's origin without a path, like https://www.example.com",
}
