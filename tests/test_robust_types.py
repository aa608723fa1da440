"""A value of the wrong kind at any field of advocates.yaml or of a story: a located error, never a traceback.

Every field at every level (ids, dates, lists, maps, and the whole file) is given, one at a time, a
list, a map, nothing, a number, true and a 50,000-character text; every command that reads the
files (validate, match, report, request, new) must answer with an exit status and messages.
Rules that read the raw data before or without the schema's type check (a request number hashed
for the uniqueness check, the request log written back) are where such values used to crash.
The build runs in tests/test_robust_types_build.py (slow).
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from sitebuilder import ALL_SCOPES, CASE_STUDY_BODY, _dump

WRONG = {"list": [1], "map": {"a": 1}, "null": None, "number": 7, "bool": True, "huge": "x" * 5_000}
SCOPES = [*ALL_SCOPES, "site-visit"]


def full_registry() -> dict:
    """A registry with every field of the content contract filled in."""
    return {
        "companies": {"acme": {"name": "Acme", "industry": "retail", "size": "201-1000", "region": "emea",
                               "website": "https://acme.example", "logo": "assets/logo.png"}},
        "advocates": {"jane-doe": {
            "name": "Jane Doe", "title": "VP", "company": "acme", "photo": "assets/jane.png",
            "consent": {"scopes": SCOPES, "granted": dt.date(2026, 1, 10), "expires": dt.date(2027, 1, 1),
                        "revoked": False},
            "reference_calls": {"available": True, "max_per_quarter": 2, "log": [dt.date(2026, 2, 1)],
                                "owner": "alex@ourco.example"},
            "activities": {"site-visit": {"available": True, "limit": 3, "per": "year", "cooldown_days": 10}},
            "requests": [{"id": 1, "date": dt.date(2026, 5, 2), "activity": "site-visit", "rep": "Bob",
                          "opportunity": "Deal 1", "outcome": "requested", "exception": "why"}],
            "private": {"email": "jane@acme.example", "notes": "Renewal in March"}}},
    }


def full_story() -> dict:
    """A story front matter with every field of the content contract filled in."""
    return {"title": "How Acme grew", "type": "case-study", "advocates": ["jane-doe"], "summary": "Acme grew.",
            "published": dt.date(2026, 3, 14), "updated": dt.date(2026, 4, 1), "industry": "retail",
            "company_size": "201-1000", "region": "emea", "products": ["analytics"], "use_cases": ["onboarding"],
            "tags": ["omnichannel"], "metrics": [{"value": "40%", "label": "faster"}], "quote": "We grew.",
            "video": {"url": "https://youtu.be/abcdefghijk", "duration": "2:45", "transcript": False},
            "image": "hero.png", "lang": "en", "featured": False, "draft": False, "aliases": ["/stories/old/"]}


def field_paths(data, base: tuple = ()) -> list[tuple]:
    """Every field and list item of ``data``, the whole document first."""
    found = [base]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found += field_paths(value, (*base, key))
    return found


def key_paths(data, base: tuple = ()) -> list[tuple]:
    """Every map key of ``data`` (an id, a field name), as the path of its entry."""
    found = []
    for key, value in data.items() if isinstance(data, dict) else []:
        found += [(*base, key), *key_paths(value, (*base, key))]
    return found


def with_value(data, path: tuple, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return data


def with_key(data, path: tuple, key):
    """``data`` with the key at ``path`` replaced by ``key`` (order kept)."""
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    entries = list(parent.items())
    parent.clear()
    parent.update((key if k == path[-1] else k, v) for k, v in entries)
    return data


def cases(data: dict) -> list:
    """(how, path, value): each field given each wrong value, and each key made a number, true or nothing."""
    values = [pytest.param(with_value, path, value, id="/".join(map(str, path)) + "=" + name)
              for path in field_paths(data) for name, value in WRONG.items()]
    keys = [pytest.param(with_key, path, key, id="/".join(map(str, path)) + "-key=" + name)
            for path in key_paths(data) for name, key in {"number": 7, "bool": True, "null": None}.items()]
    return values + keys


COMMANDS = [
    ["validate"],
    ["match", "--industry", "retail"],
    ["match", "--activity", "site-visit"],
    ["report"],
    ["request", "jane-doe", "--activity", "site-visit", "--rep", "Bob", "--opportunity", "Deal 2", "--dry-run"],
    ["request", "--update", "1", "--outcome", "done", "--dry-run"],
    ["new", "case-study", "--advocate", "jane-doe", "--title", "A fresh story"],
]
LOCATED = re.compile(r"^[^:\s][^:]*(:\d+:\d+)?: (error|warning): .+ \[[a-z0-9-]+\]$")


def portal(site, registry, front) -> None:
    site.image("assets/logo.png")
    site.image("assets/jane.png")
    site.image("stories/hero.png")
    site.plugin["build_date"] = dt.date(2026, 6, 1)
    site.registry_raw = _dump(registry)
    site.write("stories/acme.md", "---\n" + _dump(front) + "---\n" + CASE_STUDY_BODY)
    site.flush()


def assert_every_command_answers(site) -> None:
    for command in COMMANDS:
        code, out, err = site.run(*command)  # an exception here is the traceback a person would see
        assert code in (0, 1, 2), (command, code, err)
        if command == ["validate"]:
            assert all(LOCATED.match(line) for line in out.splitlines()), out
        for made in (site.root / "stories").glob("a-fresh-story.md"):
            made.unlink()


@pytest.mark.parametrize("change, path, value", cases(full_registry()))
def test_a_wrong_kind_of_value_in_the_registry_is_never_a_traceback(site, change, path, value):
    portal(site, change(full_registry(), path, value), full_story())
    assert_every_command_answers(site)


@pytest.mark.parametrize("change, path, value", cases(full_story()))
def test_a_wrong_kind_of_value_in_a_story_is_never_a_traceback(site, change, path, value):
    portal(site, full_registry(), change(full_story(), path, value))
    assert_every_command_answers(site)
