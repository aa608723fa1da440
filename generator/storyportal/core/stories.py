"""Find story files and read each one: front matter parsed once, with positions."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from storyportal.core.config import PortalConfig
from storyportal.core.errors import validate_model, without_repeats
from storyportal.core.frontmatter import normalize_text, split_front_matter
from storyportal.core.imagecheck import IMAGE_SUFFIXES
from storyportal.core.issues import Issue, Severity
from storyportal.core.schema import StoryIn
from storyportal.core.slugs import MAX_SLUG_LENGTH, SLUG, slugify, unspellable_script
from storyportal.core.yamlload import Parsed, parse_yaml

IGNORED = ("README.md",)
STORIES_MISSING = "stories-missing"  # the rule when the stories folder is missing (or a link)
# A story's page is stories/<slug>.md; MkDocs makes stories/index.md the folder's own page, /stories/.
RESERVED_SLUGS = {"index": "/stories/, the list of every story"}


@dataclass(frozen=True)
class StoryRef:
    """A story file found on disk, before reading it."""

    source: str  # repository-relative path, always with '/'
    slug: str
    folder: str  # repository-relative folder that image paths are relative to


@dataclass(frozen=True)
class StoryFile:
    """One story file read and shape-checked; a pure function of its bytes and the config."""

    ref: StoryRef
    content_hash: str
    parsed: Parsed | None
    front: StoryIn | None
    body: str
    body_line: int
    issues: tuple[Issue, ...]
    # When the YAML cannot be read: the plain `type:` and `lang:` lines, so that the
    # sections can still be checked in the same run.
    front_hints: tuple[tuple[str, str], ...] = ()


def discover_stories(root: Path, config: PortalConfig) -> tuple[list[StoryRef], list[Issue]]:
    """Every story under ``stories_dir``: ``<slug>.md`` or ``<slug>/index.md``."""
    refs, issues = scan_stories(root, config)
    return refs, issues + slug_problems(refs)


def plain_story_ref(root: Path, config: PortalConfig, name: str) -> StoryRef | None:
    """The ref scan_stories makes of the entry ``name`` of the stories folder when it is a story file
    that is a regular file (``<slug>.md``), with nothing to report about it; else None."""
    if _passed_over(name) or not name.endswith(".md"):
        return None
    try:
        if not S_ISREG(os.lstat(root / config.stories_dir / name).st_mode):
            return None  # a link, a folder, a pipe: scan_stories says what it is
    except OSError:
        return None
    return _file_ref(config, name)


def _passed_over(name: str) -> bool:
    """An entry of the stories folder that scan_stories neither reads nor reports."""
    return name.startswith((".", "_")) or name in IGNORED


def _file_ref(config: PortalConfig, name: str) -> StoryRef:
    """The ref of the story file ``<slug>.md`` in the stories folder."""
    return StoryRef(f"{config.stories_dir}/{name}", name[:-3], config.stories_dir)


def entry_name(ref: StoryRef, config: PortalConfig) -> str:
    """The name of the stories folder's entry a story comes from (scan_stories' order): its file or folder."""
    return ref.source[len(config.stories_dir) + 1 :].split("/", 1)[0]


def scan_stories(root: Path, config: PortalConfig) -> tuple[list[StoryRef], list[Issue]]:
    """discover_stories without slug_problems (which reads the refs only)."""
    base = root / config.stories_dir
    if not base.is_dir() or base.is_symlink():
        return [], [
            Issue(
                config.stories_dir, 0, 0, STORIES_MISSING, f"The stories folder '{config.stories_dir}' does not exist"
            )
        ]
    refs, issues = [], []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        rel = f"{config.stories_dir}/{entry.name}"
        if _passed_over(entry.name):
            continue
        if entry.is_symlink():
            issues.append(_symlink(rel))
        elif entry.is_dir():
            found, more = _story_folder(Path(entry.path), rel)
            refs += found
            issues += more
        elif entry.name.endswith(".md"):
            refs.append(_file_ref(config, entry.name))
        elif Path(entry.name).suffix.lower() not in IMAGE_SUFFIXES:  # images of <slug>.md stories sit here
            issues.append(_stray(rel))
    return refs, issues


def _story_folder(folder: Path, rel: str) -> tuple[list[StoryRef], list[Issue]]:
    issues = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            sub = f"{rel}/{full.relative_to(folder).as_posix()}"
            if full.is_symlink():
                issues.append(_symlink(sub))
            elif full.is_file() and full.suffix.lower() not in IMAGE_SUFFIXES and sub != f"{rel}/index.md":
                issues.append(_stray(sub))
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]
    if not (folder / "index.md").exists():  # a pipe or a folder by that name is read, and reported, as the story
        issues.append(
            Issue(
                rel,
                0,
                0,
                "story-folder-without-index",
                "This story folder has no index.md, so it is not a story",
                Severity.WARNING,
                "name the story file index.md",
            )
        )
        return [], issues
    return [StoryRef(f"{rel}/index.md", folder.name, rel)], issues


def _symlink(rel: str) -> Issue:
    return Issue(
        rel,
        0,
        0,
        "path-symlink",
        "Symbolic links are not allowed in the stories folder",
        hint="replace the link with the real file",
    )


def _stray(rel: str) -> Issue:
    return Issue(
        rel,
        1,
        1,
        "story-stray-file",
        "This file is not a story or an image, so it is never published",
        Severity.WARNING,
        "remove it, or move it out of the stories folder",
    )


def slug_problems(refs: list[StoryRef]) -> list[Issue]:
    """What is wrong with the file names as addresses (``storyportal new`` checks its own the same way)."""
    issues: list[Issue] = []
    seen: dict[str, str] = {}  # lowercased slug -> the first file with it
    for ref in refs:
        if len(ref.slug) > MAX_SLUG_LENGTH:
            issues.append(
                Issue(
                    ref.source,
                    1,
                    1,
                    "story-slug-too-long",
                    f"The file name '{ref.slug[:40]}…' is {len(ref.slug)} characters long; a web address "
                    f"may have at most {MAX_SLUG_LENGTH}",
                    hint=f"rename it to a few words, like '{slugify(ref.slug)[:40].strip('-')}'",
                )
            )
        if not SLUG.match(ref.slug):
            issues.append(
                Issue(
                    ref.source,
                    1,
                    1,
                    "story-slug-invalid",
                    f"The file name '{ref.slug}' becomes the web address, so it may use only lowercase letters a-z, digits and '-'",
                    hint=_rename_hint(ref.slug),
                )
            )
        if ref.slug in RESERVED_SLUGS:
            issues.append(
                Issue(
                    ref.source,
                    1,
                    1,
                    "story-slug-reserved",
                    f"The name '{ref.slug}' would give this story the address {RESERVED_SLUGS[ref.slug]}, "
                    "which the site needs for its own page",
                    hint="name the file after the story, like northwind-onboarding.md",
                )
            )
        key = ref.slug.lower()
        if key in seen:
            issues.append(
                Issue(
                    ref.source,
                    1,
                    1,
                    "story-duplicate-slug",
                    f"Another story already uses the address /stories/{ref.slug}/: {seen[key]}",
                    hint="rename one of them",
                )
            )
        seen.setdefault(key, ref.source)
    return issues


_HINT_LINE = re.compile(r"""^(type|lang):[ \t]+["']?([A-Za-z0-9-]+)["']?[ \t]*(?:#.*)?$""", re.M)


def _rename_hint(slug: str) -> str:
    if unspellable_script(slug):  # a guessed spelling would be a worse address than the writer's own choice
        return "rename it to an address in lowercase letters a-z, digits and '-'"
    return f"rename it to '{slugify(slug)}'"


def read_story(ref: StoryRef, raw: bytes, config: PortalConfig) -> StoryFile:
    """Decode, split and shape-check one story; never raises."""
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > config.max_story_bytes:
        problem = Issue(
            ref.source,
            1,
            1,
            "story-too-large",
            f"The file is {len(raw):,} bytes; the limit is {config.max_story_bytes:,}",
            hint="shorten it, or move large content such as images into separate files",
        )
        return StoryFile(ref, digest, None, None, "", 1, (problem,))
    text, issues = normalize_text(raw, ref.source)
    split = None
    if text is not None:
        split, issues = split_front_matter(text, ref.source)
    if split is None:
        return StoryFile(ref, digest, None, None, "", 1, tuple(issues))
    parsed, issues = parse_yaml(split.front, ref.source, split.front_line)
    if parsed is None:
        hints = tuple(_HINT_LINE.findall(split.front))
        return StoryFile(ref, digest, None, None, split.body, split.body_line, tuple(issues), hints)
    data = parsed.data if parsed.data is not None else {}
    front, shape_issues = validate_model(StoryIn, data, parsed, (), ref.source, "story")
    issues = without_repeats(issues, shape_issues)
    front = front if not issues else None
    return StoryFile(ref, digest, parsed, front, split.body, split.body_line, tuple(issues))
