"""Resolved, frozen records: what every later stage reads instead of raw dicts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from dataclasses import dataclass, field
from types import MappingProxyType

from storyportal.core.activities import Outcome, Period
from storyportal.core.issues import Issue
from storyportal.core.privacy import (
    NAME_FIELD,
    PLACEHOLDERS,
    UNNAMED_FIELD,
    PrivateMatcher,
    PrivateValue,
    build_matcher,
    normalise,
    unnamed_matcher,
)


class StoryType(str, enum.Enum):
    """The kinds of story (content contract v1); each is also the consent scope it needs."""

    CASE_STUDY = "case-study"
    TESTIMONIAL = "testimonial"
    VIDEO = "video"

    # Printed as its value ("case-study"), in messages and templates alike, like the text it replaced.
    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def label(self) -> str:
        """The name people read on cards, filters and reports."""
        return TYPE_LABELS[self]


TYPE_LABELS = MappingProxyType(
    {StoryType.CASE_STUDY: "Case study", StoryType.TESTIMONIAL: "Testimonial", StoryType.VIDEO: "Video"}
)


def or_list(words: list[str]) -> str:
    """``a, b or c``: a closed set in a message or a help text."""
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


TYPE_NAMES = or_list([t.value for t in StoryType])  # case-study, testimonial or video


@dataclass(frozen=True)
class Term:
    """One allowed value of a facet: a slug for URLs and files, a label for people."""

    facet: str
    slug: str
    label: str  # in the site's default language
    # (language, label) for each language the taxonomy names; not part of the term's identity
    labels: tuple[tuple[str, str], ...] = field(default=(), compare=False, hash=False)

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else the default language's."""
        return dict(self.labels).get(lang, self.label)


@dataclass(frozen=True)
class Taxonomy:
    facets: MappingProxyType[str, MappingProxyType[str, Term]]  # facet name -> {slug: Term}, in configuration order

    def term(self, facet: str, slug: str) -> Term | None:
        return self.facets[facet].get(slug)

    def terms(self, facet: str) -> tuple[Term, ...]:
        return tuple(self.facets[facet].values())

    def label(self, facet: str, slug: str, lang: str) -> str:
        """The label of a value in ``lang``, falling back to the default language's."""
        return self.facets[facet][slug].label_in(lang)


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    industry: Term
    size: Term
    region: Term
    website: str | None = None
    logo: str | None = None  # repository-relative path


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


class ConsentProblem(str, enum.Enum):
    """Why a consent does not hold on a day, whatever its scopes (the rule ids are consent-<value>)."""

    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_GRANTED = "not-yet-granted"


@dataclass(frozen=True)
class Consent:
    scopes: frozenset[str]
    granted: dt.date
    expires: dt.date | None = None
    revoked: bool = False

    def problem(self, on: dt.date) -> ConsentProblem | None:
        """Why this consent does not hold on ``on``, or None."""
        if self.revoked:
            return ConsentProblem.REVOKED
        if self.expires is not None and on > self.expires:
            return ConsentProblem.EXPIRED
        if on < self.granted:
            return ConsentProblem.NOT_YET_GRANTED
        return None

    def allows(self, scope: str, on: dt.date) -> bool:
        return self.problem(on) is None and scope in self.scopes


@dataclass(frozen=True)
class ReferenceCalls:
    available: bool = False
    max_per_quarter: int = 0
    log: tuple[dt.date, ...] = ()
    owner: str | None = None

    def used_in_quarter(self, on: dt.date) -> int:
        return sum(1 for day in self.log if quarter_of(day) == quarter_of(on))

    def left_in_quarter(self, on: dt.date) -> int:
        return max(0, self.max_per_quarter - self.used_in_quarter(on))


@dataclass(frozen=True)
class ActivityTerms:
    """What an advocate agreed to for one activity: availability, a limit per period, a cool-down."""

    available: bool = False
    limit: int | None = None  # None: no limit
    period: Period = Period.YEAR
    cooldown_days: int = 0


@dataclass(frozen=True)
class Request:
    """One ask in the registry's request log. Internal: never on a public page."""

    id: int
    date: dt.date
    activity: str
    rep: str
    opportunity: str
    outcome: Outcome
    exception: str | None = None  # the reason given with --force


@dataclass(frozen=True)
class Advocate:
    id: str
    name: str
    title: str | None
    company: Company
    consent: Consent
    photo: str | None = None
    reference_calls: ReferenceCalls = ReferenceCalls()
    # activity id -> ActivityTerms
    activities: MappingProxyType[str, ActivityTerms] = field(default_factory=lambda: MappingProxyType({}))
    requests: tuple[Request, ...] = ()


@dataclass(frozen=True)
class NameMention:
    """An advocate's full name in a field of the registry that pages show (read with the registry)."""

    section: str  # companies | advocates: the entry whose field it is
    ident: str
    name_normal: str  # the name found, normalised
    issue: Issue  # what to report, at the field, when that name may not be shown
    # An advocate's own name field is shown only while they may be named: their id, else None.
    shown_with: str | None = None


@dataclass(frozen=True)
class UnnamedIndex:
    """The advocates no page may name on a day, for the name scan of every story."""

    values: tuple[PrivateValue, ...]  # (id, UNNAMED_FIELD, name) of each, as unnamed_matcher takes them
    names: MappingProxyType[str, str]  # id -> name
    by_normal: MappingProxyType[str, tuple[str, ...]]  # normalised name -> the ids of who has it

    def left_out(self, named_here: set[str], names_here: set[str]) -> set[str]:
        """The ids a story may name: its own advocates with the name scope, and whoever shares a name
        with one of them (two people called Jane Doe: the story names its own)."""
        ids = {ident for ident in named_here if ident in self.names}
        for normal in names_here:
            ids.update(self.by_normal.get(normal, ()))
        return ids


@dataclass(frozen=True)
class Registry:
    companies: MappingProxyType[str, Company]  # id -> Company
    advocates: MappingProxyType[str, Advocate]  # id -> Advocate
    broken: frozenset[str] = frozenset()  # advocate ids whose entries have errors
    # Taken from the registry as parsed, broken entries included (core.privacy), only to be looked for.
    private: tuple[PrivateValue, ...] = field(default=(), repr=False)
    internal: tuple[PrivateValue, ...] = field(default=(), repr=False)  # the request log, raw as well
    # (id, name) of the broken entries that have a name, read from the registry as parsed: consent
    # that cannot be read is no consent, so no page may name them (core/registry.py).
    broken_names: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # Where a field pages show (a company's name, an advocate's name or title) holds an advocate's
    # full name, found when the registry is read; which of them may not be shown depends on the day.
    name_mentions: tuple[NameMention, ...] = field(default=(), repr=False)
    # Worked out once per day; never copied by dataclasses.replace (init=False), so a registry made
    # from another never answers with the other's.
    _name_matchers: dict[dt.date, PrivateMatcher] = field(default_factory=dict, init=False, repr=False, compare=False)
    _guarded_matchers: dict[dt.date, PrivateMatcher] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _unnamed: dict[dt.date, tuple[tuple[str, str, str], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _unnamed_index: dict[dt.date, UnnamedIndex] = field(default_factory=dict, init=False, repr=False, compare=False)
    _days: dict[dt.date, tuple[Registry, tuple[Issue, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def private_values(self) -> list[PrivateValue]:
        """(advocate id, field, value) for every private value, for the leak guard."""
        return list(self.private)

    @functools.cached_property
    def private_matcher(self) -> PrivateMatcher:
        """One matcher for every story of a build (a frozen record: built once, on first use).
        Stories are public: the request log (reps, deals) may no more appear in one than a private value."""
        return build_matcher([*self.private, *self.internal_values()])

    def unnamed(self, on: dt.date) -> tuple[tuple[str, str], ...]:
        """(id, name) of every advocate a page may not name on ``on``: no 'name' scope, or their
        consent revoked, expired or not yet granted, or an entry whose errors leave it unread. A story
        names nobody by their consent alone."""
        return tuple((ident, name) for ident, name, _ in self.unnamed_normalised(on))

    def unnamed_normalised(self, on: dt.date) -> tuple[tuple[str, str, str], ...]:
        """``unnamed(on)`` with each name normalised; worked out once per registry and day (every story asks)."""
        kept = self._unnamed.get(on)
        if kept is None:
            unnamed = [(a.id, a.name) for a in self.advocates.values() if not a.consent.allows("name", on)]
            normalised = [(ident, name, normalise(name)) for ident, name in [*unnamed, *self.broken_names]]
            # A name of invisible characters only is no name: nothing could show it, nor match it; nor
            # is a placeholder (Unknown, TBD): looked for everywhere, it stopped every build on the word.
            kept = self._unnamed[on] = tuple(p for p in normalised if p[2].strip() and p[2] not in PLACEHOLDERS)
        return kept

    def unnamed_index(self, on: dt.date) -> UnnamedIndex:
        """``unnamed(on)`` as the name scan of every story wants it, made once per registry and day:
        a story leaves out only its own named advocates (a lookup each), not a pass over every name."""
        kept = self._unnamed_index.get(on)
        if kept is None:
            unnamed = self.unnamed_normalised(on)
            by_normal: dict[str, list[str]] = {}
            for ident, _, normal in unnamed:
                by_normal.setdefault(normal, []).append(ident)
            kept = self._unnamed_index[on] = UnnamedIndex(
                tuple((ident, UNNAMED_FIELD, name) for ident, name, _ in unnamed),
                MappingProxyType({ident: name for ident, name, _ in unnamed}),
                MappingProxyType({normal: tuple(ids) for normal, ids in by_normal.items()}),
            )
        return kept

    def named(self, on: dt.date) -> frozenset[str]:
        """The names (normalised) of the advocates a page may name on ``on``."""
        return frozenset(normalise(a.name) for a in self.advocates.values() if a.consent.allows("name", on))

    def guarded_names(self, on: dt.date) -> list[PrivateValue]:
        """The names the leak guard looks for in a public build: every unnamed advocate's, except a
        name a named advocate also has (their own pages show it, and the guard cannot tell who is meant)."""
        named = self.named(on)
        return [(ident, NAME_FIELD, name) for ident, name in self.unnamed(on) if normalise(name) not in named]

    def guarded_name_matcher(self, on: dt.date) -> PrivateMatcher:
        """``guarded_names(on)`` as whole words: what the leak guard would find of them; built once
        per registry and day (the settings are checked with it on every load, every preview rebuild)."""
        kept = self._guarded_matchers.get(on)
        if kept is None:
            values = [(ident, UNNAMED_FIELD, name) for ident, _, name in self.guarded_names(on)]
            kept = self._guarded_matchers[on] = unnamed_matcher(values)
        return kept

    def name_matcher(self, on: dt.date) -> PrivateMatcher:
        """The names of ``unnamed(on)`` as whole words, built once per registry and day (every story asks)."""
        kept = self._name_matchers.get(on)
        if kept is None:
            values = [(ident, UNNAMED_FIELD, name) for ident, name in self.unnamed(on)]
            kept = self._name_matchers[on] = unnamed_matcher(values)
        return kept

    def on_day(self, on: dt.date) -> tuple[Registry, tuple[Issue, ...]]:
        """The registry as pages may show it on ``on``: an entry whose shown field names someone no
        page may name that day is left out, as an entry with an error is (its stories are withheld,
        its own name guarded), and each such field is reported where it is written. Leaving an
        entry out guards its name, which may be in another entry's field: repeated until none is."""
        kept = self._days.get(on)
        if kept is not None:
            return kept
        registry, issues = self, []
        while True:
            # As in a story: a name someone who may not be named has is an error, even when a named
            # advocate shares it (nobody can tell who is meant), except in that advocate's own entry.
            unnamed = {normal for _, _, normal in registry.unnamed_normalised(on)}
            named = {a.id: normalise(a.name) for a in registry.advocates.values() if a.consent.allows("name", on)}
            found = [
                m
                for m in registry.name_mentions
                if m.name_normal in unnamed
                and m.ident in registry.entries(m.section)
                and (m.shown_with is None or m.shown_with in named)
                and not (m.section == "advocates" and named.get(m.ident) == m.name_normal)
            ]
            if not found:
                break
            issues += [m.issue for m in found]
            registry = registry.without({(m.section, m.ident) for m in found})
        self._days[on] = kept = (registry, tuple(issues))
        return kept

    def entries(self, section: str) -> MappingProxyType[str, Company] | MappingProxyType[str, Advocate]:
        """The records of a section of the registry (companies | advocates), by id."""
        return self.companies if section == "companies" else self.advocates

    def without(self, entries: set[tuple[str, str]]) -> Registry:
        """This registry without the (section, id) ``entries``: a company's advocates go with it."""
        companies = {i: c for i, c in self.companies.items() if ("companies", i) not in entries}
        left_out = {
            i for i, a in self.advocates.items() if ("advocates", i) in entries or a.company.id not in companies
        }
        return dataclasses.replace(
            self,
            companies=MappingProxyType(companies),
            advocates=MappingProxyType({i: a for i, a in self.advocates.items() if i not in left_out}),
            broken=self.broken | left_out,
            broken_names=self.broken_names + tuple((i, self.advocates[i].name) for i in sorted(left_out)),
        )

    def internal_values(self) -> list[PrivateValue]:
        """(advocate id, field, value) the internal build may show but the public one never:
        the request log's reps, opportunities and exception reasons, read from the registry as
        parsed, so an entry with an unrelated error keeps its log guarded too."""
        return list(self.internal)


@dataclass(frozen=True)
class Metric:
    value: str
    label: str


@dataclass(frozen=True)
class Video:
    provider: str  # the key of its row in storyportal.core.video.PROVIDERS
    video_id: str
    url: str  # canonical watch URL
    embed_url: str  # privacy-friendly player URL, loaded only on click
    duration: str | None = None
    transcript: bool = False


class Status(str, enum.Enum):
    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published date in the future
    WITHHELD = "withheld"  # consent does not (or no longer) cover it
    INVALID = "invalid"  # the file has errors


@dataclass(frozen=True)
class Story:
    slug: str
    source: str  # repository-relative path of the Markdown file
    type: StoryType
    title: str
    summary: str
    advocates: tuple[Advocate, ...]
    published: dt.date
    industry: Term
    company_size: Term
    region: Term
    lang: str
    body: str
    body_line: int
    updated: dt.date | None = None
    products: tuple[Term, ...] = ()
    use_cases: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    quote: str | None = None
    video: Video | None = None
    image: str | None = None  # repository-relative path
    featured: bool = False
    draft: bool = False
    aliases: tuple[str, ...] = ()
    content_hash: str = ""
    translation_of: str | None = None  # the original's slug, for a translation
    prefix: str = ""  # the URL prefix of the language site the story belongs to: "" or "de/"

    @property
    def url(self) -> str:
        return f"{self.prefix}stories/{self.slug}/"

    @property
    def original(self) -> str:
        """The slug that names the story in every language: the original's."""
        return self.translation_of or self.slug

    @property
    def primary(self) -> Advocate:
        return self.advocates[0]

    @property
    def company(self) -> Company:
        return self.primary.company

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.published

    def shows(self, scope: str, on: dt.date) -> bool:
        """May the page show the primary advocate's name, logo or quote?"""
        return self.primary.consent.allows(scope, on)
