"""Match a prospect to the stories and reference advocates most like them.

A prospect is any subset of: industry, company size band, region, products and
use cases, each a taxonomy slug. Every story and advocate scores the sum of the
weights of what it shares with the prospect:

========================  ======  ==========================
shared with the prospect  weight  reason shown
========================  ======  ==========================
industry                  3       ``same industry``
company size band         1       ``same size band``
region                    1       ``same region``
each product              2       ``uses analytics``
each use case             2       ``use case onboarding``
========================  ======  ==========================

Industry weighs most because prospects ask first for "someone like us";
products and use cases count per item because they say what the prospect
will actually do. A story's facets are its own; an advocate's are their
company's industry, size and region plus the products and use cases of the
published stories that name them.

Stories: published only (on the build date the site is built with: no drafts,
no scheduled stories, no withheld ones, so every address exists), score above 0
(every story when the prospect names nothing), highest score first. On the same
score a story published in the prospect's language (``--lang``: the original or a
translation) comes first, then one from the prospect's industry, then the newest,
then by slug. A story found in the prospect's language is shown with the address
of that language's version.

Advocates: only those who can take a call on the build date (the roster of
:func:`storyportal.sales.index.roster`: available, consent covers ``reference-call``
and has not expired or been revoked, calls left this quarter). Relevance leads:
an advocate who used a call this quarter is never ranked below a less relevant
one (an earlier version multiplied the score by a load factor down to 1/2, which
put a same-industry advocate with one call used below two advocates from other
industries). On the same score, the advocate from the prospect's industry comes
first; then, to spread the load so the same person is not always asked, the one
with the larger share of this quarter's calls left, then more calls left, fewer
calls this quarter, the least recently called, and the id.

Each result says why it scores what it does and, when it ties with the next
result, which of these tie-breaks put it ahead.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from typing import Any, TypeVar

from storyportal.core.config import FACET_LABELS
from storyportal.core.errors import did_you_mean_or_allowed
from storyportal.core.model import StoryType, Taxonomy
from storyportal.core.portal import Portal
from storyportal.sales.index import RosterEntry, SalesRow, roster, row_dict, sales_rows

WEIGHTS = {"industry": 3, "company_size": 1, "region": 1, "products": 2, "use_cases": 2}
# Prospect field -> taxonomy facet.
FACET_OF = {
    "industry": "industry",
    "size": "company_size",
    "region": "region",
    "products": "products",
    "use_cases": "use_cases",
}
FACET_NAMES = {facet: label.lower() for facet, label in FACET_LABELS.items()}  # "unknown company size 'x'"


@dataclass(frozen=True)
class Prospect:
    """Who sales is talking to; every field optional, values are taxonomy slugs."""

    industry: str | None = None
    size: str | None = None
    region: str | None = None
    products: tuple[str, ...] = ()
    use_cases: tuple[str, ...] = ()
    lang: str | None = None  # the prospect's language: stories published in it come first

    def values(self, name: str) -> tuple[str, ...]:
        value = getattr(self, name)
        if isinstance(value, tuple):
            return value
        return () if value is None else (value,)

    @property
    def is_empty(self) -> bool:
        return not any(self.values(name) for name in FACET_OF)


@dataclass(frozen=True)
class Reason:
    """One thing shared with the prospect, and what it adds to the score."""

    facet: str  # taxonomy facet
    slug: str
    weight: int

    def __str__(self) -> str:
        if self.facet == "products":
            return f"uses {self.slug}"
        if self.facet == "use_cases":
            return f"use case {self.slug}"
        return {"industry": "same industry", "company_size": "same size band", "region": "same region"}[self.facet]


@dataclass(frozen=True)
class Facets:
    """What a story or an advocate can share with a prospect."""

    industry: str
    company_size: str
    region: str
    products: frozenset[str]
    use_cases: frozenset[str]


@dataclass(frozen=True)
class StoryMatch:
    row: SalesRow  # public fields only
    score: int
    reasons: tuple[Reason, ...]
    tie_break: str = ""  # why it is ahead of the next result with the same score


@dataclass(frozen=True)
class AdvocateMatch:
    entry: RosterEntry  # internal: calls left, owner to contact, stories
    score: int
    reasons: tuple[Reason, ...]
    tie_break: str = ""  # why it is ahead of the next result with the same score


@dataclass(frozen=True)
class MatchResult:
    prospect: Prospect
    on: dt.date
    stories: tuple[StoryMatch, ...]
    advocates: tuple[AdvocateMatch, ...]


class ProspectError(ValueError):
    """The prospect names values the taxonomy does not have."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# A match list ranked with tie-break reasons: stories or advocates.
MatchT = TypeVar("MatchT", StoryMatch, AdvocateMatch)


# -- the prospect ---------------------------------------------------------------


def normalize(taxonomy: Taxonomy, facet: str, value: str) -> str:
    """The slug for ``value``: itself, or the slug whose slug or label matches ignoring case."""
    if taxonomy.term(facet, value) is not None:
        return value
    wanted = value.strip().casefold()
    for term in taxonomy.terms(facet):
        if wanted in (term.slug.casefold(), term.label.casefold()):
            return term.slug
    return value


def unknown_value(taxonomy: Taxonomy, facet: str, value: str) -> str:
    """'unknown industry 'retial': did you mean 'retail'?' (or the allowed values)."""
    slugs = [t.slug for t in taxonomy.terms(facet)]
    return f"unknown {FACET_NAMES[facet]} '{value}': {did_you_mean_or_allowed(value, slugs)}"


def resolve_prospect(taxonomy: Taxonomy, prospect: Prospect) -> tuple[Prospect, list[str]]:
    """The prospect with labels and case normalized to slugs, and a message per unknown value."""
    resolved: dict[str, Any] = {}  # Prospect's keyword arguments: a slug or None, or a tuple of slugs
    problems: list[str] = []
    for name, facet in FACET_OF.items():
        values = tuple(normalize(taxonomy, facet, v) for v in prospect.values(name))
        problems += [unknown_value(taxonomy, facet, v) for v in values if taxonomy.term(facet, v) is None]
        resolved[name] = values if name in ("products", "use_cases") else (values[0] if values else None)
    return Prospect(**resolved, lang=prospect.lang), problems


# -- scoring --------------------------------------------------------------------


def reasons_for(prospect: Prospect, facets: Facets) -> tuple[Reason, ...]:
    """What ``facets`` share with the prospect, in a fixed order."""
    return tuple(
        Reason(facet, slug, WEIGHTS[facet])
        for name, facet in FACET_OF.items()
        for slug in prospect.values(name)
        if slug in _as_set(getattr(facets, facet))
    )


def _as_set(value: str | frozenset[str]) -> frozenset[str]:
    return value if isinstance(value, frozenset) else frozenset((value,))


def row_facets(row: SalesRow) -> Facets:
    return Facets(row.industry, row.company_size, row.region, frozenset(row.products), frozenset(row.use_cases))


def advocate_facets(entry: RosterEntry, rows: dict[str, SalesRow]) -> Facets:
    """The company's facets plus the products and use cases of the advocate's stories."""
    own = [rows[slug] for slug in entry.stories if slug in rows]
    return Facets(
        entry.industry,
        entry.company_size,
        entry.region,
        frozenset(p for r in own for p in r.products),
        frozenset(u for r in own for u in r.use_cases),
    )


def _same_industry(prospect: Prospect, industry: str) -> bool:
    return prospect.industry is not None and prospect.industry == industry


def _in_language(prospect: Prospect, row: SalesRow) -> bool:
    return prospect.lang is not None and prospect.lang in row.languages


def story_key(prospect: Prospect, m: StoryMatch) -> tuple[int, bool, bool, int, str]:
    """Score, then the prospect's language, then the prospect's industry, then newest, then slug."""
    return (
        -m.score,
        not _in_language(prospect, m.row),
        not _same_industry(prospect, m.row.industry),
        -m.row.published.toordinal(),
        m.row.slug,
    )


def story_tie(step: int, m: StoryMatch) -> str:
    """Why ``m`` is ahead of a story with the same score; ``step`` is the deciding part of the key."""
    if step == 1:
        return "published in the prospect's language"
    if step == 2:
        return "same industry as the prospect"
    if step == 3:
        return f"newer (published {m.row.published.isoformat()})"
    return "the same in every way, so by address"


def in_prospect_language(prospect: Prospect, row: SalesRow) -> SalesRow:
    """The row with the address of its version in the prospect's language, when it has one."""
    urls = dict(row.language_urls)
    if prospect.lang is None or prospect.lang not in urls:
        return row
    return replace(row, url=urls[prospect.lang])


def rank_stories(prospect: Prospect, rows: list[SalesRow]) -> list[StoryMatch]:
    """Best first (see the module docstring)."""
    found = []
    for row in rows:
        reasons = reasons_for(prospect, row_facets(row))
        if reasons or prospect.is_empty:
            found.append(StoryMatch(in_prospect_language(prospect, row), sum(r.weight for r in reasons), reasons))
    return sorted(found, key=lambda m: story_key(prospect, m))


def share_left(entry: RosterEntry) -> Fraction:
    """The share of this quarter's calls still free: 1 when nobody has called yet."""
    return Fraction(entry.calls_left_this_quarter, max(entry.max_per_quarter, 1))


def advocate_key(prospect: Prospect, match: AdvocateMatch) -> tuple[int, bool, Fraction, int, int, int, str]:
    entry = match.entry
    last = entry.last_call.toordinal() if entry.last_call else 0
    return (
        -match.score,
        not _same_industry(prospect, entry.industry),
        -share_left(entry),
        -entry.calls_left_this_quarter,
        entry.calls_this_quarter,
        last,
        entry.advocate,
    )


def advocate_tie(step: int, m: AdvocateMatch) -> str:
    """Why ``m`` is ahead of an advocate with the same score; ``step`` is the deciding part of the key."""
    e = m.entry
    reasons = {
        1: "same industry as the prospect",
        2: f"more of this quarter's calls left ({e.calls_left_this_quarter} of {e.max_per_quarter})",
        3: f"more calls left this quarter ({e.calls_left_this_quarter})",
        4: f"fewer calls this quarter ({e.calls_this_quarter})",
        5: f"called less recently ({e.last_call.isoformat()})" if e.last_call else "never called",
    }
    return reasons.get(step, "the same in every way, so by id")


def with_tie_breaks(
    matches: list[MatchT], key: Callable[[MatchT], tuple[object, ...]], describe: Callable[[int, MatchT], str]
) -> list[MatchT]:
    """Each match with the reason it is ahead of the next one, when both have the same score."""
    out = []
    for index, m in enumerate(matches):
        after = matches[index + 1] if index + 1 < len(matches) else None
        if after is not None and after.score == m.score:
            mine, theirs = key(m), key(after)
            step = next((i for i in range(1, len(mine)) if mine[i] != theirs[i]), len(mine))
            m = replace(m, tie_break=describe(step, m))
        out.append(m)
    return out


def rank_advocates(prospect: Prospect, entries: list[RosterEntry], rows: dict[str, SalesRow]) -> list[AdvocateMatch]:
    """Best first (see the module docstring)."""
    found = []
    for entry in entries:
        reasons = reasons_for(prospect, advocate_facets(entry, rows))
        if reasons or prospect.is_empty:
            found.append(AdvocateMatch(entry, sum(r.weight for r in reasons), reasons))
    return sorted(found, key=lambda m: advocate_key(prospect, m))


def language_problem(portal: Portal, prospect: Prospect) -> list[str]:
    """The prospect's language must be one the site publishes in."""
    codes = [lang.code for lang in portal.languages]
    if prospect.lang is None or prospect.lang in codes:
        return []
    return [f"unknown language '{prospect.lang}': the site's languages are {', '.join(codes)}"]


def match(portal: Portal, prospect: Prospect, limit: int = 5) -> MatchResult:
    """The ``limit`` best stories and reference advocates for ``prospect``.

    Raises :class:`ProspectError` if the prospect names an unknown taxonomy value;
    call :func:`resolve_prospect` first to report problems as values.
    """
    prospect, problems = resolve_prospect(portal.taxonomy, prospect)
    problems += language_problem(portal, prospect)
    if problems:
        raise ProspectError(problems)
    rows = sales_rows(portal)
    by_slug = {row.slug: row for row in rows}
    stories = rank_stories(prospect, rows)[:limit]
    stories = with_tie_breaks(stories, lambda m: story_key(prospect, m), story_tie)
    advocates = rank_advocates(prospect, roster(portal), by_slug)[:limit]
    advocates = with_tie_breaks(advocates, lambda m: advocate_key(prospect, m), advocate_tie)
    return MatchResult(prospect, portal.today, tuple(stories), tuple(advocates))


# -- rendering ------------------------------------------------------------------


def describe_prospect(prospect: Prospect, taxonomy: Taxonomy) -> str:
    parts = [_label(taxonomy, facet, slug) for name, facet in FACET_OF.items() for slug in prospect.values(name)]
    return ", ".join(parts) or "any prospect"


SCORING = (
    "Ranked by score: same industry 3, each product or use case 2, same size band 1, same region 1; "
    "on the same score, same industry first, then newest."
)
ADVOCATE_ORDER = (
    "Ranked by score; on the same score, same industry first, then whoever has more of this quarter's calls left."
)


def _story_text(number: int, m: StoryMatch) -> list[str]:
    row = m.row
    facts = [StoryType(row.type).label, row.company, f"published {row.published.isoformat()}"]
    if row.headline_metric:
        facts.append(row.headline_metric)
    if row.stale:
        facts.append("older story")
    lines = [f"{number:2}. {row.title}", f"    {' · '.join(facts)}"]
    return lines + _why(number, m) + [f"    {row.url}"]


def _label(taxonomy: Taxonomy, facet: str, slug: str) -> str:
    term = taxonomy.term(facet, slug)
    assert term is not None  # the prospect was resolved: an unknown value stopped the match
    return term.label


def _why(number: int, m: StoryMatch | AdvocateMatch) -> list[str]:
    """The reasons with the score, and the tie-break that put the result ahead of the next."""
    lines = [f"    why: {', '.join(map(str, m.reasons))} (score {m.score})"] if m.reasons else []
    if m.tie_break:
        lines.append(f"    ahead of {number + 1} on the same score: {m.tie_break}")
    return lines


def _advocate_text(number: int, m: AdvocateMatch) -> list[str]:
    e = m.entry
    who = ", ".join(part for part in (e.name, e.title, e.company) if part)
    last = f"last call {e.last_call.isoformat()}" if e.last_call else "no calls yet"
    lines = [f"{number:2}. {who}" + ("" if e.name_public else " (do not name to the prospect)")]
    lines += _why(number, m)
    lines.append(f"    calls left this quarter: {e.calls_left_this_quarter} of {e.max_per_quarter} · {last}")
    return lines + [f"    ask: {e.owner or 'no account owner on file'}"]


def render_text(result: MatchResult, taxonomy: Taxonomy) -> str:
    """For a sales rep: the stories to send, then whom to ask for a reference call."""
    lines = [
        f"Stories for {describe_prospect(result.prospect, taxonomy)} (as of {result.on.isoformat()})",
        SCORING,
        "",
    ]
    for number, m in enumerate(result.stories, 1):
        lines += _story_text(number, m)
    if not result.stories:
        lines.append("    No published story matches; try fewer criteria.")
    lines += ["", "Reference calls (ask the account owner; never contact the advocate directly)", ADVOCATE_ORDER, ""]
    for number, am in enumerate(result.advocates, 1):
        lines += _advocate_text(number, am)
    if not result.advocates:
        lines.append("    No matching advocate can take a call this quarter.")
    return "\n".join(lines) + "\n"


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def result_dict(result: MatchResult) -> dict[str, object]:
    """Plain data for JSON: the prospect, stories and advocates with their reasons."""
    prospect = {f.name: _plain(getattr(result.prospect, f.name)) for f in fields(result.prospect)}
    stories = [
        {**row_dict(m.row), "score": m.score, "reasons": [str(r) for r in m.reasons], "tie_break": m.tie_break}
        for m in result.stories
    ]
    advocates = [
        {
            **{f.name: _plain(getattr(m.entry, f.name)) for f in fields(m.entry)},
            "score": m.score,
            "reasons": [str(r) for r in m.reasons],
            "tie_break": m.tie_break,
        }
        for m in result.advocates
    ]
    return {"build_date": result.on.isoformat(), "prospect": prospect, "stories": stories, "advocates": advocates}


def render_json(result: MatchResult) -> str:
    return json.dumps(result_dict(result), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
