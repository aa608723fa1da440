"""Which pages the site has, with their templates and titles; no MkDocs import."""

from __future__ import annotations

import dataclasses
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypedDict

from markupsafe import Markup

from storyportal.core.config import Audience
from storyportal.core.issues import Issue
from storyportal.core.model import Status
from storyportal.core.portal import Portal
from storyportal.sales import index as sales
from storyportal.sales import report
from storyportal.sales.activity_report import AdvocateActivities, activity_roster
from storyportal.site.context import ImageTag, PageContext
from storyportal.site.embed import WALL, EmbedPlan, LogoUrl, plan_embeds
from storyportal.site.plan import SitePlan, messages_in


@dataclass(frozen=True)
class PageSpec:
    kind: str  # home | stories | story | industry | sales | roster | report
    template: str
    title: str
    description: str
    key: str = ""  # story slug or industry slug
    hide: tuple[str, ...] = ("navigation", "toc")
    lang: str = ""  # the code of the language site the page belongs to ("": the default language)


class Extras(TypedDict, total=False):
    """What the templates get besides the plan: roster, activities and report only in the internal build."""

    sales: SalesView
    roster: list[RosterRow]
    activities: tuple[AdvocateActivities, ...]
    report: ReportView
    embeds: EmbedPlan  # every build: the /embed/ cards, the wall, the code the Embed box shows


@dataclass
class SitePages:
    plan: SitePlan
    pages: MappingProxyType[str, PageSpec]  # src_uri -> PageSpec
    data: MappingProxyType[str, str]  # src_uri -> text of generated data files
    extras: Extras  # kind -> object for templates (sales rows, roster, report)
    allowed_contacts: set[str]
    # (advocate, field, value) the leak guard looks for
    guarded_values: list[tuple[str, str, str]] = field(default_factory=list)
    rendered_cards: dict = field(default_factory=dict)  # card HTML by page depth, for PageContext.card

    def context(self, spec: PageSpec, page_url: str, images: Callable[[str, str], ImageTag | None]) -> PageContext:
        ctx = PageContext(
            spec.kind,
            self.plan.site(spec.lang),
            page_url,
            images,
            sales=self.extras.get("sales"),
            roster=self.extras.get("roster"),
            activities=self.extras.get("activities"),
            report=self.extras.get("report"),
            rendered_cards=self.rendered_cards,
        )
        if spec.kind == "sales":
            ctx.extra["embed_snippet"] = self.extras["embeds"].snippets[WALL]
        if spec.kind == "roster":
            pager = RosterPager(int(spec.key or 1), len(ctx.roster or ()), len(ctx.activities or ()))
            ctx.roster, ctx.activities = pager.page_of(ctx.roster or []), pager.page_of(ctx.activities or ())
            ctx.extra["pager"] = pager
        if spec.kind == "story":
            story = SafeStoryView(self.plan.stories[spec.key])
            ctx.story, ctx.card_image = story, story.card_image
            ctx.extra["embed_snippet"] = self.extras["embeds"].snippets.get(spec.key)
        if spec.kind == "industry":
            ctx.industry = next(i for i in ctx.plan.industries if i.term.slug == spec.key)
        return ctx

    def listing_data(self) -> SitePlan:
        """What every page other than a story's may show of the plan: all of it but the story views.

        The preview compares it between rebuilds (with ``==``): a body edit leaves it equal, a
        new title, summary, facet or story does not.
        """

        def bare(plan: SitePlan) -> SitePlan:
            return dataclasses.replace(plan, stories=MappingProxyType({}), data_files=MappingProxyType({}))

        others = MappingProxyType({code: bare(site) for code, site in self.plan.others.items()})
        return dataclasses.replace(bare(self.plan), others=others)

    def shows(self, spec: PageSpec, images: Callable[[str, str], ImageTag | None]) -> tuple[bool, tuple]:
        """What a page other than a story's shows: whether it shows ``listing_data``, and its own data.

        An industry page shows its own cards and the other industries' names and counts, not the
        whole plan: a new story renders only its industry's page again (and the others' when a
        count changes). The roster and the report have no equality: they count as changed every time.
        """
        ctx = self.context(spec, "", images)
        if ctx.industry is not None:
            plan = dataclasses.replace(
                self.listing_data(), cards=(), facets=(), industries=(), featured=(), withheld=()
            )
            counts = tuple((i.term, len(i.cards)) for i in ctx.plan.industries)
            logos = tuple(images(c.logo, "logo") for c in ctx.industry.cards if c.logo)
            return False, (plan, ctx.industry, counts, logos)
        return True, (ctx.sales, ctx.roster, ctx.activities, ctx.report, tuple(ctx.extra.items()))

    def embed_shows(self, ctx: PageContext) -> tuple:
        """What an /embed/ page shows: its card or cards, their logos, the story behind a card, the site's name
        and address (the templates read nothing else of the plan), for the preview to compare between rebuilds."""
        cards = [ctx.extra["embed"]] if "embed" in ctx.extra else list(ctx.extra.get("wall", ()))
        logos = tuple(ctx.images(card.logo, "logo") if card.logo else None for card in cards)
        story = ctx.story._view if isinstance(ctx.story, SafeStoryView) else ctx.story
        plan = self.plan
        return (ctx.kind, ctx.page_url, story, tuple(ctx.extra.items()), logos, plan.site_name, plan.site_url)

    def embed_outputs(self) -> list[str]:
        """The paths embed_pages writes."""
        return [f"embed/{slug}/index.html" for slug in self.extras["embeds"].cards] + [f"embed/{WALL}/index.html"]

    def text_outputs(self) -> list[str]:
        """Every file the plan writes that is not a page: the data files, the old addresses' redirects and
        the /embed/ pages (a hand-written file may take none of their addresses)."""
        return [*self.data, *(old + "index.html" for old, _ in self.plan.aliases), *self.embed_outputs()]

    def alternates(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """page URL -> (hreflang, absolute URL) of its language versions, for the sitemap."""
        if not self.plan.site_url:
            return {}  # search engines ignore relative alternates: there are none
        several = len(self.plan.languages) > 1
        if not several and all(len(group) < 2 for group in self.plan.versions.values()):
            return {}  # one language, every story in one version: no page has alternates
        found = {}
        for src_uri, spec in self.pages.items():
            if spec.kind not in ALTERNATE_KINDS or not (several or self._translated(spec)):
                continue  # one language and one version: no alternates (no page context made per page)
            url = page_url_of(src_uri)
            links = self.context(spec, url, lambda path, kind: None).alternates
            if links:
                found[url] = links
        return found

    def _translated(self, spec: PageSpec) -> bool:
        """A story page with another language version (on a site of one language, the only pages with alternates)."""
        if spec.kind != "story":
            return False
        return len(self.plan.versions.get(self.plan.stories[spec.key].story.original, ())) > 1

    def embed_pages(self, images: Callable[[str, str], ImageTag | None]) -> list[EmbedPage]:
        """Each /embed/ page: its output path, template, what it shows and its context.

        Written as plain files, not MkDocs pages: as pages they would be listed in the sitemap
        and the search index, and they are fragments for other sites, not pages of this one.
        """
        return [*(self.embed_page(slug, images) for slug in self.extras["embeds"].cards), self.wall_page(images)]

    def wall_page(self, images: Callable[[str, str], ImageTag | None]) -> EmbedPage:
        """The /embed/ page of the wall."""
        return EmbedPage(f"embed/{WALL}/index.html", "sp_embed_wall.html", self, images)

    def embed_page(self, slug: str, images: Callable[[str, str], ImageTag | None]) -> EmbedPage:
        """The /embed/ page of one story's card."""
        card = self.extras["embeds"].cards[slug]
        return EmbedPage(f"embed/{slug}/index.html", "sp_embed_card.html", self, images, slug, card)


@dataclass
class EmbedPage:
    """One /embed/ page: a story's card (``slug``), or the wall. Its context is made on first use:
    the preview renders one or two of 10,000 after an edit."""

    output: str
    template: str
    pages: SitePages
    images: Callable[[str, str], ImageTag | None]
    slug: str = ""  # the story whose card it shows; "" for the wall
    card: Any = None  # that story's EmbedCard

    @functools.cached_property
    def context(self) -> PageContext:
        plan = self.pages.plan
        if not self.slug:
            ctx = PageContext("embed-wall", plan, f"embed/{WALL}/", self.images)
            ctx.extra["wall"] = self.pages.extras["embeds"].wall_first
            return ctx
        ctx = PageContext(
            "embed-card", plan, f"embed/{self.slug}/", self.images, story=SafeStoryView(plan.stories[self.slug])
        )
        ctx.extra["embed"] = self.card
        return ctx

    def shows(self) -> tuple:
        """What the page shows, for the preview to compare between rebuilds: ``SitePages.embed_shows`` of
        its context; for a story's card the same parts without making the context (its card and logo, the
        story view, the site's name and address: the template reads nothing else)."""
        if not self.slug:
            return self.pages.embed_shows(self.context)
        plan = self.pages.plan
        logos = (self.images(self.card.logo, "logo") if self.card.logo else None,)
        view = plan.stories[self.slug]
        return (
            "embed-card",
            f"embed/{self.slug}/",
            view,
            (("embed", self.card),),
            logos,
            plan.site_name,
            plan.site_url,
        )


ALTERNATE_KINDS = frozenset({"home", "stories", "industry", "story"})  # the pages that have language versions


def page_url_of(src_uri: str) -> str:
    """MkDocs' directory URL of a page source: ``de/index.md`` -> ``de/``, ``stories/x.md`` -> ``stories/x/``."""
    path = src_uri[: -len(".md")]
    if path == "index" or path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def preview_error_pages(portal: Portal) -> dict[str, PageSpec]:
    """Preview only: a page for each story that is not published, listing its located problems."""
    pages = {}
    for source, status in sorted(portal.status.items()):
        if status in (Status.INVALID, Status.WITHHELD):
            slug = source.rsplit("/", 2)[-2] if source.endswith("/index.md") else source.rsplit("/", 1)[-1][:-3]
            pages[f"stories/{slug}.md"] = PageSpec(
                "preview-error", "main.html", f"Not published: {slug}", f"{source} has problems", source
            )
    return pages


def preview_errors_html(portal: Portal, source: str | None = None, issues: list[Issue] | None = None) -> str:
    """The located problems, escaped, as a list for the preview page or the home banner.

    ``issues``: those of ``source`` already picked out of the portal's, in their order (the preview's).
    """
    if issues is None:
        issues = [i for i in portal.issues if source is None or i.path == source]
    if not issues:
        return ""
    items = "".join(
        f"<li><code>{html.escape(i.path)}:{i.line}:{i.col}</code> {html.escape(i.severity.value)}: "
        f"{html.escape(i.message)}{html.escape(' (' + i.hint + ')') if i.hint else ''} "
        f"<code>[{html.escape(i.rule)}]</code></li>"
        for i in issues
    )
    head = "This story is not published" if source else f"{len(issues)} problem(s) keep stories from being published"
    return (
        f'<div class="admonition failure sp-preview-errors" role="alert"><p class="admonition-title">{head} '
        f"(shown only in the preview)</p><ul>{items}</ul></div>"
    )


class SafeStoryView:
    """A StoryView for templates: the sanitised body and the JSON-LD are marked safe, nothing else."""

    def __init__(self, view):
        self._view = view

    def __getattr__(self, name):
        return getattr(self._view, name)

    @property
    def body_html(self) -> Markup:
        return Markup(self._view.body_html)  # sanitised by render.render_body

    @property
    def jsonld(self) -> Markup:
        return Markup(self._view.jsonld)  # escaped by plan.safe_json_for_script


class TextMemo:
    """Generated texts kept between plans of one portal (the preview): made again only when the
    data they are made from is unequal to last time's."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[object, str]] = {}
        self.kept_files: dict[str, tuple[object, dict[str, str]]] = {}
        self.embeds: dict = {}  # plan_embeds' memo: slug -> a story's embed card, oEmbed record and snippet
        self.rows: dict[str, tuple[tuple, sales.SalesRow]] = {}  # slug -> (what the row is made from, the row)
        self.row_texts = sales.RowTexts()  # each kept row's text in the sales files
        self.specs: dict[str, tuple[Any, str, PageSpec]] = {}  # slug -> (card, lang, its story page's spec)

    def story_spec(self, card, lang: str) -> PageSpec:
        """A story page's spec; the last plan's object while every field is the same (the preview then
        compares 10,000 pages' inputs by identity)."""
        kept = self.specs.get(card.slug)
        if kept is not None and kept[0] is card and kept[1] == lang:  # made from the same card
            return kept[2]
        spec = PageSpec("story", "sp_story.html", card.title, card.summary, card.slug, lang=lang)
        if kept is not None and kept[2] == spec:
            spec = kept[2]
        self.specs[card.slug] = (card, lang, spec)
        return spec

    def sales_rows(self, portal: Portal) -> list[sales.SalesRow]:
        """sales.sales_rows, each row kept (the same object) while its story and settings are unchanged.

        An unchanged story stays the same object across loads, so this costs one identity check per
        story, and the row lists compare by identity below (10,000 rows rebuilt per edit otherwise).
        """
        settings = portal.settings
        rows = []
        for story in portal.originals:
            versions = portal.versions[story.slug]  # its translations share its row
            inputs = (story, settings.site_url, portal.today, settings.portal.stale_after_months, versions)
            kept = self.rows.get(story.slug)
            if kept is None or kept[0] != inputs:
                kept = (inputs, sales.sales_row(story, *inputs[1:]))
                self.rows[story.slug] = kept
            rows.append(kept[1])
        return rows

    def text(self, name: str, data: object, make: Callable[[], str]) -> str:
        kept = self.kept.get(name)
        if kept is not None and kept[0] == data:
            return kept[1]
        text = make()
        self.kept[name] = (data, text)
        return text

    def files(self, name: str, data: object, make: Callable[[], dict[str, str]]) -> dict[str, str]:
        """Like text, for a set of files made together (output path -> text)."""
        kept = self.kept_files.get(name)
        if kept is None or kept[0] != data:
            kept = (data, make())
            self.kept_files[name] = kept
        return dict(kept[1])


def plan_pages(
    plan: SitePlan, portal: Portal, logo_url: LogoUrl = lambda path: None, memo: TextMemo | None = None
) -> SitePages:
    pages: dict[str, PageSpec] = {}
    for site in (plan, *plan.others.values()):
        pages.update(language_pages(site, messages_in(portal, site.lang).t))
    sites = {site.prefix: site.lang for site in (plan, *plan.others.values())}
    memo = memo or TextMemo()
    for slug, view in plan.stories.items():
        prefix = view.story.prefix
        pages[f"{prefix}stories/{slug}.md"] = memo.story_spec(view.card, sites.get(prefix, plan.lang))
    extras, data, allowed = _sales_pages(plan, portal, pages, memo)
    for site in (plan, *plan.others.values()):
        data.update(site.data_files)
    extras["embeds"] = plan_embeds(plan, logo_url, portal.settings.portal.embed_frame_ancestors, memo.embeds)
    data.update(extras["embeds"].files)
    return SitePages(
        plan, MappingProxyType(pages), MappingProxyType(data), extras, allowed, guarded_values(plan, portal)
    )


def language_pages(site: SitePlan, t: Callable[..., str]) -> dict[str, PageSpec]:
    """The home, /stories/ and industry pages of one language site, under its prefix, titled in its language."""
    name, at, lang = site.site_name, site.prefix, site.lang
    # Material's navigation (Home, Stories) is the default language's pages: the other sites hide it.
    home_hide = ("toc",) if not at else ("navigation", "toc")
    pages = {
        f"{at}index.md": PageSpec(
            "home", "sp_home.html", name, t("home.description", site=name), hide=home_hide, lang=lang
        ),
        f"{at}stories/index.md": PageSpec(
            "stories", "sp_stories.html", t("stories.title"), t("stories.description"), lang=lang
        ),
    }
    for industry in site.industries:
        pages[f"{at}industries/{industry.term.slug}.md"] = PageSpec(
            "industry",
            "sp_industry.html",
            t("industry.title", industry=industry.term.label),
            t("industry.lead", count=len(industry.cards), industry=industry.term.label),
            industry.term.slug,
            hide=home_hide,
            lang=lang,
        )
    return pages


def guarded_values(plan: SitePlan, portal: Portal) -> list[tuple[str, str, str]]:
    """Private values never appear; the request log (reps, deals) only in the internal build."""
    return portal_guarded_values(portal, plan.audience)


def portal_guarded_values(portal: Portal, audience: Audience) -> list[tuple[str, str, str]]:
    """What no page of a build for ``audience`` may show (validate asks without planning a site)."""
    values = portal.registry.private_values()
    if audience is not Audience.INTERNAL:  # the roster shows every advocate's name to sales
        values += portal.registry.internal_values() + portal.registry.guarded_names(portal.today)
    return values


def _sales_pages(
    plan: SitePlan, portal: Portal, pages: dict[str, PageSpec], memo: TextMemo
) -> tuple[Extras, dict[str, str], set[str]]:
    """/sales/ for everyone; the roster and the report only in the internal build."""
    extras: Extras = {}
    data: dict[str, str] = {}
    allowed: set[str] = set()
    rows = memo.sales_rows(portal)
    extras["sales"] = SalesView(rows, portal.settings.portal.stale_after_months)
    texts = memo.row_texts
    data["sales/index.json"] = memo.text(
        "sales/index.json", (rows, portal.today), lambda: sales.render_json(rows, portal, texts)
    )
    data["sales/index.csv"] = memo.text("sales/index.csv", rows, lambda: sales.render_csv(rows, texts))
    data.update(
        memo.files(
            "sales/rows", (rows, plan.type_labels), lambda: sales.render_row_chunks(rows, plan.type_labels, texts)
        )
    )
    pages["sales/index.md"] = PageSpec(
        "sales", "sp_sales.html", "Sales story index", "Every published customer story, for sales.", lang=plan.lang
    )
    if plan.audience is Audience.INTERNAL:
        entries = sales.roster(portal)
        allowed |= {r.owner.lower() for r in entries if r.owner}
        extras["roster"] = [RosterRow(entry, plan) for entry in entries]
        extras["activities"] = activity_roster(portal)
        # The request log's reps may be e-mail addresses: the internal roster shows them.
        allowed |= {q.rep.lower() for row in extras["activities"] for q in row.requests}
        pages["sales/roster.md"] = PageSpec(
            "roster",
            "sp_roster.html",
            "Reference-call roster",
            "Who can take a reference call this quarter.",
            "1",
            lang=plan.lang,
        )
        for number in range(2, RosterPager(1, len(entries), len(extras["activities"])).count + 1):
            pages[f"sales/roster/{number}.md"] = PageSpec(
                "roster",
                "sp_roster.html",
                f"Reference-call roster, page {number}",
                "Who can take a reference call this quarter.",
                str(number),
                lang=plan.lang,
            )
        extras["report"] = ReportView(report.program_report(portal))
        pages["sales/report.md"] = PageSpec(
            "report", "sp_report.html", "Program report", "The reference program's health.", lang=plan.lang
        )
    return extras, data, allowed


ROSTER_PAGE = 100  # advocates per roster page: thousands of advocates would make one page of megabytes


@dataclass(frozen=True)
class RosterPager:
    """Which slice of the roster (and of the activities list) page ``number`` shows, and its neighbours."""

    number: int  # 1-based
    advocates: int  # roster entries in all
    activity_rows: int  # advocates with activities, in all

    @property
    def count(self) -> int:
        return max(1, -(-max(self.advocates, self.activity_rows) // ROSTER_PAGE))

    @property
    def start(self) -> int:
        return (self.number - 1) * ROSTER_PAGE

    def page_of(self, rows):
        return rows[self.start : self.start + ROSTER_PAGE]

    def shown(self, total: int) -> tuple[int, int]:
        """1-based first and last position of ``total`` rows on this page (first > last: none here)."""
        return self.start + 1, min(total, self.start + ROSTER_PAGE)

    @staticmethod
    def url(number: int) -> str:
        return "sales/roster/" if number == 1 else f"sales/roster/{number}/"


@dataclass(frozen=True)
class StoryLink:
    url: str  # site path
    title: str


class RosterRow:
    """A roster entry for its template: the advocate's stories as titles to read, not slugs."""

    def __init__(self, entry: sales.RosterEntry, plan: SitePlan) -> None:
        self.entry = entry
        self.story_links = tuple(
            StoryLink(plan.stories[slug].card.url, plan.stories[slug].card.title)
            for slug in entry.stories
            if slug in plan.stories
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.entry, name)


@dataclass(frozen=True)
class SalesView:
    rows: list[sales.SalesRow]
    stale_months: int

    @property
    def first_rows(self) -> list[sales.SalesRow]:
        """The rows /sales/ renders itself; its script loads the others from ``sales/rows-<k>.json``."""
        return self.rows[: sales.FIRST_ROWS]

    @property
    def page_size(self) -> int:
        return sales.FIRST_ROWS

    @property
    def chunk_count(self) -> int:
        return -(-len(self.rows) // sales.ROW_CHUNK)


class ReportView:
    """The program report for its template, with the heatmap SVG (escaped by report.py) marked safe."""

    def __init__(self, program):
        self.report = program
        self.matrix_svg = Markup(report.render_matrix_svg(program))

    def __getattr__(self, name):
        return getattr(self.report, name)


def redirect_html(old: str, target: str, plan: SitePlan) -> str:
    """A redirect page for an alias: works without JavaScript, tells search engines the real URL."""
    depth = old.strip("/").count("/") + 1
    rel = "../" * depth + target
    canonical = (plan.site_url or "/") + target
    href = html.escape(rel, quote=True)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Redirecting</title>\n'
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
        f'<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0; url={href}">\n'
        f'</head><body><p>This story has moved: <a href="{href}">{href}</a></p></body></html>\n'
    )
