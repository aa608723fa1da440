"""File references from stories and the registry: inside the repository, exact, no links."""

from __future__ import annotations

import contextlib
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storyportal.core.errors import did_you_mean


@dataclass(frozen=True)
class PathProblem:
    rule: str
    message: str
    hint: str = ""


def resolve_ref(root: Path, base: str, ref: str) -> tuple[str | None, PathProblem | None]:
    """Resolve ``ref`` (relative to the repository folder ``base``) to a repository path.

    Refuses web addresses, absolute paths, escapes with ``..``, symlinks anywhere on
    the way, and names that differ from the file on disk only by case.
    """
    example = (
        "like hero.jpg, relative to the story file"
        if base
        else "like assets/logos/acme.png, from the repository folder"
    )
    shape = _shape_problem(ref, example)
    if shape:
        return None, shape
    rel = posixpath.normpath(posixpath.join(base, ref))
    if rel == ".." or rel.startswith("../") or rel.startswith("/"):
        return None, PathProblem(
            "path-outside",
            f"'{ref}' points outside the repository",
            f"put the file in the repository and give its path, {example}",
        )
    return rel, walk_exact(root, rel)


def _shape_problem(ref: str, example: str) -> PathProblem | None:
    lowered = ref.strip().lower()
    if "://" in lowered or lowered.startswith(("//", "file:", "data:", "javascript:", "http:", "https:")):
        return PathProblem(
            "path-remote",
            f"'{ref}' is a web address; a file in the repository is expected",
            "add the image to the repository and name its path",
        )
    if ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
        return PathProblem(
            "path-absolute",
            f"'{ref}' is an absolute path; a relative path is expected",
            f"give a relative path, {example}",
        )
    if "\\" in ref or "%" in ref or any(ord(c) < 32 for c in ref):
        return PathProblem(
            "path-invalid", f"'{ref}' contains '\\', '%' or control characters", "use plain / separated names"
        )
    return None


_listings: list[dict[Path, frozenset[str]]] = []  # the innermost ``remembering_listings`` wins


@contextlib.contextmanager
def remembering_listings() -> Iterator[None]:
    """Within this block each folder is listed once. Every story's image is checked through
    ``stories/``: listing it for each story made loading quadratic (10,000 stories listed a
    folder of 10,000 names 10,000 times). A load is one snapshot of the files, so it uses one."""
    _listings.append({})
    try:
        yield
    finally:
        _listings.pop()


def _names(folder: Path) -> frozenset[str]:
    memo = _listings[-1] if _listings else None
    if memo is not None and folder in memo:
        return memo[folder]
    try:
        names = frozenset(os.listdir(folder))
    except OSError:
        names = frozenset()
    if memo is not None:
        memo[folder] = names
    return names


def walk_exact(root: Path, rel: str) -> PathProblem | None:
    """Check every component of ``rel`` under ``root``: exists, same case, not a link."""
    current = root
    for part in rel.split("/"):
        names = _names(current)
        if part not in names:
            hint = did_you_mean(part, sorted(names), "check the file name and folder", cutoff=0.7)
            return PathProblem("path-missing", f"'{rel}' does not exist", hint)
        current = current / part
        if current.is_symlink():
            return PathProblem(
                "path-symlink",
                f"'{rel}' goes through a symbolic link, which is not allowed",
                "replace the link with the real file",
            )
    return None


def confine_to_story(rel: str, ref: str, folder: str, nested: bool) -> PathProblem | None:
    """A story shows only images kept with it: under its own folder, or beside a flat ``<slug>.md``.

    Logos and photos of the registry are shown by the registry, each gated by its consent
    scope; a story that named ``../assets/logos/acme.png`` would show them without it.
    """
    inside = rel.startswith(folder + "/") and (nested or "/" not in rel[len(folder) + 1 :])
    if inside:
        return None
    where = f"in {folder}/" if nested else f"beside the story file, in {folder}/"
    return PathProblem(
        "path-outside-story",
        f"'{ref}' is not one of this story's own images; a story may show only images kept {where}",
        "copy the image there; company logos and people's photos come from advocates.yaml, with their consent",
    )


# Where the site writes files of its own besides story pages. A redirect page there would
# replace one of them, or need a folder where the build writes a file, and abort the build.
# tests/test_attack_addresses.py builds a full site and checks every file it writes is covered.
SITE_FOLDERS = frozenset({"assets", "cards", "embed", "img", "industries", "pagefind", "sales", "search"})
LISTING_PAGES = {"stories/": "the list of stories"}


def reserved_address(path: str, language_prefixes: frozenset[str] = frozenset()) -> str | None:
    """Why the site address ``path`` (``a/b/``) belongs to a page or file the build writes, or None.

    ``language_prefixes`` are the first folders of the site's other languages (``de``): the build
    writes that language's home, listings and stories under each.
    """
    path = path.strip("/") + "/"
    parts = path[:-1].split("/")
    dotted = next((part for part in parts if "." in part), None)
    if dotted is not None:  # every page is a folder; names with a dot are the build's files
        return f"'{dotted}' is a file name (like sitemap.xml or 404.html), and the site's pages are folders"
    if parts[0] in SITE_FOLDERS:
        return f"everything under /{parts[0]}/ is written by the site itself"
    if parts[0] in language_prefixes:
        return f"everything under /{parts[0]}/ is the site in another language"
    if path in LISTING_PAGES:
        return f"it is the address of {LISTING_PAGES[path]}"
    return None
