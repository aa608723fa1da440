"""The sales enablement index (``/sales/``, ``/sales/index.json``, ``/sales/index.csv``)
and the internal reference-call roster.

The index lists every *published* story, newest first (ties by slug), one row
per story: its translations are in the same row (``languages``, ``language_urls``). It holds only what a story page already shows: nothing from an
advocate's ``private`` block and nothing from ``reference_calls`` (who takes
calls, how often, and the account owner are internal; see :func:`roster`).

Columns, in order:

``slug``
    The story's slug (its file or folder name).
``url``
    The story's absolute address: ``site_url`` + ``stories/<slug>/`` (a story in a
    language with a URL prefix: ``de/stories/<slug>/``). Without a ``site_url`` in
    mkdocs.yml it is root-relative (``/stories/<slug>/``).
``title``
    The story's headline.
``type``
    ``case-study``, ``testimonial`` or ``video``.
``company``
    The primary advocate's company name.
``industry``, ``industry_label``
    The story's industry: taxonomy slug, and its label for people.
``company_size``, ``company_size_label``
    The company size band: slug and label.
``region``, ``region_label``
    The region: slug and label.
``products``
    Product slugs; a list in JSON, joined with ``"; "`` in the CSV.
``use_cases``
    Use-case slugs; a list in JSON, joined with ``"; "`` in the CSV.
``headline_metric``
    The first metric as value and label ("40% faster onboarding"), or "".
``published``
    Publication date, ISO 8601 (2026-03-14).
``updated``
    Date of the last update, ISO 8601, or "" if never updated.
``lang``
    The language code of the original story.
``languages``
    Every language the story is published in, the original's first: a list in
    JSON, joined with ``"; "`` in the CSV. A translation is no row of its own.
``language_urls``
    The address of each language version: an object (code to address) in JSON,
    ``"de: <url>; fr: <url>"`` in the CSV.
``stale``
    true when the story's last change (``updated``, else ``published``) lies
    more than ``stale_after_months`` (site setting, default 18) calendar months
    before the build date. Exactly that many months old is not yet stale.
``featured``
    true when the story is marked featured.

Formats:

- JSON: ``{"columns": [...], "generated_for": "<build date>", "stories": [...]}``,
  keys sorted, UTF-8 (not ASCII-escaped), one-space indent, final newline.
- CSV: RFC 4180 (comma separated, CRLF line ends, fields quoted when needed),
  a header row of the column names, booleans as ``true``/``false``. It is safe
  to open in a spreadsheet: any cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading apostrophe ``'`` so it is read as
  text, not as a formula. That includes harmless-looking values such as the
  metric ``-30% churn`` (the cell reads ``'-30% churn``): a spreadsheet cannot
  tell a number from a formula by its first character, so neither do we.
  The JSON keeps every value exactly as written.
- ``sales/rows-<k>.json``: the rows for the /sales/ page's script, ROW_CHUNK to a file, each the
  JSON row without ``featured`` and with ``type_label``; compact, keys sorted.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import partial
from typing import TypedDict

from storyportal.core.model import TYPE_NAMES, Advocate, Story, StoryType, Term
from storyportal.core.portal import Portal

COLUMNS: tuple[tuple[str, str], ...] = (
    ("slug", "The story's slug (its file or folder name)."),
    ("url", "Absolute address of the story page: site_url + stories/<slug>/."),
    ("title", "The story's headline."),
    ("type", f"{TYPE_NAMES}."),
    ("company", "The primary advocate's company name."),
    ("industry", "Industry slug from the taxonomy."),
    ("industry_label", "Industry label for people."),
    ("company_size", "Company size band slug."),
    ("company_size_label", "Company size band label."),
    ("region", "Region slug."),
    ("region_label", "Region label."),
    ("products", 'Product slugs (a list in JSON; joined with "; " in the CSV).'),
    ("use_cases", 'Use-case slugs (a list in JSON; joined with "; " in the CSV).'),
    ("headline_metric", 'The first metric, value and label ("40% faster onboarding"), or "".'),
    ("published", "Publication date, ISO 8601."),
    ("updated", 'Date of the last update, ISO 8601, or "".'),
    ("lang", "The language code of the original story."),
    ("languages", 'Every language the story is published in, the original\'s first (a list in JSON; "; " in the CSV).'),
    ("language_urls", 'The address of each language version (an object in JSON; "de: <url>; fr: <url>" in the CSV).'),
    ("stale", "true when the last change is older than stale_after_months before the build date."),
    ("featured", "true when the story is featured."),
)

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
REFERENCE_CALL = "reference-call"


@dataclass(frozen=True)
class SalesRow:
    """One published story, public fields only. Field order is the column order."""

    slug: str
    url: str
    title: str
    type: str
    company: str
    industry: str
    industry_label: str
    company_size: str
    company_size_label: str
    region: str
    region_label: str
    products: tuple[str, ...]
    use_cases: tuple[str, ...]
    headline_metric: str
    published: dt.date
    updated: dt.date | None
    lang: str
    languages: tuple[str, ...]
    language_urls: tuple[tuple[str, str], ...]  # (language code, absolute address)
    stale: bool
    featured: bool


# -- building rows --------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to that month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def is_stale(story: Story, today: dt.date, months: int) -> bool:
    """Was the story last changed more than ``months`` months before ``today``?"""
    return story.last_changed < months_before(today, months)


def story_url(site_url: str, path: str) -> str:
    """Absolute address of a site path (``stories/<slug>/``); root-relative when the site has no ``site_url``."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}{path}"


def headline_metric(story: Story) -> str:
    if not story.metrics:
        return ""
    first = story.metrics[0]
    return f"{first.value} {first.label}"


class FacetFields(TypedDict):
    """The company facets a sales row and a roster entry both carry: slug and label of each."""

    industry: str
    industry_label: str
    company_size: str
    company_size_label: str
    region: str
    region_label: str


def facet_fields(industry: Term, size: Term, region: Term) -> FacetFields:
    return FacetFields(
        industry=industry.slug,
        industry_label=industry.label,
        company_size=size.slug,
        company_size_label=size.label,
        region=region.slug,
        region_label=region.label,
    )


def sales_row(
    story: Story, site_url: str, today: dt.date, stale_months: int, versions: Mapping[str, Story] | None = None
) -> SalesRow:
    """The index row of one story, its translations included: public fields only."""
    versions = versions or {story.lang: story}
    return SalesRow(
        slug=story.slug,
        url=story_url(site_url, story.url),
        title=story.title,
        type=story.type,
        company=story.company.name,
        **facet_fields(story.industry, story.company_size, story.region),
        products=tuple(t.slug for t in story.products),
        use_cases=tuple(t.slug for t in story.use_cases),
        headline_metric=headline_metric(story),
        published=story.published,
        updated=story.updated,
        lang=story.lang,
        languages=tuple(versions),
        language_urls=tuple((lang, story_url(site_url, v.url)) for lang, v in versions.items()),
        stale=is_stale(story, today, stale_months),
        featured=story.featured,
    )


def sales_rows(portal: Portal) -> list[SalesRow]:
    """One row per published story (its translations in the same row), newest first, ties by slug."""
    settings = portal.settings
    return [
        sales_row(s, settings.site_url, portal.today, settings.portal.stale_after_months, portal.versions[s.slug])
        for s in portal.originals
    ]


# -- rendering ------------------------------------------------------------------


def column_names() -> list[str]:
    return [name for name, _ in COLUMNS]


def _plain(value: object) -> object:
    """A row value as JSON sees it: dates ISO (or ""), tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def row_dict(row: SalesRow) -> dict[str, object]:
    return {f.name: _plain(getattr(row, f.name)) for f in fields(row)}


class RowTexts:
    """Each row's text in the JSON, CSV and chunk files, kept while the row is the same object.

    The preview keeps an unchanged story's row (site/pages.py): a new story then encodes one
    row, not 10,000 rows three times over. The files are the same bytes either way.
    """

    def __init__(self) -> None:
        self.kept: dict[str, tuple[SalesRow, dict[object, str]]] = {}

    def text(self, row: SalesRow, kind: object, make: Callable[[], str]) -> str:
        kept = self.kept.get(row.slug)
        if kept is None or kept[0] is not row:
            kept = (row, {})
            self.kept[row.slug] = kept
        if kind not in kept[1]:
            kept[1][kind] = make()
        return kept[1][kind]


def render_json(rows: list[SalesRow], portal: Portal, texts: RowTexts | None = None) -> str:
    """``/sales/index.json``: columns, build date, and the rows (keys sorted), indented by one space."""
    head = {"columns": column_names(), "generated_for": portal.today.isoformat()}
    if not rows:
        return json.dumps({**head, "stories": []}, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    texts = texts or RowTexts()
    # "stories" sorts last: the head without its closing brace, then each row as json.dumps indents
    # it two levels deep (strings hold no raw line breaks, so indenting every line is exact).
    items = [texts.text(r, "json", partial(_indented_row, r)) for r in rows]
    top = json.dumps(head, sort_keys=True, ensure_ascii=False, indent=1)
    return top[:-2] + ',\n "stories": [\n  ' + ",\n  ".join(items) + "\n ]\n}\n"


def _indented_row(row: SalesRow) -> str:
    return json.dumps(row_dict(row), sort_keys=True, ensure_ascii=False, indent=1).replace("\n", "\n  ")


ROW_CHUNK = 200  # rows per JSON chunk behind /sales/ (the /stories/ card chunks hold as many)
FIRST_ROWS = 50  # rows rendered into /sales/ itself: the rest loads from the chunks after the first view


def render_row_chunks(
    rows: list[SalesRow], type_labels: Mapping[StoryType, str], texts: RowTexts | None = None
) -> dict[str, str]:
    """``sales/rows-<k>.json``: what the /sales/ table shows and filters on, in chunks of ROW_CHUNK rows.

    The page holds only the first FIRST_ROWS rows, so its size does not grow with the portal;
    the script fetches these after the first view. Same rows and order as index.json.
    """
    texts = texts or RowTexts()
    files = {}
    for start in range(0, len(rows), ROW_CHUNK):
        chunk = []
        for row in rows[start : start + ROW_CHUNK]:
            label = type_labels.get(StoryType(row.type), row.type)
            chunk.append(texts.text(row, ("chunk", label), partial(_chunk_row, row, label)))
        files[f"sales/rows-{start // ROW_CHUNK}.json"] = "[" + ",".join(chunk) + "]"  # as json.dumps joins a list
    return files


def _chunk_row(row: SalesRow, type_label: str) -> str:
    data = row_dict(row)
    del data["featured"]
    data["type_label"] = type_label
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def csv_cell(value: object) -> str:
    """A spreadsheet-safe cell: lists joined with "; ", booleans true/false, formulas defused."""
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        value = "; ".join(f"{key}: {url}" for key, url in value.items())
    if isinstance(value, list):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def render_csv(rows: list[SalesRow], texts: RowTexts | None = None) -> str:
    """``/sales/index.csv``: RFC 4180 with a header row, CRLF line ends."""
    texts = texts or RowTexts()
    names = column_names()
    lines = [_csv_line(names)]
    lines += [texts.text(row, "csv", partial(_csv_row, row, names)) for row in rows]
    return "".join(lines)


def _csv_row(row: SalesRow, names: list[str]) -> str:
    return _csv_line([csv_cell(getattr(row, name)) for name in names])


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return out.getvalue()


# -- the reference-call roster (internal) ---------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """An advocate who can take a reference call now. Internal: never on a public page."""

    advocate: str  # advocate id
    name: str
    name_public: bool  # consent has the `name` scope; if not, do not name them to prospects
    title: str | None
    company: str  # company name
    industry: str  # slug
    industry_label: str
    company_size: str  # slug
    company_size_label: str
    region: str  # slug
    region_label: str
    calls_left_this_quarter: int
    max_per_quarter: int
    calls_this_quarter: int
    last_call: dt.date | None
    owner: str | None  # account owner's e-mail: whom sales contacts
    consent_expires: dt.date | None  # None: until revoked
    stories: tuple[str, ...]  # slugs of the published stories naming this advocate


def can_take_call(advocate: Advocate, on: dt.date) -> bool:
    """Available, consent covers reference calls on ``on``, and calls left this quarter."""
    calls = advocate.reference_calls
    return calls.available and advocate.consent.allows(REFERENCE_CALL, on) and calls.left_in_quarter(on) > 0


def roster_entry(advocate: Advocate, on: dt.date, stories: tuple[str, ...]) -> RosterEntry:
    calls, company = advocate.reference_calls, advocate.company
    return RosterEntry(
        advocate=advocate.id,
        name=advocate.name,
        name_public=advocate.consent.allows("name", on),
        title=advocate.title,
        company=company.name,
        **facet_fields(company.industry, company.size, company.region),
        calls_left_this_quarter=calls.left_in_quarter(on),
        max_per_quarter=calls.max_per_quarter,
        calls_this_quarter=calls.used_in_quarter(on),
        last_call=max(calls.log, default=None),
        owner=calls.owner,
        consent_expires=advocate.consent.expires,
        stories=stories,
    )


def stories_of(portal: Portal, advocate_id: str) -> tuple[str, ...]:
    """Slugs of the published stories that name the advocate, newest first."""
    return tuple(s.slug for s in portal.originals if any(a.id == advocate_id for a in s.advocates))


def roster_key(entry: RosterEntry) -> tuple[int, int, str]:
    """Most calls left first, then least recently called (never called first), then id."""
    last = entry.last_call.toordinal() if entry.last_call else 0
    return (-entry.calls_left_this_quarter, last, entry.advocate)


def roster(portal: Portal) -> list[RosterEntry]:
    """Advocates who can take a reference call on the build date, best first."""
    on = portal.today
    entries = [
        roster_entry(a, on, stories_of(portal, a.id))
        for a in portal.registry.advocates.values()
        if can_take_call(a, on)
    ]
    return sorted(entries, key=roster_key)
