"""``storyportal new``: start a story file from the registry, ready to fill in.

The file is written so that it *fails* validation until the writer has filled
it in, and passes as soon as they have: every text the writer must supply is an
empty string (``title: ""``), which the schema refuses with a located message
("'title' is empty"). Placeholder words like "TODO: title" would be valid YAML
and valid text, so an unfilled story could be published; an empty value cannot.
Guidance for the writer is in YAML comments and, in the body, in HTML comments,
which are never published.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from storyportal.cli.output import Exit, fail, format_text, settings_or_report
from storyportal.core.config import PortalConfig, SiteSettings
from storyportal.core.errors import closest
from storyportal.core.issues import Severity
from storyportal.core.languages import LANG_CODE_SHAPE
from storyportal.core.model import Advocate, Registry, Taxonomy
from storyportal.core.portal import build_date
from storyportal.core.registry import build_taxonomy, load_registry
from storyportal.core.rules import resolve_story
from storyportal.core.schema import StoryType
from storyportal.core.slugs import SLUG, slugify, unspellable_script
from storyportal.core.stories import StoryRef, read_story, slug_problems

MAX_SLUG = 60


class Refusal(Exception):
    """The story cannot be started; the message is one line for the writer."""


@dataclass(frozen=True)
class NewStory:
    """What the writer asked for, checked against the registry."""

    type: str
    advocates: tuple[Advocate, ...]
    title: str
    slug: str
    lang: str | None
    today: dt.date

    @property
    def primary(self) -> Advocate:
        return self.advocates[0]


def register(commands, common) -> None:
    """Adds ``storyportal new``."""
    parser = commands.add_parser("new", help="start a new story file for an advocate, with the right fields")
    common(parser)
    parser.add_argument("type", choices=[t.value for t in StoryType], help="the kind of story")
    parser.add_argument(
        "--advocate",
        action="append",
        required=True,
        metavar="ID",
        help="an advocate id from advocates.yaml; repeat for more, the primary first",
    )
    parser.add_argument("--title", default="", help="the headline (you can also fill it in later)")
    parser.add_argument("--slug", default=None, help="the file name and web address (default: made from the title)")
    parser.add_argument("--lang", default=None, help="the story's language, if not the site's")
    parser.set_defaults(run=run_new)


def run_new(args) -> int:
    settings = settings_or_report(args.config_file)
    if settings is None:
        return Exit.USAGE
    today = build_date(args.build_date or settings.portal.build_date)
    try:
        check_typed(args)
        taxonomy = build_taxonomy(settings.portal)
        registry = load_story_registry(settings, taxonomy)
        story = plan_new_story(
            registry, args.type, args.advocate, args.title, args.slug, args.lang, today, settings.portal.lang
        )
        check_would_pass(settings, registry, taxonomy, story)
        path = write_story(settings, story)
    except Refusal as exc:
        # A refusal, not a crash: the writer's mistake in their own words, as `new` was asked.
        return fail(str(exc), Exit.PROBLEMS)
    sys.stdout.write(next_steps(path, story))
    return Exit.OK


def check_typed(args) -> None:
    """Refuse text the terminal did not pass as UTF-8: Python keeps such bytes as lone surrogates,
    which no file can hold."""
    typed = [("--title", args.title), ("--slug", args.slug), ("--lang", args.lang)]
    typed += [("--advocate", ident) for ident in args.advocate]
    for option, value in typed:
        if value is not None and any("\ud800" <= char <= "\udfff" for char in value):
            raise Refusal(
                f"{option} holds characters that are not UTF-8 text (set your terminal's character encoding "
                "to UTF-8, or type the text again)"
            )


def load_story_registry(settings: SiteSettings, taxonomy: Taxonomy) -> Registry:
    registry, issues = load_registry(settings.root, settings.portal, taxonomy)
    if registry is None:
        sys.stderr.write(format_text(issues))  # every reason, as validate would list them
        raise Refusal(f"the advocate registry {settings.portal.registry} cannot be read: fix the error(s) above first")
    return registry


def plan_new_story(
    registry: Registry,
    kind: str,
    ids: list[str],
    title: str,
    slug: str | None,
    lang: str | None,
    today: dt.date,
    site_lang: str = "en",
) -> NewStory:
    """Check the request against the registry; raise Refusal with the reason."""
    advocates = tuple(check_advocate(registry, ident, kind, today) for ident in ids)
    if kind == StoryType.TESTIMONIAL.value and "quote" not in advocates[0].consent.scopes:
        raise Refusal(
            f"{advocates[0].id} has not agreed to be quoted, and a testimonial is a quote "
            "(ask the program owner for the quote scope in advocates.yaml)"
        )
    slug = slug if slug is not None else default_slug(title, advocates[0], kind, lang or site_lang)
    if not SLUG.match(slug):
        raise Refusal(
            f"'{slug}' cannot be a file name and web address: use lowercase letters a-z, digits "
            f"and '-', like '{slugify(slug)[:MAX_SLUG].strip('-')}'"
        )
    if lang is not None and not re.fullmatch(LANG_CODE_SHAPE, lang):
        raise Refusal(f"'{lang}' is not a language code: use one like en, de or fr-CA")
    return NewStory(kind, advocates, title.strip(), slug, lang, today)


def check_advocate(registry: Registry, ident: str, kind: str, today: dt.date) -> Advocate:
    if ident in registry.broken:
        raise Refusal(
            f"the advocate '{ident}' has errors in advocates.yaml; run storyportal validate and fix them first"
        )
    advocate = registry.advocates.get(ident)
    if advocate is None:
        near = closest(ident, registry.advocates, cutoff=0.75)
        hint = f"did you mean '{near}'?" if near else "check the spelling, or ask the program owner to add them"
        raise Refusal(f"there is no advocate '{ident}' in advocates.yaml ({hint})")
    consent = advocate.consent
    problem = consent.problem(today)
    if problem == "revoked":
        raise Refusal(f"{ident} has withdrawn consent, so no story about them can be published")
    if problem == "expired":
        raise Refusal(
            f"{ident}'s consent expired on {consent.expires}, so the story could not be published "
            "(ask the program owner to renew it in advocates.yaml)"
        )
    if problem == "not-yet-granted":
        raise Refusal(f"{ident}'s consent only starts on {consent.granted}; start the story on or after that day")
    if kind not in consent.scopes:
        raise Refusal(
            f"{ident} has not agreed to appear in a {kind} (their consent covers: {', '.join(sorted(consent.scopes))})"
        )
    return advocate


def default_slug(title: str, advocate: Advocate, kind: str, lang: str | None = None) -> str:
    """From the title, transliterated and cut at a word boundary; without a title, ``<company>-<type>``."""
    if not title.strip():
        return f"{advocate.company.id}-{kind}"
    script = unspellable_script(title)
    if script:
        # Guessing would publish an address readers cannot read (東京 becomes "dongjing").
        raise Refusal(
            f"the title is written partly in {script}, which has no Latin spelling fit for a web address: "
            "choose the address yourself with --slug, in lowercase letters a-z, digits and '-' "
            "(for example --slug tokyo-launch)"
        )
    slug = slugify(title, lang)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def check_would_pass(settings: SiteSettings, registry: Registry, taxonomy: Taxonomy, story: NewStory) -> None:
    """Refuse a story that validate would refuse whatever the writer fills in (a reserved or overlong
    address, a title with invisible characters or over its limit, a language code YAML misreads): the
    rules validate runs, on the file as it would be once its TODO values and sections are filled."""
    config = settings.portal
    ref = StoryRef(f"{config.stories_dir}/{story.slug}.md", story.slug, config.stories_dir)
    text = fill_placeholders(render_story(config, story))
    file = read_story(ref, text.encode("utf-8"), config)
    _, _, issues = resolve_story(file, registry, taxonomy, config, settings.root, story.today)
    problems = [i for i in [*slug_problems([ref]), *issues] if i.severity is Severity.ERROR]
    if problems:
        sys.stderr.write(format_text(problems))
        raise Refusal(
            f"{_shown(settings.root / ref.source)} was not written: storyportal validate would refuse it for the "
            "reason(s) above, whatever you fill in (choose another --title, --slug or --lang)"
        )


# What a writer types over each TODO value, to check the rest of the file as it will be once filled in.
_FILLED = {"title": "A headline", "summary": "A summary.", "quote": "A quote.", "url": "https://youtu.be/aaaaaaaaaaa"}


def fill_placeholders(text: str) -> str:
    """``text`` with every empty TODO value and every section filled, as the writer will fill them."""
    for field, value in _FILLED.items():
        text = re.sub(rf'^(\s*{field}: )""', rf"\g<1>{_scalar(value)}", text, flags=re.M)
    return re.sub(r"^(## .+)$", r"\1\n\nWhat happened.", text, flags=re.M)


def write_story(settings: SiteSettings, story: NewStory) -> Path:
    """Write ``<stories_dir>/<slug>.md``; never overwrite anything."""
    folder = settings.root / settings.portal.stories_dir
    path = folder / f"{story.slug}.md"
    for taken in (path, folder / story.slug):
        if taken.exists() or taken.is_symlink():
            raise Refusal(
                f"{_shown(taken)} already exists; choose another name with --slug "
                "(an existing story is never overwritten)"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(render_story(settings.portal, story))
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        if blocker is None:
            raise Refusal(f"{_shown(path)} already exists; choose another name with --slug") from None
        raise Refusal(
            f"{_shown(blocker)} is a file, in the way of the stories folder '{settings.portal.stories_dir}': "
            "move it away, or set stories_dir in mkdocs.yml to the folder of the stories"
        ) from None
    except OSError as exc:
        raise Refusal(f"{_shown(path)} cannot be written: {exc.strerror or exc}") from None
    return path


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# -- the file -------------------------------------------------------------------


def render_story(config: PortalConfig, story: NewStory) -> str:
    """The whole file: front matter for the type, then the body's guidance."""
    return "---\n" + render_front(config, story) + "---\n" + render_new_body(config, story)


def _scalar(text: str) -> str:
    """A YAML double-quoted string (empty when there is no text yet)."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=10_000).strip()


def render_front(config: PortalConfig, story: NewStory) -> str:
    company, ids = story.primary.company, ", ".join(a.id for a in story.advocates)
    who = (
        f"{story.primary.name}, {story.primary.title} at {company.name}"
        if story.primary.title
        else f"{story.primary.name} of {company.name}"
    )
    lines = [
        f"# A new {story.type}, started on {story.today}. Fill in every value marked TODO:",
        "# the story is refused until each one is filled in, and passes as soon as they are.",
        f"title: {_scalar(story.title)}" + ("" if story.title else "  # TODO: the headline, at most 120 characters"),
        f"type: {story.type}",
        f"advocates: [{ids}]  # {who}",
        'summary: ""  # TODO: one sentence for cards, search results and link previews, at most 300 characters',
        f"published: {story.today}",
    ]
    if story.lang:
        lines.append(f"lang: {story.lang}")
    lines += _facet_lines(config, story)
    lines += _type_lines(story)
    return "\n".join(lines) + "\n"


def _facet_lines(config: PortalConfig, story: NewStory) -> list[str]:
    company, taxonomy = story.primary.company, config.taxonomy
    return [
        f"# These three follow the company's entry in advocates.yaml ({company.name}).",
        "# Remove the '# ' in front of one only if this story differs, e.g. it is about a subsidiary.",
        f"# industry: {company.industry.slug}",
        f"# company_size: {company.size.slug}",
        f"# region: {company.region.slug}",
        "products: []  # optional, any of: " + (", ".join(taxonomy.products) or "(none configured)"),
        "use_cases: []  # optional, any of: " + (", ".join(taxonomy.use_cases) or "(none configured)"),
        "tags: []  # optional, free words for search",
        "# metrics:  # optional, up to 6 headline numbers, the value in quotes",
        '#   - value: "40%"',
        "#     label: faster onboarding",
    ]


def _type_lines(story: NewStory) -> list[str]:
    if story.type == StoryType.TESTIMONIAL.value:
        return ['quote: ""  # TODO: the advocate\'s words, exactly as they approved them']
    if story.type == StoryType.VIDEO.value:
        return [
            "video:",
            '  url: ""  # TODO: the address of the video page (YouTube, Vimeo, Wistia or Loom)',
            '  # duration: "2:45"  # optional, in quotes',
            "  transcript: false  # true once the body below holds the transcript",
        ]
    if "quote" in story.primary.consent.scopes:
        return ['# quote: "..."  # optional: a pull quote, exactly as the advocate approved it']
    return []


# Interview questions, from before to after; the body's sections share them out.
BEFORE: tuple[str, ...] = (
    "How did the work go before? What did a normal week look like for the team?",
    "What problem did you want solved, and why then? What did it cost you: time, money, customers?",
)
DURING: tuple[str, ...] = (
    "Did you hesitate about anything before choosing us? What convinced you?",
    "What did you set up, who was involved, and how long did it take?",
)
AFTER: tuple[str, ...] = (
    "How does the work go now? What changed for the team and for your customers?",
    "How did the product help? Which numbers show it? (Put the best ones under metrics: above.)",
)


def render_new_body(config: PortalConfig, story: NewStory) -> str:
    if story.type == StoryType.CASE_STUDY.value:
        sections = config.sections_for(story.lang or config.lang)
        return "".join(_section(name, questions) for name, questions in zip(sections, share_questions(len(sections))))
    if story.type == StoryType.VIDEO.value:
        return _comment(
            (
                "Optional: a short introduction to the video, or its full transcript",
                "(then set transcript: true above).",
            )
        )
    return _comment(("Optional: a few sentences of context around the quote: who said it, and about what.",))


def share_questions(count: int) -> list[tuple[str, ...]]:
    """The questions for ``count`` sections: the first asks about before, the last about after."""
    if count == 0:
        return []
    if count == 1:
        return [BEFORE + DURING + AFTER]
    if count == 2:
        return [BEFORE + DURING, AFTER]
    return [BEFORE] + [DURING] * (count - 2) + [AFTER]


def _section(name: str, questions: tuple[str, ...]) -> str:
    return f"\n## {name}\n\n" + _comment(
        ("Questions to ask the advocate (this comment is never published):",) + tuple(f"- {q}" for q in questions)
    )


def _comment(lines: tuple[str, ...]) -> str:
    text = "\n".join(line.replace("--", "-") for line in lines)  # '--' could end the comment early
    return f"<!--\n{text}\n-->\n"


def next_steps(path: Path, story: NewStory) -> str:
    todo = "title, summary" if not story.title else "summary"
    todo += {"testimonial": ", quote", "video": ", video url"}.get(story.type, "")
    steps = [
        f"Wrote {_shown(path)}",
        "Next steps:",
        f"  1. Fill in every value marked TODO ({todo}); the story is refused until you do.",
    ]
    if story.type == StoryType.CASE_STUDY.value:
        steps.append(
            "  2. Write each section; the questions in <!-- --> comments are guidance and are never published."
        )
    else:
        steps.append("  2. Add the body text if you like; <!-- --> comments are never published.")
    steps += [
        "  3. Check it: storyportal validate",
        "  4. Commit it on a new branch and open a pull request (see CONTRIBUTING.md).",
    ]
    return "\n".join(steps) + "\n"
