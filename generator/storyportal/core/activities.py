"""Reference activities: what an advocate can be asked to do beyond appearing in a story.

One table for the whole tool: the consent scopes (``core/schema.py``), the registry's
``activities`` block and request log, ``storyportal request``, ``match --activity``, the
report and the internal roster all read it. Each activity is a bigger ask than the one
before it in a sales cycle, so each has its own consent scope and its own limit.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class Activity(str, enum.Enum):
    REFERENCE_CALL = "reference-call"
    SITE_VISIT = "site-visit"
    WEBINAR = "webinar"
    EVENT_SPEAKER = "event-speaker"
    PRESS = "press"
    ANALYST = "analyst"
    PEER_REVIEW = "peer-review"
    ADVISORY_BOARD = "advisory-board"


class Period(str, enum.Enum):
    """The window a limit counts in: calendar month, quarter or year."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Outcome(str, enum.Enum):
    REQUESTED = "requested"  # asked, no answer yet
    SCHEDULED = "scheduled"  # agreed, not yet happened
    DONE = "done"
    DECLINED = "declined"  # the advocate said no: a sign of fatigue
    CANCELLED = "cancelled"  # called off by our side; counts for nothing


# Limits count what happened or is about to; a decline or cancellation used no slot.
COUNTED = frozenset({Outcome.SCHEDULED, Outcome.DONE})
# The cool-down runs from the last time the advocate was asked at all, whatever they said.
ASKED = frozenset({Outcome.REQUESTED, Outcome.SCHEDULED, Outcome.DONE, Outcome.DECLINED})


@dataclass(frozen=True)
class ActivityInfo:
    label: str
    period: Period  # the default window of a limit, when the registry names none
    what: str  # one line for the README, the report and refusals


ACTIVITIES: dict[Activity, ActivityInfo] = {
    Activity.REFERENCE_CALL: ActivityInfo("Reference call", Period.QUARTER, "a call with a prospect"),
    Activity.SITE_VISIT: ActivityInfo("Site visit", Period.YEAR, "prospects visit the advocate's site"),
    Activity.WEBINAR: ActivityInfo("Webinar", Period.YEAR, "co-hosts a webinar with us"),
    Activity.EVENT_SPEAKER: ActivityInfo("Event speaker", Period.YEAR, "speaks at a conference or event"),
    Activity.PRESS: ActivityInfo("Press", Period.YEAR, "talks to journalists about us"),
    Activity.ANALYST: ActivityInfo("Analyst reference", Period.YEAR, "talks to an industry analyst"),
    Activity.PEER_REVIEW: ActivityInfo("Peer review", Period.YEAR, "writes a review on a review site"),
    Activity.ADVISORY_BOARD: ActivityInfo("Advisory board", Period.YEAR, "sits on the customer advisory board"),
}
ACTIVITY_IDS = tuple(a.value for a in Activity)


def label_of(activity: str) -> str:
    return ACTIVITIES[Activity(activity)].label


def period_key(day: dt.date, period: Period) -> tuple[int, int]:
    """Which window ``day`` falls in: (year, month), (year, quarter) or (year, 0)."""
    if period is Period.MONTH:
        return day.year, day.month
    if period is Period.QUARTER:
        return day.year, (day.month - 1) // 3 + 1
    return day.year, 0


def period_label(day: dt.date, period: Period) -> str:
    """``2026-11``, ``2026 Q4`` or ``2026``: the window ``day`` falls in, for people."""
    year, part = period_key(day, period)
    if period is Period.MONTH:
        return f"{year}-{part:02d}"
    return f"{year} Q{part}" if period is Period.QUARTER else str(year)


def period_end(day: dt.date, period: Period) -> dt.date:
    """The last day of the window ``day`` falls in."""
    year, part = period_key(day, period)
    if period is Period.YEAR:
        return dt.date(year, 12, 31)
    last_month = part if period is Period.MONTH else part * 3
    first_of_next = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)
