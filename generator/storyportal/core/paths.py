"""File references from stories and the registry: inside the repository, exact, no links."""

from __future__ import annotations

import os
import posixpath
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


def walk_exact(root: Path, rel: str) -> PathProblem | None:
    """Check every component of ``rel`` under ``root``: exists, same case, not a link."""
    current = root
    for part in rel.split("/"):
        try:
            names = os.listdir(current)
        except OSError:
            names = []
        if part not in names:
            hint = did_you_mean(part, names, "check the file name and folder", cutoff=0.7)
            return PathProblem("path-missing", f"'{rel}' does not exist", hint)
        current = current / part
        if current.is_symlink():
            return PathProblem(
                "path-symlink",
                f"'{rel}' goes through a symbolic link, which is not allowed",
                "replace the link with the real file",
            )
    return None
