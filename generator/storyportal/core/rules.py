"""Cross-file rules: each a small function with a stable rule id, the build date passed in.

A story that breaks a rule is never published. Problems in what a writer typed
are errors (they fail a pull request); consent that lapsed or was withdrawn is a
warning that withholds the story, so that a consent expiring overnight does not
break the next deploy.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from storyportal.core.body import RenderedBody, hide_comments, render_story_body
from storyportal.core.config import PortalConfig
from storyportal.core.errors import closest, did_you_mean, did_you_mean_or_allowed
from storyportal.core.imagecheck import image_problem
from storyportal.core.issues import Issue, Severity
from storyportal.core.languages import site_languages
from storyportal.core.model import Advocate, Company, Metric, Registry, Status, Story, StoryType, Taxonomy, Term, Video
from storyportal.core.paths import PathProblem, confine_to_story, reserved_address, resolve_ref
from storyportal.core.privacy import normalise
from storyportal.core.schema import StoryIn
from storyportal.core.stories import StoryFile
from storyportal.core.storyscan import story_private_values, unconsented_names, unconsented_names_of
from storyportal.core.video import parse_video_url
from storyportal.core.yamlload import Path as KeyPath

# industry, company size and region (None where unknown), then the products and the use cases
FacetTerms = tuple[Term | None, Term | None, Term | None, tuple[Term, ...], tuple[Term, ...]]

_ALIAS = re.compile(r"^/[a-z0-9][a-z0-9/_.-]*/$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


@dataclass
class StoryCheck:
    """Collects the issues of one story, located through its parsed front matter."""

    file: StoryFile
    issues: list[Issue] = field(default_factory=list)

    def at(
        self,
        path: KeyPath,
        rule: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
        key: bool = False,
    ) -> None:
        assert self.file.parsed is not None  # only front matter that was read has fields to point at
        mark = self.file.parsed.mark(path, key=key)
        self.issues.append(Issue(self.file.ref.source, mark.line, mark.col, rule, message, severity, hint))

    def at_body(self, rule: str, message: str, hint: str = "") -> None:
        self.issues.append(Issue(self.file.ref.source, self.file.body_line, 1, rule, message, hint=hint))

    @functools.cached_property
    def visible_body(self) -> str:
        """The body as readers see it: comments hidden, line breaks kept (so lines still match)."""
        return hide_comments(self.file.body)[0]

    @property
    def errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)


def resolve_advocates(check: StoryCheck, front: StoryIn, registry: Registry) -> tuple[Advocate, ...]:
    found, named = [], set()
    for index, ident in enumerate(front.advocates):
        path = ("advocates", index)
        if ident in named:
            check.at(path, "story-advocate-duplicate", f"The advocate '{ident}' is named twice", "keep one")
            continue
        named.add(ident)
        if ident in registry.advocates:
            found.append(registry.advocates[ident])
        elif ident in registry.broken:
            check.at(
                path,
                "story-advocate-invalid",
                f"The advocate '{ident}' has errors in advocates.yaml",
                "fix the registry entry first",
            )
        else:
            check.at(
                path,
                "story-advocate-unknown",
                f"There is no advocate '{ident}' in advocates.yaml{_odd_characters(ident)}",
                _near_id(ident, registry.advocates),
            )
    return tuple(found)


def _odd_characters(ident: str) -> str:
    """Name the characters that only look like a-z, 0-9 and '-' (or are invisible)."""
    odd = [c for c in dict.fromkeys(ident) if not (c.isascii() and c.isprintable())]
    if not odd:
        return ""
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'an invisible character')}" for c in odd)
    return f"; it contains characters that only look like plain letters, or are invisible: {names}"


def _near_id(ident: str, known: Iterable[str]) -> str:
    cleaned = unicodedata.normalize("NFKC", ident).translate(_INVISIBLE)
    hint = did_you_mean(cleaned, known, cutoff=0.75)  # ident itself is not in known: it would not be unknown
    if hint:
        return hint + " (ids must match exactly, character for character)"
    return "add the advocate to advocates.yaml first, or check the spelling"


def resolve_term(check: StoryCheck, taxonomy: Taxonomy, facet: str, slug: str, path: KeyPath) -> Term | None:
    term = taxonomy.term(facet, slug)
    if term is None:
        hint = did_you_mean_or_allowed(slug, taxonomy.facets[facet])
        check.at(path, "story-taxonomy-unknown", f"'{slug}' is not one of the allowed values of {facet}", hint)
    return term


def resolve_terms(check: StoryCheck, taxonomy: Taxonomy, facet: str, slugs: Iterable[str]) -> tuple[Term, ...]:
    terms = [resolve_term(check, taxonomy, facet, slug, (facet, i)) for i, slug in enumerate(slugs)]
    return tuple(t for t in dict.fromkeys(terms) if t is not None)


def check_type_fields(check: StoryCheck, front: StoryIn) -> None:
    if front.type is StoryType.TESTIMONIAL and not front.quote:
        check.at(
            ("type",), "story-required-field", "A testimonial needs a 'quote'", "add quote: with the advocate's words"
        )
    if front.type is StoryType.VIDEO and front.video is None:
        check.at(("type",), "story-required-field", "A video story needs a 'video' with its url", "add video: and url:")


def check_dates(check: StoryCheck, front: StoryIn) -> None:
    if front.updated is not None and front.updated < front.published:
        check.at(
            ("updated",),
            "story-updated-before-published",
            f"'updated' ({front.updated}) is before 'published' ({front.published})",
            "an update can only come after publication",
        )


def check_video(check: StoryCheck, front: StoryIn) -> Video | None:
    if front.video is None:
        return None
    video, reason = parse_video_url(front.video.url, front.video.duration, front.video.transcript)
    if video is None:
        check.at(
            ("video", "url"),
            "video-url-invalid",
            f"The video address is not accepted: {reason}",
            "paste the address of the video page, like https://www.youtube.com/watch?v=...",
        )
    return video


def story_image(file: StoryFile, root: Path, config: PortalConfig, ref: str) -> tuple[str | None, PathProblem | None]:
    """``ref`` as a repository path, if it is a real image among the story's own files."""
    folder = file.ref.folder
    rel, problem = resolve_ref(root, folder, ref)
    if rel is not None:  # a path that leaves the story is refused before asking whether it exists
        nested = file.ref.source == f"{folder}/index.md" and folder.endswith("/" + file.ref.slug)
        problem = confine_to_story(rel, ref, folder, nested) or problem
    if rel is not None and problem is None:
        problem = image_problem(root, rel, config)
    return (rel, None) if problem is None else (None, problem)


def check_image(check: StoryCheck, root: Path, config: PortalConfig, ref: str | None, path: KeyPath) -> str | None:
    if ref is None:
        return None
    rel, problem = story_image(check.file, root, config, ref)
    if problem is not None:
        check.at(path, problem.rule, problem.message, problem.hint)
    return rel


def check_sections(check: StoryCheck, kind: object, config: PortalConfig, lang: str) -> None:
    """A case study has each required ``##`` section, with text in it; a near-miss heading is named."""
    if kind != StoryType.CASE_STUDY.value:
        return
    sections = _sections(check.visible_body)
    required = config.sections_for(lang)
    missing = [s for s in required if s.lower() not in sections]
    unexplained = [name for name in missing if not _near_miss(check, name, required)]
    if unexplained:
        check.at_body(
            "case-study-section-missing",
            "A case study needs the sections " + ", ".join(f"'## {s}'" for s in unexplained),
            "add each as a heading line: ## " + unexplained[0],
        )
    for name in required:
        line, text = sections.get(name.lower(), (0, "x"))
        if not text.strip():
            check.issues.append(
                Issue(
                    check.file.ref.source,
                    check.file.body_line + line,
                    1,
                    "case-study-section-empty",
                    f"The section '## {name}' is empty",
                    hint="write the story of this part; the questions in <!-- --> are only guidance",
                )
            )


def _any_heading(line: str) -> tuple[str, str] | None:
    """(``#`` marks, name) of a Markdown heading line of any level, else None.

    String methods, not a regex: ``(.+?)[ \\t]*#*[ \\t]*$`` is cubic on a line of spaces."""
    name = line.lstrip("#")
    marks = line[: len(line) - len(name)]
    if not 1 <= len(marks) <= 6 or name[:1] not in (" ", "\t"):
        return None
    name = name.strip(" \t").rstrip("#").rstrip(" \t")
    return (marks, name) if name else None


def _near_miss(check: StoryCheck, name: str, required: list[str]) -> bool:
    """Report a missing section at the heading that is most like it (``## Result``, ``### Results``)."""
    taken = {r.lower() for r in required}
    headings: dict[str, tuple[int, str]] = {}  # heading text -> (line within the body, the line as written)
    for index, text in enumerate(check.visible_body.split("\n")):  # a heading in a comment is no heading
        found = _any_heading(text)
        if found and not (found[0] == "##" and found[1].lower() in taken):
            headings.setdefault(found[1], (index, text.strip()))
    near = closest(name, headings, cutoff=0.75)
    if near is None:
        return False
    index, shown = headings[near]
    line = check.file.body_line + index
    check.issues.append(
        Issue(
            check.file.ref.source,
            line,
            1,
            "case-study-section-missing",
            f"The section '## {name}' is missing: found '{shown}' on line {line}",
            hint=f"did you mean '## {name}'?",
        )
    )
    return True


def _sections(body: str) -> dict[str, tuple[int, str]]:
    """``## heading`` (lowercased) -> (line within the body, text up to the next ``##``)."""
    found: dict[str, tuple[int, str]] = {}
    lines = body.split("\n")
    headed = [(i, name) for i, line in enumerate(lines) if (name := _heading(line)) is not None]
    for index, (start, name) in enumerate(headed):
        end = headed[index + 1][0] if index + 1 < len(headed) else len(lines)
        found.setdefault(name, (start, "\n".join(lines[start + 1 : end])))
    return found


def _heading(line: str) -> str | None:
    """The lowercased name of a ``## Name ##`` line (closing '#'s optional), else None.

    String methods, not a regex: the pattern this replaces (``(.+?)[ \\t]*#*[ \\t]*$``) tried
    every split of a line of spaces, a cubic amount of work (a 3,000-space heading: a minute).
    """
    if not line.startswith("##") or line[2:3] not in (" ", "\t"):
        return None
    return line[2:].strip(" \t").rstrip("#").rstrip(" \t").strip().lower()


_MAY_HAVE_IMAGES = re.compile(r"!\[|<img", re.I)


def may_show_images(file: StoryFile) -> bool:
    """Whether resolving the story may look at image files (its hero image, images in its body)."""
    return bool((file.front is not None and file.front.image) or _MAY_HAVE_IMAGES.search(file.body))


# Each try stops at the next '[' or '<': tries from successive starts then read disjoint
# stretches, so a body full of '![' or '<img ' is read once, not once per start (quadratic).
# What this quick scan misses, the renderer's own list of images catches.
_BODY_IMAGE = re.compile(r"!\[[^\[\]]*\]\(\s*<?([^)\s>]+)|<img\b[^<>]*?\bsrc\s*=\s*[\"']?([^\"'\s<>]+)", re.I)


def check_body(check: StoryCheck) -> RenderedBody | None:
    """Render the body as the build will (the build reuses this result): what validates, builds."""
    ref = check.file.ref
    rendered, problem = render_story_body(check.file.body, ref.folder, ref.slug)
    if problem is not None:
        line = check.file.body_line + problem.line - 1
        check.issues.append(Issue(ref.source, line, problem.col, problem.rule, problem.message, hint=problem.hint))
    return rendered


def check_body_images(check: StoryCheck, root: Path, config: PortalConfig, rendered: RenderedBody | None) -> None:
    """Images in the body must be real image files beside the story, like the hero image.

    A quick scan locates the usual forms; the renderer's own list of images catches the
    rest (reference-style images, unusual attributes), at the line that names them.
    """
    body = check.visible_body
    if not _MAY_HAVE_IMAGES.search(body):
        return
    seen = set()
    for match in _BODY_IMAGE.finditer(body):
        ref = match.group(1) or match.group(2)
        seen.add(posixpath.normpath(ref))
        _check_body_image(check, root, config, ref, match.start())
    folder = check.file.ref.folder
    for ref in (posixpath.relpath(repo, folder) for repo, _ in rendered.images) if rendered else ():
        if posixpath.normpath(ref) not in seen:
            seen.add(posixpath.normpath(ref))
            _check_body_image(check, root, config, ref, max(body.find(ref), 0))


def _check_body_image(check: StoryCheck, root: Path, config: PortalConfig, ref: str, offset: int) -> None:
    body = check.visible_body
    line = check.file.body_line + body.count("\n", 0, offset)
    col = offset - body.rfind("\n", 0, offset)
    _, problem = story_image(check.file, root, config, ref)
    if problem is not None:
        check.issues.append(Issue(check.file.ref.source, line, col, problem.rule, problem.message, hint=problem.hint))


def check_comments(check: StoryCheck) -> None:
    """An unclosed ``<!--`` hides the rest of the story: say so, rather than guess what was meant."""
    _, start = hide_comments(check.file.body)
    if start is None:
        return
    body = check.file.body
    line = check.file.body_line + body.count("\n", 0, start)
    col = start - body.rfind("\n", 0, start)
    message = "A comment opened with <!-- is never closed with -->, so everything after it would be hidden"
    hint = "close the note with --> where it ends"
    check.issues.append(Issue(check.file.ref.source, line, col, "story-unclosed-comment", message, hint=hint))


def check_unconsented_names(
    file: StoryFile, advocates: tuple[Advocate, ...], registry: Registry | None = None, on: dt.date | None = None
) -> list[Issue]:
    """An advocate without the name scope appears as "a customer at X": their name typed anywhere
    the story shows text (a field, a metric, its address, its body however marked up) would name
    them anyway, so it is an error wherever it is written. So is the name of any advocate in the
    registry whom no page may name on ``on`` (no 'name' scope, consent revoked, expired or not yet
    granted), in every story, theirs or not.

    Not reported: the story's own advocate with the name scope whose consent lapsed (the whole story
    is withheld for it: consent-revoked ...), and a name one of the story's own advocates with the
    name scope also has (two people called Jane Doe: the story names its own)."""
    if registry is None or on is None:
        return unconsented_names(file, [(a.id, a.name) for a in advocates if "name" not in a.consent.scopes])
    named_here = {a.id for a in advocates if "name" in a.consent.scopes}
    names_here = {normalise(registry.advocates[i].name) for i in named_here if i in registry.advocates}
    unnamed = registry.unnamed_index(on)
    left_out = unnamed.left_out(named_here, names_here)
    if len(left_out) == len(unnamed.names):
        return []
    return unconsented_names_of(
        file, unnamed.values, unnamed.names, left_out, registry.name_matcher(on), registry.broken
    )


def language_prefixes(config: PortalConfig) -> frozenset[str]:
    """The URL prefixes of the site's other languages: /de/ and everything under it is the German site."""
    return frozenset(lang.prefix for lang in site_languages(config) if lang.prefix)


def check_aliases(check: StoryCheck, front: StoryIn, prefixes: frozenset[str] = frozenset()) -> None:
    for index, alias in enumerate(front.aliases):
        if not _alias_shape(alias):
            check.at(
                ("aliases", index),
                "story-alias-invalid",
                f"'{alias}' is not a site address like /stories/old-name/",
                "start and end it with '/', lowercase letters, digits and '-'",
            )
        elif reason := reserved_address(alias, prefixes):
            _alias_reserved(check, index, alias, reason)


def _alias_shape(alias: str) -> bool:
    return bool(_ALIAS.match(alias)) and not any(bad in alias for bad in ("/../", "//", "/./"))


def _alias_reserved(check: StoryCheck, index: int, alias: str, reason: str) -> None:
    check.at(
        ("aliases", index),
        "story-alias-reserved",
        f"The old address {alias} cannot redirect to this story: {reason}",
        "give the address the story really had before, like /stories/old-name/, or remove it",
    )


def check_consent(check: StoryCheck, story: Story, on: dt.date) -> None:
    """Withhold (warning) a story whose advocates' consent does not cover it on ``on``."""
    for index, advocate in enumerate(story.advocates):
        path = ("advocates", index)
        problem = advocate.consent.problem(on)
        if problem == "revoked":
            check.at(
                path,
                "consent-revoked",
                f"{advocate.id} has withdrawn consent, so this story is withheld",
                "remove the advocate from the story, or unpublish it",
                Severity.WARNING,
            )
        elif problem == "expired":
            check.at(
                path,
                "consent-expired",
                f"{advocate.id}'s consent expired on {advocate.consent.expires}, so this story is withheld",
                "ask the program owner to renew it in advocates.yaml",
                Severity.WARNING,
            )
        elif problem == "not-yet-granted":
            check.at(
                path,
                "consent-not-yet-granted",
                f"{advocate.id}'s consent only starts on {advocate.consent.granted}, so this story is withheld until then",
                "check the granted date in advocates.yaml",
                Severity.WARNING,
            )
        elif story.type not in advocate.consent.scopes:
            check.at(
                path,
                "consent-scope-missing",
                f"{advocate.id} has not agreed to appear in a {story.type}, so this story is withheld",
                f"their consent covers: {', '.join(sorted(advocate.consent.scopes))}",
                Severity.WARNING,
            )
    check_field_consent(check, story)


@dataclass(frozen=True)
class PersonField:
    """A story field that shows a person, whatever the story's type, and the scope it needs."""

    field: str
    scope: str
    rule: str
    agreed: str  # "has not agreed to <agreed>"
    everyone: bool  # every advocate named (anyone may be on camera), or only the primary (their words)


PERSON_FIELDS = (
    PersonField("quote", "quote", "consent-quote-missing", "be quoted", everyone=False),
    PersonField("video", "video", "consent-video-missing", "appear on video", everyone=True),
)


def check_field_consent(check: StoryCheck, story: Story) -> None:
    """Each field that shows a person needs its own scope: the type's scope does not imply it."""
    for person_field in PERSON_FIELDS:
        if not getattr(story, person_field.field) or person_field.scope == story.type:
            continue  # absent, or the type check above already asked every advocate for this scope
        shown = story.advocates if person_field.everyone else story.advocates[:1]
        for advocate in shown:
            if person_field.scope not in advocate.consent.scopes:
                check.at(
                    (person_field.field,),
                    person_field.rule,
                    f"{advocate.id} has not agreed to {person_field.agreed}, so this story is withheld",
                    f"remove the {person_field.field}, or ask the program owner for the {person_field.scope} scope",
                    Severity.WARNING,
                )


def resolve_story(
    file: StoryFile,
    registry: Registry,
    taxonomy: Taxonomy,
    config: PortalConfig,
    root: Path,
    on: dt.date,
    private: list[Issue] | None = None,
) -> tuple[Story | None, Status, list[Issue]]:
    """Turn a shape-checked story into a record, and decide whether it may be published.

    ``private``: the story's private-value issues, when the caller kept them from an earlier
    load of the same file against the same registry (the preview); else found here.
    """
    if private is None:
        private = registry_private_values(file, registry)
    if file.front is None:
        return None, Status.INVALID, list(file.issues) + _sections_of_unreadable(file, config) + private
    front, check = file.front, StoryCheck(file)
    check.issues += private
    advocates = resolve_advocates(check, front, registry)
    company = advocates[0].company if advocates else None
    facets = _facets(check, front, taxonomy, company)
    lang = front.lang or config.lang
    check_type_fields(check, front)
    check_dates(check, front)
    check_aliases(check, front, language_prefixes(config))
    check.issues += check_unconsented_names(check.file, advocates, registry, on)
    check_comments(check)
    check_sections(check, front.type.value, config, lang)
    check_body_images(check, root, config, check_body(check))
    video = check_video(check, front)
    image = check_image(check, root, config, front.image, ("image",))
    if check.errors or company is None or None in facets[:3]:
        return None, Status.INVALID, check.issues
    story = _record(file, front, advocates, facets, lang, video, image)
    check_consent(check, story, on)
    return story, _status(front, check, on), check.issues


def registry_private_values(file: StoryFile, registry: Registry) -> list[Issue]:
    """Every private registry value the story shows (the costliest check: it renders the body)."""
    return story_private_values(file, registry.private_matcher, [*registry.private, *registry.internal_values()])


def _sections_of_unreadable(file: StoryFile, config: PortalConfig) -> list[Issue]:
    """Section problems of a story whose front matter has errors, so a writer sees all in one run."""
    data = file.parsed.data if file.parsed is not None else dict(file.front_hints)
    if not isinstance(data, dict):
        return []
    lang = found if isinstance(found := data.get("lang"), str) else config.lang
    check = StoryCheck(file)
    check_sections(check, data.get("type"), config, lang)
    return check.issues


def _facets(check: StoryCheck, front: StoryIn, taxonomy: Taxonomy, company: Company | None) -> FacetTerms:
    def single(facet: str, own: str | None, default: Term | None) -> Term | None:
        return default if own is None else resolve_term(check, taxonomy, facet, own, (facet,))

    return (
        single("industry", front.industry, company.industry if company else None),
        single("company_size", front.company_size, company.size if company else None),
        single("region", front.region, company.region if company else None),
        resolve_terms(check, taxonomy, "products", front.products),
        resolve_terms(check, taxonomy, "use_cases", front.use_cases),
    )


def _status(front: StoryIn, check: StoryCheck, on: dt.date) -> Status:
    if front.draft:
        return Status.DRAFT
    if front.published > on:
        return Status.SCHEDULED
    return Status.WITHHELD if check.issues else Status.PUBLISHED


def _record(
    file: StoryFile,
    front: StoryIn,
    advocates: tuple[Advocate, ...],
    facets: FacetTerms,
    lang: str,
    video: Video | None,
    image: str | None,
) -> Story:
    industry, size, region, products, use_cases = facets
    assert industry is not None and size is not None and region is not None  # resolve_story checked them
    return Story(
        slug=file.ref.slug,
        source=file.ref.source,
        type=front.type,
        title=front.title,
        summary=front.summary,
        advocates=advocates,
        published=front.published,
        industry=industry,
        company_size=size,
        region=region,
        lang=lang,
        body=file.body,
        body_line=file.body_line,
        updated=front.updated,
        products=products,
        use_cases=use_cases,
        tags=tuple(front.tags),
        metrics=tuple(Metric(m.value, m.label) for m in front.metrics),
        quote=front.quote,
        video=video,
        image=image,
        featured=front.featured,
        draft=front.draft,
        aliases=tuple(front.aliases),
        content_hash=file.content_hash,
        translation_of=front.translation_of,
    )


def check_unique_urls(
    stories: list[Story],
    files: dict[str, StoryFile],
    prefixes: frozenset[str] = frozenset(),
    handwritten: Mapping[str, str] | None = None,
) -> list[Issue]:
    """An alias must not repeat another alias or take a story's address (or a place inside it),
    nor a hand-written page's (``handwritten``: address -> file in docs/, docspages.handwritten_addresses).

    Publishable stories claim their aliases, in file order; a story that already has errors is
    checked too (every problem in one pass), but claims nothing, so it cannot withhold another.
    """
    pages = {f"/stories/{f.ref.slug}/": source for source, f in files.items()}  # whatever their status
    owners = dict(pages)
    valid = {s.source for s in stories}
    # Only files with aliases can be reported on (10,000 stories, a handful with aliases).
    with_aliases = {s for s, f in files.items() if f.front is not None and f.front.aliases}
    issues = []
    for source in sorted(valid & with_aliases) + sorted(with_aliases - valid):
        check, front = StoryCheck(files[source]), files[source].front
        for index, alias in enumerate(front.aliases if front else ()):
            if not _alias_shape(alias) or reserved_address(alias, prefixes):
                continue  # reported by check_aliases
            if handwritten and alias in handwritten:
                _alias_reserved(check, index, alias, f"it is the address of the hand-written page {handwritten[alias]}")
            elif reason := _inside_story_page(alias, files[source].ref.slug, pages):
                _alias_reserved(check, index, alias, reason)
            elif owners.get(alias, source) != source:
                check.at(
                    ("aliases", index),
                    "story-duplicate-alias",
                    f"The address {alias} is already used by {owners[alias]}",
                    "remove one of them",
                )
            elif source in valid:
                owners[alias] = source
        issues += check.issues
    return issues


def _inside_story_page(alias: str, slug: str, pages: dict[str, str]) -> str | None:
    """A redirect over the story's own page, or inside any story's folder (its images live there)."""
    if alias == f"/stories/{slug}/":
        return "it is this story's own address"
    parts = alias.strip("/").split("/")
    for depth in range(1, len(parts)):
        owner = pages.get("/" + "/".join(parts[:depth]) + "/")
        if owner is not None:
            return f"it is inside the address of {owner}"
    return None
