"""``storyportal match --activity``: whom to ask for a site visit, a webinar, a press reference...

The same relevance as reference calls (:mod:`storyportal.sales.match`: what the advocate's
company and stories share with the prospect), over the advocates who can be asked for the
activity on the build date (:func:`storyportal.sales.asks.standing`: consent, availability,
limit, cool-down). To spread asks, relevance is multiplied by a load factor that falls as the
period fills: ``(1 + left / limit) / 2`` with a limit, ``(1 + 1 / (1 + used)) / 2`` without,
so 1 for an advocate not asked this period and never below 1/2. Ties go to the higher
relevance, fewer declines in the last year, fewer asks this period, the least recently
asked, then the id.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction

from storyportal.core.activities import label_of
from storyportal.core.model import Taxonomy
from storyportal.core.portal import Portal
from storyportal.sales.asks import Standing, standing
from storyportal.sales.index import RosterEntry, SalesRow, roster_entry, sales_rows, stories_of
from storyportal.sales.match import (
    MatchResult,
    Prospect,
    Reason,
    StoryMatch,
    _story_text,
    advocate_facets,
    describe_prospect,
    rank_stories,
    reasons_for,
    resolve_prospect,
    result_dict,
)


@dataclass(frozen=True)
class ActivityMatch:
    entry: RosterEntry  # who, their company and stories, the account owner
    standing: Standing  # what they can still do for the activity this period
    score: int
    weighted_score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class ActivityResult:
    activity: str
    prospect: Prospect
    on: dt.date
    stories: tuple[StoryMatch, ...]
    advocates: tuple[ActivityMatch, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (who, why) for relevant advocates who cannot be asked now


def load_factor(now: Standing) -> Fraction:
    if now.limit:
        return (1 + Fraction(now.left or 0, now.limit)) / 2
    return (1 + Fraction(1, 1 + now.used)) / 2


def _key(m: ActivityMatch) -> tuple[Fraction, int, int, int, int, str]:
    last = m.standing.last_asked.toordinal() if m.standing.last_asked else 0
    return (-m.score * load_factor(m.standing), -m.score, m.standing.declines, m.standing.used, last, m.entry.advocate)


def candidates(portal: Portal, activity: str) -> list[tuple[RosterEntry, Standing]]:
    """Every advocate set up for ``activity``, with where they stand on the build date."""
    return [
        (
            roster_entry(advocate, portal.today, stories_of(portal, advocate.id)),
            standing(advocate, activity, portal.today),
        )
        for advocate in portal.registry.advocates.values()
        if activity in advocate.activities
    ]


def match_activity(portal: Portal, prospect: Prospect, activity: str, limit: int = 5) -> ActivityResult:
    """The best stories for ``prospect`` and the advocates to ask for ``activity``."""
    prospect, problems = resolve_prospect(portal.taxonomy, prospect)
    if problems:
        raise ValueError("; ".join(problems))
    rows = sales_rows(portal)
    by_slug: dict[str, SalesRow] = {row.slug: row for row in rows}
    found, skipped = [], []
    for entry, now in candidates(portal, activity):
        reasons = reasons_for(prospect, advocate_facets(entry, by_slug))
        if not (reasons or prospect.is_empty):
            continue
        if not now.can_ask:
            skipped.append((f"{entry.name} ({entry.company})", now.refusals[0]))
            continue
        score = sum(r.weight for r in reasons)
        found.append(ActivityMatch(entry, now, score, round(float(score * load_factor(now)), 2), reasons))
    ranked = sorted(found, key=_key)[:limit]
    stories = tuple(rank_stories(prospect, rows)[:limit])
    return ActivityResult(activity, prospect, portal.today, stories, tuple(ranked), tuple(sorted(skipped)))


def _advocate_text(number: int, m: ActivityMatch) -> list[str]:
    e, now = m.entry, m.standing
    who = ", ".join(part for part in (e.name, e.title, e.company) if part)
    lines = [f"{number:2}. {who}" + ("" if e.name_public else " (do not name to the prospect)")]
    if m.reasons:
        lines.append(f"    why: {', '.join(map(str, m.reasons))}")
    left = (
        f"{now.left} of {now.limit} left in {now.period}"
        if now.limit is not None
        else f"no limit ({now.used} in {now.period})"
    )
    last = f"last asked {now.last_asked.isoformat()}" if now.last_asked else "not asked yet"
    tired = f" · declined {now.declines} ask(s) in the last year" if now.declines else ""
    lines.append(f"    {left} · {last}{tired}")
    return lines + [f"    ask: {e.owner or 'no account owner on file'}"]


def render_text(result: ActivityResult, taxonomy: Taxonomy) -> str:
    """Stories as for ``match``, then whom to ask for the activity."""
    label = label_of(result.activity)
    lines = [f"Stories for {describe_prospect(result.prospect, taxonomy)} (as of {result.on.isoformat()})", ""]
    for number, m in enumerate(result.stories, 1):
        lines += _story_text(number, m)
    if not result.stories:
        lines.append("    No published story matches; try fewer criteria.")
    lines += ["", f"{label} (log the ask with storyportal request; never contact the advocate directly)", ""]
    for number, am in enumerate(result.advocates, 1):
        lines += _advocate_text(number, am)
    if not result.advocates:
        lines.append(f"    No matching advocate can be asked for this now ({label.lower()}).")
    if result.skipped:
        lines += ["", "Not to be asked now:"] + [f"  - {who}: {why}" for who, why in result.skipped]
    return "\n".join(lines) + "\n"


def render_json(result: ActivityResult) -> str:
    base = result_dict(MatchResult(result.prospect, result.on, result.stories, ()))
    base["activity"] = result.activity
    base["skipped"] = [{"advocate": who, "why": why} for who, why in result.skipped]
    base["advocates"] = [
        {
            "advocate": m.entry.advocate,
            "name": m.entry.name,
            "name_public": m.entry.name_public,
            "title": m.entry.title,
            "company": m.entry.company,
            "owner": m.entry.owner,
            "period": m.standing.period,
            "limit": m.standing.limit,
            "used": m.standing.used,
            "left": m.standing.left,
            "last_asked": m.standing.last_asked.isoformat() if m.standing.last_asked else None,
            "declines_last_year": m.standing.declines,
            "score": m.score,
            "weighted_score": m.weighted_score,
            "reasons": [str(r) for r in m.reasons],
        }
        for m in result.advocates
    ]
    return json.dumps(base, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
