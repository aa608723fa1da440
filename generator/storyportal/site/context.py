"""What a template sees as ``sp``: the planned page data and a few safe helpers.

Values from stories and the registry stay plain strings here; templates escape
them (they run under ``{% autoescape true %}``). Only HTML built by this module
or sanitised by :mod:`storyportal.core.body` is marked safe.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from storyportal.site.images import IMAGE_KINDS
from storyportal.site.plan import FIRST_VIEW, IndustryView, SitePlan, StoryView

if TYPE_CHECKING:  # pages imports this module: its view classes are named for the checker only
    from storyportal.site.pages import SafeStoryView


@dataclass(frozen=True)
class ImageTag:
    src: str  # site path of the fallback image
    width: int
    height: int
    srcset: tuple[tuple[str, int], ...] = ()  # (site path, width) of WebP copies


INTERNAL_KINDS = frozenset({"roster", "report"})  # pages that exist only in the internal build


LANGUAGE_KINDS = frozenset({"home", "stories", "industry"})  # pages every language site has


def og_locale(code: str) -> str:
    """Open Graph writes a locale as language_TERRITORY: de, fr-CA -> de, fr_CA."""
    parts = code.split("-")
    return parts[0] + ("_" + parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else "")


@dataclass(frozen=True)
class LanguageLink:
    code: str
    label: str  # the language's own name
    href: str  # relative to the current page
    current: bool
    translated: bool  # this page exists in that language (else the link goes to that language's home)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str  # relative to the current page
    current: bool


@dataclass
class PageContext:
    kind: str
    plan: SitePlan
    page_url: str  # the current page's site path, e.g. "stories/acme/"
    images: Callable[[str, str], ImageTag | None]  # (repository path, kind) -> tag data
    story: StoryView | SafeStoryView | None = None
    industry: IndustryView | None = None
    sales: Any = None
    roster: Any = None
    activities: Any = None  # internal: sales.activity_report.activity_roster
    report: Any = None
    card_image: str | None = None  # site path of the Open Graph card
    extra: dict = field(default_factory=dict)
    # Shared by every page of a build (``card``, ``image``); the preview keeps it across rebuilds
    # while the theme and the interface strings are unchanged.
    rendered_cards: dict = field(default_factory=dict)

    @property
    def internal_only(self) -> bool:
        return self.kind in INTERNAL_KINDS

    @property
    def canonical(self) -> str:
        """The canonical URL of a page only the internal build has: on the internal site, or "" (left out)."""
        if not self.internal_only or not self.plan.internal_site_url:
            return ""
        return self.plan.internal_site_url + self.page_url

    @property
    def nav(self) -> tuple[NavLink, ...]:
        return tuple(NavLink(label, self.url(path), path == self.page_url) for label, path in self.plan.nav)

    @property
    def first_cards(self):
        # One card more rather than a "Show more" button for a single card.
        return (
            self.plan.cards[: FIRST_VIEW + 1]
            if len(self.plan.cards) == FIRST_VIEW + 1
            else self.plan.cards[:FIRST_VIEW]
        )

    @property
    def first_view(self) -> int:
        """Cards in the first view of /stories/, and per "show more" step of its script."""
        return FIRST_VIEW

    def url(self, path: str) -> str:
        """A link from this page to the site path ``path``, relative so any base path works."""
        if path.startswith(("http://", "https://", "#")):
            return path
        return _relative_url(self.page_url, path)

    def cards(self, cards: Any, level: int, render: Callable[[PageContext, Any, int], Markup]) -> Markup:
        """Each card's HTML (card()) joined, as a loop over them in the template joins it: one call from
        the template for an industry's thousand cards, not one each."""
        images = self.url("img/")
        return Markup("".join([self.card(c, level, render, images) for c in cards]))

    def card(self, card: Any, level: int, render: Callable[[PageContext, Any, int], Markup], images=None) -> Markup:
        """``render(self, card, level)`` (the card macro), rendered once for every page where its
        links come out the same: a story's card shows in the related stories of a dozen others.
        ``images``: ``self.url("img/")``, when the caller made it."""
        # The page's language site too: a card's labels are in the language of the page showing it.
        images = self.url("img/") if images is None else images
        key = (card.url, level, self.plan.lang, self.url(card.url), images)  # its images live under img/
        logo = self.images(card.logo, "logo") if card.logo else None
        kept = self.rendered_cards.get(key)
        # The preview keeps rendered cards across rebuilds (``rendered_cards``): the same card object
        # (an unchanged story's) with the same logo files renders the same HTML.
        if kept is None or kept[0] is not card or kept[1] != logo:
            # Called from Python, a macro returns a plain string; it escaped every value itself.
            kept = (card, logo, Markup(render(self, card, level)))
            self.rendered_cards[key] = kept
        return kept[2]

    def data_url(self, name: str) -> str:
        """A data file of this page's language site (``stories/facets.json`` of /de/ is de/stories/...)."""
        return self.url(self.plan.prefix + name)

    def site_path(self, address: str) -> str:
        """The site path of an address the data files carry (absolute with site_url, else root-relative)."""
        site = self.plan.site_url
        return address[len(site) :] if site and address.startswith(site) else address.lstrip("/")

    def local(self, path: str) -> str:
        """A link to a page of this page's language site: ``stories/`` from a German page is /de/stories/."""
        return self.url(self.plan.prefix + path)

    @property
    def lang(self) -> str:
        """The code of the language site this page belongs to."""
        return self.plan.lang

    def version_paths(self) -> dict[str, str]:
        """language code -> site path of this page in that language, where it exists."""
        if self.story is not None and self.kind == "story":
            return dict(self.plan.versions.get(self.story.story.original, {}))
        if self.kind not in LANGUAGE_KINDS:
            return {}
        inner = self.page_url[len(self.plan.prefix) :]
        return {lang.code: lang.url_prefix + inner for lang in self.plan.languages}

    @property
    def language_links(self) -> tuple[LanguageLink, ...]:
        """The language selector: the same page in each language, else that language's home."""
        if len(self.plan.languages) < 2:
            return ()
        paths = self.version_paths()
        return tuple(
            LanguageLink(lang.code, lang.label, self.url(paths.get(lang.code, lang.url_prefix)),
                         lang.code == self.lang, lang.code in paths)
            for lang in self.plan.languages
        )  # fmt: skip

    @property
    def alternates(self) -> tuple[tuple[str, str], ...]:
        """(hreflang, absolute URL) of every language version, then x-default; none without site_url
        (search engines ignore relative alternates), nor on a one-language site without translations."""
        paths, site = self.version_paths(), self.plan.site_url
        if not site or not paths or (len(paths) < 2 and len(self.plan.languages) < 2):
            return ()
        default = self.plan.languages[0].code
        fallback = paths.get(default) or next(iter(paths.values()))
        return (*((code, site + path) for code, path in paths.items()), ("x-default", site + fallback))

    @property
    def locales(self) -> tuple[str, tuple[str, ...]]:
        """og:locale of this page and og:locale:alternate of its other versions (en_US style: ll_CC or ll)."""
        own = self.story.story.lang if self.story is not None and self.kind == "story" else self.lang
        others = tuple(og_locale(code) for code in self.version_paths() if code != own)
        return og_locale(own), others

    @property
    def card_image_url(self) -> str:
        if not self.card_image:
            return ""
        return (self.plan.site_url or "/") + self.card_image

    def image(self, repo_path: str | None, kind: str, alt: str = "") -> Markup:
        """An <img> with srcset and intrinsic size, every attribute escaped; built once for every
        page at the same depth (a company's logo shows on dozens of pages)."""
        tag = self.images(repo_path, kind) if repo_path else None
        key = ("img", tag, kind, alt, self.url("img/"))  # every copy of an image lives under img/
        if key not in self.rendered_cards:
            self.rendered_cards[key] = self._image(tag, kind, alt)
        return self.rendered_cards[key]

    def _image(self, tag: ImageTag | None, kind: str, alt: str) -> Markup:
        if tag is None:
            return Markup("")
        srcset = ", ".join(f"{self.url(path)} {width}w" for path, width in tag.srcset)
        attrs = {
            "src": self.url(tag.src),
            "width": tag.width,
            "height": tag.height,
            "alt": alt,
            "loading": "eager" if IMAGE_KINDS[kind].eager else "lazy",
            "decoding": "async",
        }
        if srcset:
            attrs["srcset"] = srcset
            attrs["sizes"] = IMAGE_KINDS[kind].sizes
        inner = " ".join(f'{name}="{escape(value)}"' for name, value in attrs.items())
        return Markup(f'<img class="sp-img sp-img--{escape(kind)}" {inner}>')


@functools.lru_cache(maxsize=1 << 16)  # the preview renders the same industry pages' card links again
def _relative_url(page_url: str, path: str) -> str:
    # posixpath.relpath normalises both paths on every call: listing pages link every story and
    # its images, so this walks the segments of our own clean site paths directly.
    here = [part for part in page_url.split("/")[:-1] if part]  # page URLs are folders: "stories/acme/"
    there = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in here + there):
        rel = posixpath.relpath("/" + path, "/" + posixpath.dirname(page_url))
    else:
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel
