"""``validate --changed-since REF``: report what a pull request changed, not the whole backlog.

A story is judged if its file (or a file in its folder) changed. Some rules span
files, so a change elsewhere can break a story nobody touched:

- advocates.yaml: a changed advocate entry (consent revoked, say), or a changed
  company entry, affects every story that names that advocate; issues located in
  the registry count when they sit in a changed entry. Logos and photos count as
  part of the entry that names them.
- mkdocs.yml: the taxonomy may have changed, so everything is reported.

"Changed" means changed since the merge base of REF and HEAD (what the branch
itself did, like GitHub's "Files changed" tab), plus uncommitted and untracked
files, so that a local run sees work in progress.
"""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyportal.core.frontmatter import normalize_text
from storyportal.core.issues import Issue
from storyportal.core.portal import Portal
from storyportal.core.stories import discover_stories, read_story
from storyportal.core.userfiles import read_regular
from storyportal.core.yamlload import parse_yaml

CONFIG_FILES = frozenset({"mkdocs.yml", "mkdocs.yaml"})


# The registry as plain YAML values, read without the schema: a changed entry may not validate.
RawRegistry = dict[str, Any]


class ChangeError(Exception):
    """The change set cannot be computed: not a git repository, or an unknown ref."""


@dataclass(frozen=True)
class ChangeSet:
    files: frozenset[str]  # portal-relative paths, '/'-separated
    old_registry: RawRegistry | None  # the registry at the base, None if it did not exist or could not be read


def select_issues(portal: Portal, issues: list[Issue], ref: str) -> list[Issue]:
    """Keep the issues a change since ``ref`` is responsible for."""
    root, registry = portal.settings.root, portal.settings.portal.registry
    changes = load_changes(root, ref, registry)
    changed = set(changes.files)
    current = _read_registry_file(root / registry)
    if changed & CONFIG_FILES or (registry in changed and current is None):
        return list(issues)  # the taxonomy may have changed, or the registry cannot be compared
    entries = changed_entries(changes.old_registry, current or {}, changed)
    sources = changed_story_sources(portal, changed) | stories_naming(
        portal, affected_advocates(current or {}, entries)
    )
    spans = entry_spans(root / registry) if entries or registry in changed else []
    return [
        i
        for i in issues
        if i.path in sources
        or (i.path == registry and _in_changed_entry(i, spans, entries, registry in changed))
        or (i.path != registry and _touches(i.path, changed))
    ]


def _touches(path: str, changed: set[str]) -> bool:
    """The issue's file changed, or (for a folder) a file inside it did."""
    return path in changed or any(p.startswith(path.rstrip("/") + "/") for p in changed)


# -- git --------------------------------------------------------------------------


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise ChangeError("git is not installed, so --changed-since cannot be used") from None
    if check and result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangeError(lines[-1] if lines else f"git {args[0]} failed")
    return result


def load_changes(root: Path, ref: str, registry: str) -> ChangeSet:
    """The files changed since ``ref`` (relative to the portal root), and the registry as it was."""
    if ref.startswith("-") or not ref.strip():
        raise ChangeError(f"'{ref}' is not a git ref")
    if _git(root, "rev-parse", "--show-toplevel", check=False).returncode != 0:
        raise ChangeError(f"{root} is not in a git repository, so --changed-since cannot be used")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if found.returncode != 0:
        raise ChangeError(
            f"'{ref}' is not a commit in this repository "
            "(in GitHub Actions, check out with fetch-depth: 0 so the base branch is there)"
        )
    base = _merge_base(root, found.stdout.decode().strip())
    diff = _git(root, "diff", "--name-only", "--relative", "-z", base, "--").stdout
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z").stdout
    files = frozenset(p for p in (diff + untracked).decode("utf-8", "surrogateescape").split("\0") if p)
    return ChangeSet(files, _old_registry(root, base, registry))


def _merge_base(root: Path, commit: str) -> str:
    found = _git(root, "merge-base", commit, "HEAD", check=False)
    return found.stdout.decode().strip() if found.returncode == 0 else commit


def _old_registry(root: Path, base: str, registry: str) -> RawRegistry | None:
    shown = _git(root, "show", f"{base}:./{registry}", check=False)
    if shown.returncode != 0:
        return None
    return _parse_registry(shown.stdout)


def _read_registry_file(path: Path) -> RawRegistry | None:
    try:
        return _parse_registry(read_regular(path))
    except OSError:
        return None


def _parse_registry(raw: bytes) -> RawRegistry | None:
    # Our positional loader, not yaml.safe_load: it never raises (safe_load does on 2024-02-30).
    text, _ = normalize_text(raw, "")
    parsed = parse_yaml(text, "")[0] if text is not None else None
    return parsed.data if parsed is not None and isinstance(parsed.data, dict) else None


# -- what changed -----------------------------------------------------------------


def _section(registry: RawRegistry | None, name: str) -> dict[Any, Any]:
    value = (registry or {}).get(name)
    return value if isinstance(value, dict) else {}


def changed_entries(old: RawRegistry | None, new: RawRegistry, changed_files: set[str]) -> set[tuple[str, str]]:
    """``(section, id)`` of every company or advocate entry that differs, or names a changed file.

    A registry that did not exist at the base (or could not be read) counts as empty.
    """
    entries: set[tuple[str, str]] = set()
    for section in ("companies", "advocates"):
        before, after = _section(old, section), _section(new, section)
        for ident in set(before) | set(after):
            if before.get(ident) != after.get(ident) or _names_changed_file(after.get(ident), changed_files):
                entries.add((section, ident))
    return entries


def _names_changed_file(entry: object, changed_files: set[str]) -> bool:
    if not isinstance(entry, dict):
        return False
    return any(
        isinstance(entry.get(key), str) and posixpath.normpath(entry[key]) in changed_files for key in ("logo", "photo")
    )


def affected_advocates(current: RawRegistry, entries: set[tuple[str, str]]) -> set[str]:
    """Advocates whose own entry changed, or whose company's entry changed."""
    companies = {ident for section, ident in entries if section == "companies"}
    found = {ident for section, ident in entries if section == "advocates"}
    for ident, entry in _section(current, "advocates").items():
        if isinstance(entry, dict) and entry.get("company") in companies:
            found.add(ident)
    return found


def changed_story_sources(portal: Portal, changed: set[str]) -> set[str]:
    """Story files that changed, or whose folder holds a changed file (a new hero image)."""
    sources: set[str] = set()
    for source in portal.status:
        folder = source[: -len("/index.md")] + "/" if source.endswith("/index.md") else None
        if source in changed or (folder and any(path.startswith(folder) for path in changed)):
            sources.add(source)
    return sources


def stories_naming(portal: Portal, advocates: set[str]) -> set[str]:
    """Story files whose front matter names any of ``advocates``, valid or not."""
    if not advocates:
        return set()
    root, config = portal.settings.root, portal.settings.portal
    refs, _ = discover_stories(root, config)
    sources: set[str] = set()
    for ref in refs:
        try:
            raw = read_regular(root / ref.source)
        except OSError:
            continue
        parsed = read_story(ref, raw, config).parsed
        named = parsed.data.get("advocates") if parsed is not None and isinstance(parsed.data, dict) else None
        if isinstance(named, list) and advocates & {str(n) for n in named}:
            sources.add(ref.source)
    return sources


# -- where each registry entry is -------------------------------------------------


def entry_spans(path: Path) -> list[tuple[int, tuple[str, str] | None]]:
    """(first line, entry) for each entry and section of the registry, in file order."""
    try:
        raw = read_regular(path)
    except OSError:
        return []
    text, _ = normalize_text(raw, "")
    parsed = parse_yaml(text, "")[0] if text is not None else None
    if parsed is None:
        return []
    spans: list[tuple[int, tuple[str, str] | None]] = []
    for key, mark in parsed.keys.items():
        if len(key) == 1:
            spans.append((mark.line, None))
        elif len(key) == 2 and key[0] in ("companies", "advocates"):
            spans.append((mark.line, (key[0], str(key[1]))))
    return sorted(spans, key=lambda span: span[0])


def _in_changed_entry(
    issue: Issue, spans: list[tuple[int, tuple[str, str] | None]], entries: set[tuple[str, str]], file_changed: bool
) -> bool:
    """A registry issue counts if it sits in a changed entry, or outside every entry of a changed file."""
    owner = None
    for line, entry in spans:
        if line > issue.line:
            break
        owner = entry
    return owner in entries if owner is not None else file_changed
