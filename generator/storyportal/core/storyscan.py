"""Where a story shows a value: the scan shared by the rules on private registry values
(``story-private-value``), contact details (``story-contact``) and the names of advocates who
have not agreed to be named (``story-name-unconsented``).

A story shows text in more places than its prose: its address (the file name, in every link),
every field of its front matter (a metric's label, a tag), the fields side by side (a title
ends where the summary begins on the page, the cards and the search index), and its body as
rendered (emphasis, comments and entities gone). Each place is searched as ``normalise`` makes
it, the same text the leak guard reads in the built site: what validates, builds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyportal.core.body import render_story_body
from storyportal.core.issues import Issue
from storyportal.core.privacy import (
    NAME_FIELD,
    UNNAMED_FIELD,
    PrivateMatcher,
    PrivateValue,
    build_matcher,
    contacts_shown,
    digit_runs,
    label_parts,
    normalise,
    phone_digits,
    unnamed_matcher,
)

if TYPE_CHECKING:  # model imports privacy, and stories imports what imports model
    from storyportal.core.stories import StoryFile

RULE = "story-private-value"
NAME_RULE = "story-name-unconsented"
# Markdown's own marks, which the rendered page does not show: emphasis, code spans, escapes
# and blockquote markers. Dropped on both sides only to find the line a value starts on.
_MARKDOWN_MARKS = re.compile(r"[*_~`\\]|^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
# Fields no page shows as written beside another field: ids and choices shown by their label,
# dates, addresses and flags. Every other field, custom ones included, may sit beside another.
NOT_SIDE_BY_SIDE = frozenset(
    {
        "type",
        "advocates",
        "published",
        "updated",
        "industry",
        "company_size",
        "region",
        "products",
        "use_cases",
        "video",
        "image",
        "lang",
        "featured",
        "draft",
        "aliases",
    }
)

Found = tuple[int, int, str]  # (line, column, label)


def story_private_values(file: StoryFile, matcher: PrivateMatcher, values: Iterable[PrivateValue]) -> list[Issue]:
    """Every private registry value a story shows, and every contact detail nobody registered."""
    values = tuple(values)
    found, html = _found_in_story(file, matcher, values)
    issues = [_issue(file.ref.source, line, col, label) for line, col, label in found]
    return issues + _front_matter_contacts(file, matcher) + (_body_contacts(file, html, matcher) if html else [])


def unconsented_names(
    file: StoryFile, people: Iterable[tuple[str, str]], matcher: PrivateMatcher | None = None
) -> list[Issue]:
    """Where a story names one of ``people`` (advocate id, name), each without the 'name' scope:
    as a whole word, in any place the story shows text. The advocates list holds ids, not names.
    ``matcher``: names matched as ``build_matcher`` does below, of these people and maybe more
    (one built for the whole registry): what it finds of anyone else is passed over."""
    values = tuple((ident, UNNAMED_FIELD, name) for ident, name in people if name.split())
    if not values:
        return []
    names = {ident: name for ident, _, name in values}
    return unconsented_names_of(file, values, names, frozenset(), matcher)


def unconsented_names_of(
    file: StoryFile,
    values: tuple[PrivateValue, ...],
    names: Mapping[str, str],
    left_out: AbstractSet[str],
    matcher: PrivateMatcher | None = None,
    broken: AbstractSet[str] = frozenset(),
) -> list[Issue]:
    """``unconsented_names`` of the people ``names`` (id -> name; ``values`` as build_matcher takes
    them) except the ids ``left_out``: the registry's list is made once, not once per story.
    ``broken``: ids whose registry entries have errors (their consent could not be read)."""
    matcher = matcher or unnamed_matcher(values)
    found, _ = _found_in_story(file, matcher, values, skip=frozenset({"advocates"}))
    return [
        _name_issue(file.ref.source, line, col, names[ident], ident, ident in broken)
        for line, col, label in found
        if (ident := label_parts(label)[0]) in names and ident not in left_out
    ]


DOCS_RULE = "docs-private-value"


def page_private_values(
    source: str, text: str, values: tuple[PrivateValue, ...], matcher: PrivateMatcher | None = None
) -> list[Issue]:
    """Every private registry value and contact detail a hand-written page (docs/) shows, at its
    line: the leak guard would find it in the built site and stop the build. ``matcher``: the
    ``build_matcher`` of ``values``, built once for many pages."""
    matcher = matcher or build_matcher(values)
    shown = _source_form(text)
    issues = []
    for label in sorted(matcher.find(shown)):
        line, col = _locate(text, _forms_of(label, values))
        ident, field = label_parts(label)
        if field == NAME_FIELD:
            name = next(value for a, f, value in values if (a, f) == (ident, field))
            message = f"This page names {name} ({ident} in the registry), who has not agreed to be named"
            hint = "write about them without their name, or record their consent to 'name'"
        else:
            message = (
                f"This page shows a private detail of an advocate ({label} in the registry), which is never published"
            )
            hint = "remove it; private details stay in advocates.yaml"
        issues.append(Issue(source, line + 1, col, DOCS_RULE, message, hint=hint))
    lines = text.lower().split("\n")
    for found in contacts_shown(shown):
        if matcher.find(normalise(found)):
            continue  # said above, as the private value it is
        index = next((i for i, line in enumerate(lines) if found in line), 0)
        kind = "an e-mail address" if "@" in found else "a phone number"
        message = f"This page shows {kind} ({found}), which would be published to everyone"
        hint = "remove it, or link to a contact form; the leak guard stops any build that shows one"
        issues.append(Issue(source, index + 1, max(lines[index].find(found) + 1, 1), DOCS_RULE, message, hint=hint))
    return issues


def _found_in_story(
    file: StoryFile, matcher: PrivateMatcher, values: tuple[PrivateValue, ...], skip: frozenset[str] = frozenset()
) -> tuple[list[Found], str]:
    """Every place the story shows a value of ``matcher``, and its body as rendered."""
    shown = _shown(file)
    leaves = tuple((path, text) for path, text in shown.leaves if path[0] not in skip)
    fields = {key: text for key, text in shown.fields.items() if key not in skip}
    if not _shows_any(shown, matcher, leaves, fields):
        return [], shown.html
    found = [(1, 1, label) for label in sorted(matcher.find(shown.address))]  # its address
    if file.parsed is not None and isinstance(file.parsed.data, dict):
        found += _front_matter_found(file, matcher, leaves, fields)
        found += _side_by_side(file, matcher, fields, shown.body)
    for label in sorted(matcher.find(shown.body)):
        line, col = _locate(file.body, _forms_of(label, values))
        found.append((file.body_line + line, col, label))
    return list(dict.fromkeys(found)), shown.html


@dataclass(frozen=True)
class _Shown:
    """A story's texts as pages show them, normalised once for all the scans of it."""

    address: str
    html: str  # the body as rendered
    body: str
    leaves: tuple[tuple[tuple[Any, ...], str], ...]  # each front-matter text, at its path
    fields: dict[Any, str]  # each front-matter field whole


# The last story scanned: the private-value scan and the name scan read the same texts, one after
# the other (normalising a story's texts is most of either scan's cost).
_last_shown: dict[int, tuple[StoryFile, _Shown]] = {}


def _shown(file: StoryFile) -> _Shown:
    kept = _last_shown.get(id(file))
    if kept is not None and kept[0] is file:
        return kept[1]
    html = _rendered_body(file)
    leaves: tuple[tuple[tuple[Any, ...], str], ...] = ()
    fields: dict[Any, str] = {}
    if file.parsed is not None and isinstance(file.parsed.data, dict):
        leaves = tuple((path, normalise(text, attributes=True)) for path, text in _strings(file.parsed.data, ()))
        fields = dict(_fields(file))
    shown = _Shown(normalise(file.ref.slug), html, normalise(html, attributes=True) if html else "", leaves, fields)
    _last_shown.clear()
    _last_shown[id(file)] = (file, shown)
    return shown


def shown_texts(file: StoryFile) -> list[str]:
    """Every text of the story the scans search, normalised (its address, body, fields and each
    front-matter text), for ``namewords.words_mask``."""
    shown = _shown(file)
    return _texts(shown, shown.leaves, shown.fields)


def _texts(shown: _Shown, leaves: tuple[tuple[tuple[Any, ...], str], ...], fields: dict[Any, str]) -> list[str]:
    """The story's address and body, and these fields and front-matter texts: each a place it shows."""
    return [shown.address, shown.body, *fields.values(), *(text for _, text in leaves)]


def _shows_any(
    shown: _Shown, matcher: PrivateMatcher, leaves: tuple[tuple[tuple[Any, ...], str], ...], fields: dict[Any, str]
) -> bool:
    """Whether any place below may show a value: every text they search, in one pass of the matcher.

    Each text is kept apart by a NUL, which no normalised value holds, so this finds at least what
    the searches one by one find (a NUL sits where a text would end); most stories show no value,
    and this one pass replaces a hundred small ones. Only when it finds something are the places
    searched one by one, to say where."""
    texts = _texts(shown, leaves, fields)
    texts += _pairs(_side_by_side_texts(fields, shown.body), matcher.longest + 1)
    return bool(matcher.find("\x00".join(texts)))


def _pairs(shown: list[tuple[Any, str]], reach: int) -> list[str]:
    """The end of each text joined to the start of every other, as ``_side_by_side`` searches them."""
    if len(shown) < 2 or reach < 2:
        return []
    return [first[-reach:] + " " + second[:reach] for (_, first), (_, second) in itertools.permutations(shown, 2)]


def _rendered_body(file: StoryFile) -> str:
    # The arguments and the cache the build renders with; a body it cannot render is reported
    # by its own rule (body-too-deep, ...) and never published, so there is nothing to scan.
    if not file.body.strip():
        return ""
    rendered, _ = render_story_body(file.body, file.ref.source.rsplit("/", 1)[0], file.ref.slug)
    return rendered.html if rendered is not None else ""


def _front_matter_found(
    file: StoryFile,
    matcher: PrivateMatcher,
    leaves: tuple[tuple[tuple[Any, ...], str], ...],
    fields: dict[Any, str],
) -> Iterator[Found]:
    """Each text at its place, then each field whole, since pages show a field's parts side by
    side (a metric's value, then its label)."""
    assert file.parsed is not None  # the caller checked
    reported = set()
    for path, text in leaves:
        for label in sorted(matcher.find(text)):
            mark = file.parsed.mark(path)
            reported.add((path[0], label))
            yield mark.line, mark.col, label
    for key, text in fields.items():
        for label in sorted(matcher.find(text)):
            if (key, label) not in reported:
                mark = file.parsed.mark((key,))
                yield mark.line, mark.col, label


def _fields(file: StoryFile) -> Iterator[tuple[Any, str]]:
    """Each field of the front matter as one normalised text."""
    assert file.parsed is not None and isinstance(file.parsed.data, dict)  # the caller checked
    for key, value in file.parsed.data.items():
        yield key, normalise(" ".join(text for _, text in _strings(value, ())), attributes=True)


def _side_by_side(file: StoryFile, matcher: PrivateMatcher, fields: dict[Any, str], body_text: str) -> Iterator[Found]:
    """Values that begin at the end of one field and end at the start of another: pages show the
    title, the summary, the quote, the metrics and the body next to each other, in more than one
    order (the page, a card, a row of the sales index). Only the two ends are joined: a value is
    at most ``matcher.longest`` long."""
    assert file.parsed is not None  # the caller checked
    shown = _side_by_side_texts(fields, body_text)
    if len(shown) < 2 or not matcher.longest:
        return
    reach = matcher.longest + 1
    alone = [matcher.find(text[:reach]) | matcher.find(text[-reach:]) for _, text in shown]
    for (i, (key, first)), (j, (_, second)) in itertools.permutations(enumerate(shown), 2):
        for label in sorted(matcher.find(first[-reach:] + " " + second[:reach]) - alone[i] - alone[j]):
            mark = file.parsed.mark((key,)) if key is not None else None
            yield (mark.line, mark.col, label) if mark is not None else (file.body_line, 1, label)


def _side_by_side_texts(fields: dict[Any, str], body_text: str) -> list[tuple[Any, str]]:
    """The fields a page may show beside another, and the body (key None)."""
    shown = [(key, text) for key, text in fields.items() if text and key not in NOT_SIDE_BY_SIDE]
    return [*shown, (None, body_text)] if body_text else shown


def _front_matter_contacts(file: StoryFile, matcher: PrivateMatcher) -> list[Issue]:
    """Contact details in the front matter nobody registered, at the text that shows them (a
    registered one is a private value, said more precisely by its own rule)."""
    if file.parsed is None:
        return []
    issues = []
    for path, text in _strings(file.parsed.data, ()):
        if text.startswith(("https://", "http://")):  # an address has its own rules
            continue
        mark = file.parsed.mark(path)
        for found in _contacts_of(text):
            if not matcher.find(normalise(found)):
                issues.append(_contact_issue(file.ref.source, mark.line, mark.col, found))
    return issues


def _contacts_of(text: str) -> list[str]:
    return contacts_shown(normalise(text, attributes=True))


def _body_contacts(file: StoryFile, html: str, matcher: PrivateMatcher) -> list[Issue]:
    """E-mail addresses and phone numbers the page would show, at the body line that has them."""
    issues = []
    lines = file.body.split("\n")
    for found in _contacts_of(html):
        if matcher.find(normalise(found)):
            continue  # a registered private value: story-private-value says so, more precisely
        index = next((i for i, line in enumerate(lines) if found in line.lower()), 0)  # 0: only in the rendering
        issues.append(
            _contact_issue(file.ref.source, file.body_line + index, max(lines[index].lower().find(found) + 1, 1), found)
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


def _name_issue(source: str, line: int, col: int, name: str, ident: str, broken: bool = False) -> Issue:
    if broken:
        why = f"whose entry in the registry ({ident}) has errors, so their consent cannot be read"
        hint = (
            f"fix {ident}'s entry in the registry (its errors are listed there), or write about them without their name"
        )
    else:
        why = "who has not agreed to be named (no 'name' scope)"
        hint = f"write about them without their name, or record their consent to 'name' for {ident}"
    return Issue(source, line, col, NAME_RULE, f"This story names {name}, {why}", hint=hint)


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
