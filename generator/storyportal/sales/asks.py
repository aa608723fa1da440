"""Can an advocate be asked for an activity today? Limits, cool-downs and fatigue from the request log.

Internal: everything here reads the request log, which never reaches the public site.

- **Limits** count the asks that were scheduled or done in the window (month, quarter or
  year) the day falls in; a decline or a cancellation used no slot.
- **Cool-down**: after any ask of an activity (whatever the answer), the next ask of the
  same activity waits ``cooldown_days``.
- **Fatigue**: declines in the last 365 days, over all activities. A no is the clearest
  sign that an advocate is asked too often.

The older ``reference_calls.log`` (dates of calls taken) counts as reference calls done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storyportal.core.activities import (
    ASKED,
    COUNTED,
    Activity,
    Outcome,
    label_of,
    period_end,
    period_key,
    period_label,
)
from storyportal.core.model import ActivityTerms, Advocate, Request

FATIGUE_DAYS = 365


@dataclass(frozen=True)
class Ask:
    date: dt.date
    outcome: Outcome
    request: Request | None = None  # None: a date from the older reference_calls.log


@dataclass(frozen=True)
class Standing:
    """What an advocate can still do for one activity on one day, and why not if they cannot."""

    activity: str
    period: str  # "2026 Q4", "2026"
    limit: int | None
    used: int  # scheduled or done in the period
    left: int | None  # None: no limit
    last_asked: dt.date | None
    cooldown_until: dt.date | None  # the first day of the next possible ask, when still ahead
    declines: int  # over all activities, in the last 365 days
    refusals: tuple[str, ...]  # empty: they can be asked
    consent_refused: bool = False  # the consent does not hold or cover it: no --force can override that

    @property
    def can_ask(self) -> bool:
        return not self.refusals


def terms_of(advocate: Advocate, activity: str) -> ActivityTerms | None:
    return advocate.activities.get(activity)


def asks_of(advocate: Advocate, activity: str) -> list[Ask]:
    """Every ask of ``activity`` in date order: the request log plus the older call log."""
    found = [Ask(r.date, r.outcome, r) for r in advocate.requests if r.activity == activity]
    if activity == Activity.REFERENCE_CALL.value:
        found += [Ask(day, Outcome.DONE) for day in advocate.reference_calls.log]
    return sorted(found, key=lambda a: (a.date, a.request.id if a.request else 0))


def declines(advocate: Advocate, on: dt.date) -> int:
    since = on - dt.timedelta(days=FATIGUE_DAYS)
    return sum(1 for r in advocate.requests if r.outcome is Outcome.DECLINED and since < r.date <= on)


def standing(advocate: Advocate, activity: str, on: dt.date, *, ignore: int | None = None) -> Standing:
    """Where ``advocate`` stands for ``activity`` on ``on``; ``ignore`` leaves one request out
    (the one being updated)."""
    terms = terms_of(advocate, activity) or ActivityTerms()
    asks = [a for a in asks_of(advocate, activity) if not (a.request and a.request.id == ignore)]
    window = period_key(on, terms.period)
    used = sum(1 for a in asks if a.outcome in COUNTED and period_key(a.date, terms.period) == window)
    last = max((a.date for a in asks if a.outcome in ASKED and a.date <= on), default=None)
    until = last + dt.timedelta(days=terms.cooldown_days) if last and terms.cooldown_days else None
    left = None if terms.limit is None else max(0, terms.limit - used)
    return Standing(
        activity,
        period_label(on, terms.period),
        terms.limit,
        used,
        left,
        last,
        until if until and until > on else None,
        declines(advocate, on),
        _refusals(advocate, activity, on, terms, left, last),
        consent_refused=not advocate.consent.allows(activity, on),
    )


def _refusals(
    advocate: Advocate, activity: str, on: dt.date, terms: ActivityTerms, left: int | None, last: dt.date | None
) -> tuple[str, ...]:
    what = label_of(activity).lower()
    reasons = []
    problem = advocate.consent.problem(on)
    if problem:
        reasons.append(f"their consent is {problem.replace('-', ' ')} (on {on.isoformat()})")
    elif activity not in advocate.consent.scopes:
        reasons.append(f"their consent does not cover the {what} activity (scope '{activity}')")
    if terms_of(advocate, activity) is None:
        reasons.append(f"advocates.yaml sets no terms for the {what} activity (activities: {activity}:)")
    elif not terms.available:
        reasons.append(f"they are not available for the {what} activity now (available: false)")
    if left == 0:
        next_window = period_end(on, terms.period) + dt.timedelta(days=1)
        reasons.append(
            f"the limit of {terms.limit} per {terms.period.value} is reached for "
            f"{period_label(on, terms.period)} (next from {next_window.isoformat()})"
        )
    until = last + dt.timedelta(days=terms.cooldown_days) if last else None
    if last and until and until > on:
        reasons.append(
            f"they were last asked on {last.isoformat()}; with a cool-down of {terms.cooldown_days} days "
            f"they can be asked again from {until.isoformat()}"
        )
    return tuple(reasons)
