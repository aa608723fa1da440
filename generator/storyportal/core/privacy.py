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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ahocorasick_rs

from storyportal.core.slugs import slugify

if TYPE_CHECKING:  # model imports this module, and stories imports what imports model
    pass

PrivateValue = tuple[str, str, str]  # (advocate id, field, value)
# The field of a guarded name (an advocate who may not be named): matched as a whole word, as written.
NAME_FIELD = "name-without-consent"

MIN_LENGTH = 4  # shorter values (an NPS of 10) match everywhere and prove nothing
WHOLE_WORD_BELOW = 8  # a shorter value ("Oslo", "vegan") counts only as a whole word, not inside another
# What a registry holds when it holds nothing: these words are in every script and style sheet.
PLACEHOLDERS = frozenset({"none", "null", "nil", "n/a", "tbd", "todo", "unknown", "true", "false", "yes", "no"})
MIN_PHONE_DIGITS = 7  # the shortest national significant numbers
GUARDED_NUMBER = 10_000  # private numbers from here up are guarded (a year or a count is on every page)
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
# Attribute values (a meta description, alt text, a link title, a script's strings) are text too:
# kept apart, in whichever quotes they are written (our templates write JSON in single quotes).
_ATTRIBUTE = re.compile(r"""=[ \t\n]*("[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+)""")  # quotes kept: not letters
# What a word processor types for ' " and -: the page reads the same as the ASCII a registry holds.
_TYPOGRAPHIC = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    }
)
# Found by a character class, not str.translate: translating looks up every character of a page
# (0.45 s of the leak guard's 0.8 s on 7 MB of pages), a class scans in C and finds none.
_TYPOGRAPHIC_CHAR = re.compile("[" + "".join(map(chr, _TYPOGRAPHIC)) + "]")
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


def contacts_shown(normalised: str) -> list[str]:
    """Every e-mail address and international phone number in text already ``normalise``d: as a
    reader sees them, whatever escaping, markup, invisible characters or digits they were typed with."""
    if "@" not in normalised and "+" not in normalised:
        return []
    if not normalised.isascii():  # Arabic-Indic or full-width digits read as the number they are
        table = _phone_characters()
        normalised = _phone_character_class().sub(lambda found: table[ord(found[0])], normalised)
    return contacts_in(normalised.encode("utf-8", "replace"))


@functools.cache
def _phone_character_class() -> re.Pattern[str]:
    """The characters ``_phone_characters`` turns into ASCII, as one class: a page's other
    non-ASCII characters (a middle dot, an arrow) are passed over in C, not looked up."""
    return _char_class(sorted(_phone_characters()))


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
        text = _TYPOGRAPHIC_CHAR.sub(_ascii_punctuation, unicodedata.normalize("NFKC", text))
    text = " ".join(text.split())  # split() knows Unicode whitespace, and is 3x faster than \s+
    if not text.isprintable():  # the only test fast enough to skip the usual case: no format character
        shown = as_displayed(text) if _BIDI_CONTROL.search(text) else ""
        text = " ".join(drop_format_characters(text).split())
        shown = " ".join(drop_format_characters(shown).split())
        if shown and shown != text:  # searched as written and as shown, apart: a value is found in either
            text += " | " + shown
    text = text.casefold()
    if text.isascii():
        return text
    # Turkish i: "ı".upper() is "I", whose casefold is "i"; "İ" folds to "i" and a combining dot.
    text = text.replace("ı", "i").replace("i\u0307", "i")
    # Letters of other scripts drawn as Latin ones: "Jаne" with a Cyrillic а reads as Jane.
    return text.translate(_LATIN_LOOKALIKES) if _LOOKALIKE.search(text) else text


# Lower-case letters that fonts draw as a Latin letter (Unicode's confusables, UTS #39, those
# whose skeleton is one ASCII letter): folded on both sides, so a value written in those scripts
# still finds itself, and a name spelt with them is found as the name a reader sees.
_LATIN_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("аɑα", "a"),  # Cyrillic a, Latin alpha, Greek alpha
        **dict.fromkeys("сϲ", "c"),
        "ԁ": "d",
        "е": "e",
        "ɡ": "g",
        **dict.fromkeys("һհ", "h"),  # Cyrillic shha, Armenian ho
        **dict.fromkeys("іι", "i"),  # Ukrainian i, Greek iota
        "ј": "j",
        **dict.fromkeys("ӏǀ", "l"),
        "ո": "n",
        **dict.fromkeys("оοօ", "o"),  # Cyrillic, Greek, Armenian o
        **dict.fromkeys("рρ", "p"),
        "ԛ": "q",
        "ѕ": "s",
        "ս": "u",
        "ν": "v",
        "ԝ": "w",
        **dict.fromkeys("хχ", "x"),
        **dict.fromkeys("уү", "y"),
    }
)
_LOOKALIKE = re.compile("[" + "".join(chr(c) for c in _LATIN_LOOKALIKES) + "]")


# Bidirectional controls that open a run (embeddings, overrides, isolates) and that close one.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OVERRIDES = frozenset("\u202d\u202e")  # LRO, RLO: every character of the run is shown in the other order
_RIGHT_TO_LEFT = frozenset("\u202b\u2067")  # RLE, RLI: words and digit groups are shown right to left
_CLOSERS = frozenset("\u202c\u2069")  # PDF, PDI


def as_displayed(text: str) -> str:
    """``text`` in the order a browser shows it: an override (U+202E ... U+202C) shows its run
    reversed, so "sllac" reads "calls"; a right-to-left embedding or isolate keeps each Latin
    word, and each run nested in it, as it is, but shows them right to left ("0187 555" reads
    "555 0187"). An approximation of the Unicode bidi algorithm that only ever adds what to
    search: the text as written is searched too. A run nobody closes ends with the text, as a
    browser ends it with the paragraph."""
    stack: list[tuple[str, list[tuple[str, bool]]]] = [("", [])]  # (opener, [(piece, a nested run?)])
    at = 0
    for control in _BIDI_CONTROL.finditer(text):
        stack[-1][1].append((text[at : control.start()], False))
        at = control.end()
        if control[0] not in _CLOSERS:
            stack.append((control[0], []))
        elif len(stack) > 1:
            _close_run(stack)
    stack[-1][1].append((text[at:], False))
    while len(stack) > 1:
        _close_run(stack)
    return "".join(piece for piece, _ in stack[0][1])


def _close_run(stack: list[tuple[str, list[tuple[str, bool]]]]) -> None:
    opener, parts = stack.pop()
    if opener in _OVERRIDES:
        run = "".join(piece for piece, _ in parts)[::-1]
    elif opener in _RIGHT_TO_LEFT:  # words, the spaces between them and nested runs, right to left
        tokens = [token for piece, nested in parts for token in ([piece] if nested else piece.split(" ")) if token]
        run = " ".join(reversed(tokens)) if len(tokens) > 1 else "".join(tokens)
    else:
        run = "".join(piece for piece, _ in parts)
    stack[-1][1].append((run, True))


def _ascii_punctuation(match: re.Match[str]) -> str:
    return _TYPOGRAPHIC[ord(match[0])]


def _strip_tags(text: str, attributes: bool) -> str:
    extra = _ATTRIBUTE.findall(text) if attributes else []
    # Each attribute's value apart ('|'): a number or an address never runs from one into the next.
    return "\n|\n".join([_TAG.sub(" ", _INLINE_TAG.sub("", text)), *extra])


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


def value_forms(value: str, min_length: int = MIN_LENGTH) -> set[str]:
    """The normalised forms of a value: as written, inside a JSON string, in a form-encoded URL,
    as a web address or file name (``project-falcon-layoffs``, the slug a title or a file name
    gives), and a long number with its thousands grouped (``950,000``)."""
    plain = normalise(value)
    if plain in PLACEHOLDERS:
        return set()
    slug = slugify(value, fallback="")
    forms = {plain, normalise(_json_inner(value)), plain.replace(" ", "+"), slug, slug.replace("-", "_")}
    if plain.isdigit() and len(plain) > 4:
        forms.add(f"{int(plain):,}")
    forms |= _date_forms(plain)
    return {form for form in forms if len(form) >= min_length}


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip


def _date_forms(plain: str) -> set[str]:
    """A private date (a birthday) as pages write dates: 2 april 1980, april 2, 1980, 02.04.1980,
    02/04/1980 and 04/02/1980 (day or month first)."""
    try:
        day = dt.date.fromisoformat(plain)
    except ValueError:
        return set()
    month = _MONTHS[day.month - 1]
    d, m, y = day.day, day.month, day.year
    return {
        f"{d} {month} {y}",
        f"{month} {d}, {y}",
        f"{month} {d} {y}",
        f"{d:02}.{m:02}.{y}",
        f"{d}.{m}.{y}",
        f"{d:02}/{m:02}/{y}",
        f"{m:02}/{d:02}/{y}",
        f"{d}/{m}/{y}",
        f"{m}/{d}/{y}",
    }


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
        # Only the characters the table turns into ASCII, found by one class in C: a lookup per
        # non-ASCII run (a page's arrows and middle dots) was half of this function's time.
        table = _phone_characters()
        normalised = _phone_character_class().sub(lambda found: table[ord(found[0])], normalised)
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
    longest: int = 0  # the longest text pattern: how far a value can reach across two fields

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


# How the names no page may show are looked for (Registry.name_matcher, storyscan.unconsented_names):
# every form of a private value (as written, its slug, ...: a file or address named after the person
# names them too), as whole words, as short as one character. core/namewords.py rules names out by it.
UNNAMED_FIELD, UNNAMED_MIN_LENGTH = "name", 1


def label_parts(label: str) -> tuple[str, str]:
    """(advocate id, field) of a matcher's label (``<id>.<field>``). A name's field is one of two
    known ones, so the id before it is kept whole even when it holds a dot (a broken entry's may)."""
    for field in (NAME_FIELD, UNNAMED_FIELD):
        if label.endswith("." + field):
            return label[: -len(field) - 1], field
    ident, _, field = label.partition(".")
    return ident, field


def unnamed_matcher(values: Iterable[PrivateValue]) -> PrivateMatcher:
    """The matcher of the names no page may show, ``values`` being (id, UNNAMED_FIELD, name)."""
    return build_matcher(values, whole_words=True, min_length=UNNAMED_MIN_LENGTH)


def matched_forms(field: str, value: str, min_length: int = MIN_LENGTH) -> tuple[set[str], str | None]:
    """What ``build_matcher`` looks for of a value: its normalised text forms, and the digits of a
    phone number (matched across separators) or None."""
    if field == NAME_FIELD:  # a name as people write it: no address or number forms
        return {normalise(value)}, None
    return value_forms(value, min_length), phone_digits(value)


def build_matcher(
    values: Iterable[PrivateValue], whole_words: bool = False, min_length: int = MIN_LENGTH
) -> PrivateMatcher:
    """The matcher of every private value long enough to mean something; ``whole_words`` matches
    every value as a whole word only (names), not only the short ones."""
    return _built_matcher(tuple(values), whole_words, min_length)


# The last few matchers, by their values: the preview's registry is read again on every edit of
# advocates.yaml (a revocation), with the same private values, and building the matcher of every
# private value took about a third of that rebuild at 10,000 stories. A matcher is never changed.
@functools.lru_cache(maxsize=8)
def _built_matcher(values: tuple[PrivateValue, ...], whole_words: bool, min_length: int) -> PrivateMatcher:
    texts: dict[str, str] = {}
    phones: dict[str, str] = {}
    names = set()
    for advocate, field, value in sorted(values):
        label = f"{advocate}.{field}"
        forms, digits = matched_forms(field, value, min_length)
        if field == NAME_FIELD:
            names.update(forms)
        for form in sorted(forms):
            texts.setdefault(form, label)
        if digits:
            phones.setdefault(digits, label)
    whole = tuple(whole_words or len(form) < WHOLE_WORD_BELOW or form in names for form in texts)
    emails = {form: label for form, label in texts.items() if "@" in form and " " not in form}
    return PrivateMatcher(
        _automaton(texts),
        tuple(texts.values()),
        whole,
        _automaton(phones),
        tuple(phones.values()),
        _automaton(emails),
        tuple(emails.values()),
        max(map(len, [*texts, *phones]), default=0),
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
    elif isinstance(value, (str, dt.date)) or _guarded_number(value):
        text = str(value).strip()
        if text:
            yield key or "private", text


def _guarded_number(value: Any) -> bool:
    """A number of five digits or more (a contract value, an account or phone number) is guarded as
    its text would be; true/false and numbers below 10,000 (an NPS, a count, a year) are on every
    page and say nothing about anyone."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= GUARDED_NUMBER
