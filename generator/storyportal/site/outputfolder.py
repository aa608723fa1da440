"""Where a built site may go: never over the portal, its sources, its cache, a repository, home or ``/``.

A build replaces its output folder whole, so the folder named with ``-d`` (or ``site_dir``) is
checked first: it must not be, hold, or (for a source folder) lie inside anything the portal is
made from, and ``storyportal build`` replaces only a folder that is new, empty, or carries the
marker an earlier build wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storyportal.core.config import SiteSettings
from storyportal.site.imagecache import cache_folder, repository_top

MARKER = ".storyportal-build.json"  # only the plugin writes it; `storyportal build` replaces no folder without it


@dataclass(frozen=True)
class Protected:
    """A path a build must never replace; ``holds_output``: a site folder may lie inside it."""

    path: Path
    what: str
    holds_output: bool = False


def protected_paths(
    settings: SiteSettings, config_file: Path, docs_dir: Path, custom_dir: Path | None
) -> list[Protected]:
    """Everything the portal is made from, and the folders no build may ever replace."""
    root, portal = settings.root, settings.portal
    found = [
        Protected(root, "the portal's folder", holds_output=True),
        Protected(config_file, f"the site configuration {config_file.name}"),
        Protected(docs_dir, "the hand-written pages (docs_dir)"),
        Protected(root / portal.stories_dir, "the stories (stories_dir)"),
        Protected(root / portal.registry, "the advocate registry (registry)"),
        Protected(root / portal.assets_dir, "the logos and photos (assets_dir)"),
        Protected(root / portal.messages_dir, "the interface strings (messages_dir)"),
        Protected(cache_folder(root, portal.cache_dir), "the image cache (cache_dir)"),
        Protected(Path.home(), "your home folder", holds_output=True),
        Protected(Path(root.anchor), "the filesystem's root", holds_output=True),
    ]
    if custom_dir is not None:
        found.append(Protected(custom_dir, "the theme's templates (custom_dir)"))
    top = repository_top(root)
    if top is not None:
        found.append(Protected(top, "the git repository", holds_output=True))
    return [Protected(p.path.resolve(), p.what, p.holds_output) for p in found]


def overlap_problem(target: Path, protected: list[Protected]) -> str | None:
    """Why ``target`` (resolved) would replace or hold a protected path, or None."""
    for item in protected:
        if target == item.path:
            return f"it is {item.what}"
        if item.path.is_relative_to(target):
            return f"it holds {item.what}"
        if not item.holds_output and target.is_relative_to(item.path):
            return f"it is inside {item.what}"
    if (target / ".git").exists():
        return "it is a git repository"
    return None


def replace_problem(target: Path) -> str | None:
    """Why ``target`` is not a folder a build may replace: only new, empty, or built ones are."""
    if not target.exists():
        return None
    if not target.is_dir():
        return "it is a file, not a folder"
    if (target / MARKER).is_file() or not any(target.iterdir()):
        return None
    return f"it is a folder that no storyportal build wrote (it has no {MARKER}), and everything in it would be lost"
