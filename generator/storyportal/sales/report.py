"""The program report: where the reference program has gaps, and what needs doing.

Internal (it names advocates). Sections, all judged on the build date:

- withheld now: every story that would be on the site but for consent, why, and
  since when (the day after the consent expired; for consent that never covered
  the story, its publication date; a withdrawal has no recorded date);
- the published stories per industry (taxonomy order) and type, empty cells marked;
- consents expiring within the next 90 days, in buckets of 30, 60 and 90 days
  (a consent that expires today still holds today: 0 days left, bucket 30);
- advocates at or over their reference-call quota this calendar quarter;
- stale stories: last changed more than ``stale_after_months`` months ago;
- companies in the registry with no published story.

Renderers: :func:`render_text`, :func:`render_markdown`, :func:`render_json`
and :func:`render_matrix_svg` (the matrix as an accessible heatmap).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from storyportal.core.markdown_escape import markdown_text
from storyportal.core.model import TYPE_LABELS, Advocate, Status, Story, StoryType, Term, quarter_of
from storyportal.core.portal import Portal
from storyportal.sales import activity_report as activities
from storyportal.sales.activity_report import ActivityGap, ActivityUse, Fatigue
from storyportal.sales.index import is_stale

STORY_TYPES = tuple(StoryType)
EXPIRY_BUCKETS = (30, 60, 90)
EMPTY = "–"  # how an empty matrix cell is shown in text and Markdown


@dataclass(frozen=True)
class Matrix:
    """Published stories per industry (rows, taxonomy order) and type (columns)."""

    industries: tuple[Term, ...]
    types: tuple[StoryType, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[row][column]

    @property
    def empty(self) -> tuple[tuple[str, str], ...]:
        """(industry slug, type) of every cell with no story."""
        return tuple(
            (term.slug, kind)
            for term, row in zip(self.industries, self.counts)
            for kind, count in zip(self.types, row)
            if count == 0
        )

    @property
    def highest(self) -> int:
        return max((c for row in self.counts for c in row), default=0)


@dataclass(frozen=True)
class WithheldStory:
    """One reason a story is withheld on the build date."""

    slug: str
    title: str
    company: str
    advocate: str  # id
    rule: str  # the validate rule id: consent-expired, consent-revoked, ...
    reason: str  # plain words, naming the advocate
    since: dt.date | None  # the first day it is withheld, when known


@dataclass(frozen=True)
class ExpiringConsent:
    advocate: str
    name: str
    company: str
    expires: dt.date
    days_left: int
    within: int  # 30, 60 or 90: the first bucket the expiry falls in


@dataclass(frozen=True)
class QuotaUse:
    advocate: str
    name: str
    company: str
    calls_this_quarter: int
    max_per_quarter: int


@dataclass(frozen=True)
class StaleStory:
    slug: str
    title: str
    company: str
    last_changed: dt.date


@dataclass(frozen=True)
class CompanyGap:
    company: str  # id
    name: str
    industry: str  # label


@dataclass(frozen=True)
class ProgramReport:
    on: dt.date
    quarter: str  # "2026 Q4"
    stale_after_months: int
    matrix: Matrix
    withheld: tuple[WithheldStory, ...]
    expiring: tuple[ExpiringConsent, ...]
    at_quota: tuple[QuotaUse, ...]
    stale: tuple[StaleStory, ...]
    companies_without_story: tuple[CompanyGap, ...]
    activity_use: tuple[ActivityUse, ...] = ()
    fatigue: tuple[Fatigue, ...] = ()
    activity_gaps: tuple[ActivityGap, ...] = ()


# -- gathering ------------------------------------------------------------------


def story_matrix(portal: Portal) -> Matrix:
    industries = portal.taxonomy.terms("industry")
    counts = tuple(
        tuple(
            sum(1 for s in portal.originals if s.industry.slug == term.slug and s.type == kind) for kind in STORY_TYPES
        )
        for term in industries
    )
    return Matrix(industries, STORY_TYPES, counts)


def consent_gaps(story: Story, on: dt.date) -> list[tuple[Advocate, str, str, dt.date | None]]:
    """(advocate, rule, reason, since) for each consent that does not cover ``story`` on ``on``.

    The same judgement as the consent rules of ``validate``, with the dates an owner acts on.
    """
    found: list[tuple[Advocate, str, str, dt.date | None]] = []
    for a in story.advocates:
        consent, problem = a.consent, a.consent.problem(on)
        if problem == "revoked":
            found.append((a, "consent-revoked", f"{a.name} withdrew consent", None))
        elif problem == "expired":
            assert consent.expires is not None  # only a consent with an end date expires
            since = consent.expires + dt.timedelta(days=1)
            found.append((a, "consent-expired", f"{a.name}'s consent expired on {consent.expires.isoformat()}", since))
        elif problem == "not-yet-granted":
            reason = f"{a.name}'s consent only starts on {consent.granted.isoformat()}"
            found.append((a, "consent-not-yet-granted", reason, story.published))
        elif story.type not in consent.scopes:
            reason = f"{a.name}'s consent does not cover a {story.type}"
            found.append((a, "consent-scope-missing", reason, story.published))
    if story.quote and "quote" not in story.primary.consent.scopes:
        reason = f"{story.primary.name} has not agreed to be quoted"
        found.append((story.primary, "consent-quote-missing", reason, story.published))
    return found


def withheld_stories(portal: Portal) -> tuple[WithheldStory, ...]:
    """Each reason each story is withheld on the build date, by story."""
    found = [
        WithheldStory(s.slug, s.title, s.company.name, a.id, rule, reason, since)
        for s in portal.stories
        if portal.status[s.source] is Status.WITHHELD
        for a, rule, reason, since in consent_gaps(s, portal.today)
    ]
    return tuple(sorted(found, key=lambda w: (w.slug, w.advocate, w.rule)))


def expiring_consents(portal: Portal) -> tuple[ExpiringConsent, ...]:
    """Consents that hold today and end within the last bucket, soonest first."""
    found = []
    for a in portal.registry.advocates.values():
        consent = a.consent
        if consent.problem(portal.today) is not None or consent.expires is None:
            continue
        days = (consent.expires - portal.today).days
        within = next((b for b in EXPIRY_BUCKETS if days <= b), None)
        if within is not None:
            found.append(ExpiringConsent(a.id, a.name, a.company.name, consent.expires, days, within))
    return tuple(sorted(found, key=lambda e: (e.expires, e.advocate)))


def advocates_at_quota(portal: Portal) -> tuple[QuotaUse, ...]:
    """Advocates whose calls this quarter reached (or passed) their quota."""
    found = []
    for a in portal.registry.advocates.values():
        calls = a.reference_calls
        used = calls.used_in_quarter(portal.today)
        if used and used >= calls.max_per_quarter:
            found.append(QuotaUse(a.id, a.name, a.company.name, used, calls.max_per_quarter))
    return tuple(sorted(found, key=lambda q: q.advocate))


def stale_stories(portal: Portal) -> tuple[StaleStory, ...]:
    """Published stories past ``stale_after_months``, oldest first."""
    months = portal.settings.portal.stale_after_months
    found = [
        StaleStory(s.slug, s.title, s.company.name, s.last_changed)
        for s in portal.originals
        if is_stale(s, portal.today, months)
    ]
    return tuple(sorted(found, key=lambda s: (s.last_changed, s.slug)))


def _companies_with_stories(stories: tuple[Story, ...]) -> set[str]:
    return {a.company.id for s in stories for a in s.advocates}


def companies_without_story(portal: Portal) -> tuple[CompanyGap, ...]:
    covered = _companies_with_stories(portal.originals)
    gaps = [
        CompanyGap(c.id, c.name, c.industry.label) for c in portal.registry.companies.values() if c.id not in covered
    ]
    return tuple(sorted(gaps, key=lambda g: (g.name.casefold(), g.company)))


def program_report(portal: Portal) -> ProgramReport:
    """Everything the program owner should look at, judged on the build date."""
    year, quarter = quarter_of(portal.today)
    return ProgramReport(
        on=portal.today,
        quarter=f"{year} Q{quarter}",
        stale_after_months=portal.settings.portal.stale_after_months,
        matrix=story_matrix(portal),
        withheld=withheld_stories(portal),
        expiring=expiring_consents(portal),
        at_quota=advocates_at_quota(portal),
        stale=stale_stories(portal),
        companies_without_story=companies_without_story(portal),
        activity_use=activities.activity_use(portal),
        fatigue=activities.fatigue(portal),
        activity_gaps=activities.activity_gaps(portal),
    )


# -- text -----------------------------------------------------------------------


def _cell(count: int) -> str:
    return str(count) if count else EMPTY


def matrix_text(matrix: Matrix) -> list[str]:
    heads = [TYPE_LABELS[t] for t in matrix.types]
    width = max([len("Industry")] + [len(t.label) for t in matrix.industries])
    lines = ["  ".join([f"{'Industry':<{width}}"] + heads)]
    for term, row in zip(matrix.industries, matrix.counts):
        cells = [f"{_cell(c):>{len(h)}}" for c, h in zip(row, heads)]
        lines.append("  ".join([f"{term.label:<{width}}"] + cells))
    return lines


def _expiring_line(e: ExpiringConsent) -> str:
    return f"{e.name} ({e.company}): expires {e.expires.isoformat()}, {e.days_left} days left"


def _since(w: WithheldStory) -> str:
    return f"withheld since {w.since.isoformat()}" if w.since else "withheld; the date is not recorded"


def withheld_heading(report: ProgramReport) -> str:
    count = len({w.slug for w in report.withheld})
    return f"Withheld now: {count} {'story' if count == 1 else 'stories'} not on the site"


def render_text(report: ProgramReport) -> str:
    """For the program owner's terminal: what is withheld first, as it needs action."""
    out = [f"Customer reference program, {report.on.isoformat()}", "", withheld_heading(report)]
    out += [f"  {w.slug}: {w.reason} ({_since(w)})" for w in report.withheld] or ["  none"]
    out += ["", f"Published stories by industry and type ({EMPTY} = none yet)"]
    out += ["  " + line for line in matrix_text(report.matrix)]
    out += ["", "Consents expiring in the next 90 days"]
    for bucket in EXPIRY_BUCKETS:
        chosen = [f"    {_expiring_line(e)}" for e in report.expiring if e.within == bucket]
        out += [f"  within {bucket} days:"] + (chosen or ["    none"])
    out += ["", f"At or over their reference-call quota in {report.quarter}"]
    out += [
        f"  {q.name} ({q.company}): {q.calls_this_quarter} of {q.max_per_quarter} calls" for q in report.at_quota
    ] or ["  none"]
    out += ["", f"Stale stories (last changed more than {report.stale_after_months} months ago)"]
    out += [f"  {s.slug}: last changed {s.last_changed.isoformat()} ({s.company})" for s in report.stale] or ["  none"]
    out += ["", "Companies with no published story"]
    out += [f"  {c.name} ({c.industry})" for c in report.companies_without_story] or ["  none"]
    out += activities.text_lines(report.activity_use, report.fatigue, report.activity_gaps)
    return "\n".join(out) + "\n"


# -- Markdown -------------------------------------------------------------------


def md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: no markup, no HTML."""
    return markdown_text(text)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] * len(head)) + " |"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def matrix_markdown(matrix: Matrix) -> list[str]:
    head = ["Industry"] + [TYPE_LABELS[t] for t in matrix.types]
    rows = [[md(term.label)] + [_cell(c) for c in row] for term, row in zip(matrix.industries, matrix.counts)]
    return _md_table(head, rows)


def render_markdown(report: ProgramReport) -> str:
    """For the internal report page (every registry value escaped)."""
    out = [f"# Customer reference program, {report.on.isoformat()}", "", f"## {withheld_heading(report)}", ""]
    rows = [
        [md(w.title), md(w.company), md(w.reason), w.since.isoformat() if w.since else "not recorded"]
        for w in report.withheld
    ]
    out += _md_table(["Story", "Company", "Why", "Withheld since"], rows) if rows else ["None."]
    out += ["", "## Published stories by industry and type", "", f"{EMPTY} marks a gap: no story yet.", ""]
    out += matrix_markdown(report.matrix)
    out += ["", "## Consents expiring in the next 90 days", ""]
    rows = [
        [f"{e.within} days", md(e.name), md(e.company), e.expires.isoformat(), str(e.days_left)]
        for e in report.expiring
    ]
    out += _md_table(["Within", "Advocate", "Company", "Expires", "Days left"], rows) if rows else ["None."]
    out += ["", f"## At or over quota in {report.quarter}", ""]
    rows = [[md(q.name), md(q.company), str(q.calls_this_quarter), str(q.max_per_quarter)] for q in report.at_quota]
    out += _md_table(["Advocate", "Company", "Calls this quarter", "Quota"], rows) if rows else ["None."]
    out += ["", f"## Stale stories (last changed more than {report.stale_after_months} months ago)", ""]
    out += [f"- {md(s.title)} ({md(s.company)}), last changed {s.last_changed.isoformat()}" for s in report.stale] or [
        "None."
    ]
    out += ["", "## Companies with no published story", ""]
    out += [f"- {md(c.name)} ({md(c.industry)})" for c in report.companies_without_story] or ["None."]
    out += activities.markdown_lines(report.activity_use, report.fatigue, report.activity_gaps, md, _md_table)
    return "\n".join(out) + "\n"


# -- JSON -----------------------------------------------------------------------


def _jsonable(value: Any) -> Any:  # JSON values, nested as deep as the report is
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def report_dict(report: ProgramReport) -> dict[str, Any]:
    data: dict[str, Any] = _jsonable(asdict(report))
    data["build_date"] = data.pop("on")
    matrix = report.matrix
    data["matrix"] = {
        "types": list(matrix.types),
        "empty": [{"industry": i, "type": k} for i, k in matrix.empty],
        "rows": [
            {"industry": t.slug, "label": t.label, "counts": dict(zip(matrix.types, row))}
            for t, row in zip(matrix.industries, matrix.counts)
        ],
    }
    return data


def render_json(report: ProgramReport) -> str:
    return json.dumps(report_dict(report), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# -- SVG heatmap ----------------------------------------------------------------

CELL_W, CELL_H, HEAD_H, PAD, CHAR_W = 96, 28, 34, 8, 7.2  # pixels; CHAR_W estimates label widths
LIGHT, DARK = (232, 234, 246), (26, 35, 126)  # indigo 50 to indigo 900


def shade(count: int, highest: int) -> str:
    """Fill for a cell: lighter for few stories, darker for many."""
    t = count / highest if highest else 0
    rgb = [round(lo + (hi - lo) * t) for lo, hi in zip(LIGHT, DARK)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _svg_cell(x: float, y: float, count: int, highest: int, tip: str) -> str:
    text_x, text_y = x + CELL_W // 2, y + CELL_H // 2 + 4
    if count == 0:
        body = (
            f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="url(#sp-empty)" '
            f'stroke="#9e9e9e" stroke-dasharray="4 3"/>'
            f'<text x="{text_x}" y="{text_y}" text-anchor="middle" fill="#616161">{EMPTY}</text>'
        )
    else:
        ink = "#ffffff" if count / highest > 0.5 else "#1a1a1a"
        body = (
            f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{shade(count, highest)}" stroke="#ffffff"/>'
            f'<text x="{text_x}" y="{text_y}" text-anchor="middle" fill="{ink}">{count}</text>'
        )
    return f"<g><title>{escape(tip)}</title>{body}</g>"


def _svg_rows(matrix: Matrix, left: float) -> list[str]:
    parts = []
    for r, (term, row) in enumerate(zip(matrix.industries, matrix.counts)):
        y = HEAD_H + r * CELL_H
        parts.append(f'<text x="{left - PAD}" y="{y + CELL_H // 2 + 4}" text-anchor="end">{escape(term.label)}</text>')
        for c, (kind, count) in enumerate(zip(matrix.types, row)):
            tip = f"{term.label}, {TYPE_LABELS[kind]}: {count or 'no'} {'story' if count == 1 else 'stories'}"
            parts.append(_svg_cell(left + c * CELL_W, y, count, matrix.highest, tip))
    return parts


def render_matrix_svg(report: ProgramReport) -> str:
    """The industry x type matrix as a small heatmap: counts written in, gaps hatched."""
    matrix = report.matrix
    left = round(PAD * 2 + CHAR_W * max([len(t.label) for t in matrix.industries] + [8]))
    width, height = left + CELL_W * len(matrix.types) + PAD, HEAD_H + CELL_H * len(matrix.industries) + PAD
    label = f"Published stories by industry and type on {report.on.isoformat()}; hatched cells have none"
    heads = [
        f'<text x="{left + c * CELL_W + CELL_W // 2}" y="{HEAD_H - 12}" text-anchor="middle" font-weight="bold">'
        f"{escape(TYPE_LABELS[kind])}</text>"
        for c, kind in enumerate(matrix.types)
    ]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label={quoteattr(label)} font-family="system-ui, sans-serif" font-size="13">',
            f"<title>{escape(label)}</title>",
            '<defs><pattern id="sp-empty" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            '<rect width="6" height="6" fill="#fafafa"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0e0e0" stroke-width="2"/>'
            "</pattern></defs>",
            *heads,
            *_svg_rows(matrix, left),
            "</svg>",
            "",
        ]
    )
