"""Private registry values, and the one normaliser that finds them however they are written.

A private value (an advocate's e-mail, phone, notes) must be found in a story's
source by ``storyportal validate`` and in every file of a build by the leak guard,
whatever happened to it on the way: HTML-escaped (``&nbsp;``, ``&#160;``), split by
markup (one word in bold), hard-wrapped, JSON- or URL-escaped, written in another
case, or with invisible characters typed into it. Both sides, the value and the
text searched, go through the same ``normalise``, so every such form of a value
becomes the same string. Phone numbers are matched by their digits instead.

The values come from the raw parsed registry, not from the checked records: an
advocate whose entry has an unrelated error keeps its private values guarded.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ahocorasick_rs

from storyportal.core.body import render_story_body
from storyportal.core.issues import Issue

if TYPE_CHECKING:  # model imports this module, and stories imports what imports model
    from storyportal.core.stories import StoryFile

PrivateValue = tuple[str, str, str]  # (advocate id, field, value)

MIN_LENGTH = 4  # shorter values (an NPS of 10) match everywhere and prove nothing
WHOLE_WORD_BELOW = 8  # a shorter value ("Oslo", "vegan") counts only as a whole word, not inside another
# What a registry holds when it holds nothing: these words are in every script and style sheet.
PLACEHOLDERS = frozenset({"none", "null", "nil", "n/a", "tbd", "todo", "unknown", "true", "false", "yes", "no"})
MIN_PHONE_DIGITS = 7  # the shortest national significant numbers
# A contact field outside the private block (a misplaced ``email:``) is guarded too.
_CONTACT_KEY = re.compile(r"e-?mail|phone|mobile|fax|tel(?:ephone)?\b", re.IGNORECASE)

# Markup goes: inline tags (bold, a link, a span) leave nothing, so a value with one word in bold
# reads as written; any other tag (a paragraph, a cell, a line break) leaves a space. A tag is '<',
# a name and then space, '/' or '>' (so '<jane@x.example>' is not one), and ends at the next '>':
# no nested quantifier, so linear. Names are matched in lower case (the text is lowered first).
_INLINE_TAG = re.compile(
    r"</?(?:[abiqsu]|em|abbr|bd[io]|cite|code|data|del|dfn|img|ins|kbd|label|mark|samp|small|span|strong"
    r"|su[bp]|time|var|wbr)(?=[\s/>])[^<>]*>"
)
_TAG = re.compile(r"</?[a-z][a-z0-9-]*(?=[\s/>])[^<>]*>")
# Attribute values (a meta description, alt text, a link title) are text too: kept apart.
# MkDocs, Material, our templates and the body sanitiser all write them in double quotes.
_ATTRIBUTE = re.compile(r'="([^"<>]*)"')
_JS_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\"'\\/bfnrt]))")
_JS_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")  # starts with a literal: fast
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Unicode format characters (category Cf): zero-width spaces and joiners, bidi controls,
# the soft hyphen, the BOM. Invisible, so dropping them changes nothing a reader sees.
# All of them live in planes 0, 1 and 14 (scanning only those takes 7 ms at import, not 80).
_FORMAT_CODES = [
    c for r in (range(0x20000), range(0xE0000, 0xE1000)) for c in r if unicodedata.category(chr(c)) == "Cf"
]


def _char_class(codes: list[int]) -> re.Pattern[str]:
    """A character class of contiguous ranges: 4x faster to match than one entry per character."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spans = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{spans}]")


# Split by plane: a class holding characters above U+FFFF is matched 3x slower, and they are rare.
_FORMAT_BMP = _char_class([c for c in _FORMAT_CODES if c <= 0xFFFF])
_FORMAT_ASTRAL = _char_class([c for c in _FORMAT_CODES if c > 0xFFFF])

# Contacts nobody registered, as the leak guard finds them in the output (bytes, searched as
# written): an e-mail from its '@' (a literal: fast), an international phone number from its '+'.
EMAIL_DOMAIN = re.compile(rb"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_LOCAL = re.compile(rb"[A-Za-z0-9._%+-]+\Z")  # searched in the 64 bytes before an '@'
PHONE = re.compile(rb"\+[0-9][0-9 ().-]{7,18}[0-9]")
NOT_AN_ADDRESS = (".png", ".jpg", ".webp", ".svg", ".js", ".css")  # logo@2x.png is a file name


def contacts_in(data: bytes) -> list[str]:
    """Every e-mail address and international phone number written in ``data``."""
    found = []
    for match in EMAIL_DOMAIN.finditer(data):
        local = EMAIL_LOCAL.search(data, max(0, match.start() - 64), match.start())
        address = (local.group() + match.group()).decode("ascii") if local else ""
        if address and not address.lower().endswith(NOT_AN_ADDRESS):
            found.append(address)
    return found + [m.group().decode("ascii") for m in PHONE.finditer(data)]


# Phone numbers: digits with the separators people type between them.
_PHONE_VALUE = re.compile(r"\+?[0-9 ().\-/]+\Z")
_DATE_LIKE = re.compile(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}\Z|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}\Z")
_PHONE_SEPARATORS = b" ().-/"
_RUNS = bytes(c if 0x30 <= c <= 0x39 else 0x7C for c in range(256))  # a digit stays, all else is '|'
_NOT_DIGITS = re.compile(r"[^0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# ITU country calling codes are prefix-free: these are the 1- and 2-digit ones, all others have 3.
_SHORT_CODES = frozenset(
    map(str, (1, 7, 20, 27, *range(30, 35), 36, 39, 40, 41, *range(43, 50), *range(51, 59), *range(60, 67)))
) | {"81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"}
MAX_PHONE_PREFIX = 5  # digits allowed before the national number: 0, 1, 44, 0044, 00353


def normalise(text: str, attributes: bool = False) -> str:
    """The text as a reader sees it: unescaped, without markup or invisible characters,
    whitespace collapsed, case-folded. ``attributes`` appends the tags' attribute text."""
    text = text.lower()  # first, so tag names and entities need no case-insensitive pattern
    if "%" in text:
        text = _PERCENT.sub(lambda m: urllib.parse.unquote(m[0]), text)
    if "\\" in text:
        text = _unescape_js(text)
    if "<" in text:
        text = _strip_tags(text, attributes)
    if "&" in text:
        # HTML escaped inside XML (a feed's description) is markup too. Unescaping once more only
        # ever joins more text, so it never hides a value.
        markup, twice = "&lt;" in text, "&amp;" in text
        text = html.unescape(text)
        if markup:
            text = _strip_tags(text, attributes)
        if markup or twice:
            text = html.unescape(text)
    if not text.isascii():  # NFKC changes nothing in ASCII
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())  # split() knows Unicode whitespace, and is 3x faster than \s+
    if not text.isprintable():  # the only test fast enough to skip the usual case: no format character
        text = " ".join(drop_format_characters(text).split())
    text = text.casefold()
    # Turkish i: "ı".upper() is "I", whose casefold is "i"; "İ" folds to "i" and a combining dot.
    return text.replace("ı", "i").replace("i\u0307", "i") if not text.isascii() else text


def _strip_tags(text: str, attributes: bool) -> str:
    extra = _ATTRIBUTE.findall(text) if attributes else []
    return "\n".join([_TAG.sub(" ", _INLINE_TAG.sub("", text)), *extra])


def drop_format_characters(text: str) -> str:
    """``text`` without zero-width characters, bidi controls, soft hyphens (Unicode category Cf)."""
    text = _FORMAT_BMP.sub("", text)
    return _FORMAT_ASTRAL.sub("", text) if _ASTRAL.search(text) else text


def _unescape_js(text: str) -> str:
    """JSON and JavaScript string escapes (``\\u00a0``, ``\\n``) as the characters they stand for."""
    text = _JS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else _JS_CHARS.get(m[2], m[2]), text)
    if _SURROGATE.search(text):  # a pair written as two escapes; a lone half becomes U+FFFD
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def value_forms(value: str) -> set[str]:
    """The normalised forms of a value: as written, inside a JSON string, in a form-encoded URL."""
    plain = normalise(value)
    if plain in PLACEHOLDERS:
        return set()
    forms = {plain, normalise(_json_inner(value)), plain.replace(" ", "+")}
    return {form for form in forms if len(form) >= MIN_LENGTH}


def _json_inner(value: str) -> str:
    return json.dumps(value)[1:-1]


def phone_digits(value: str) -> str | None:
    """The national significant number of a value that is a phone number, else None.

    ``+1 312 555 0187`` gives ``3125550187``, found again as ``(312) 555-0187``,
    ``312.555.0187`` or ``+13125550187``; ``020 7946 0000`` gives ``2079460000``.
    """
    text = drop_format_characters(unicodedata.normalize("NFKC", value)).strip()
    if not text.isascii():
        text = text.translate(_phone_characters())
    if not _PHONE_VALUE.match(text) or _DATE_LIKE.match(text):  # a date's digits are on every page
        return None
    digits = _NOT_DIGITS.sub("", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        code = 1 if digits[:1] in _SHORT_CODES else 2 if digits[:2] in _SHORT_CODES else 3
        digits = digits[code:]
    else:
        digits = digits.removeprefix("0")  # the trunk prefix of a national number
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


@functools.cache  # built on first use, not at import: most text is ASCII and never needs it
def _phone_characters() -> dict[int, str]:
    """Every decimal digit (Arabic-Indic, Devanagari, full-width ...) as its ASCII digit, and the
    dashes and dots people type between digit groups (en dash, non-breaking hyphen, middle dot)."""
    table = {}
    for code in range(0x80, 0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Nd":
            table[code] = str(unicodedata.digit(char))
        elif category == "Pd" or char in "\u00b7\u2027\u2219\u22c5\u30fb":
            table[code] = "-"
    return table


def digit_runs(normalised: str) -> str:
    """``|``-separated runs of digits, the separators people type inside a phone number removed
    (bytes.translate: one C pass, 10x faster than two regex substitutions)."""
    if not normalised.isascii():
        # Only the non-ASCII runs: str.translate with a dict looks up every character, ASCII too
        # (a quarter of the leak guard's time on pages whose only non-ASCII character is a "·").
        table = _phone_characters()
        normalised = _NON_ASCII.sub(lambda run: run[0].translate(table), normalised)
    data = normalised.encode("utf-8", "replace").translate(_RUNS, _PHONE_SEPARATORS)
    return "|" + data.decode("ascii") + "|"


@dataclass(frozen=True)
class PrivateMatcher:
    """Every private value, matched at once over normalised text (Aho-Corasick)."""

    text: ahocorasick_rs.AhoCorasick | None
    text_labels: tuple[str, ...]
    whole_word: tuple[bool, ...]  # per text pattern: must not continue a word on either side
    phones: ahocorasick_rs.AhoCorasick | None
    phone_labels: tuple[str, ...]
    emails: ahocorasick_rs.AhoCorasick | None = None  # e-mail values, matched in the text without spaces
    email_labels: tuple[str, ...] = ()

    def find(self, normalised: str) -> set[str]:
        """The labels (``jane-doe.email``) of every private value in already normalised text."""
        found = set()
        if self.emails is not None and "@" in normalised:
            # An address has no space: one split by a line break (<br>) or a table cell is still it.
            joined = normalised.replace(" ", "")
            found |= {self.email_labels[i] for i, _, _ in self.emails.find_matches_as_indexes(joined, overlapping=True)}
        if self.text is not None:
            for index, start, end in self.text.find_matches_as_indexes(normalised, overlapping=True):
                if not self.whole_word[index] or _word_at(normalised, start, end):
                    found.add(self.text_labels[index])
        if self.phones is not None:
            runs = digit_runs(normalised)
            for index, start, end in self.phones.find_matches_as_indexes(runs, overlapping=True):
                if _phone_at(runs, start, end):
                    found.add(self.phone_labels[index])
        return found


def _word_at(text: str, start: int, end: int) -> bool:
    """Nothing alphanumeric glued to the match: "oslo" in "to oslo." but not in "osloveien"."""
    glued_before = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    glued_after = end < len(text) and text[end].isalnum() and text[end - 1].isalnum()
    return not (glued_before or glued_after)


def _phone_at(runs: str, start: int, end: int) -> bool:
    """A number anchored at either end of its run of digits (``+1 312 555 0187 2 times``,
    ``ref 1234 312 555 0187``), not seven digits from the middle of a hash or SVG path."""
    return runs.rfind("|", 0, start) >= start - 1 - MAX_PHONE_PREFIX or runs[end] == "|"


def build_matcher(values: Iterable[PrivateValue]) -> PrivateMatcher:
    """The matcher of every private value long enough to mean something."""
    texts: dict[str, str] = {}
    phones: dict[str, str] = {}
    for advocate, field, value in sorted(values):
        label = f"{advocate}.{field}"
        for form in sorted(value_forms(value)):
            texts.setdefault(form, label)
        digits = phone_digits(value)
        if digits:
            phones.setdefault(digits, label)
    whole = tuple(len(form) < WHOLE_WORD_BELOW for form in texts)
    emails = {form: label for form, label in texts.items() if "@" in form and " " not in form}
    return PrivateMatcher(
        _automaton(texts),
        tuple(texts.values()),
        whole,
        _automaton(phones),
        tuple(phones.values()),
        _automaton(emails),
        tuple(emails.values()),
    )


def _automaton(patterns: dict[str, str]) -> ahocorasick_rs.AhoCorasick | None:
    return ahocorasick_rs.AhoCorasick(list(patterns)) if patterns else None


# -- the private values of the raw registry ---------------------------------------------


def registry_private_values(data: Any) -> tuple[PrivateValue, ...]:
    """Every value under each advocate's ``private`` block, and every contact field
    (``email``, ``phone`` ...) anywhere in the entry, from the registry as parsed:
    entries with errors included, because they are exactly the ones a deploy keeps going with."""
    advocates = data.get("advocates") if isinstance(data, dict) else None
    if not isinstance(advocates, dict):
        return ()
    found: set[PrivateValue] = set()
    for ident, entry in advocates.items():
        if isinstance(entry, dict):
            found |= {(str(ident), field, value) for field, value in _entry_values(entry)}
    return tuple(sorted(found))


def registry_request_values(data: Any) -> tuple[PrivateValue, ...]:
    """The request log's reps, opportunities and exception reasons, from the registry as parsed
    (entries with errors included): the internal roster shows them, the public site never."""
    advocates = data.get("advocates") if isinstance(data, dict) else None
    found: set[PrivateValue] = set()
    for ident, entry in advocates.items() if isinstance(advocates, dict) else ():
        requests = entry.get("requests") if isinstance(entry, dict) else None
        for request in requests if isinstance(requests, list) else ():
            if not isinstance(request, dict):
                continue
            for name in ("rep", "opportunity", "exception"):
                value = request.get(name)
                if isinstance(value, str) and value.strip():
                    found.add((str(ident), f"requests.{request.get('id')}.{name}", value.strip()))
    return tuple(sorted(found))


def _entry_values(entry: dict[Any, Any]) -> Iterator[tuple[str, str]]:
    for key, value in entry.items():
        if key == "private":
            yield from _leaves(value, "")
        elif _CONTACT_KEY.search(str(key)):
            yield from _leaves(value, str(key))
        elif isinstance(value, dict):
            yield from ((f"{key}.{field}", text) for field, text in _entry_values(value))
        elif isinstance(value, list):  # assistants: [{name: ..., mobile: ...}]
            for item in value:
                if isinstance(item, dict):
                    yield from ((f"{key}.{field}", text) for field, text in _entry_values(item))


def _leaves(value: Any, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, key)
    elif isinstance(value, (str, dt.date)) or _long_number(value):
        text = str(value).strip()
        if text:
            yield key or "private", text


def _long_number(value: Any) -> bool:
    """A number long enough to be an identifier (an account or phone number); true/false and
    small numbers (an NPS, a count) would match everywhere and say nothing about anyone."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** (MIN_PHONE_DIGITS - 1)


# -- the story rule: a private value in a story's source --------------------------------

RULE = "story-private-value"
# Markdown's own marks, which the rendered page does not show: emphasis, code spans, escapes
# and blockquote markers. Dropped on both sides only to find the line a value starts on.
_MARKDOWN_MARKS = re.compile(r"[*_~`\\]|^[ \t]*(?:>[ \t]?)+", re.MULTILINE)


def story_private_values(file: StoryFile, matcher: PrivateMatcher, values: Iterable[PrivateValue]) -> list[Issue]:
    """Every private registry value in a story: in its front matter (at the value) and in
    its body as the page will show it (at the line where it starts)."""
    source, issues = file.ref.source, []
    if file.parsed is not None:
        issues += _front_matter_values(file, matcher)
    if file.body.strip():
        # The arguments and the cache the build renders with; a body it cannot render is reported
        # by its own rule (body-too-deep, ...) and never published, so there is nothing to scan.
        rendered, _ = render_story_body(file.body, source.rsplit("/", 1)[0], file.ref.slug)
        html = rendered.html if rendered is not None else ""
        for label in sorted(matcher.find(normalise(html, attributes=True))):
            line, col = _locate(file.body, _forms_of(label, values))
            issues.append(_issue(source, file.body_line + line, col, label))
        issues += _body_contacts(file, html, matcher)
    return issues


def _front_matter_values(file: StoryFile, matcher: PrivateMatcher) -> list[Issue]:
    """Private values and contacts in the front matter: each text at its place, then each field
    whole, since pages show a field's parts side by side (a metric's value, then its label)."""
    assert file.parsed is not None  # the caller checked
    issues, reported = [], set()
    for path, text in _strings(file.parsed.data, ()):
        mark = file.parsed.mark(path)
        labels = sorted(matcher.find(normalise(text, attributes=True)))
        for label in labels:
            issues.append(_issue(file.ref.source, mark.line, mark.col, label))
            reported.add((path[:1], label))
        if not labels and not text.startswith(("https://", "http://")):  # an address has its own rules
            issues += [_contact_issue(file.ref.source, mark.line, mark.col, found) for found in _contacts_of(text)]
    for key, value in file.parsed.data.items() if isinstance(file.parsed.data, dict) else ():
        whole = " ".join(text for _, text in _strings(value, ()))
        mark = file.parsed.mark((key,))
        for label in sorted(matcher.find(normalise(whole, attributes=True))):
            if ((key,), label) not in reported:
                issues.append(_issue(file.ref.source, mark.line, mark.col, label))
    return issues


def _contacts_of(text: str) -> list[str]:
    return contacts_in(text.encode("utf-8", "replace")) if ("@" in text or "+" in text) else []


def _body_contacts(file: StoryFile, html: str, matcher: PrivateMatcher) -> list[Issue]:
    """E-mail addresses and phone numbers the page would show, at the body line that has them."""
    issues = []
    lines = file.body.split("\n")
    for found in _contacts_of(html):
        if matcher.find(normalise(found)):
            continue  # a registered private value: story-private-value says so, more precisely
        index = next((i for i, line in enumerate(lines) if found in line), 0)  # 0: only in the rendering
        issues.append(
            _contact_issue(file.ref.source, file.body_line + index, max(lines[index].find(found) + 1, 1), found)
        )
    return issues


CONTACT_RULE = "story-contact"


def _contact_issue(source: str, line: int, col: int, found: str) -> Issue:
    kind = "an e-mail address" if "@" in found else "a phone number"
    return Issue(
        source,
        line,
        col,
        CONTACT_RULE,
        f"This story shows {kind} ({found}), which would be published to everyone",
        hint="remove it; contact details stay in advocates.yaml, and sales reach people through the roster",
    )


def _issue(source: str, line: int, col: int, label: str) -> Issue:
    return Issue(
        source,
        line,
        col,
        RULE,
        f"This is a private detail of an advocate ({label} in the registry), which is never published",
        hint="remove it from the story; private details stay in advocates.yaml",
    )


def _strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _forms_of(label: str, values: Iterable[PrivateValue]) -> set[str]:
    """What to look for in the Markdown source: the value's text and its phone digits."""
    forms = set()
    for advocate, field, value in values:
        if f"{advocate}.{field}" == label:
            forms |= {_source_form(value)} | ({"#" + d} if (d := phone_digits(value)) else set())
    return {form for form in forms if form}


def _source_form(text: str) -> str:
    return normalise(_MARKDOWN_MARKS.sub("", text), attributes=True)


def _contains(text: str, forms: set[str]) -> bool:
    normal = _source_form(text)
    runs = digit_runs(normal)
    return any(form[1:] in runs if form.startswith("#") else form in normal for form in forms)


def _locate(body: str, forms: set[str]) -> tuple[int, int]:
    """(line offset in the body, column) where a value starts; (0, 1) if Markdown hides it."""
    lines = body.split("\n")
    end = _first_true(1, len(lines), lambda j: _contains("\n".join(lines[:j]), forms))
    if end is None:
        return 0, 1
    start = _last_true(0, end - 1, lambda i: _contains("\n".join(lines[i:end]), forms))
    rest = "\n".join(lines[start + 1 : end])
    line = lines[start]
    col = _last_true(0, len(line), lambda k: _contains(line[k:] + "\n" + rest, forms))
    if any(form.startswith("#") for form in forms):  # a phone number starts at its '+' or '(', not its digits
        col = len(line[:col].rstrip("+0123456789().-/ "))
        col += len(line[col:]) - len(line[col:].lstrip())
    return start, col + 1


def _first_true(low: int, high: int, test: Callable[[int], bool]) -> int | None:
    """The smallest n in [low, high] with test(n), for a test that stays true once true."""
    if not test(high):
        return None
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if test(middle) else (middle + 1, high)
    return high


def _last_true(low: int, high: int, test: Callable[[int], bool]) -> int:
    """The largest n in [low, high] with test(n), for a test true at low that stays false once false."""
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if test(middle) else (low, middle - 1)
    return low
