"""Registry and settings fields the site shows as written: no contact detail, no private value.

An advocate's name and title, a company's name, a taxonomy label, the site's name and
description reach every page that shows them, and the leak guard reads every page: an e-mail
address typed into a job title, or one advocate's private city in another's title, would stop
the whole build there. They are checked where they are written instead (review 3, finding 4):
validate reports them at the field, the build leaves the registry entry out (its stories are
withheld, like any entry with an error) and refuses settings that would show one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from storyportal.core.config import SiteSettings, settings_positions
from storyportal.core.issues import Issue
from storyportal.core.privacy import PrivateMatcher, contacts_shown, label_parts, normalise
from storyportal.core.yamlload import Parsed
from storyportal.core.yamlload import Path as KeyPath

REGISTRY_RULE = "registry-field-private"
CONFIG_RULE = "config-field-private"
HINT = "contact details and private details stay in the private block of advocates.yaml; pages show this field as it is"


def shown_problems(texts: Iterable[tuple[Any, str]], matcher: PrivateMatcher) -> Iterator[tuple[Any, str]]:
    """(path, what it shows) for each text holding a private value or a contact detail."""
    for path, text in texts:
        shown = normalise(text)
        labels = sorted(matcher.find(shown))
        for label in labels:
            yield path, f"a private detail of an advocate ({label} in the registry)"
        for found in contacts_shown(shown):
            if not matcher.find(normalise(found)):  # a registered one is said above, more precisely
                yield path, f"{'an e-mail address' if '@' in found else 'a phone number'} ({found})"


def located(source: str, parsed: Parsed, rule: str, path: KeyPath, what: str) -> Issue:
    mark = parsed.mark(path)
    message = f"This field is shown on the site and holds {what}, which would be published to everyone"
    return Issue(source, mark.line, mark.col, rule, message, hint=HINT)


def company_texts(ident: str, entry: Any) -> list[tuple[KeyPath, str]]:
    """The texts of a company entry that pages show: its name and its web address (a link's text)."""
    return _strings(entry, ("companies", ident), ("name", "website"))


def advocate_texts(ident: str, entry: Any) -> list[tuple[KeyPath, str]]:
    """The texts of an advocate entry that pages show: the name (with the name scope) and the job title."""
    return _strings(entry, ("advocates", ident), ("name", "title"))


def _strings(entry: Any, base: KeyPath, fields: tuple[str, ...]) -> list[tuple[KeyPath, str]]:
    if not isinstance(entry, dict):
        return []
    return [(base + (field,), entry[field]) for field in fields if isinstance(entry.get(field), str)]


Shown = tuple[bool, KeyPath, str]  # (inside the plugin block?, path, text)


def config_texts(settings: SiteSettings) -> list[Shown]:
    """The texts of mkdocs.yml that pages show: the site's name and description, each language's
    name, site name and description, and every taxonomy label (in each of its languages)."""
    texts: list[Shown] = [(False, ("site_name",), settings.site_name)]
    texts += [(False, ("site_description",), settings.site_description)]
    portal = settings.portal
    for code, language in portal.languages.items():
        for field in ("label", "site_name", "site_description"):
            texts += _labels(("languages", code, field), getattr(language, field))
    for facet in type(portal.taxonomy).model_fields:
        for slug, label in getattr(portal.taxonomy, facet).items():
            texts += _labels(("taxonomy", facet, slug), label)
    return [shown for shown in texts if shown[2]]


def _labels(path: KeyPath, label: Any) -> list[Shown]:
    if isinstance(label, str):
        return [(True, path, label)]
    return [(True, path + (lang,), text) for lang, text in _items(label) if isinstance(text, str)]


def config_issues(settings: SiteSettings, matcher: PrivateMatcher, names: PrivateMatcher | None = None) -> list[Issue]:
    """Each text of mkdocs.yml that pages show and that holds a private value or a contact, or with
    ``names`` (whole-word names of who may not be named that day) such a name, at its place
    (mkdocs.yml is parsed for positions only when one is found: it rarely is)."""
    shown = [((block, *path), text) for block, path, text in config_texts(settings)]
    found = list(shown_problems(shown, matcher))
    if names is not None:
        found += [
            (path, f"the name of {label_parts(label)[0]}, who may not be named")
            for path, text in shown
            for label in sorted(names.find(normalise(text)))
        ]
    if not found:
        return []
    source = settings.config_name
    try:
        parsed, base = settings_positions((settings.root / source).read_text("utf-8-sig"), source)
    except (OSError, UnicodeDecodeError):  # changed since it was read: located at its start
        parsed, base = None, ()
    at = parsed or Parsed(None)
    return [located(source, at, CONFIG_RULE, (*(base if path[0] else ()), *path[1:]), what) for path, what in found]


def _items(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else []
