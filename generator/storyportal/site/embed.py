"""Embeddable story cards and the wall (/embed/): their page data, the wall's JSON, oEmbed, _headers.

Everything an embed shows comes from the page data the site already planned: the card,
the consent-gated Speaker and the quote the rules let through. Nothing here asks about
consent again, and a story that is not published is not in the plan, so it gets no embed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlencode

from markupsafe import escape

from storyportal.core.languages import direction
from storyportal.site.plan import CARD_CHUNK, SitePlan, StoryView

WALL = "wall"  # /embed/wall/; a story slugged "wall" keeps its story page but has no card of its own
WALL_FIRST = 6  # cards rendered into /embed/wall/ itself, for readers without JavaScript
LogoUrl = Callable[[str], str | None]  # repository path of a logo -> its site path
CARD_SIZE = (480, 360)  # oEmbed's width and height: a first size before the frame reports its own
WALL_SIZE = (960, 720)


@dataclass(frozen=True)
class EmbedCard:
    slug: str
    title: str
    quote: str | None  # only a quote the rules allowed (quote scope); else the card shows the summary
    summary: str
    name: str | None  # only with the name scope
    role: str | None
    company: str
    logo: str | None  # repository path, only with the logo scope
    metric: str
    type_label: str
    lang: str
    story_path: str  # site path of the full story, e.g. stories/acme/
    type: str = ""  # the story type's value (case-study), for its label in the page's language

    def utm(self, medium: str) -> str:
        """The query that tells analytics a visit came from an embed, and from which story."""
        return urlencode({"utm_source": "embed", "utm_medium": medium, "utm_campaign": self.slug})


@dataclass(frozen=True)
class Snippet:
    """What the Embed button offers to copy: with our script (it resizes), or a plain iframe."""

    script: str
    iframe: str
    preview: str  # site path of the embed page, for the live preview


@dataclass(frozen=True)
class EmbedPlan:
    cards: MappingProxyType[str, EmbedCard]  # newest first
    wall_first: tuple[EmbedCard, ...]
    files: MappingProxyType[str, str]  # output path -> text: oEmbed records, the wall's JSON, _headers
    snippets: MappingProxyType[str, Snippet]  # slug (or "wall") -> the code to copy


def plan_embed_card(view: StoryView) -> EmbedCard:
    card, who = view.card, view.speaker
    return EmbedCard(
        card.slug,
        card.title,
        view.quote,
        card.summary,
        who.name,
        who.title,
        card.company,
        card.logo,
        card.metric,
        card.type_label,
        card.lang,
        card.url,
        card.type.value,
    )


SETTINGS = ("settings",)  # the memo's entry for the plan's settings (story entries are keyed by slug)


def plan_embeds(plan: SitePlan, logo_url: LogoUrl, frame_ancestors: list[str], memo: dict | None = None) -> EmbedPlan:
    """A card for every published story, the wall, and the files beside them.

    ``memo`` (the preview keeps one): a story's card, oEmbed record and snippet from the last
    plan, kept while its view and the site's settings are equal.
    """
    memo = {} if memo is None else memo
    settings = dataclasses.replace(  # the site's name, address, audience...: compared once per plan
        plan,
        stories=MappingProxyType({}),
        cards=(),
        facets=(),
        industries=(),
        featured=(),
        aliases=(),
        data_files=MappingProxyType({}),
        withheld=(),
        versions=MappingProxyType({}),  # the other language versions' addresses: a view holds its own
        others=MappingProxyType({}),  # the other language sites' plans
    )
    if memo.get(SETTINGS) != settings:
        memo.clear()
        memo[SETTINGS] = settings
    cards, oembeds, story_snippets = _story_embeds(plan, memo)
    files = dict(oembeds)
    files["embed/wall/oembed.json"] = oembed_json(plan.site_name, embed_src(plan, "wall/"), WALL_SIZE, plan)
    files.update(wall_chunks(plan, logo_url, cards, memo))
    if frame_ancestors:
        files["_headers"] = headers_file(frame_ancestors)
    snippets = dict(story_snippets)
    snippets[WALL] = wall_snippet(plan)
    first = tuple(cards.values())[:WALL_FIRST]
    return EmbedPlan(MappingProxyType(cards), first, MappingProxyType(files), MappingProxyType(snippets))


LAST = ("last",)  # the memo's entry for the last plan's views (slug -> view)


def _story_embeds(plan: SitePlan, memo: dict) -> tuple[dict, dict, dict]:
    """Each story's embed card, oEmbed record and snippet (by slug, in the plan's order), kept per story while
    its view is equal; made again only for the views that are not the objects of the last plan (an edit: one
    or two of 10,000, found in one pass; the others' entries are the last plan's)."""
    stories = plan.stories
    before = memo.get(LAST, {})
    for slug, view in stories.items():
        if before.get(slug) is view or slug == WALL:
            continue  # its entry was made (or kept) for this very view by the last plan
        kept = memo.get(slug)
        if kept is None or kept[0] != view:
            card = plan_embed_card(view)
            memo[slug] = (view, card, card_oembed(card, plan), story_snippet(card, plan))
    memo[LAST] = stories
    slugs = [slug for slug in stories if slug != WALL]
    return (
        {slug: memo[slug][1] for slug in slugs},
        {f"embed/{slug}/oembed.json": memo[slug][2] for slug in slugs},
        {slug: memo[slug][3] for slug in slugs},
    )


def story_snippet(card: EmbedCard, plan: SitePlan) -> Snippet:
    link = f'<a href="{escape((plan.site_url or "/") + card.story_path)}">{escape(card.title)}</a>'
    return Snippet(
        f'{_script_tag(plan)}\n<div data-storyportal-story="{escape(card.slug)}">{link}</div>',
        iframe_html(embed_src(plan, card.slug + "/"), card.title, CARD_SIZE),
        f"embed/{card.slug}/",
    )


def wall_snippet(plan: SitePlan) -> Snippet:
    """The wall without filters; the /sales/ page's script adds the chosen ones (embed-button.js)."""
    link = f'<a href="{escape((plan.site_url or "/") + "stories/")}">{escape(plan.site_name)}</a>'
    return Snippet(
        f'{_script_tag(plan)}\n<div data-storyportal-wall="">{link}</div>',
        iframe_html(embed_src(plan, "wall/"), plan.site_name, WALL_SIZE),
        "embed/wall/",
    )


def _script_tag(plan: SitePlan) -> str:
    return f'<script src="{escape(embed_src(plan, "embed.js"))}" defer></script>'


def embed_src(plan: SitePlan, path: str) -> str:
    """The address a host page frames: absolute with the site's `site_url`, else from the host's root."""
    return (plan.site_url or "/") + "embed/" + path


def card_oembed(card: EmbedCard, plan: SitePlan) -> str:
    return oembed_json(card.title, embed_src(plan, card.slug + "/"), CARD_SIZE, plan)


def iframe_html(src: str, title: str, size: tuple[int, int]) -> str:
    """The plain <iframe> snippet, for host pages that allow no script; every value escaped."""
    width, height = size
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
        f'style="border:0;width:100%;max-width:{width}px" loading="lazy"></iframe>'
    )


def oembed_json(title: str, src: str, size: tuple[int, int], plan: SitePlan) -> str:
    """An oEmbed 1.0 `rich` record (oembed.com, section 2.3.4): what a CMS needs to embed the URL."""
    record = {
        "version": "1.0",
        "type": "rich",
        "html": iframe_html(src, title, size),
        "width": size[0],
        "height": size[1],
        "title": title,
        "provider_name": plan.site_name,
    }
    if plan.site_url:
        record["provider_url"] = plan.site_url
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


WALL_CHUNKS = ("wall-chunks",)  # the memo's entry for the wall's chunk files


def wall_chunks(
    plan: SitePlan, logo_url: LogoUrl, cards: Mapping[str, EmbedCard] | None = None, memo: dict | None = None
) -> dict[str, str]:
    """The wall's cards in the chunks of the /stories/ index (same order, same size).

    The wall filters with /stories/facets.json, which the site already publishes, then
    fetches only the chunks that hold the cards it shows: a few KB, even at 10,000 stories.
    ``cards``: the embed cards already planned, by slug; ``memo`` keeps the files while the
    cards and their logos are the same (the preview: 10,000 rows encoded again on every save).
    """
    # The default language's list (each story once: a translation only where it is that language's version).
    cards = cards or {}
    shown = tuple(cards.get(card.slug) or plan_embed_card(plan.stories[card.slug]) for card in plan.cards)
    inputs = (shown, tuple(logo_url(card.logo) if card.logo else None for card in shown))
    kept = memo.get(WALL_CHUNKS) if memo is not None else None
    if kept is not None and kept[0] == inputs:
        return dict(kept[1])
    texts = {} if memo is None else memo.setdefault(WALL_TEXTS, {})
    files = _wall_files([_wall_text(card, logo_url, texts) for card in shown])
    if memo is not None:
        memo[WALL_CHUNKS] = (inputs, files)
    return dict(files)


def _wall_files(rows: list[str]) -> dict[str, str]:
    """The chunk files of the rows' JSON texts: each joined as json.dumps joins a list with these separators."""
    return {
        f"embed/wall/cards-{start // CARD_CHUNK}.json": "[" + ",".join(rows[start : start + CARD_CHUNK]) + "]"
        for start in range(0, len(rows), CARD_CHUNK)
    }


WALL_TEXTS = ("wall-texts",)  # the memo's entry for each card's row text: slug -> (card, logo address, text)


def _wall_text(card: EmbedCard, logo_url: LogoUrl, kept: dict) -> str:
    """A card's row in the wall's chunks, as JSON; kept while the card is the same object with the same logo
    address (a new story encodes its own row, not 10,000)."""
    logo = logo_url(card.logo) if card.logo else None
    found = kept.get(card.slug)
    if found is None or found[0] is not card or found[1] != logo:
        text = json.dumps(_wall_row(card, logo_url), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        found = kept[card.slug] = (card, logo, text)
    return found[2]


def _wall_row(card: EmbedCard, logo_url: LogoUrl) -> dict[str, object]:
    return {
        "slug": card.slug,
        "title": card.title,
        "quote": card.quote,
        "summary": card.summary,
        "name": card.name,
        "role": card.role,
        "company": card.company,
        "logo": logo_url(card.logo) if card.logo else None,
        "metric": card.metric,
        "type": card.type_label,
        "lang": card.lang,
        "dir": direction(card.lang),
        "url": card.story_path,
    }


def headers_file(frame_ancestors: list[str]) -> str:
    """Netlify / Cloudflare Pages `_headers`: only these sites (and the portal itself) may frame /embed/."""
    sources = " ".join(["'self'", *frame_ancestors])
    return f"/embed/*\n  Content-Security-Policy: frame-ancestors {sources}\n"
