"""The report's view of reference activities: who was asked for what, who is tired, where nobody is left.

Internal (names advocates). Judged on the build date:
- asks per advocate and activity in the current period, with the limit, the last ask and
  whether the advocate is at or near the limit or in a cool-down;
- fatigue: advocates who declined asks in the last 365 days;
- gaps: for each activity someone is set up for, the industries where nobody can be asked now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storyportal.core.activities import ACTIVITY_IDS, label_of, period_key
from storyportal.core.model import Advocate, Request
from storyportal.core.portal import Portal
from storyportal.sales.asks import Standing, asks_of, declines, standing


@dataclass(frozen=True)
class ActivityUse:
    advocate: str
    name: str
    company: str
    activity: str
    period: str  # "2026 Q4", "2026"
    used: int
    limit: int | None
    last_asked: dt.date | None
    status: str  # "at limit", "1 left", "cool-down until 2026-12-20", "available", "not available"


@dataclass(frozen=True)
class Fatigue:
    advocate: str
    name: str
    company: str
    declines: int


@dataclass(frozen=True)
class ActivityGap:
    activity: str
    industries: tuple[str, ...]  # labels of the industries with nobody to ask now


def _status(now: Standing) -> str:
    if now.left == 0:
        return "at limit"
    if now.cooldown_until:
        return f"cool-down until {now.cooldown_until.isoformat()}"
    if not now.can_ask:
        return "not available"
    return f"{now.left} left" if now.left is not None else "available"


def activity_use(portal: Portal) -> tuple[ActivityUse, ...]:
    """Every advocate and activity asked this period, or close to its limit, or cooling down."""
    found = []
    for a in portal.registry.advocates.values():
        for activity in a.activities:
            now = standing(a, activity, portal.today)
            if now.used or now.cooldown_until or now.left == 0 or _asked_this_period(a, activity, portal.today):
                found.append(
                    ActivityUse(
                        a.id,
                        a.name,
                        a.company.name,
                        activity,
                        now.period,
                        now.used,
                        now.limit,
                        now.last_asked,
                        _status(now),
                    )
                )
    return tuple(sorted(found, key=lambda u: (u.name.casefold(), ACTIVITY_IDS.index(u.activity))))


def _asked_this_period(advocate: Advocate, activity: str, on: dt.date) -> bool:
    period = advocate.activities[activity].period
    return any(
        period_key(x.date, period) == period_key(on, period) for x in asks_of(advocate, activity) if x.date <= on
    )


def fatigue(portal: Portal) -> tuple[Fatigue, ...]:
    """Advocates who said no in the last year, most declines first."""
    found = [
        Fatigue(a.id, a.name, a.company.name, n)
        for a in portal.registry.advocates.values()
        if (n := declines(a, portal.today))
    ]
    return tuple(sorted(found, key=lambda f: (-f.declines, f.name.casefold())))


def activity_gaps(portal: Portal) -> tuple[ActivityGap, ...]:
    """Per activity anyone is set up for: the industries where nobody can be asked today."""
    advocates = list(portal.registry.advocates.values())
    gaps = []
    for activity in ACTIVITY_IDS:
        if not any(activity in a.activities for a in advocates):
            continue
        covered = {a.company.industry.slug for a in advocates if standing(a, activity, portal.today).can_ask}
        missing = tuple(t.label for t in portal.taxonomy.terms("industry") if t.slug not in covered)
        if len(missing) == len(portal.taxonomy.terms("industry")):
            missing = ("every industry",)
        if missing:
            gaps.append(ActivityGap(activity, missing))
    return tuple(gaps)


def _limit(u: ActivityUse) -> str:
    return f"{u.used} of {u.limit}" if u.limit is not None else f"{u.used} (no limit)"


def text_lines(use: Sequence[ActivityUse], tired: Sequence[Fatigue], gaps: Sequence[ActivityGap]) -> list[str]:
    out = ["", "Reference activities this period (asks scheduled or done)"]
    out += [
        f"  {u.name} ({u.company}): {label_of(u.activity)} {_limit(u)} in {u.period}, "
        f"last asked {u.last_asked.isoformat() if u.last_asked else 'never'}; {u.status}"
        for u in use
    ] or ["  none"]
    out += ["", "Declined asks in the last 12 months (ask them less)"]
    out += [f"  {f.name} ({f.company}): {f.declines} declined" for f in tired] or ["  none"]
    out += ["", "Activities with nobody to ask in an industry today"]
    out += [f"  {label_of(g.activity)}: {', '.join(g.industries)}" for g in gaps] or ["  none"]
    return out


def markdown_lines(
    use: Sequence[ActivityUse],
    tired: Sequence[Fatigue],
    gaps: Sequence[ActivityGap],
    md: Callable[[str], str],
    table: Callable[[list[str], list[list[str]]], list[str]],
) -> list[str]:
    out = ["", "## Reference activities this period", ""]
    rows = [
        [
            md(u.name),
            md(u.company),
            label_of(u.activity),
            u.period,
            _limit(u),
            u.last_asked.isoformat() if u.last_asked else "never",
            u.status,
        ]
        for u in use
    ]
    out += (
        table(["Advocate", "Company", "Activity", "Period", "Asks", "Last asked", "Now"], rows) if rows else ["None."]
    )
    out += ["", "## Declined asks in the last 12 months", ""]
    out += [f"- {md(f.name)} ({md(f.company)}): {f.declines} declined" for f in tired] or ["None."]
    out += ["", "## Activities with nobody to ask in an industry today", ""]
    out += [f"- {label_of(g.activity)}: {', '.join(md(i) for i in g.industries)}" for g in gaps] or ["None."]
    return out


# -- the internal roster ---------------------------------------------------------------


@dataclass(frozen=True)
class ActivityCell:
    activity: str
    label: str
    left: str  # "1 of 2 left in 2026", "no limit (0 in 2026)"
    last_asked: dt.date | None
    blocked: str  # why they cannot be asked now ("at limit", "cool-down until ..."), or ""


@dataclass(frozen=True)
class AdvocateActivities:
    """One advocate's activities and recent asks, for the internal roster."""

    advocate: str
    name: str
    company: str
    cells: tuple[ActivityCell, ...]
    requests: tuple[Request, ...]  # the newest asks first, at most RECENT_ASKS


RECENT_ASKS = 5


def _left(now: Standing) -> str:
    if now.limit is None:
        return f"no limit ({now.used} in {now.period})"
    return f"{now.left} of {now.limit} left in {now.period}"


def activity_roster(portal: Portal) -> tuple[AdvocateActivities, ...]:
    """Every advocate set up for any activity: what they can still do this period, and their last asks."""
    rows = []
    for a in portal.registry.advocates.values():
        if not a.activities:
            continue
        cells = []
        for activity in sorted(a.activities, key=ACTIVITY_IDS.index):
            now = standing(a, activity, portal.today)
            blocked = "" if now.can_ask else _status(now)
            cells.append(ActivityCell(activity, label_of(activity), _left(now), now.last_asked, blocked))
        recent = tuple(sorted(a.requests, key=lambda r: (r.date, r.id), reverse=True)[:RECENT_ASKS])
        rows.append(AdvocateActivities(a.id, a.name, a.company.name, tuple(cells), recent))
    return tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.advocate)))
