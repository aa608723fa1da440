"""Page data: everything the site shows, decided before anything is written.

Views are frozen records built from the Portal; templates only format them.
Nothing here reads an advocate's private block, and internal data (the
reference-call roster) is planned only for the internal audience.
"""

from __future__ import annotations

import dataclasses as dc
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from storyportal.core.body import RenderedBody, render_story_body
from storyportal.core.config import FACETS, Audience
from storyportal.core.issues import Issue, Severity
from storyportal.core.languages import Language
from storyportal.core.messages import Messages
from storyportal.core.model import TYPE_LABELS, Metric, Story, StoryType, Term, Video
from storyportal.core.portal import Portal
from storyportal.core.video import EMBED_ORIGINS, provider

LANG_LABELS = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
    "ja": "日本語",
    "zh": "中文",
    "pl": "Polski",
    "sv": "Svenska",
}
CARD_CHUNK = 200  # cards per JSON chunk of the /stories/ index
FIRST_VIEW = 24  # cards rendered into the /stories/ page itself


@dataclass(frozen=True)
class CardView:
    slug: str
    url: str  # site-relative, e.g. stories/acme/
    title: str
    summary: str
    company: str
    logo: str | None  # repository path of the logo, only where consent allows
    type: StoryType
    type_label: str
    industry: Term
    metric: str
    published: str
    lang: str
    lang_label: str = ""  # the language's own name, for the badge on cards in another language than the site


@dataclass(frozen=True)
class Speaker:
    name: str | None  # only with the name scope
    title: str | None
    company: str
    photo: str | None = None  # repository path; a face names a person too, so only with the name scope


@dataclass(frozen=True)
class StoryView:
    card: CardView
    story: Story
    lang_label: str
    speaker: Speaker
    quote: str | None
    metrics: tuple[Metric, ...]
    video: Video | None
    body_html: str
    body_images: tuple[tuple[str, str], ...]
    related: tuple[CardView, ...]
    canonical: str
    card_image: str  # site path of the 1200x630 Open Graph card
    jsonld: str  # already safe inside <script type="application/ld+json">
    video_provider: str = ""  # the video host's name for people: "Watch on YouTube"
    video_origins: str = ""  # every player origin the facade script may load, space-separated


@dataclass(frozen=True)
class FacetValue:
    """One checkbox of a filter: how many published stories have the value."""

    slug: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class IndustryView:
    term: Term
    cards: tuple[CardView, ...]
    prefix: str = ""  # of its language site

    @property
    def url(self) -> str:
        return f"{self.prefix}industries/{self.term.slug}/"


@dataclass(frozen=True)
class SitePlan:
    stories: MappingProxyType  # slug -> StoryView, newest first
    cards: tuple[CardView, ...]  # every published story, newest first
    facets: tuple[Facet, ...]
    industries: tuple[IndustryView, ...]  # industries that have stories
    featured: tuple[CardView, ...]
    aliases: tuple[tuple[str, str], ...]  # (old path without leading slash, target url)
    data_files: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # output path -> text
    audience: Audience = Audience.PUBLIC
    site_name: str = ""
    site_description: str = ""  # the home page's lead, in the plan's language
    site_url: str = ""
    type_labels: MappingProxyType[StoryType, str] = field(default_factory=lambda: TYPE_LABELS)  # for templates
    internal_site_url: str = ""  # with a trailing slash, or "" when not configured
    nav: tuple[tuple[str, str], ...] = ()  # (label, site path) of the site's own navigation bar
    withheld: tuple[Issue, ...] = ()  # published stories whose body failed to render: left out
    # One plan per language site, all sharing `stories`; this one is the default language's (at the root).
    lang: str = ""  # the code of this plan's language site
    prefix: str = ""  # its URL prefix: "" or "de/"
    languages: tuple[Language, ...] = ()  # every language of the site, the default first
    others: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # code -> SitePlan, default's only
    versions: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # original -> {lang: url}

    def site(self, lang: str | None) -> SitePlan:
        """The plan of one language site (the default's for an unknown or absent code)."""
        return self.others.get(lang, self) if lang and lang != self.lang else self


INTERNAL_NAV = (
    ("Home", ""),
    ("Stories", "stories/"),
    ("Sales", "sales/"),
    ("Roster", "sales/roster/"),
    ("Report", "sales/report/"),
)


def plan_nav(audience: Audience) -> tuple[tuple[str, str], ...]:
    """The internal build's tools are linked from every page; the public site keeps Material's header."""
    return INTERNAL_NAV if audience is Audience.INTERNAL else ()


def with_slash(url: str | None) -> str:
    return "" if not url else url if url.endswith("/") else url + "/"


def safe_json_for_script(data) -> str:
    """JSON that cannot close its <script> element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def in_language(term: Term, lang: str) -> Term:
    """The term with its label in ``lang`` (the default language's where the taxonomy has none)."""
    label = term.label_in(lang)
    return term if label == term.label else dc.replace(term, label=label)


def localized(story: Story, lang: str) -> Story:
    """The story with its facet labels in ``lang``: the labels around a story are the site's words."""
    return dc.replace(
        story,
        industry=in_language(story.industry, lang),
        company_size=in_language(story.company_size, lang),
        region=in_language(story.region, lang),
        products=tuple(in_language(t, lang) for t in story.products),
        use_cases=tuple(in_language(t, lang) for t in story.use_cases),
    )


def plan_card(story: Story, on, kinds: Mapping[StoryType, str] = TYPE_LABELS) -> CardView:
    metric = f"{story.metrics[0].value} {story.metrics[0].label}" if story.metrics else ""
    logo = story.company.logo if story.shows("logo", on) else None
    return CardView(
        story.slug,
        story.url,
        story.title,
        story.summary,
        story.company.name,
        logo,
        story.type,
        kinds[story.type],
        story.industry,
        metric,
        story.published.isoformat(),
        story.lang,
        LANG_LABELS.get(story.lang, story.lang),
    )


def plan_speaker(story: Story, on) -> Speaker:
    person = story.primary
    named = story.shows("name", on)
    return Speaker(person.name if named else None, person.title, person.company.name, person.photo if named else None)


RELATED_POOL = 30  # newest candidates looked at per (industry, product) group; keeps 10,000 stories linear


class RelatedIndex:
    """Candidates for "related stories": the same industry, sharing a product where possible."""

    def __init__(self, published: tuple[Story, ...]):
        self.groups: dict[tuple, list[Story]] = {}
        self.terms = {s.slug: _shared_terms(s) for s in published}
        for story in published:  # newest first, so each group is in recency order
            for product in story.products or (None,):
                self.groups.setdefault((story.industry.slug, product.slug if product else None), []).append(story)
            self.groups.setdefault((story.industry.slug, "*"), []).append(story)

    def candidates(self, story: Story) -> list[Story]:
        keys = _group_keys(story)
        found: dict[str, Story] = {}  # slug -> story, in first-found order
        for key in keys:
            for other in self.groups.get(key, ())[:RELATED_POOL]:
                found.setdefault(other.slug, other)
        return list(found.values())


class PlanMemo:
    """What the last plan of a portal made, kept by the preview so that a rebuild plans only what changed.

    Related stories are ranked again only in the industries where what ranks them changed (a
    story's industry, products, use cases, date or slug: 10,000 rankings were most of the plan).
    A card or a story view is kept, the same object, while everything it is made from is the
    same (an unchanged story stays the same object across loads): the preview then compares
    pages by identity, not field by field.
    """

    def __init__(self) -> None:
        self.count = -1
        self.ranks: dict[str, tuple] = {}  # slug -> what ranks the story as a candidate
        self.slugs: dict[str, tuple[str, ...]] = {}
        self.pools: dict[tuple, tuple[str, ...]] = {}  # RelatedIndex group -> the slugs of its candidate pool
        self.cards: dict[str, tuple[tuple, CardView]] = {}
        self.views: dict[str, tuple[tuple, StoryView]] = {}
        self.index: tuple[tuple, dict[str, str]] = ((), {})
        self.index_keys: dict[str, tuple[Story, tuple[str, ...], tuple]] = {}  # slug -> (story, facets, key)
        self.kinds: Mapping[StoryType, str] = {}  # the story type labels the last cards were made with
        self.carded: tuple | None = None  # (listing, labels, date, its cards) of the last plan
        self.ranked: tuple[Story, ...] = ()  # the stories ``ranks`` were made from
        self.counted: tuple[tuple, list[dict[str, int]]] | None = None  # (each story's facet values, the counts)
        self.card_texts: dict[object, tuple] = {}  # slug -> (card, logo, its JSON); ("row", slug) -> its facet row
        self.bodies: dict[tuple[str, str], tuple[str, tuple]] = {}  # (folder, slug) -> (text, rendered)
        self.stories: dict[str, dict[str, tuple[Story, Story]]] = {}  # lang -> slug -> (story, localized)
        self.sites: dict[str, PlanMemo] = {}  # language -> that language site's cards, related stories, index

    def local(self, story: Story, lang: str) -> Story:
        """localized(), kept while the story is the same object (an unchanged story is, across loads)."""
        stories = self.stories.get(lang)
        if stories is None:
            stories = self.stories[lang] = {}
        kept = stories.get(story.slug)
        if kept is None or kept[0] is not story:
            kept = stories[story.slug] = (story, localized(story, lang))
        return kept[1]

    def site(self, lang: str) -> PlanMemo:
        """The memo of one language site: its listing has its own cards, rankings and index files."""
        found = self.sites.get(lang)  # not setdefault: a new memo per call is ten dicts, asked once per story
        if found is None:
            found = self.sites[lang] = PlanMemo()
        return found

    def render(self, text: str, folder: str, slug: str) -> tuple:
        """render_story_body, kept per story while its text is the same (its checks scan the whole text)."""
        kept = self.bodies.get((folder, slug))
        if kept is None or kept[0] != text:
            kept = (text, render_story_body(text, folder, slug))
            self.bodies[(folder, slug)] = kept
        return kept[1]

    def index_files(self, published: tuple[Story, ...], cards: dict, facets: tuple[Facet, ...], logo_url) -> dict:
        shown = tuple(cards[s.slug] for s in published)
        names = tuple(f.name for f in facets)
        # What the index shows of each story, not the story: a body edit leaves the index as it was.
        indexed = tuple(self.indexed(s, names) for s in published)
        inputs = (indexed, shown, facets, tuple(logo_url(c.logo) if c.logo else None for c in shown))
        if self.index[0] != inputs:
            self.index = (inputs, plan_index_files(published, cards, facets, logo_url, self.card_texts))
        return dict(self.index[1])

    def indexed(self, story: Story, names: tuple[str, ...]) -> tuple:
        """What plan_index_files reads of a story besides its card, kept while the story is the same object."""
        kept = self.index_keys.get(story.slug)
        if kept is None or kept[0] is not story or kept[1] != names:
            shown = tuple(story_facet_values(story, name) for name in names)
            key = (story.slug, shown, story.title, story.summary, story.company.name, story.tags)
            kept = (story, names, key)
            self.index_keys[story.slug] = kept
        return kept[2]

    def facet_counts(self, listing: tuple[Story, ...], names: tuple[str, ...]) -> list[dict[str, int]]:
        """Per facet, how many stories of ``listing`` have each value; counted again only when what the
        stories show in the facets changed (each story's values kept while it is the same object: a body
        edit counts nothing again)."""
        rows = tuple(self.indexed(s, names)[1] for s in listing)
        if self.counted is None or self.counted[0] != rows:
            counts: list[dict[str, int]] = [{} for _ in names]
            for row in rows:
                for found, values in zip(counts, row, strict=True):
                    for value in values:
                        found[value] = found.get(value, 0) + 1
            self.counted = (rows, counts)
        return self.counted[1]

    def cards_of(self, listing, code: str, on, kinds: Mapping[StoryType, str], memo: PlanMemo) -> dict[str, CardView]:
        """slug -> card of every story a language site lists (``memo``: the plan's, which localises them)."""
        if kinds == self.kinds:  # the last plan's labels, so that each card's inputs compare by identity
            kinds = self.kinds
        self.kinds = kinds
        last = self.carded

        def make(story: Story) -> CardView:
            return self.card(memo.local(story, code), on, kinds)

        # The last cards, made again only for the stories that changed or are new (the card of an unchanged
        # story with the same date and labels is the one kept).
        if last is not None and last[1] is kinds and last[2] == on:
            cards = _patched(last[0], listing, last[3], make)
        else:
            cards = {s.slug: make(s) for s in listing}
        self.carded = (listing, kinds, on, cards)
        return cards

    def card(self, story: Story, on, kinds: Mapping[StoryType, str]) -> CardView:
        inputs = (story, on, kinds)
        kept = self.cards.get(story.slug)
        if kept is None or kept[0] != inputs:
            kept = (inputs, plan_card(story, on, kinds))
            self.cards[story.slug] = kept
        return kept[1]

    def view(self, story: Story, portal: Portal, related: tuple[CardView, ...], card: CardView, card_image: str, body):
        settings = portal.settings
        versions = portal.versions.get(story.original)  # its language versions (work_links reads their addresses)
        inputs = (story, portal.today, settings, related, card, card_image, body, versions)
        kept = self.views.get(story.slug)
        if kept is None or kept[0] != inputs:
            kept = (inputs, plan_story(story, portal, related, card, card_image, body))
            self.views[story.slug] = kept
        return kept[1]

    def related(self, published: tuple[Story, ...], count: int) -> dict[str, tuple[str, ...]]:
        """Each story's related stories, ranked again only where what ranks them changed.

        A story's candidates are the newest RELATED_POOL stories of each of its groups (its
        industry with each of its products, and its industry). So a story is ranked again only
        if it changed itself, or one of its groups' pools changed (a story joined, left or moved
        in it), or a story in one of its pools changed what ranks it (its products, use cases,
        date): a new or withdrawn story outside every pool ranks only itself.
        """
        if count != self.count:
            self.ranks, self.slugs, self.pools, self.count, self.ranked = {}, {}, {}, count, ()
        ranks = _patched(self.ranked, published, self.ranks, _rank)
        self.ranked = published
        moved = {slug for slug, rank in ranks.items() if self.ranks.get(slug) != rank}
        moved |= {slug for slug in self.ranks if slug not in ranks}
        if moved:
            index = RelatedIndex(published)
            pools = {key: tuple(s.slug for s in group[:RELATED_POOL]) for key, group in index.groups.items()}
            stale = {
                key
                for key in pools.keys() | self.pools.keys()
                if pools.get(key) != self.pools.get(key) or not moved.isdisjoint(pools.get(key, ()))
            }
            kept = {slug: found for slug, found in self.slugs.items() if slug in ranks}
            for story in published:
                if story.slug in moved or story.slug not in kept or not stale.isdisjoint(_group_keys(story)):
                    kept[story.slug] = tuple(r.slug for r in related_stories(story, index, count))
            self.slugs, self.pools = kept, pools
        self.ranks = ranks
        return self.slugs


def _rank(story: Story) -> tuple:
    """What ranks a story as another's related story (and its own candidates)."""
    return (
        story.industry.slug,
        tuple(p.slug for p in story.products),
        tuple(u.slug for u in story.use_cases),
        story.published,
        story.original,
    )


def _patched(last: tuple, stories: tuple, made: dict, make) -> dict:
    """``{s.slug: make(s) for s in stories}``, where ``made`` is that for the stories ``last``: made again
    only for the stories that are not the same objects as last time (a new story makes its own only)."""
    before = {s.slug: s for s in last}
    found = {}
    for story in stories:
        slug = story.slug
        found[slug] = made[slug] if before.get(slug) is story and slug in made else make(story)
    return found


def _group_keys(story: Story) -> list[tuple[str, str]]:
    """The RelatedIndex groups a story takes its candidates from."""
    return [(story.industry.slug, p.slug) for p in story.products] + [(story.industry.slug, "*")]


def _shared_terms(story: Story) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(t.slug for t in story.products), frozenset(t.slug for t in story.use_cases)


def related_stories(story: Story, index: RelatedIndex, count: int) -> list[Story]:
    """Other stories of the same industry (not versions of this one), most shared products and use cases first, then newest."""
    products, use_cases = _shared_terms(story)

    def score(other: Story) -> int:
        theirs = index.terms[other.slug]
        return 2 * len(products & theirs[0]) + len(use_cases & theirs[1])

    ranked = sorted(
        (s for s in index.candidates(story) if s.original != story.original),
        key=lambda s: (-score(s), -s.published.toordinal(), s.slug),
    )
    return ranked[:count]


def absolute(site_url: str, path: str) -> str:
    return site_url + path if site_url else "/" + path


def work_links(story: Story, versions, site_url: str) -> dict:
    """schema.org links between the language versions of a story: translationOfWork on a
    translation (its original), workTranslation on the original (its translations)."""
    kind = "VideoObject" if story.video else "Article"

    def work(other: Story) -> dict:
        return {"@type": kind, "url": absolute(site_url, other.url), "inLanguage": other.lang}

    group = versions.get(story.original, {})
    if story.translation_of is not None:
        original = group.get(next(iter(group), ""))
        return {"translationOfWork": work(original)} if original is not None else {}
    translations = [work(v) for v in group.values() if v.slug != story.slug]
    return {"workTranslation": translations} if translations else {}


def plan_jsonld(story: Story, speaker: Speaker, canonical: str, site_name: str, site_url: str, card: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject" if story.video else "Article",
        "headline" if not story.video else "name": story.title,
        "description": story.summary,
        "datePublished" if not story.video else "uploadDate": story.published.isoformat(),
        "dateModified": story.last_changed.isoformat(),
        "inLanguage": story.lang,
        "url": canonical,
        "image": (site_url or "/") + card,
        "about": {"@type": "Organization", "name": story.company.name},
        "publisher": {"@type": "Organization", "name": site_name},
    }
    if story.video:
        data["thumbnailUrl"] = data["image"]
        data["embedUrl"] = story.video.embed_url.split("?")[0]
    if speaker.name:
        data["author"] = {"@type": "Person", "name": speaker.name}
    return data


def plan_bodies(published: tuple[Story, ...], render=render_story_body) -> tuple[dict[str, RenderedBody], list[Issue]]:
    """Each story's rendered body (validation already rendered it: this reuses that result).

    A body that cannot be rendered withholds its one story, located, instead of failing
    the build: the nightly build must still take lapsed consent down.
    """
    bodies: dict[str, RenderedBody] = {}
    withheld: list[Issue] = []
    for story in published:
        body, problem = render(story.body, story.source.rsplit("/", 1)[0], story.slug)
        if body is not None:
            bodies[story.slug] = body
        elif problem is not None:
            line = story.body_line + problem.line - 1
            withheld.append(Issue(story.source, line, problem.col, problem.rule, problem.message, hint=problem.hint))
    return bodies, withheld


def plan_story(
    story: Story, portal: Portal, related: tuple[CardView, ...], card: CardView, card_image: str, body: RenderedBody
) -> StoryView:
    on, settings = portal.today, portal.settings
    canonical = settings.site_url + story.url if settings.site_url else "/" + story.url
    speaker = plan_speaker(story, on)
    return StoryView(
        card=card,
        story=story,
        lang_label=LANG_LABELS.get(story.lang, story.lang),
        speaker=speaker,
        quote=story.quote,
        metrics=story.metrics,
        video=story.video,
        body_html=body.html,
        body_images=body.images,
        related=related,
        canonical=canonical,
        card_image=card_image,
        jsonld=safe_json_for_script(
            plan_jsonld(story, speaker, canonical, settings.site_name, settings.site_url, card_image)
            | work_links(story, portal.versions, settings.site_url)
        ),
        video_provider=provider(story.video.provider).name if story.video else "",
        video_origins=" ".join(EMBED_ORIGINS) if story.video else "",
    )


def story_facet_values(story: Story, facet: str) -> tuple[str, ...]:
    if facet == "type":
        return (story.type,)
    if facet == "lang":
        return (story.lang,)
    value = getattr(story, facet)
    return tuple(t.slug for t in value) if isinstance(value, tuple) else (value.slug,)


def facet_names(published) -> tuple[str, ...]:
    """The facets of the index; the language facet appears once two languages are present."""
    langs = {s.lang for s in published}
    return ("type",) + FACETS + (("lang",) if len(langs) > 1 else ())


def lang_label(portal: Portal, code: str) -> str:
    """A language's own name: from the site's languages, else the built-in list, else its code."""
    named = {lang.code: lang.label for lang in portal.languages if portal.settings.portal.languages}
    return named.get(code) or LANG_LABELS.get(code, code)


def facet_terms(portal: Portal, facet: str, published, lang: str) -> list[tuple[str, str]]:
    if facet == "type":
        return [(kind.value, label) for kind, label in type_labels(portal, lang).items()]
    if facet == "lang":
        return [(code, lang_label(portal, code)) for code in sorted({s.lang for s in published})]
    return [(t.slug, t.label_in(lang)) for t in portal.taxonomy.terms(facet)]


def messages_in(portal: Portal, lang: str) -> Messages:
    """The interface strings of one language site: the labels in its data files and cards."""
    return portal.messages.for_language(lang)


def default_messages(portal: Portal) -> Messages:
    """The interface strings of the site's default language."""
    return messages_in(portal, portal.settings.portal.lang)


def type_labels(portal: Portal, lang: str) -> dict[StoryType, str]:
    messages = messages_in(portal, lang)
    return {kind: messages.t(f"type.{kind.value}") for kind in StoryType}


def default_type_labels(portal: Portal) -> dict[StoryType, str]:
    return type_labels(portal, portal.settings.portal.lang)


def plan_facets(portal: Portal, published, lang: str, memo: PlanMemo | None = None) -> tuple[Facet, ...]:
    """Each facet's values with how many of ``published`` have each; ``memo``: that language site's."""
    names = facet_names(published)
    counted = (memo or PlanMemo()).facet_counts(published, names)
    facets = []
    for name, counts in zip(names, counted, strict=True):
        values = tuple(
            FacetValue(slug, label, counts.get(slug, 0)) for slug, label in facet_terms(portal, name, published, lang)
        )
        facets.append(Facet(name, messages_in(portal, lang).t("facet." + name), values))
    return tuple(facets)


def plan_index_files(
    published, cards: dict, facets: tuple[Facet, ...], logo_url, card_texts: dict | None = None
) -> dict[str, str]:
    """The /stories/ index for the browser: compact facet ids first, cards and text in later chunks.

    ``card_texts``: each card's JSON and each story's facet row and search text, kept from the last
    index (the preview): a new story encodes its own, not 10,000 of them; a file is its items' JSON
    joined as json.dumps joins a list.
    """
    card_texts = {} if card_texts is None else card_texts
    layout = tuple((f.name, tuple(v.slug for v in f.values)) for f in facets)  # what a row's numbers point into
    positions = {f.name: {v.slug: i for i, v in enumerate(f.values)} for f in facets}
    rows, texts = [], []
    for story in published:
        kept = card_texts.get(("row", story.slug))
        if kept is None or kept[0] is not story or kept[1] != layout:
            row = [story.slug] + [[positions[f.name][v] for v in story_facet_values(story, f.name)] for f in facets]
            text = " ".join([story.title, story.summary, story.company.name, " ".join(story.tags)]).lower()
            kept = (story, layout, _compact(row), _compact(text))
            card_texts[("row", story.slug)] = kept
        rows.append(kept[2])
        texts.append(kept[3])
    index = {
        "v": 1,
        "chunk": CARD_CHUNK,
        "count": len(rows),
        "facets": [{"name": f.name, "label": f.label, "values": [[v.slug, v.label] for v in f.values]} for f in facets],
    }
    # "stories" last, each row's JSON joined as json.dumps joins a list (kept per story in the preview)
    head = _compact(index)
    files = {"stories/facets.json": head[:-1] + ',"stories":[' + ",".join(rows) + "]}"}
    for start in range(0, len(published), CARD_CHUNK):
        chunk = [_card_text(cards[s.slug], logo_url, card_texts) for s in published[start : start + CARD_CHUNK]]
        files[f"stories/cards-{start // CARD_CHUNK}.json"] = "[" + ",".join(chunk) + "]"
    files["stories/text.json"] = "[" + ",".join(texts) + "]"
    return files


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _card_text(card: CardView, logo_url, kept: dict) -> str:
    """A card's JSON in the index, kept while the card is the same object with the same logo address."""
    logo = logo_url(card.logo) if card.logo else None
    found = kept.get(card.slug)
    if found is None or found[0] is not card or found[1] != logo:
        found = (card, logo, json.dumps(_card_json(card, logo_url), ensure_ascii=False, separators=(",", ":")))
        kept[card.slug] = found
    return found[2]


def _card_json(card: CardView, logo_url) -> dict:
    logo = logo_url(card.logo) if card.logo else None
    return {
        "slug": card.slug,
        "url": card.url,
        "title": card.title,
        "summary": card.summary,
        "company": card.company,
        "type": card.type_label,
        "industry": card.industry.label,
        "metric": card.metric,
        "date": card.published,
        "lang": card.lang,
        "lang_label": card.lang_label,
        "logo": logo,
    }


def _no_card(story: Story, card: CardView) -> str:  # noqa: ARG001 (the card_path signature)
    return f"cards/{story.slug}.png"


def listed_versions(published: tuple[Story, ...], versions, lang: str) -> tuple[Story, ...]:
    """What a language site lists: each story once, in ``lang`` where published so, else the original
    (shown with its language badge: never a copy pretending to be a translation). Newest first."""
    shown = {s.slug for s in published}
    listed = []
    for story in published:  # originals, in the portal's order (newest first)
        if story.translation_of is not None:
            continue
        own = versions.get(story.slug, {}).get(lang)
        listed.append(own if own is not None and own.slug in shown else story)
    return tuple(listed)


def withheld_translations(portal: Portal, shown: set[str]) -> list[Issue]:
    """Translations left out because their original's body failed to render."""
    return [
        Issue(s.source, s.body_line, 1, "translation-original-withheld",
              f"The original '{s.translation_of}' cannot be shown, so this translation is withheld too",
              Severity.WARNING, "fix the original's problem first")
        for s in portal.published
        if s.translation_of is not None and s.slug in shown and s.translation_of not in shown
    ]  # fmt: skip


def plan_site(portal: Portal, logo_url=lambda path: None, card_path=_no_card, memo: PlanMemo | None = None) -> SitePlan:
    """Plan every page of the public (or internal) site from a loaded portal: one plan per language.

    ``memo``: what the last plan of this portal made (the preview keeps one).
    """
    memo = memo or PlanMemo()
    bodies, withheld = plan_bodies(portal.published, memo.render)
    withheld += withheld_translations(portal, set(bodies))
    published = tuple(s for s in portal.published if s.slug in bodies and s.original in bodies)
    languages = portal.languages
    site_of = {lang.code: lang for lang in languages}
    home = {s.slug: site_of.get(s.lang, languages[0]).code for s in published}  # the site each story is on
    listings = {lang.code: listed_versions(published, portal.versions, lang.code) for lang in languages}
    kinds = {lang.code: type_labels(portal, lang.code) for lang in languages}  # story type names per language
    cards = {
        code: memo.site(code).cards_of(listing, code, portal.today, kinds[code], memo)
        for code, listing in listings.items()
    }
    views = {}
    for code, listing in listings.items():
        mine = tuple(s for s in published if home[s.slug] == code)
        views.update(plan_views(portal, mine, listing, code, cards[code], kinds[code], card_path, bodies, memo))
    versions = MappingProxyType(
        {slug: MappingProxyType({lang: s.url for lang, s in group.items() if s.slug in views})
         for slug, group in portal.versions.items()}
    )  # fmt: skip
    stories = MappingProxyType({s.slug: views[s.slug] for s in published})  # newest first
    shared = dict(stories=stories, versions=versions, languages=languages)
    plans = {
        lang.code: plan_language(portal, lang, listings[lang.code], cards[lang.code], logo_url, withheld, shared, memo)
        for lang in languages
    }
    default = dc.replace(plans[languages[0].code], aliases=plan_aliases(published))
    return dc.replace(default, others=MappingProxyType({c: p for c, p in plans.items() if p.lang != default.lang}))


def plan_views(portal: Portal, mine, listing, code: str, cards: dict, kinds, card_path, bodies, memo: PlanMemo) -> dict:
    """The pages of the stories on one language site, their related stories taken from what that site lists."""
    site = memo.site(code)
    listed = tuple(memo.local(s, code) for s in listing)
    count = portal.settings.portal.related_stories
    related = site.related(listed, count)
    views, index = {}, None
    for original in mine:
        story = memo.local(original, code)
        card = cards.get(story.slug) or site.card(story, portal.today, kinds)
        if story.slug in related:
            nearby = tuple(cards[slug] for slug in related[story.slug])
        else:  # a story its own site lists in another version (an original in a language without a site)
            index = index or RelatedIndex(listed)  # built once per site, only if such a story exists
            nearby = tuple(cards[s.slug] for s in related_stories(story, index, count))
        card_image = card_path(story, card)  # plans the card file: every build
        views[story.slug] = memo.view(story, portal, nearby, card, card_image, bodies[story.slug])
    return views


def plan_aliases(published: tuple[Story, ...]) -> tuple[tuple[str, str], ...]:
    """Old addresses that redirect: each story's aliases, and /stories/<slug>/ of a story whose
    language site has a prefix (so a link shared before the site had languages keeps working)."""
    found = {alias.strip("/") + "/": s.url for s in published for alias in s.aliases}
    found.update({f"stories/{s.slug}/": s.url for s in published if s.prefix})
    return tuple(sorted(found.items()))


def plan_language(portal: Portal, lang: Language, listing, cards, logo_url, withheld, shared, memo) -> SitePlan:
    """One language site: its listing, facets (labels in its language), industries and index files."""
    facets = plan_facets(portal, listing, lang.code, memo.site(lang.code))
    by_industry: dict[str, list[CardView]] = {}
    for s in listing:
        by_industry.setdefault(s.industry.slug, []).append(cards[s.slug])
    industries = tuple(
        IndustryView(in_language(term, lang.code), tuple(by_industry.get(term.slug, ())), lang.url_prefix)
        for term in portal.taxonomy.terms("industry")
    )
    files = memo.site(lang.code).index_files(listing, cards, facets, logo_url)
    settings = portal.settings
    return SitePlan(
        cards=tuple(cards[s.slug] for s in listing),
        facets=facets,
        industries=tuple(i for i in industries if i.cards),
        featured=tuple(cards[s.slug] for s in listing if s.featured),
        aliases=(),
        data_files=MappingProxyType({lang.url_prefix + name: text for name, text in files.items()}),
        audience=settings.portal.audience,
        site_name=lang.site_name or settings.site_name,
        site_description=lang.site_description or settings.site_description,
        site_url=settings.site_url,
        internal_site_url=with_slash(settings.portal.internal_site_url),
        nav=plan_nav(settings.portal.audience),
        withheld=tuple(withheld),
        lang=lang.code,
        prefix=lang.url_prefix,
        **shared,
    )
