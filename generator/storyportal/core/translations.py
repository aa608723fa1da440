"""Translated stories: a story file whose ``translation_of`` names the story it translates.

A translation is a whole story file (``stories/<slug>.md`` or ``stories/<slug>/index.md``)
with its own slug and ``lang``; it repeats the original's facts (type, advocates, facets,
metric values), which these rules check, and it is published only while its original is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from storyportal.core.errors import did_you_mean
from storyportal.core.issues import Issue, Severity
from storyportal.core.model import Status, Story
from storyportal.core.stories import StoryFile
from storyportal.core.yamlload import Path as KeyPath

ORIGINAL_MISSING = "translation-original-missing"
OF_TRANSLATION = "translation-of-translation"
LANGUAGE_TAKEN = "translation-language-taken"
FACTS_DIFFER = "translation-facts-differ"
ORIGINAL_WITHHELD = "translation-original-withheld"
LANG_UNKNOWN = "story-lang-unknown"


@dataclass(frozen=True)
class Fact:
    """One fact a translation must share with its original: the front-matter key and how to read it."""

    key: str
    name: str  # for people, in the message

    def of(self, story: Story) -> object:
        value = getattr(story, self.key)
        if self.key == "metrics":
            return tuple(m.value for m in value)  # labels may be translated, numbers may not
        if self.key == "advocates":
            return tuple(a.id for a in value)
        if isinstance(value, tuple):
            return tuple(sorted(t.slug for t in value))
        return getattr(value, "slug", value)


FACTS = (
    Fact("type", "type"),
    Fact("advocates", "advocates"),
    Fact("industry", "industry"),
    Fact("company_size", "company size"),
    Fact("region", "region"),
    Fact("products", "products"),
    Fact("use_cases", "use cases"),
    Fact("metrics", "metric values"),
)


def _issue(
    file: StoryFile, path: KeyPath, rule: str, message: str, hint: str, severity: Severity = Severity.ERROR
) -> Issue:
    mark = file.parsed.mark(path) if file.parsed is not None else None
    line, col = (mark.line, mark.col) if mark else (1, 1)
    return Issue(file.ref.source, line, col, rule, message, severity, hint)


def check_story_languages(
    stories: Iterable[Story], files: Mapping[str, StoryFile], languages: tuple[str, ...], strict: bool
) -> list[Issue]:
    """Every story's ``lang`` is one of the site's languages (``strict``: `languages` is configured);
    without `languages`, only a translation needs its language to be the site's (it has no other site)."""
    issues = []
    for story in stories:
        if story.lang in languages or not (strict or story.translation_of):
            continue
        parsed = files[story.source].parsed
        where: KeyPath = ("lang",) if parsed is not None and "lang" in (parsed.data or {}) else ()
        issues.append(
            _issue(
                files[story.source],
                where,
                LANG_UNKNOWN,
                f"The language '{story.lang}' is not one of the site's languages ({', '.join(languages)})",
                "add it under 'languages' in mkdocs.yml, or correct the story's lang",
            )
        )
    return issues


def check_translations(stories: Iterable[Story], files: Mapping[str, StoryFile]) -> list[Issue]:
    """Each translation names an existing original (not itself a translation), in a language
    that story has no other version in, with the same facts."""
    stories = sorted(stories, key=lambda s: s.source)
    by_slug = {s.slug: s for s in stories}
    slugs = {f.ref.slug: f for f in files.values()}
    taken: dict[tuple[str, str], str] = {}  # (original slug, lang) -> the first file in that language
    issues: list[Issue] = []
    for story in stories:
        if story.translation_of is None:
            continue
        file, target = files[story.source], story.translation_of
        problem = _target_problem(story, slugs, by_slug)
        if problem is not None:
            issues.append(_issue(file, ("translation_of",), *problem))
            continue
        original = by_slug.get(target)
        if original is None:  # the original's own errors are reported there; it is not published
            continue
        first = taken.setdefault((target, story.lang), story.source)
        if story.lang == original.lang or first != story.source:
            other = original.source if story.lang == original.lang else first
            issues.append(
                _issue(
                    file,
                    ("lang",),
                    LANGUAGE_TAKEN,
                    f"'{target}' already has a version in '{story.lang}': {other}",
                    "a story has one version per language: set the right lang, or remove one of them",
                )
            )
        issues += _fact_problems(story, original, file)
    return issues


def _target_problem(
    story: Story, slugs: Mapping[str, StoryFile], by_slug: Mapping[str, Story]
) -> tuple[str, str, str] | None:
    target = story.translation_of or ""
    if target == story.slug:
        return ORIGINAL_MISSING, "A story cannot be a translation of itself", "name the slug of the original story"
    if target not in slugs:
        hint = did_you_mean(target, slugs, cutoff=0.75) or "name the slug (the file name) of the original story"
        return ORIGINAL_MISSING, f"There is no story '{target}' for this file to translate", hint
    front = slugs[target].front
    upstream = by_slug[target].translation_of if target in by_slug else front.translation_of if front else None
    if upstream:
        return (
            OF_TRANSLATION,
            f"'{target}' is itself a translation (of '{upstream}')",
            f"translate the original: translation_of: {upstream}",
        )
    return None


def _fact_problems(story: Story, original: Story, file: StoryFile) -> list[Issue]:
    issues = []
    data = file.parsed.data if file.parsed is not None and isinstance(file.parsed.data, dict) else {}
    for fact in FACTS:
        mine, theirs = fact.of(story), fact.of(original)
        if mine != theirs:
            where = (fact.key,) if fact.key in data else ("translation_of",)
            issues.append(
                _issue(
                    file,
                    where,
                    FACTS_DIFFER,
                    f"The {fact.name} differ from the original {original.source}: {_shown(mine)} here, "
                    f"{_shown(theirs)} there",
                    "a translation tells the same story: copy the facts from the original, translate only the words",
                )
            )
    return issues


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return str(value)


def withhold_orphans(
    stories: Iterable[Story], status: dict[str, Status], files: Mapping[str, StoryFile]
) -> list[Issue]:
    """A translation is published only while its original is: consent, errors and drafts apply to all."""
    states = {s.slug: status[s.source] for s in stories}
    originals = {f.ref.slug: status.get(source) for source, f in files.items()}
    issues = []
    for story in stories:
        if story.translation_of is None or status[story.source] is not Status.PUBLISHED:
            continue
        state = states.get(story.translation_of, originals.get(story.translation_of))
        if state is Status.PUBLISHED:
            continue
        status[story.source] = Status.WITHHELD
        issues.append(
            _issue(
                files[story.source],
                ("translation_of",),
                ORIGINAL_WITHHELD,
                f"The original '{story.translation_of}' is not published ({state.value if state else 'missing'}), "
                "so this translation is withheld too",
                "publish the original first",
                Severity.WARNING,
            )
        )
    return issues
