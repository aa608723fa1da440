"""File shapes: the story front matter and the advocate registry, as pydantic models.

These models say what a field may hold; cross-file rules (does the advocate
exist, does the consent cover the story) live in :mod:`storyportal.core.rules`.
Models are strict where a wrong value could be meant two ways (``"true"`` is not a
boolean, ``1.50`` is not text), and accept what can only be meant one way: a whole
number where text is expected (a metric ``value: 66``) and a quoted ISO date
(``published: "2026-11-20"``). Text a reader sees must have visible characters.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from storyportal.core.activities import Activity, Outcome, Period
from storyportal.core.languages import LANG_CODE_SHAPE
from storyportal.core.model import TYPE_NAMES
from storyportal.core.model import StoryType as StoryType  # re-exported: the schema's callers name it from here
from storyportal.core.video import PROVIDER_NAMES

# Letters that show nothing: Hangul fillers and the braille blank (format characters are found by category).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _number_as_text(value: Any) -> Any:
    """A whole number written without quotes is unambiguous as text; a bool or a float is not."""
    return str(value) if type(value) is int else value


def _visible(text: str) -> str:
    """Refuse text made only of spaces, tabs, line breaks and invisible characters."""
    if all(c.isspace() or c in _BLANK_LETTERS or unicodedata.category(c) in ("Cf", "Cc") for c in text):
        raise PydanticCustomError("text_blank", "the text has no visible characters")
    return text


def _iso_date(value: Any) -> Any:
    """``"2026-11-20"`` in quotes means the date; anything else is left for the date check to refuse."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_impossible", "not a real date") from None
    return value


@dataclass(frozen=True)
class ShownText(GroupedMetadata):
    """Required text that readers see: a whole number is taken as text, blanks are refused.

    Metadata for ``Annotated[str, ShownText(120)]`` (pydantic unpacks it in place), so that
    type checkers see the field as ``str``.
    """

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(_number_as_text)
        yield from StringConstraints(min_length=1, max_length=self.max_length)
        yield AfterValidator(_visible)


# The days the portal works with. Outside them a date is a typo (0026 for 2026), and the sums the
# rules make with it (a year of declines before it, a cool-down after it) would leave the calendar.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def date_in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError("date_out_of_range", "the date is outside the years 1900 to 2999")
    return day


Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(date_in_range)]
PlainDate = Annotated[dt.date, AfterValidator(date_in_range)]  # no quoted form: the registry's request log


class Scope(str, enum.Enum):
    NAME = "name"
    QUOTE = "quote"
    LOGO = "logo"
    # One scope per story type (core/model.py) and per reference activity (core/activities.py).
    CASE_STUDY = StoryType.CASE_STUDY.value
    TESTIMONIAL = StoryType.TESTIMONIAL.value
    VIDEO = StoryType.VIDEO.value
    REFERENCE_CALL = Activity.REFERENCE_CALL.value
    SITE_VISIT = Activity.SITE_VISIT.value
    WEBINAR = Activity.WEBINAR.value
    EVENT_SPEAKER = Activity.EVENT_SPEAKER.value
    PRESS = Activity.PRESS.value
    ANALYST = Activity.ANALYST.value
    PEER_REVIEW = Activity.PEER_REVIEW.value
    ADVISORY_BOARD = Activity.ADVISORY_BOARD.value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class MetricIn(_Strict):
    value: Annotated[str, ShownText(24)] = Field(description='The headline number, as text: "40%", "3x", "$1.2M".')
    label: Annotated[str, ShownText(80)] = Field(description="What the number measures: faster onboarding.")


class VideoIn(_Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description=f"A {PROVIDER_NAMES} address."
    )
    duration: Annotated[str, StringConstraints(pattern=r"^([0-9]{1,2}:)?[0-5]?[0-9]:[0-5][0-9]$")] | None = Field(
        None, description='Length as "m:ss" or "h:mm:ss", in quotes.'
    )
    transcript: bool = Field(False, description="true when the story body is the video's transcript.")


class StoryIn(_Strict):
    """The front matter of ``stories/<slug>.md`` (content contract v1)."""

    title: Annotated[str, ShownText(120)] = Field(description="The story's headline, at most 120 characters.")
    type: Annotated[StoryType, Field(strict=False)] = Field(description=f"{TYPE_NAMES}.")
    advocates: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=80)]], Field(min_length=1, max_length=10)
    ] = Field(description="Ids from advocates.yaml, the primary advocate first.")
    summary: Annotated[str, ShownText(300)] = Field(
        description="One sentence for cards, search results and link previews, at most 300 characters."
    )
    published: Date = Field(description="The publication date, YYYY-MM-DD.")
    updated: Date | None = Field(None, description="The date of the last real update; not before published.")
    industry: str | None = Field(None, description="Taxonomy slug; defaults to the company's industry.")
    company_size: str | None = Field(None, description="Taxonomy slug; defaults to the company's size.")
    region: str | None = Field(None, description="Taxonomy slug; defaults to the company's region.")
    products: Annotated[list[str], Field(max_length=20)] = Field([], description="Taxonomy slugs of the products used.")
    use_cases: Annotated[list[str], Field(max_length=20)] = Field([], description="Taxonomy slugs of the use cases.")
    tags: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=40)]], Field(max_length=30)] = Field(
        [], description="Free words, for search."
    )
    metrics: Annotated[list[MetricIn], Field(max_length=6)] = Field(
        [], description="The headline numbers of the story."
    )
    quote: Annotated[str, ShownText(600)] | None = Field(
        None, description="A pull quote by the primary advocate; required for a testimonial."
    )
    video: VideoIn | None = Field(None, description="The video; required for a video story.")
    image: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        None, description="A hero image, relative to the story file."
    )
    lang: Annotated[str, StringConstraints(pattern=f"^{LANG_CODE_SHAPE}$")] | None = Field(
        None, description="The story's language (en, de, fr-CA); defaults to the site's."
    )
    translation_of: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=200)] | None = Field(
        None, description="The slug of the story this file translates (its `lang` says into which language)."
    )
    featured: bool = Field(False, description="Show on the home page.")
    draft: bool = Field(False, description="Drafts are never published.")
    aliases: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=200)]], Field(max_length=20)] = (
        Field([], description="Old URLs (/stories/old-slug/) that must keep working.")
    )


class CompanyIn(_Strict):
    name: Annotated[str, ShownText(120)] = Field(description="The company's public name.")
    industry: str = Field(description="Taxonomy slug.")
    size: str = Field(description="Taxonomy slug (company_size).")
    region: str = Field(description="Taxonomy slug.")
    website: Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"']+$", max_length=200)] | None = Field(
        None, description="The company's public site, https only."
    )
    logo: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        None, description="Path of the logo image, relative to the repository root."
    )


class ConsentIn(_Strict):
    scopes: Annotated[list[Annotated[Scope, Field(strict=False)]], Field(max_length=len(Scope))] = Field(
        description="What the advocate agreed to."
    )
    granted: Date = Field(description="When consent was given.")
    expires: Date | None = Field(None, description="Last day the consent holds; none means until revoked.")
    revoked: bool = Field(False, description="true once the advocate withdrew consent.")


class ReferenceCallsIn(_Strict):
    available: bool = Field(False, description="Whether the advocate takes reference calls at all.")
    max_per_quarter: Annotated[int, Field(ge=0, le=100)] = Field(0, description="Calls per calendar quarter at most.")
    log: Annotated[list[PlainDate], Field(max_length=1000)] = Field([], description="Dates of calls already taken.")
    owner: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        None, description="The account owner sales contacts (internal)."
    )


class ActivityIn(_Strict):
    available: bool = Field(True, description="Whether the advocate can be asked for this activity now.")
    limit: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        None, description="At most this many scheduled or done per period; none means no limit."
    )
    per: Annotated[Period, Field(strict=False)] | None = Field(
        None, description="month, quarter or year (default: quarter for calls, year for the others)."
    )
    cooldown_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        0, description="Days to leave between two asks of this activity."
    )


class RequestIn(_Strict):
    id: Annotated[int, Field(ge=1, le=10**9)] = Field(description="The request's number, unique in the registry.")
    date: PlainDate = Field(description="The day of the ask (or of the activity once scheduled).")
    activity: Annotated[Activity, Field(strict=False)] = Field(description="What was asked.")
    rep: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The sales rep who asked (internal)."
    )
    opportunity: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The deal: a name or CRM id (internal)."
    )
    outcome: Annotated[Outcome, Field(strict=False)] = Field(
        Outcome.REQUESTED, description="requested, scheduled, done, declined or cancelled."
    )
    exception: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = Field(
        None, description="Why the ask went ahead past a limit or cool-down (storyportal request --force)."
    )


class AdvocateIn(_Strict):
    name: Annotated[str, ShownText(120)] = Field(description="The person's name.")
    title: Annotated[str, ShownText(120)] | None = Field(None, description="Job title.")
    company: str = Field(description="A company id from the companies section.")
    photo: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        None, description="Path of a photo, relative to the repository root."
    )
    consent: ConsentIn = Field(description="What the advocate agreed to, and until when.")
    reference_calls: ReferenceCallsIn | None = Field(
        None, description="Sales only: reference-call availability (the reference-call activity)."
    )
    activities: dict[Annotated[Activity, Field(strict=False)], ActivityIn] = Field(
        {}, description="Sales only: per activity, availability, a limit per period and a cool-down."
    )
    requests: Annotated[list[RequestIn], Field(max_length=100_000)] = Field(
        [], description="Internal: the log of asks, written by storyportal request."
    )
    private: dict[str, Any] = Field({}, description="Never leaves advocates.yaml.")


class RegistryIn(_Strict):
    companies: dict[str, Any] = Field(description="Company id to company.")
    advocates: dict[str, Any] = Field(description="Advocate id to advocate.")


STORY_FIELDS = tuple(StoryIn.model_fields)
