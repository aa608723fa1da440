"""Preview speed: MkDocs walks only what changed; every other output stays as it was written.

Only while serving. A page's inputs cover everything it is made from (a story page: its
planned view with record, body and related stories, its images; a listing page: the data it
shows), plus the navigation, the theme files and mkdocs.yml, so an output kept on disk is
byte-for-byte what a full build would write. Data files and images are compared by content
or by source. The sitemap is always written, from every page.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_build_date

from storyportal.adapter.pagecache import installed_folder, package_version, toc_outline
from storyportal.core.portal import Portal
from storyportal.site.pages import SitePages, preview_errors_html

log = get_plugin_logger(__name__)

SEARCH_BUNDLE = "pagefind/"  # adapter/search.py writes it after each build, in the background while serving

CACHED_TEMPLATE = "storyportal/cached.html"
KEYED_KINDS = ("story", "preview-error")  # pages made from one story (the others list stories)


class Preview:
    """The preview machinery of one plugin instance, kept across `serve` rebuilds with its caches.

    Two modes: `storyportal serve` (a dirty MkDocs build, ``fast``) hands MkDocs only the pages
    and files whose output changes and keeps the output folder exactly what a full build writes
    (the ledger, the sitemap and the search entries); plain `mkdocs serve` renders every page but
    reuses a story page's last output (``page_cache``). Outside `serve` nothing here does anything.
    """

    def __init__(self):
        self.serving = False
        self.fast = False
        self.ledger = OutputLedger()
        self.search_entries = SearchEntries()
        self.bytecode = memory_bytecode_cache()
        self.page_cache: dict[str, tuple[object, str]] = {}  # src_uri -> (inputs, final HTML), mkdocs serve
        self.fingerprint = ""  # what every page shares: settings, navigation, theme
        self.listings = ListingData()  # the data every listing page shares, versioned across rebuilds
        self.sitemap: dict[str, tuple[tuple, SitemapEntry]] = {}  # src_uri -> (address, date; entry) of a kept page
        self.sitemap_output = SitemapOutput()  # sitemap.xml as last rendered, with what it was rendered from
        self.sitemap_last: tuple | None = None  # (what entries share, the pages, which were kept, their entries)
        self.kept_pages: dict[str, KeptPage] = {}  # src_uri -> the File of an unchanged page, made once
        self.kept_site_dir: tuple = ()  # the site folder (and URL style) the kept pages' Files were made for
        self.theme_listing = ThemeListing()  # the installed theme's file names, listed once
        self.signatures: dict[str, tuple[str, bytes]] = {}  # data file -> (its text, its signature)
        # Cards and image tags rendered for listing pages, kept across rebuilds (site/context.py says
        # what each is kept by) while the theme, the settings and the interface strings are the same.
        self.rendered_cards: dict = {}
        self.pages_too = False  # MkDocs is handed only changed pages (no other plugin needs to see them all)
        self.stories_only = False  # this rebuild follows saves of story files only, as the watcher reported them
        # After saves of story files only, what the last build that finished kept (committed by finish(), used
        # once): for kept_pages_of, (what every page shares, the pages, the views, hand-written pages, the
        # pages kept); for embed_pages_to_render, (what every /embed/ page shares, slug -> (view, card, output)).
        self.pages_kept: tuple | None = None
        self.pages_next: tuple | None = None
        self.embeds_kept: tuple[tuple, dict[str, tuple]] = ((), {})
        self.embeds_next: tuple[tuple, dict[str, tuple]] = ((), {})
        self.strings = ""  # the interface strings' key, per build
        # Per build, reset by begin():
        self.page_inputs: dict[str, object] = {}  # story slug -> inputs, computed once per build
        self.story_tags: dict[str, tuple] = {}  # story slug -> its page's image tags, planned per build
        self.issues_by_path: dict[str, list] | None = None  # the portal's issues by file, made once per build
        self.reused: set[str] = set()  # story pages whose last output was reused (mkdocs serve)
        self.rendered: set[str] = set()  # story pages rendered in this dirty build (storyportal serve)
        self.walked: Files | None = None  # what MkDocs was handed in this dirty build
        self.every_file: Files | None = None  # every file of the site, kept ones included
        self.pages_listed: tuple[Files, list[File], int] | None = None  # (files, its pages, its length), this build's
        self.portal: Portal | None = None
        self.pages: SitePages | None = None
        self.image_tag: Callable | None = None

    def start(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        # `storyportal serve` (or `mkdocs serve --dirty`): MkDocs skips pages we say are unchanged.
        self.fast = self.serving and dirty
        self.ledger, self.search_entries, self.bytecode = OutputLedger(), SearchEntries(), memory_bytecode_cache()
        self.listings = ListingData()

    def begin(self, portal, pages: SitePages, image_tag: Callable) -> None:
        """A new build of ``portal``: inputs are computed again, counts start from zero."""
        self.portal, self.pages, self.image_tag = portal, pages, image_tag
        self.sitemap_output.entries = None
        self.page_inputs, self.reused, self.rendered = {}, set(), set()
        self.issues_by_path = None
        self.walked = self.every_file = None
        self.pages_listed = None
        # The interface strings of every language (messages/ may change while serving).
        strings = key(repr(sorted(portal.messages.languages.items()))) if self.serving else ""
        if strings != self.strings:
            self.rendered_cards.clear()
        self.strings = strings
        if self.serving:
            pages.rendered_cards = self.rendered_cards
        if self.serving:
            self.listings.compare(pages.listing_data(), self._logo_tags(pages))

    def _logo_tags(self, pages: SitePages) -> dict:
        assert self.image_tag is not None  # set by begin() just before
        return {logo: self.image_tag(logo, "logo") for logo in sorted({c.logo for c in pages.plan.cards if c.logo})}

    def mark_pages(self, files: Files, specs: dict) -> Files:
        """Give every page a StoryPortalFile, so that a dirty build asks us whether it changed.

        ``specs`` maps our own pages' src_uri to their PageSpec; any other page (hand-written,
        another plugin's) shows the navigation and other pages, so it is always rendered.
        """
        if not self.fast:
            return files
        marked = []
        for file in files:
            if file.is_documentation_page():
                file = file if isinstance(file, StoryPortalFile) else StoryPortalFile.copy_of(file)
                file.preview, file.spec = self, specs.get(file.src_uri)
            marked.append(file)
        return Files(marked)

    def select(self, files: Files, config) -> Files:
        """`storyportal serve`: the files MkDocs walks in this rebuild, the changed ones only.

        An unchanged story or listing page stays in the list as a KeptPage (links to it resolve,
        MkDocs neither reads nor writes it); unchanged data files and images are left out. When
        another plugin handles page events (Material's search), every page is kept for it.
        """
        if not self.fast:
            return files
        self.every_file = files
        walked: list[File] = []
        for file in files:
            if isinstance(file, KeptPage):
                walked.append(file)
            elif isinstance(file, StoryPortalFile) and self.pages_too and not file.is_modified():
                walked.append(KeptPage.copy_of(file))
            elif file.is_documentation_page() or not self.ledger.same_file(file):
                walked.append(file)
        first = next((i for i, f in enumerate(walked) if isinstance(f, KeptPage)), None)
        if first is not None and not any(f.is_documentation_page() for f in walked):
            # MkDocs dates sitemap.xml.gz from its pages: one stays a page (unmodified: not rendered).
            page = StoryPortalFile.copy_of(walked[first])
            page.preview, page.spec = self, self.pages.pages[page.src_uri] if self.pages else None
            walked[first] = page
        self.walked = Files(walked)
        return self.walked

    def plan_images(self, stories, image_tag: Callable) -> None:
        """Plan every story page's images (the plugin lists their files later) and keep their tags for
        the pages' inputs: one pass for both, per build."""
        self.story_tags = {
            slug: tuple(image_tag(path, kind) for path, kind in story_images(view)) for slug, view in stories.items()
        }

    def kept_pages_of(self, pages, present, config) -> dict[str, File]:
        """`storyportal serve`: src_uri -> KeptPage of each page of ours (``pages``: src_uri -> spec) not in
        ``present`` whose output is unchanged; kept_page for every one of them, in one loop (10,000 pages)."""
        if not (self.fast and self.pages_too):
            return {}
        where = (config.site_dir, config.use_directory_urls)  # what a kept File's address is made from
        if self.kept_site_dir != where:
            self.kept_pages, self.kept_site_dir = {}, where
        keys, kept_pages = self.ledger.keys, self.kept_pages
        found: dict[str, File] = {}
        head = (self.fingerprint, self.strings)
        stories, tags, page_inputs = self.pages.plan.stories if self.pages else {}, self.story_tags, self.page_inputs
        todo = self._kept_story_pages(pages, present, (head, where), stories, found)
        for src_uri, spec in todo:
            if src_uri in present or src_uri not in keys:
                continue
            inputs: object
            if spec.kind == "story" and spec.key in tags:  # inputs() for a story page, inline
                inputs = page_inputs[spec.key] = (*head, spec, stories[spec.key], tags[spec.key])
            else:
                inputs = self.inputs(spec)
            if keys[src_uri] != inputs:
                continue
            kept = kept_pages.get(src_uri)
            if kept is None:
                kept = kept_pages[src_uri] = KeptPage.copy_of(File.generated(config, src_uri, content=""))
            kept.page = None  # MkDocs gives a page in the navigation a new Page each build
            found[src_uri] = kept
        self.pages_next = ((head, where), pages, stories, set(present), found)
        return found

    def _kept_story_pages(self, pages, present, shared: tuple, stories, found: dict) -> list:
        """After saves of story files only: put in ``found`` the story pages kept by the last build that finished
        whose spec and view are still the same objects (their inputs are then equal: the same head, and the
        same images, since none was saved), without building their inputs; the other pages, to compare."""
        last, self.pages_kept = self.pages_kept, None  # used once: a build that fails leaves nothing to trust
        if not (self.stories_only and last is not None and last[0] == shared and last[3] == set(present)):
            return list(pages.items())  # a page new since (a story added) is compared below, as every other
        specs, views, kept = last[1], last[2], last[4]
        same = [
            src
            for src, spec in pages.items()
            if src in kept
            and spec.kind == "story"
            and specs.get(src) is spec
            and views.get(spec.key) is stories[spec.key]
        ]
        for src in same:
            page = found[src] = kept[src]
            page.page = None  # MkDocs gives a page in the navigation a new Page each build
        same_set = set(same)
        return [(src, spec) for src, spec in pages.items() if src not in same_set]

    def embed_pages_to_render(self, pages: SitePages, image_tag: Callable) -> list:
        """`storyportal serve`: the /embed/ pages whose output on disk was not made from the same inputs.

        After saves of story files only, a story's card page whose view and embed card are the objects its
        output was last made or kept from is kept without building its inputs (9,000 pages a rebuild); its
        logo's tag is the same, since no image was saved. Every other page is compared as unchanged_output
        does. Anything else (the first rebuild, a failed one, another file saved) compares every page.
        """
        if not self.fast:
            return pages.embed_pages(image_tag)
        plan, cards = pages.plan, pages.extras["embeds"].cards
        head = (self.fingerprint, self.strings, plan.site_name, plan.site_url)
        last_head, last = self.embeds_kept
        self.embeds_kept = ((), {})  # used once: a build that fails before finish() leaves nothing to trust
        if not (self.stories_only and last_head == head):
            last = {}
        stories, outputs, now = plan.stories, self.ledger.outputs, {}
        todo: list = []
        for slug, card in cards.items():
            kept = last.get(slug)
            if kept is not None and kept[0] is stories[slug] and kept[1] is card:
                outputs.add(kept[2])
                now[slug] = kept
                continue
            page = pages.embed_page(slug, image_tag)
            if not self.unchanged_output(page.output, page.shows):
                todo.append(page)
            now[slug] = (stories[slug], card, page.output)
        wall = pages.wall_page(image_tag)
        if not self.unchanged_output(wall.output, wall.shows):
            todo.append(wall)
        self.embeds_next = (head, now)
        return todo

    def changed(self, src_uri: str, spec) -> bool:
        if not self.fast or spec is None:
            return True  # hand-written pages show the navigation and what else they like
        return not self.ledger.unchanged(src_uri, self.inputs(spec))

    def note_settings(self, config) -> None:
        """Before any page is compared (on_files): what every page shares, and whether it changed."""
        self.pages_too = self.fast and not _other_page_plugins(config)
        previous = self.fingerprint
        self.fingerprint = site_fingerprint(config) if self.serving else ""
        if self.serving and previous != self.fingerprint:
            self.rendered_cards.clear()  # the card macro or the settings it reads may have changed
        if self.serving and previous and previous != self.fingerprint:
            log.info("preview: mkdocs.yml, the theme or the navigation changed: every page is rendered again")
            self.ledger.full_sweep = True

    def add_template(self, env):
        return add_cached_template(env, self.bytecode) if self.serving else env

    def inputs(self, spec) -> object:
        """Everything the page is made from, compared with ==; computed once per page and build."""
        # Pages are compared only during a build, and begin() opens every build.
        assert self.portal is not None and self.pages is not None and self.image_tag is not None
        if spec.kind == "preview-error":
            return (self.fingerprint, self.strings, spec, self._errors_html(spec.key))
        if spec.kind != "story":
            banner = preview_errors_html(self.portal) if spec.kind == "home" else ""
            listing, own = self.pages.shows(spec, self.image_tag)
            return (self.fingerprint, self.strings, spec, self.listings.version if listing else None, own, banner)
        if spec.key not in self.page_inputs:
            view = self.pages.plan.stories[spec.key]
            tags = self.story_tags.get(spec.key)
            if tags is None:
                tags = tuple(self.image_tag(p, k) for p, k in story_images(view))
            self.page_inputs[spec.key] = (self.fingerprint, self.strings, spec, view, tags)
        return self.page_inputs[spec.key]

    def _errors_html(self, source: str) -> str:
        """preview_errors_html of one story, from the portal's issues grouped once per build (533
        broken stories each scanned every issue)."""
        assert self.portal is not None  # during a build
        if self.issues_by_path is None:
            self.issues_by_path = {}
            for issue in self.portal.issues:
                self.issues_by_path.setdefault(issue.path, []).append(issue)
        return preview_errors_html(self.portal, source, self.issues_by_path.get(source, []))

    def unchanged_output(self, output: str, shows: Callable[[], object]) -> bool:
        """`storyportal serve`: ``output`` (not a page) is on disk from the same inputs (``shows()``, asked only
        while serving); no need to render it."""
        if not self.fast:
            return False
        inputs = shows()
        self.ledger.outputs.add(output)
        if self.ledger.unchanged(output, (self.fingerprint, self.strings, inputs)):
            return True
        self.ledger.wrote(output, (self.fingerprint, self.strings, inputs))
        return False

    def holds_copy(self, output: str, source: str) -> bool:
        """`storyportal serve`: the site holds ``output`` copied (linked) from the cache file ``source`` by an
        earlier rebuild. A cache file's name stands for its content, so the copy is what a fresh build writes."""
        return self.fast and self.ledger.files.get(output) == source

    def kept_file(self, output: str, signature: object) -> bool:
        """`storyportal serve`: ``output`` (a data file or image) is on disk from the same text or cache file.

        The plugin then lists no file for it at all (tens of thousands of File objects at 10,000 stories).
        """
        if not self.fast or output not in self.ledger.files or self.ledger.files[output] != signature:
            return False
        self.ledger.outputs.add(output)
        return True

    def changed_texts(self, texts: dict[str, str]) -> list[tuple[str, str, bytes | None]]:
        """(output, text, its text_signature or None) of each data file to write, in order: with `storyportal
        serve` only those whose output on disk is not this text (kept_file with text_signature, in one loop:
        10,000 oEmbed files)."""
        if not self.fast:
            return [(output, text, None) for output, text in sorted(texts.items())]
        files, outputs, signatures = self.ledger.files, self.ledger.outputs, self.signatures
        found = []
        for output, text in texts.items():
            kept = signatures.get(output)
            if kept is None or kept[0] != text:
                kept = signatures[output] = (text, text_signature(text))
            if output in files and files[output] == kept[1]:
                outputs.add(output)
            else:
                found.append((output, text, kept[1]))
        return sorted(found)  # the few to write sorted, not the 10,000 looked at (outputs are unique)

    def cached(self, src_uri: str, spec) -> str | None:
        """The last output of this story page, if its inputs are unchanged (mkdocs serve)."""
        if not self.serving or spec.kind != "story":
            return None
        found = self.page_cache.get(src_uri)
        return found[1] if found and found[0] == self.inputs(spec) else None

    def wrote(self, src_uri: str, spec, output: str) -> str:
        """Record a page's output: in the ledger (storyportal serve) or the page cache (mkdocs serve)."""
        if self.fast:
            self.ledger.wrote(src_uri, self.inputs(spec) if spec is not None else None)
            if spec is not None and spec.kind == "story":
                self.rendered.add(src_uri)
            return output
        if spec is None or spec.kind != "story":
            return output
        cached = self.cached(src_uri, spec)
        if cached is None:
            self.page_cache[src_uri] = (self.inputs(spec), output)
            return output
        self.reused.add(src_uri)
        return cached

    def sitemap_template(self, template, config):
        """`storyportal serve`: sitemap.xml's template, or its last output when it would list the same."""
        if not self.fast or self.every_file is None or self.walked is None:
            return template
        entries = self.sitemap_pages(None, config.site_url)
        alternates = config.extra.get("sp_alternates")
        return self.sitemap_output.template(template, entries, alternates, self.fingerprint, config)

    def sitemap_pages(self, pages, site_url: str | None):
        """The sitemap lists every page: those MkDocs built and those kept from earlier rebuilds."""
        if self.every_file is None or self.walked is None:
            return pages
        if self.sitemap_output.entries is not None:  # listed by sitemap_template in this build
            return self.sitemap_output.entries
        date = get_build_date()
        listed = self.every_page(self.every_file)
        walked = self.walked.src_uris  # not get_file_from_path: no path parsing
        uris = [file.src_uri for file in listed]
        kept = [type(walked.get(uri)) is KeptPage for uri in uris]
        shared = (site_url, date, self.kept_site_dir)  # what a kept page's entry is made from besides its File
        last, self.sitemap_last = self.sitemap_last, None
        if last is not None and last[0] == shared and last[1] == uris:
            # The same pages in the same order: a page kept now and last time keeps its entry (its File, made
            # once per site folder, has the same address); the others are looked at below.
            entries: list = [e if now and before else None for e, now, before in zip(last[3], kept, last[2])]
        elif last is not None and last[0] == shared:  # pages added or removed (a new story): by address
            before = {uri: e for uri, e, was in zip(last[1], last[3], last[2], strict=True) if was}
            entries = [before.get(uri) if now else None for uri, now in zip(uris, kept, strict=True)]
        else:
            entries = [None] * len(listed)
        for at in [at for at, entry in enumerate(entries) if entry is None]:
            entries[at] = self._sitemap_entry(listed[at], walked.get(uris[at]), site_url, date)
        self.sitemap_last = (shared, uris, kept, entries)
        return entries

    def _sitemap_entry(self, file: File, walked, site_url: str | None, date: str) -> object:
        if not isinstance(walked, KeptPage):
            return walked
        key = (file.url, site_url, date)
        if self.sitemap.get(file.src_uri, (None,))[0] != key:
            self.sitemap[file.src_uri] = (key, SitemapEntry.of(file, site_url, date))
        return self.sitemap[file.src_uri][1]

    def every_page(self, files: Files) -> list[File]:
        """every_page(files), listed once per build (the sitemap and the ledger both ask)."""
        listed = self.pages_listed
        if listed is None or listed[0] is not files or listed[2] != len(files):
            listed = self.pages_listed = (files, every_page(files), len(files))
        return listed[1]

    def finish(self, config, files: Files, fill: Callable) -> None:
        """After a preview build: put back what a dirty build leaves out, and say what was reused."""
        assert self.pages is not None  # finish() ends a build that begin() opened
        if self.fast:
            self._finish_dirty_build(config, files, fill)
        elif self.serving:
            log.info(
                f"preview: {len(self.reused)} unchanged story page(s) reused, "
                f"{len(self.pages.plan.stories) - len(self.reused)} rendered"
            )

    def _finish_dirty_build(self, config, files: Files, fill: Callable) -> None:
        """The full search index, and no stale files; ``fill`` gives a skipped page its content."""
        site_dir = Path(config.site_dir)
        every = self.every_file or files
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and hasattr(search, "search_index"):
            pages = [f.page for f in files.documentation_pages() if f.page is not None]
            for page in pages:
                if page.content is None:  # skipped: give it what populating it would have given
                    fill(page)
            self.search_entries.rebuild(search, pages)
            if hasattr(search, "search_index_prev"):
                search.search_index_prev = None  # Material would merge the last index in again
            target = site_dir / "search" / "search_index.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(SearchEntries.generate(search.search_index), encoding="utf-8")
        self.embeds_kept, self.embeds_next = self.embeds_next, ((), {})  # this build's /embed/ pages are on disk
        self.pages_kept, self.pages_next = self.pages_next, None
        for file in self.walked or ():
            if not file.is_documentation_page() and not isinstance(file, KeptPage):
                self.ledger.copied(file)
        expected = {f.dest_uri for f in every} | set(self.ledger.outputs)
        stale = self.ledger.sweep(site_dir, expected)
        self.ledger.forget_missing({f.src_uri for f in self.every_page(every)}, expected)
        assert self.pages is not None  # finish() ends a build that begin() opened
        walked = len(self.walked.documentation_pages()) if self.walked is not None else len(every)
        log.info(
            f"preview: {len(self.pages.plan.stories) - len(self.rendered)} unchanged story page(s) kept, "
            f"{len(self.rendered)} rendered ({walked} page(s) walked), {len(stale)} stale file(s) removed"
        )


MKDOCS_THEME_FILTER = "Files.add_files_from_theme.<locals>.filter"  # what MkDocs lists the theme's files with


class ThemeListing:
    """The theme's file names, kept while serving.

    Every rebuild MkDocs lists every file of the theme's folders and matches each name against a
    dozen patterns (15,000 names with Material's icons: 0.19 s at 10,000 stories). An installed
    theme changes only when it is installed again, which restarts the server; a folder outside the
    installed packages (``custom_dir``) is listed again on every rebuild and is part of the key.
    """

    def __init__(self):
        self.kept: tuple[object, list[str]] | None = None

    def wrap(self, theme) -> None:
        """Make ``theme.get_env()`` give environments whose theme listing for MkDocs is kept."""
        get_env = theme.get_env

        def env_with_listing():
            env = get_env()
            env.list_templates = self._listing(env.list_templates, theme)
            return env

        theme.get_env = env_with_listing

    def _listing(self, list_templates: Callable, theme) -> Callable:
        def listing(extensions=None, filter_func=None):
            if getattr(filter_func, "__qualname__", "") != MKDOCS_THEME_FILTER:
                return list_templates(extensions, filter_func)  # someone else's listing: not ours to keep
            key = (tuple(theme.dirs), tuple(theme.static_templates), extensions, _local_names(theme.dirs))
            if self.kept is None or self.kept[0] != key:
                self.kept = (key, list_templates(extensions, filter_func))
            return list(self.kept[1])

        return listing


def _local_names(dirs) -> tuple:
    """The file names under every theme folder outside the installed packages (those change while serving)."""
    names = []
    for folder in dirs:
        if installed_folder(folder):
            continue
        names.append(
            (
                folder,
                sorted(os.path.relpath(os.path.join(top, n), folder) for top, _, ns in os.walk(folder) for n in ns),
            )
        )
    return tuple(names)


def every_page(files: Files) -> list[File]:
    """The site's pages in MkDocs' order, kept ones included (they are no documentation pages to MkDocs)."""
    return [f for f in files if (f.is_documentation_page() or isinstance(f, KeptPage)) and f.inclusion.is_included()]


def _other_page_plugins(config) -> bool:
    """Whether a plugin besides ours handles page events: it must see every page."""
    events = ("page_markdown", "page_content", "page_context", "post_page", "pre_page", "page_read_source")
    for event in events:
        for method in config.plugins.events.get(event, ()):
            owner = getattr(method, "__self__", None)
            if owner is not None and type(owner).__module__ != "storyportal.adapter.plugin":
                return True
    return False


class ListingData:
    """The plan data every listing page shares, with a version that moves only when it changes.

    Compared once per rebuild (about 10,000 cards compared in a few milliseconds: unchanged
    stories keep their parsed strings), so that each listing page's inputs stay small.
    """

    def __init__(self):
        self.version = 0
        self.last: object = None

    def compare(self, data: object, logos: dict) -> None:
        current = (data, logos)
        if current != self.last:
            self.version += 1
            self.last = current


class SitemapOutput:
    """sitemap.xml as last rendered, and what from: rendered again only when an entry, the language
    alternates or the theme and settings (the fingerprint) changed.

    The template reads nothing else (``pages`` and ``config.extra.sp_alternates``), so the kept
    output is the bytes a render would give. Rendering it went through 10,000 entries per rebuild.
    """

    def __init__(self):
        self.entries: list | None = None  # this build's entries (Preview.sitemap_pages)
        self.key: tuple | None = None  # what this build's sitemap is made from
        self.kept: tuple[tuple, str] | None = None  # (key, output) of the last render
        self.renders = 0  # made again, from the template or from its entries' texts (tests count them)
        # The template's parts while the theme and settings are the same: (fingerprint, the macro that
        # writes one entry, the text before the entries, the text after), and each entry's text by key.
        self.frame: tuple | None = None
        self.pieces: dict[object, str] = {}
        self.pieces_made = 0  # entries written by the macro (tests count them)

    def template(self, template, entries: list, alternates: dict | None, fingerprint: str, config=None):
        self.entries = entries
        alternates = alternates or {}
        keys = [_sitemap_key(entry, alternates) for entry in entries]
        self.key = (fingerprint, keys)
        if self.kept is not None and self.kept[0] == self.key:
            return KeptOutput(self.kept[1])
        self.renders += 1
        joined = self._joined(template, entries, keys, alternates, fingerprint, config)
        return template if joined is None else KeptOutput(joined)

    def _joined(self, template, entries: list, keys: list, alternates: dict, fingerprint: str, config) -> str | None:
        """The sitemap as the template writes it, made of each entry's text, written once per entry by
        the template's own macro (``sp_sitemap_url``: the loop's whole body, so the bytes are the
        same); a page added writes one entry, not 10,000. None when the template has no such macro."""
        if self.frame is None or self.frame[0] != fingerprint:
            self.frame, self.pieces = _sitemap_frame(template, fingerprint, config), {}
        if self.frame[1] is None:
            return None
        _, write, head, tail = self.frame
        pieces, texts, kept = self.pieces, [], {}
        for entry, key in zip(entries, keys):
            try:
                text = pieces.get(key) if key is not None else None
            except TypeError:  # a list in it (a page's language alternates): looked up as tuples
                key = _frozen(key)
                text = pieces.get(key)
            if text is None:
                text = str(write(entry, alternates))
                self.pieces_made += 1
            if key is not None:
                kept[key] = text
            texts.append(text)
        self.pieces = kept
        return head + "".join(texts) + tail

    def rendered(self, output: str) -> None:
        if self.key is not None:
            self.kept = (self.key, output)
        self.key = None


def _frozen(value: object) -> object:
    """A sitemap key as a dictionary key: its lists (a page's language alternates) as tuples."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _sitemap_frame(template, fingerprint: str, config) -> tuple:
    """(fingerprint, the entry macro or None, the text before the entries, the text after): the
    template run with no page, cut after the ``<urlset ...>`` tag its entries follow."""
    module = template.make_module({"config": config, "pages": []})
    write = getattr(module, "sp_sitemap_url", None)
    empty = str(module)
    start = empty.find("<urlset")
    cut = empty.find(">", start) + 1 if start >= 0 else 0
    if write is None or cut <= 0:
        return (fingerprint, None, "", "")
    return (fingerprint, write, empty[:cut], empty[cut:])


def _sitemap_key(entry, alternates: dict) -> object:
    """What the sitemap template reads of an entry (a page MkDocs built, or a kept page's SitemapEntry)."""
    if isinstance(entry, SitemapEntry):  # its key made once with it, but for its language versions
        return entry.key if not alternates else (*entry.key[:-1], alternates.get(entry.page.url, ()))
    page = entry.page
    if page is None:
        return None
    url = getattr(page, "url", None)
    links = alternates.get(url, ()) if url is not None else ()
    return (page.is_link, page.abs_url, page.canonical_url, page.update_date, links)


@dataclass(frozen=True)
class KeptOutput:
    """Stands for a template whose output is known: MkDocs calls ``render`` and writes what it gives."""

    output: str

    def render(self, *args, **kwargs) -> str:
        return self.output


@dataclass(frozen=True)
class SitemapEntry:
    """A kept page as the sitemap template reads it (``file.page``): its address and date."""

    page: _SitemapPage
    # what the sitemap template reads of it, as _sitemap_key gives it for a page MkDocs built, with no
    # language versions (_sitemap_key looks them up: they change without the page)
    key: tuple

    @classmethod
    def of(cls, file: File, site_url: str | None, date: str):
        canonical = urljoin(site_url if site_url.endswith("/") else site_url + "/", file.url) if site_url else None
        url = "" if file.url in (".", "./") else file.url  # as MkDocs' Page.url gives it
        page = _SitemapPage(canonical, urlsplit(canonical).path if canonical else None, date, url)
        return cls(page, (page.is_link, page.abs_url, page.canonical_url, page.update_date, ()))


@dataclass(frozen=True)
class _SitemapPage:
    canonical_url: str | None
    abs_url: str | None
    update_date: str
    url: str  # where the template looks up the page's language versions (config.extra.sp_alternates)
    is_link: bool = False


class StoryPortalFile(File):
    """A page whose ``is_modified`` the preview answers in a dirty build.

    MkDocs' own answer compares the source's modification time with the output's, which says
    nothing about the registry, related stories or the theme a page is made from.
    """

    preview: Preview | None = None
    spec: object = None  # our PageSpec, or None for a page we did not make

    @classmethod
    def copy_of(cls, file: File) -> StoryPortalFile:
        """The same file, every attribute kept (another plugin's changes included)."""
        _ = file.dest_uri, file.url, file.abs_dest_path  # worked out as a page's, whatever ``file`` is
        copy = cls.__new__(cls)
        copy.__dict__.update(file.__dict__)
        return copy

    def is_modified(self) -> bool:
        if self.preview is None:
            return super().is_modified()
        return self.preview.changed(self.src_uri, self.spec)


class KeptPage(File):
    """An unchanged page in a `storyportal serve` rebuild: its output stays as it was written.

    Not a documentation page to MkDocs, so it is neither read nor rendered nor written; it
    stays in the file list so that links to it resolve and the navigation can name it.
    """

    @classmethod
    def copy_of(cls, file: File) -> KeptPage:
        # MkDocs works out a file's address once, by whether it is a page: as a page.
        _ = file.dest_uri, file.url, file.abs_dest_path
        copy = cls.__new__(cls)
        copy.__dict__.update(file.__dict__)
        return copy

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def is_modified(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        pass


def key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def site_fingerprint(config) -> str:
    """What every page shares: settings, navigation, our theme files and the installed theme's version.

    The navigation is taken from the settings (the plugin fills ``nav`` in on_config): the
    pages are compared in on_files, before MkDocs builds its navigation.

    Only ``custom_dir`` is walked: the installed theme changes only with its version, and
    walking its thousands of icons would cost more than rendering the page.
    """
    custom = config.theme.custom_dir
    files = sorted(Path(custom).rglob("*")) if custom and Path(custom).is_dir() else []
    theme = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()]
    config_bytes = Path(config.config_file_path).read_bytes()
    return key(
        config_bytes,
        config.site_url,
        repr(config.nav),
        theme,
        package_version("mkdocs-material" if config.theme.name == "material" else str(config.theme.name)),
    )


def story_images(view) -> list[tuple[str, str]]:
    found = []
    if view.card.logo:
        found.append((view.card.logo, "logo"))
    if view.story.image:
        found.append((view.story.image, "hero"))
    if view.speaker.photo:  # planned (and so published) only where consent lets the page show it
        found.append((view.speaker.photo, "photo"))
    return found


def add_cached_template(env, bytecode_cache=None):
    """A one-line template that prints the stored output (``sp_cached``); compiled templates kept.

    MkDocs makes a new Jinja environment for every build; the bytecode cache (keyed by each
    template's name and source checksum) spares compiling the theme again on every save.
    """
    import jinja2

    # Without stored output (a stored page found damaged as it was read), the page's own template.
    cached = "{% if sp_cached is defined %}{{ sp_cached }}{% else %}{% include sp_template %}{% endif %}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: cached}), env.loader])
    env.bytecode_cache = bytecode_cache
    return env


def memory_bytecode_cache():
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self):
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    return MemoryBytecodeCache()


class OutputLedger:
    """What a dirty preview build left on disk, so that keeping an output stays exact.

    Per page, the inputs of the output on disk; per other output we render (embeds), its
    inputs; per copied or generated file, its source or content. After each build it removes
    every file that an earlier build wrote and no current page or file writes any more: by
    difference with the last build's outputs, or (the first build, a change of theme or
    settings) by walking the output folder.
    """

    def __init__(self):
        self.keys: dict[str, object] = {}  # src_uri or output path -> inputs of the output on disk
        self.files: dict[str, object] = {}  # dest_uri -> source signature of a copied or generated file
        self.outputs: set[str] = set()  # rendered outputs kept in this build (not files MkDocs writes)
        self.expected: set[str] | None = None  # everything the last build's site holds, as far as we wrote it
        self.extras: set[str] | None = None  # outputs made by templates and plugins, not by files
        self.full_sweep = False

    def unchanged(self, name: str, inputs: object) -> bool:
        return name in self.keys and self.keys[name] == inputs

    def wrote(self, name: str, inputs: object) -> None:
        if inputs is None:
            self.keys.pop(name, None)
        else:
            self.keys[name] = inputs

    def same_file(self, file: File) -> bool:
        """Whether this static or generated file's output on disk came from the same source."""
        return self.files.get(file.dest_uri) == _signature(file)

    def copied(self, file: File) -> None:
        self.files[file.dest_uri] = _signature(file)

    def sweep(self, site_dir: Path, expected: set[str]) -> list[str]:
        """Delete what no current file produced."""
        if self.expected is None or self.full_sweep:
            present = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
            present = {rel for rel in present if not rel.startswith(SEARCH_BUNDLE)}  # the index keeps itself
            if self.extras is None:  # the first build learns what templates write
                self.extras = present - expected
            stale = sorted(present - expected - self.extras)
        else:
            stale = sorted(self.expected - expected - (self.extras or set()))
        self.expected, self.full_sweep = expected, False
        for rel in stale:
            (site_dir / rel).unlink(missing_ok=True)
        for folder in sorted({(site_dir / rel).parent for rel in stale}, key=lambda p: -len(p.parts)):
            while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        return stale

    def forget_missing(self, src_uris: set[str], expected: set[str]) -> None:
        self.keys = {k: v for k, v in self.keys.items() if k in src_uris or k in self.outputs}
        self.files = {k: v for k, v in self.files.items() if k in expected}
        self.outputs = set()


def text_signature(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _signature(file: File) -> object:
    """What a copied or generated file's output is made from: its text, or its source file's identity."""
    if file.abs_src_path is None:  # generated with its content
        digest = getattr(file, "digest", None)  # a TextFile hashes its bytes once
        return digest() if callable(digest) else hashlib.sha256(file.content_bytes).digest()
    if getattr(file, "content_addressed", False):  # the image cache: a name is a content
        return file.abs_src_path
    stat = os.stat(file.abs_src_path or "")
    return (file.abs_src_path, stat.st_mtime_ns, stat.st_size)


class SearchEntries:
    """The search index rebuilt in page order from per-page entries cached by content.

    In a dirty build the search plugin only sees the pages that were rendered; this puts
    every page back, in the order a full build adds them, so the index is the same.
    """

    def __init__(self):
        self.cache: dict[str, list] = {}

    def rebuild(self, plugin, pages) -> None:
        index_class, attribute = type(plugin.search_index), _entries_attribute(plugin.search_index)
        entries = []
        for page in pages:
            page_key = key(
                page.url, page.title, page.content, toc_outline(page.toc), repr(sorted(page.meta.items(), key=str))
            )
            if page_key not in self.cache:
                scratch = index_class(**plugin.config)
                scratch.add_entry_from_context(page)
                self.cache[page_key] = list(getattr(scratch, attribute))
            entries += self.cache[page_key]
        plugin.search_index = index_class(**plugin.config)
        setattr(plugin.search_index, attribute, entries)

    @staticmethod
    def generate(index) -> str:
        try:
            return index.generate_search_index(None)  # Material's plugin merges with a previous index
        except TypeError:
            return index.generate_search_index()  # MkDocs' own search plugin


def _entries_attribute(index) -> str:
    return "entries" if hasattr(index, "entries") else "_entries"
