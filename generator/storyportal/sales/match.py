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

Stories: published only, score above 0 (every story when the prospect names
nothing), highest score first, ties newest first, then by slug.

Advocates: only those who can take a call on the build date (the roster of
:func:`storyportal.sales.roster`: available, consent covers ``reference-call``
and has not expired or been revoked, calls left this quarter). To spread the
load, the score is multiplied by a load factor that falls with this quarter's
calls: ``(1 + calls left / max per quarter) / 2``, so 1 for an advocate not yet
called this quarter, 3/4 for one who has used half their calls, never below 1/2.
Relevance still leads (a much better match wins even when busier), but between
similar matches the one called less often is named first, so the same person is
not always asked. Ties go to the higher relevance, then more calls left, then
fewer calls this quarter, then the least recently called, then the id.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from fractions import Fraction

from storyportal.core.config import FACET_LABELS
from storyportal.core.errors import did_you_mean_or_allowed
from storyportal.core.model import StoryType, Taxonomy
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


@dataclass(frozen=True)
class AdvocateMatch:
    entry: RosterEntry  # internal: calls left, owner to contact, stories
    score: int  # relevance before the load factor
    weighted_score: float  # score x load factor, rounded for display
    reasons: tuple[Reason, ...]


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
    resolved, problems = {}, []
    for name, facet in FACET_OF.items():
        values = tuple(normalize(taxonomy, facet, v) for v in prospect.values(name))
        problems += [unknown_value(taxonomy, facet, v) for v in values if taxonomy.term(facet, v) is None]
        resolved[name] = values if name in ("products", "use_cases") else (values[0] if values else None)
    return Prospect(**resolved), problems


# -- scoring --------------------------------------------------------------------


def reasons_for(prospect: Prospect, facets: Facets) -> tuple[Reason, ...]:
    """What ``facets`` share with the prospect, in a fixed order."""
    return tuple(
        Reason(facet, slug, WEIGHTS[facet])
        for name, facet in FACET_OF.items()
        for slug in prospect.values(name)
        if slug in _as_set(getattr(facets, facet))
    )


def _as_set(value) -> frozenset[str]:
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


def rank_stories(prospect: Prospect, rows: list[SalesRow]) -> list[StoryMatch]:
    """Best first; ties newest first, then by slug."""
    found = []
    for row in rows:
        reasons = reasons_for(prospect, row_facets(row))
        if reasons or prospect.is_empty:
            found.append(StoryMatch(row, sum(r.weight for r in reasons), reasons))
    return sorted(found, key=lambda m: (-m.score, -m.row.published.toordinal(), m.row.slug))


def load_factor(entry: RosterEntry) -> Fraction:
    """1 when no call was taken this quarter, falling towards 1/2 as the quota fills."""
    return (1 + Fraction(entry.calls_left_this_quarter, max(entry.max_per_quarter, 1))) / 2


def advocate_key(match: AdvocateMatch) -> tuple:
    entry = match.entry
    last = entry.last_call.toordinal() if entry.last_call else 0
    return (
        -match.score * load_factor(entry),
        -match.score,
        -entry.calls_left_this_quarter,
        entry.calls_this_quarter,
        last,
        entry.advocate,
    )


def rank_advocates(prospect: Prospect, entries: list[RosterEntry], rows: dict[str, SalesRow]) -> list[AdvocateMatch]:
    """Relevance times load factor, best first (see the module docstring)."""
    found = []
    for entry in entries:
        reasons = reasons_for(prospect, advocate_facets(entry, rows))
        if reasons or prospect.is_empty:
            score = sum(r.weight for r in reasons)
            found.append(AdvocateMatch(entry, score, round(float(score * load_factor(entry)), 2), reasons))
    return sorted(found, key=advocate_key)


def match(portal, prospect: Prospect, limit: int = 5) -> MatchResult:
    """The ``limit`` best stories and reference advocates for ``prospect``.

    Raises :class:`ProspectError` if the prospect names an unknown taxonomy value;
    call :func:`resolve_prospect` first to report problems as values.
    """
    prospect, problems = resolve_prospect(portal.taxonomy, prospect)
    if problems:
        raise ProspectError(problems)
    rows = sales_rows(portal)
    by_slug = {row.slug: row for row in rows}
    stories = rank_stories(prospect, rows)[:limit]
    advocates = rank_advocates(prospect, roster(portal), by_slug)[:limit]
    return MatchResult(prospect, portal.today, tuple(stories), tuple(advocates))


# -- rendering ------------------------------------------------------------------


def describe_prospect(prospect: Prospect, taxonomy: Taxonomy) -> str:
    parts = [taxonomy.term(facet, slug).label for name, facet in FACET_OF.items() for slug in prospect.values(name)]
    return ", ".join(parts) or "any prospect"


def _story_text(number: int, m: StoryMatch) -> list[str]:
    row = m.row
    facts = [StoryType(row.type).label, row.company, f"published {row.published.isoformat()}"]
    if row.headline_metric:
        facts.append(row.headline_metric)
    if row.stale:
        facts.append("older story")
    lines = [f"{number:2}. {row.title}", f"    {' · '.join(facts)}"]
    if m.reasons:
        lines.append(f"    why: {', '.join(map(str, m.reasons))}")
    return lines + [f"    {row.url}"]


def _advocate_text(number: int, m: AdvocateMatch) -> list[str]:
    e = m.entry
    who = ", ".join(part for part in (e.name, e.title, e.company) if part)
    last = f"last call {e.last_call.isoformat()}" if e.last_call else "no calls yet"
    lines = [f"{number:2}. {who}" + ("" if e.name_public else " (do not name to the prospect)")]
    if m.reasons:
        lines.append(f"    why: {', '.join(map(str, m.reasons))}")
    lines.append(f"    calls left this quarter: {e.calls_left_this_quarter} of {e.max_per_quarter} · {last}")
    return lines + [f"    ask: {e.owner or 'no account owner on file'}"]


def render_text(result: MatchResult, taxonomy: Taxonomy) -> str:
    """For a sales rep: the stories to send, then whom to ask for a reference call."""
    lines = [f"Stories for {describe_prospect(result.prospect, taxonomy)} (as of {result.on.isoformat()})", ""]
    for number, m in enumerate(result.stories, 1):
        lines += _story_text(number, m)
    if not result.stories:
        lines.append("    No published story matches; try fewer criteria.")
    lines += ["", "Reference calls (ask the account owner; never contact the advocate directly)", ""]
    for number, m in enumerate(result.advocates, 1):
        lines += _advocate_text(number, m)
    if not result.advocates:
        lines.append("    No matching advocate can take a call this quarter.")
    return "\n".join(lines) + "\n"


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def result_dict(result: MatchResult) -> dict:
    """Plain data for JSON: the prospect, stories and advocates with their reasons."""
    prospect = {f.name: _plain(getattr(result.prospect, f.name)) for f in fields(result.prospect)}
    stories = [{**row_dict(m.row), "score": m.score, "reasons": [str(r) for r in m.reasons]} for m in result.stories]
    advocates = [
        {
            **{f.name: _plain(getattr(m.entry, f.name)) for f in fields(m.entry)},
            "score": m.score,
            "weighted_score": m.weighted_score,
            "reasons": [str(r) for r in m.reasons],
        }
        for m in result.advocates
    ]
    return {"build_date": result.on.isoformat(), "prospect": prospect, "stories": stories, "advocates": advocates}


def render_json(result: MatchResult) -> str:
    return json.dumps(result_dict(result), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
