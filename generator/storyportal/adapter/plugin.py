"""The one MkDocs adapter: asks the core for checked records and adds generated pages.

Stories never pass through MkDocs' own front-matter reader (which publishes a
broken YAML block as page text): their pages are virtual files with empty
Markdown, and their HTML comes from the core. Only this module imports MkDocs.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_datetime

from storyportal import __version__
from storyportal.adapter import pagecache, preview
from storyportal.adapter.csp import add_csp
from storyportal.adapter.i18n import add_interface, page_interface
from storyportal.adapter.preview import KEYED_KINDS, StoryPortalFile
from storyportal.adapter.search import BackgroundIndexer, SearchIndexError, index_site, search_enabled
from storyportal.core.config import (
    BUILD_DATE_VARIABLE,
    CONFIG_OPTIONS,
    SiteSettings,
    environment_date_problem,
    parse_portal_config,
)
from storyportal.core.imagecheck import IMAGE_SUFFIXES, resolve_image
from storyportal.core.issues import Severity, visible
from storyportal.core.model import Status
from storyportal.core.portal import Portal, PortalLoader, build_date
from storyportal.core.shownfields import CONFIG_RULE
from storyportal.core.userfiles import read_regular
from storyportal.site.bodycache import BodyLog
from storyportal.site.cards import font_warning, glyph_warning
from storyportal.site.handwritten import DocsScan, check_docs, read_docs
from storyportal.site.imagecache import ImageCache
from storyportal.site.interface import Interface, interfaces
from storyportal.site.keylog import CLEAN_LOG, SCANNED_LOG, KeyLog
from storyportal.site.leakguard import EarlyScan, looked_for, scan_output
from storyportal.site.media import MediaPlanner, open_media
from storyportal.site.outputfolder import MARKER, Protected, overlap_problem, protected_paths
from storyportal.site.pages import (
    SitePages,
    TextMemo,
    plan_pages,
    preview_error_pages,
    preview_errors_html,
    redirect_html,
)
from storyportal.site.parsecache import ParseLog
from storyportal.site.plan import PlanMemo, SitePlan, plan_site

if TYPE_CHECKING:  # the preview's only: a build imports no file watching (watchdog, the live-reload server)
    from storyportal.adapter.watcher import SaveLog

log = get_plugin_logger(__name__)  # an mkdocs.* logger, so --strict counts our warnings


class StoryPortalPlugin(BasePlugin):
    # Every option is checked by storyportal.core.config.PortalConfig; MkDocs only passes them on.
    config_scheme = tuple((name, c.Optional(c.Type(object))) for name in CONFIG_OPTIONS)

    def __init__(self):
        super().__init__()
        # Kept across `serve` rebuilds: parsed records, planned images, the preview's caches.
        self.loader: PortalLoader | None = None
        self.media: MediaPlanner | None = None
        self.bodies: BodyLog | None = None  # rendered story bodies, in the image cache folder
        self.parses: ParseLog | None = None  # parsed YAML, in the same folder
        self.preview = preview.Preview()
        self.saves: SaveLog | None = None  # storyportal serve: the files saved between rebuilds (adapter/watcher.py)
        self.watched_root: str | None = None
        self.frozen = False  # whether on_config froze the loaded portal out of the collector's passes
        self.planned = PlanMemo()  # cards, story views and related stories, made again only when their inputs change
        self.texts = TextMemo()  # generated data files, made again only when their data changes
        self.fonts_checked = False
        self.docs_checked: tuple[tuple, tuple] | None = None  # the last check of docs/: (its inputs, its result)
        self.docs_scan = DocsScan()  # what each docs/ page shows of the private values, kept between rebuilds
        # `storyportal build` reads the whole output itself once every writer is done (runner.check_output)
        self.guarded_later = False
        self.indexer: BackgroundIndexer | None = None  # the preview's search, re-indexed in the background
        # Set again by every build (on_config, on_files).
        self.portal: Portal | None = None
        self.plan: SitePlan | None = None
        self.pages: SitePages | None = None
        self.owned: set[str] = set()  # src_uri of our virtual pages; a hand-written docs/index.md stays the author's
        self.files: Files | None = None
        self.interfaces: dict[str, Interface] = {}  # language code -> its interface strings and labels
        self.env = None  # the Jinja environment of this build's pages (on_env)
        self.nav = None  # MkDocs' navigation of this build (on_nav): every page shows it
        # Story pages kept between builds (adapter/pagecache.py): src_uri -> key, and -> stored output
        self.page_keys: dict[str, str] = {}
        # src_uri -> the page's own template, for a story page stored under its key (read as it is rendered)
        self.page_hits: dict[str, str] = {}
        self.page_cache: pagecache.PageCache | None = None
        self.early_scan: EarlyScan | None = None  # the leak guard's reading of pages as they are made (on_env)
        self.verdicts: KeyLog | None = None  # the leak guard's clean verdicts of the last build

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this instance across `serve` rebuilds, with its caches.
        self.preview.start(command=command, dirty=dirty)
        self.guarded_later = False  # `storyportal build` sets it again after this

    def on_config(self, config):
        if self.preview.serving:  # the preview runs the collector between rebuilds (adapter/watcher.py)
            return self._on_config(config)
        # What loading and planning make (about 220,000 objects at 1,000 stories) lives until the build
        # ends, yet the cyclic collector walked it again and again: while planning, and in every full
        # pass while pages render. Frozen, its passes walk only what MkDocs makes (README, "Images at
        # real scale": a warm build at 1,000 stories took 0.79x the wall time).
        gc.disable()
        try:
            config = self._on_config(config)
            gc.freeze()
            self.frozen = True  # until the build ends (_thaw), or fails
            return config
        finally:
            gc.enable()

    def _on_config(self, config):
        settings = read_settings(self.config, config)
        refuse_site_dir(config, settings)  # `mkdocs build -d` empties site_dir right after on_config
        if self.loader is None or self.loader.settings != settings:
            self.media, problem = open_media(settings.root, settings.portal)
            if problem:
                raise PluginError(problem.format())
            assert self.media is not None  # opened just above, or the build stopped
            # the image cache's decode log and rendered bodies: each image decodes once, each body
            # renders once, not on every build
            folder = self.media.cache.folder
            self.bodies = BodyLog(folder)
            self.page_cache = pagecache.PageCache(folder)
            self.verdicts = KeyLog(folder / CLEAN_LOG)
            self.parses = ParseLog(folder)
            self.loader = PortalLoader(
                settings,
                decoded=self.media.cache.decoded,
                bodies=self.bodies,
                parses=self.parses,
                scans=KeyLog(folder / SCANNED_LOG),
                keeps_name_words=self.preview.serving,  # a revocation in the preview scans what it must
            )
        media = self.media
        assert media is not None and self.bodies is not None and self.parses is not None  # opened with the loader
        media.reset()
        saved = self._saved_sources(settings)
        self.preview.stories_only = saved is not None and all(_is_story_file(path, settings) for path in saved)
        portal = self.loader.load(build_date(settings.portal.build_date), saved)
        self.bodies.compact()  # after its first load only: later ones ask only for what changed
        self.parses.compact()
        report_portal(portal)
        self.portal = portal
        self.plan = plan_site(
            portal,
            logo_url=media.logo_url,
            card_path=lambda s, card: media.card_path(s, card.logo, card.industry.label, card.type_label),
            memo=self.planned,
        )
        for issue in self.plan.withheld:  # a body that failed to render: that story only is left out
            log.error(issue.format())
        self.pages = plan_pages(self.plan, portal, logo_url=media.logo_url, memo=self.texts)
        self.interfaces = interfaces(portal)
        self.preview.plan_images(self.plan.stories, media.image_tag)  # every image now: files are listed in on_files
        if self.preview.serving:  # a writer sees why a story is missing, where they look
            self.pages.pages = MappingProxyType({**preview_error_pages(portal), **self.pages.pages})
        self.preview.begin(portal, self.pages, media.image_tag)
        if self.preview.serving:
            self.preview.theme_listing.wrap(config.theme)
        self._warn_missing_fonts()
        config.extra["sp_alternates"] = self.pages.alternates()  # the sitemap's language versions
        _set_nav(config, self.plan, self.pages.pages)
        _quiet_nav_list(config)
        config.extra_css = ["assets/storyportal.css", "assets/embed.css", *config.extra_css]
        config.extra_javascript = ["assets/storyportal.js", "assets/embed-button.js", *config.extra_javascript]
        if search_enabled(settings):
            config.extra["storyportal_search"] = True
            config.extra_javascript = [*config.extra_javascript, "assets/sp-search.js"]
        return config

    def _warn_missing_fonts(self) -> None:
        """Every build (the preview: its first): without TrueType fonts cards show boxes for accents and CJK."""
        assert self.plan is not None  # on_config planned this build
        if not self.plan.stories or (self.preview.serving and self.fonts_checked):
            return
        self.fonts_checked = True
        problem = font_warning()
        if problem is not None:
            log.warning(f"social cards: {problem}")
            return
        texts = {slug: view.card.title + view.card.company for slug, view in self.plan.stories.items()}
        if glyph_warning("".join(set("".join(texts.values())))) is None:
            return  # every character of every card drawn: no story need be looked at on its own
        for slug, view in self.plan.stories.items():  # fonts exist, but maybe none for this story's script
            missing = glyph_warning(texts[slug])
            if missing is not None:
                log.warning(f"{view.story.source}: social card: {missing}")

    def on_files(self, files: Files, *, config) -> Files:
        # on_config planned this build
        assert self.plan is not None and self.portal is not None and self.media is not None and self.pages is not None
        for file in list(files):  # MkDocs follows symlinks: one could publish advocates.yaml
            if file.abs_src_path and _is_linked(Path(file.abs_src_path), Path(config.docs_dir)):
                log.error(
                    visible(
                        f"{file.src_uri}: symbolic links in {Path(config.docs_dir).name}/ are never published [path-symlink]"
                    )
                )
                files.remove(file)
        self.preview.note_settings(config)
        images = {
            **body_images(self.plan, self.portal.settings, self.media),
            **self.media.outputs(log.info, self.preview.holds_copy),
        }
        self._refuse_docs(files, config, images)
        self.owned = set()
        present = files.src_uris
        kept_pages = self.preview.kept_pages_of(self.pages.pages, present, config)  # storyportal serve: unchanged
        for src_uri in self.pages.pages:
            if src_uri not in present:
                kept = kept_pages.get(src_uri)
                files.append(kept or StoryPortalFile.generated(config, src_uri, content=""))
                self.owned.add(src_uri)
        files = self.preview.mark_pages(files, {uri: self.pages.pages[uri] for uri in self.owned})
        texts = {
            **self.pages.data,
            **{old + "index.html": redirect_html(old, t, self.plan) for old, t in self.plan.aliases},
        }
        for output, text, digest in self.preview.changed_texts(texts):  # storyportal serve: the changed ones only
            files.append(TextFile.of(config, output, text, self.media.cache, digest))
        changed = [
            (output, source) for output, source in images.items() if not self.preview.kept_file(output, str(source))
        ]
        for output, source in sorted(changed):  # the few to list sorted, not the 9,000 images looked at
            files.append(CachedFile.generated(config, output, abs_src_path=str(source)))
        for output, html in self._embed_files(config):
            files.append(TextFile.of(config, output, html, self.media.cache))
        self.files = self.preview.select(files, config)  # storyportal serve: what changed only
        return self.files

    def _embed_files(self, config) -> list[tuple[str, str]]:
        """The /embed/ pages, rendered from their templates as plain files (site/pages.py says why)."""
        assert self.pages is not None and self.media is not None  # on_config planned this build
        env = config.theme.get_env()
        self._templates_fixed(env)
        if self.preview.serving:  # compiled once while serving, as the pages' templates are (on_env)
            env.bytecode_cache = self.preview.bytecode
        rendered = []
        for page in self.preview.embed_pages_to_render(self.pages, self.media.image_tag):
            context = {"sp": page.context, "config": config}
            self._interface(context, {}, env, config)  # embeds speak the default language
            html = env.get_template(page.template).render(**context)
            rendered.append((page.output, html if self.preview.serving else add_csp(html)))
        return rendered

    def _refuse_docs(self, files: Files, config, images: dict) -> None:
        """docs/ may add pages, never replace a generated one or publish raw HTML (site/handwritten.py)."""
        assert self.plan is not None and self.pages is not None and self.media is not None  # planned by on_config
        docs_dir = Path(config.docs_dir)
        docs = {f.src_uri: f for f in files if f.abs_src_path and Path(f.abs_src_path).is_relative_to(docs_dir)}
        theme = [u for u in docs if any(os.path.isfile(os.path.join(d, u)) for d in config.theme.dirs)]
        written = [*self.pages.text_outputs(), *images, *theme, *config.theme.static_templates, "sitemap.xml.gz"]
        # A pipe, or a page that is not UTF-8, is left out here: MkDocs would hang or stop the whole build.
        read = read_docs(docs_dir.name, {u: f.abs_src_path or "" for u, f in docs.items()})
        guarded = tuple(self.pages.guarded_values)  # a page showing one is left out, not the whole build
        inputs = (docs_dir.name, read.texts, tuple(self.pages.pages), written, guarded)
        if self.docs_checked is None or self.docs_checked[0] != inputs:  # the preview: unchanged on most saves
            self.docs_checked = (
                inputs,
                check_docs(docs_dir.name, read.texts, self.pages.pages, written, guarded, self.docs_scan),
            )
        issues, refused = self.docs_checked[1]
        for issue in [*read.issues, *issues]:
            log.error(issue.format())
        for src_uri in sorted(read.refused | refused):
            files.remove(docs[src_uri])
            if src_uri in theme:  # MkDocs left the theme's own file out for it: put it back
                folder = next(d for d in config.theme.dirs if os.path.isfile(os.path.join(d, src_uri)))
                files.append(File(src_uri, folder, config.site_dir, config.use_directory_urls))

    def on_nav(self, nav, *, config, files):
        self.nav = nav  # digested in on_env, when every page has its title
        assert self.pages is not None  # on_config planned this build
        for src_uri in self.owned:
            file = files.src_uris.get(src_uri)  # storyportal serve hands MkDocs the changed pages only
            page = file.page if file is not None else None
            if type(page) is Page and self.pages.pages[src_uri].kind == "story":
                # the same object (MkDocs and the preview hold it), rendered without Markdown
                page.__class__ = PlannedPage
        return nav

    def on_env(self, env, *, config, files):
        self.env = env  # pages are rendered with it: Material's languages are looked up in it
        self._templates_fixed(env)
        detach_copied_files(files)
        self.page_keys, self.page_hits = {}, {}  # this build's, if it is not the preview's
        if self.preview.serving:
            return self.preview.add_template(env)
        self._scan_early(files)
        self._look_up_pages(config, files)
        return preview.add_cached_template(env)  # prints a stored page

    def _scan_early(self, files: Files) -> None:
        """Start the leak guard's reading of what the build holds or copies (site/leakguard.py EarlyScan):
        generated texts and the theme's scripts and styles now, each page as it is written. Its final
        pass still lists every file, and reads again any whose bytes are not the ones read here."""
        assert self.portal is not None  # on_config loaded the portal
        if self.early_scan is not None:
            self.early_scan.close()
        self.early_scan = None
        if not self.portal.settings.portal.leak_guard:
            return
        values, allowed = self.private_values(), self.allowed_contacts()
        known = self.verdicts.known(looked_for(values, allowed)) if self.verdicts is not None else frozenset()
        self.early_scan = EarlyScan(values, allowed, known)
        for file in files:
            data = _bytes_to_write(file)
            if data is not None:
                self.early_scan.submit(file.dest_uri, data)

    @event_priority(-300)  # after every step that changes the page: these are the bytes MkDocs writes
    def _scan_page(self, output, *, page, config):
        if self.early_scan is not None and not self.preview.serving:
            self.early_scan.submit(page.file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace"))
        return output

    def on_build_error(self, *, error):
        if self.early_scan is not None:
            self.early_scan.close()
        self._unfreeze()

    def _templates_fixed(self, env) -> None:
        """A build's templates do not change while it runs: Jinja need not stat each one again on
        every include of every page (25,000 look-ups at 1,000 stories). The preview's do.

        Their compiled code is not kept in the cache folder: nothing there is ever run (measured,
        it would save about 1% of a warm build at 1,000 stories now that story pages are kept)."""
        if not self.preview.serving:
            env.auto_reload = False

    def _look_up_pages(self, config, files) -> None:
        """Each story page's key (adapter/pagecache.py); a page stored under it is not rendered again."""
        if self.page_cache is None or self.nav is None:
            return
        others = pagecache.other_page_plugins(config)
        if others:
            log.debug(f"page cache: off, since other plugins handle pages: {', '.join(others)}")
            return
        try:
            self.page_keys = self._page_keys(config, files)
        except pagecache.Uncacheable as exc:
            log.debug(f"page cache: off for this build, it cannot digest {exc}")
            return
        for src_uri, key in self.page_keys.items():
            page = files.src_uris[src_uri].page
            # Read when the page is rendered, not now: held from here to the end of the build, the
            # stored pages were 40 MB of 170 MB traced at 1,000 stories (10,000: peak 1.24 -> 1.11 GB).
            if page is not None and self.page_cache.holds(key):
                self.page_hits[src_uri] = page.meta.get("template") or "main.html"
                page.meta["template"] = preview.CACHED_TEMPLATE  # put back in on_page_context
        log.debug(f"page cache: {len(self.page_hits)} of {len(self.page_keys)} story pages as stored")

    def _page_keys(self, config, files) -> dict[str, str]:
        assert self.plan is not None and self.pages is not None and self.portal is not None and self.media is not None
        theme, named = pagecache.theme_digest(config.theme.dirs)
        site = pagecache.digest(
            pagecache.software_versions(),
            theme,
            get_build_datetime().isoformat() if "build_date_utc" in named else None,
            pagecache.config_outline(config, named),
            pagecache.nav_outline(self.nav.items if self.nav is not None else ()),
            self.portal.settings,
            self.portal.messages.languages,
        )
        plans: dict[str, str] = {}
        keys: dict[str, str] = {}
        memo: dict = {}  # the plan's records, encoded once however many pages share them
        image_tag, snippets = self.media.image_tag, self.pages.extras["embeds"].snippets
        for src_uri in self.owned:
            spec = self.pages.pages[src_uri]
            page = files.src_uris[src_uri].page
            if spec.kind != "story" or page is None:
                continue
            if spec.lang not in plans:
                plans[spec.lang] = pagecache.digest(pagecache.plan_outline(self.plan.site(spec.lang)))
            view = self.plan.stories[spec.key]
            tags = [image_tag(p, k) for p, k in preview.story_images(view)]
            tags += [image_tag(c.logo, "logo") for c in view.related if c.logo]
            outline = pagecache.page_outline(page)
            parts = (site, plans[spec.lang], spec, outline, view, tags, snippets.get(spec.key))
            keys[src_uri] = pagecache.digest(*parts, memo=memo)
        return keys

    def _spec(self, page):
        assert self.pages is not None  # on_config planned this build
        return self.pages.pages.get(page.file.src_uri) if page.file.src_uri in self.owned else None

    def on_pre_template(self, template, *, template_name, config):
        if template_name == "sitemap.xml":  # storyportal serve: the last output when it lists the same
            return self.preview.sitemap_template(template, config)
        return template

    def on_post_template(self, output_content, *, template_name, config):
        if template_name == "sitemap.xml":
            self.preview.sitemap_output.rendered(output_content)
        return output_content

    def on_template_context(self, context, *, template_name, config):
        if template_name == "sitemap.xml":  # storyportal serve: pages kept from earlier rebuilds too
            context["pages"] = self.preview.sitemap_pages(context["pages"], config.site_url)
        return context

    def on_page_markdown(self, markdown, *, page, config, files):
        spec = self._spec(page)
        if spec is None:
            return markdown
        page.meta = _page_meta(spec)
        if self.preview.cached(page.file.src_uri, spec) is not None:
            page.meta["template"] = preview.CACHED_TEMPLATE  # unchanged inputs: reuse the last output
        return ""

    def on_page_content(self, html, *, page, config, files):
        spec = self._spec(page)
        return html if spec is None or spec.kind not in KEYED_KINDS else self._content(spec)

    def _content(self, spec) -> str:
        assert self.plan is not None and self.portal is not None  # on_config planned this build
        if spec.kind == "story":
            return self.plan.stories[spec.key].body_html  # indexed by search; sanitised by the core
        return preview_errors_html(self.portal, spec.key)

    def _fill_skipped(self, page) -> None:
        """What populating a page skipped by a dirty build would have given it (for search)."""
        spec = self._spec(page)
        page.markdown, page.meta, page.content, page.toc = "", _page_meta(spec), self._content(spec), get_toc([])

    def on_page_context(self, context, *, page, config, nav):
        own = self.page_hits.get(page.file.src_uri)
        if own is not None:  # stored from the same inputs: printed as it is (adapter/pagecache.py)
            page.meta["template"] = own  # MkDocs has its template by now: the cached one
            assert self.page_cache is not None  # a hit was looked up in it
            stored = self.page_cache.get(self.page_keys[page.file.src_uri])
            if stored is not None:
                context["sp_cached"] = stored
                return context
            # Damaged or gone since it was looked up: made as usual, through the cached template (which
            # includes the page's own when it has no stored output), and stored again.
            del self.page_hits[page.file.src_uri]
            context["sp_template"] = own
        spec = self._spec(page)
        assert self.pages is not None and self.media is not None  # on_config planned this build
        if spec is not None and spec.kind != "preview-error":
            context["sp"] = self.pages.context(spec, page.url, self.media.image_tag)
            if self.preview.serving:
                context["sp_cached"] = self.preview.cached(page.file.src_uri, spec)
        self._interface(context, page.meta, self.env or config.theme.get_env(), config)
        return context

    def _interface(self, context, meta, env, config) -> None:
        """The page's interface language (page.meta["sp_lang"], else the default): adapter/i18n.py."""
        assert self.portal is not None  # on_config loaded the portal
        interface = page_interface(self.interfaces, self.portal.settings.portal.lang, meta)
        add_interface(context, interface, env, config.theme.get("language") or "en")

    def _preview_page(self, output, *, page, config):
        if not self.preview.serving:
            return output
        spec = self._spec(page)
        assert self.portal is not None  # on_config planned this build
        if spec is not None and spec.kind == "home":  # a writer sees why a story is missing
            output = output.replace(
                '<article class="md-content__inner md-typeset">',
                '<article class="md-content__inner md-typeset">' + preview_errors_html(self.portal),
                1,
            )
        return self.preview.wrote(page.file.src_uri, spec, output)

    @event_priority(100)  # first: the template's own output, before any later step changes it
    def _store_page(self, output, *, page, config):
        key = self.page_keys.get(page.file.src_uri)
        if key is not None and self.page_cache is not None and page.file.src_uri not in self.page_hits:
            self.page_cache.put(key, output)
        return output

    @event_priority(-100)  # last: the hashes must be those of the page as it is written
    def _content_security_policy(self, output, *, page, config):
        # No CSP in the preview: the live-reload server injects an inline script into every page.
        return output if self.preview.serving else add_csp(output)

    @event_priority(-200)  # the last word before MkDocs opens the page's file for writing
    def _detach_page_file(self, output, *, page, config):
        # A dirty build (the preview, `mkdocs build --dirty`) may find at this address a file the last
        # build hard-linked from the cache (a redirect, say): MkDocs writes into the existing file, which
        # would write this page into the cache and into every other site linked to it. Unlinked first,
        # the page gets a file of its own.
        detach_link(Path(page.file.abs_dest_path))
        return output

    on_post_page = CombinedEvent(_store_page, _preview_page, _content_security_policy, _detach_page_file, _scan_page)

    def _finish_preview(self, *, config):
        assert self.files is not None  # on_files listed this build's files
        self.preview.finish(config, self.files, self._fill_skipped)

    @event_priority(-50)  # after every page and other plugins' writers; before the leak guard reads it all
    def _search_index(self, *, config):
        assert self.portal is not None  # on_config planned this build
        if search_enabled(self.portal.settings):
            self._index_search(config)

    def _index_search(self, config) -> None:
        assert self.portal is not None  # on_config planned this build
        if self.preview.serving:  # the preview serves the page now; search follows in a moment
            if self.indexer is None:
                self.indexer = BackgroundIndexer(log.info)
            self.indexer.request(Path(config.site_dir), self.portal.settings.portal.lang)
            return
        try:
            done = index_site(Path(config.site_dir), self.portal.settings.portal.lang)
        except SearchIndexError as exc:
            raise PluginError(f"Search index: {exc}") from None
        log.info(f"search: {done.pages} page(s) indexed with Pagefind in {done.seconds:.1f} s")

    @event_priority(-100)  # after every writer: Material's search index is written at default priority
    def _guard_and_mark(self, *, config):
        if self.preview.serving:
            return  # the preview is never published; `storyportal build` and CI builds are guarded
        site_dir = Path(config.site_dir)
        assert self.portal is not None  # on_config planned this build
        if self.portal.settings.portal.leak_guard and not self.guarded_later:
            found = scan_output(
                site_dir,
                self.private_values(),
                self.allowed_contacts(),
                self.workers(),
                self.early_scan,
                self.verdicts,
            )
            raise_on_leaks(found)
        (site_dir / MARKER).write_text(build_marker(self.portal), encoding="utf-8")
        if self.media is not None:  # a full build (the preview returned above): it used every text it needs
            self.media.cache.prune_texts()
        if self.page_cache is not None and self.page_keys:
            self.page_cache.prune()

    @event_priority(-200)  # the last step of a build
    def _thaw(self, *, config):
        self._unfreeze()

    def _unfreeze(self) -> None:
        # A process that builds again (tests, a program calling MkDocs) gets the collector's hold back
        # on what on_config froze: what of it is now garbage in cycles can be freed.
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    on_post_build = CombinedEvent(_finish_preview, _search_index, _guard_and_mark, _thaw)

    def private_values(self):
        """What the leak guard looks for: every private value in the registry, and in the public
        build the request log (reps, deals) that only the internal roster shows."""
        assert self.pages is not None  # on_config planned this build
        return self.pages.guarded_values

    def workers(self) -> int:
        """Processes the build may use (image_workers, else one per core): the leak guard reads with them."""
        return self.media.workers if self.media is not None else 1

    def allowed_contacts(self) -> set:
        """E-mail addresses and phone numbers the site may show (declared public)."""
        assert self.pages is not None  # on_config planned this build
        return self.pages.allowed_contacts

    def _saved_sources(self, settings: SiteSettings) -> set[str] | None:
        """`storyportal serve`: the files saved since the last build, as paths from the portal's folder
        (both as watched and with links resolved); None when the watcher cannot say (polling, first build)."""
        paths = self.saves.take() if self.saves is not None else None
        if paths is None or self.watched_root is None:
            return None
        found = set()
        for path in paths:
            for rel in (
                os.path.relpath(path, self.watched_root),
                os.path.relpath(os.path.realpath(path), settings.root),
            ):
                found.add(rel.replace(os.sep, "/"))
        return found

    def on_serve(self, server, *, config, builder):
        root = Path(config.config_file_path).parent
        self.saves = getattr(server, "saves", None)  # storyportal serve's watcher: what was saved
        self.watched_root = os.path.abspath(root)
        assert self.loader is not None  # on_config ran before the server starts
        settings = self.loader.settings.portal
        for path in (settings.stories_dir, settings.registry, settings.assets_dir, settings.messages_dir, "theme"):
            if (root / path).exists():
                server.watch(str(root / path))
        return server


def read_settings(options, config) -> SiteSettings:
    """Our block of mkdocs.yml, checked, with the audience and build date `storyportal build` passes."""
    block = {k: v for k, v in options.items() if v is not None}
    audience = os.environ.get("STORYPORTAL_AUDIENCE")
    if audience:
        block["audience"] = audience
    date = os.environ.get(BUILD_DATE_VARIABLE)
    if date:
        wrong = environment_date_problem()  # said at the variable's name, not at mkdocs.yml
        if wrong:
            raise PluginError("storyportal settings are invalid:\n" + wrong[0].format())
        block["build_date"] = date
    text = Path(config.config_file_path).read_text(encoding="utf-8-sig")
    portal, issues = parse_portal_config(block, text, Path(config.config_file_path).name)
    if portal is None:
        raise PluginError("storyportal settings are invalid:\n" + "\n".join(i.format() for i in issues))
    site_url = config.site_url or ""
    return SiteSettings(
        root=Path(config.config_file_path).resolve().parent,
        site_name=config.site_name,
        site_description=config.site_description or "",
        site_url=site_url if site_url.endswith("/") or not site_url else site_url + "/",
        docs_dir=Path(config.docs_dir),
        config_name=Path(config.config_file_path).name,
        portal=portal,
        notes=tuple(issues),
    )


def refuse_site_dir(config, settings: SiteSettings) -> None:
    """Stop before MkDocs empties a site_dir that is, holds or lies in the portal's sources.

    MkDocs itself only knows docs_dir and mkdocs.yml; ``storyportal build`` checks more
    (runner.check_target) and builds into a new folder beside its output.
    """
    site_dir = Path(config.site_dir).resolve()
    problem = overlap_problem(site_dir, portal_paths(config, settings))
    if problem:
        shown = site_dir.relative_to(settings.root) if site_dir.is_relative_to(settings.root) else site_dir
        raise PluginError(f"site_dir {shown}: {problem}; choose a new folder, like site")


def portal_paths(config, settings: SiteSettings) -> list[Protected]:
    """What no site folder may replace, from MkDocs' settings (docs_dir, custom_dir) and ours."""
    custom_dir = config.theme.custom_dir
    docs_dir, custom = Path(config.docs_dir), Path(custom_dir) if custom_dir else None
    return protected_paths(settings, Path(config.config_file_path), docs_dir, custom)


def report_portal(portal: Portal) -> None:
    """Errors fail --strict; a withheld story (consent) is only information."""
    if portal.registry_missing:
        raise PluginError(f"The advocate registry {portal.settings.portal.registry} does not exist")
    for issue in portal.issues:
        if issue.severity is Severity.ERROR:
            log.error(issue.format())
        else:
            log.info(issue.format())
    if any(issue.rule == CONFIG_RULE for issue in portal.issues):  # shown on every page: nothing builds
        raise PluginError("mkdocs.yml shows a contact or a private value on the site (see above); nothing is built")
    counts = Counter(portal.status.values())
    log.info(
        f"{len(portal.status)} stories: {counts[Status.PUBLISHED]} published, {counts[Status.WITHHELD]} withheld, "
        f"{counts[Status.INVALID]} with errors, {counts[Status.DRAFT]} drafts, {counts[Status.SCHEDULED]} scheduled "
        f"(judged on {portal.today.isoformat()})"
    )


def body_images(plan: SitePlan, settings: SiteSettings, media: MediaPlanner) -> dict[str, Path]:
    """Images a story body shows, copied beside its page; only real images inside the repository."""
    found = {}
    for view in plan.stories.values():
        for repo_path, output in view.body_images:
            folder, name = repo_path.rsplit("/", 1) if "/" in repo_path else ("", repo_path)
            rel, problem = resolve_image(settings.root, folder, name, settings.portal)
            if problem is not None:
                log.error(
                    visible(f"{view.story.source}:{view.story.body_line}:1: error: {problem.message} [{problem.rule}]")
                )
            if rel is not None:
                found[output] = media.body_image(rel)  # no EXIF or GPS
    return found


def raise_on_leaks(leaks) -> None:
    """Log up to 50 leaks and abort the build if there is any."""
    if not leaks:
        return
    for leak in leaks[:50]:
        log.error(f"{leak.file}: {leak.what}")
    raise PluginError(f"Leak guard: {len(leaks)} private value(s) found in the built site; nothing may be published")


def build_marker(portal: Portal) -> str:
    """The marker's text: who built the site, on which date, for whom, with how many stories."""
    counts = Counter(portal.status.values())
    record = {
        "storyportal": __version__,
        "build_date": portal.today.isoformat(),
        "audience": portal.settings.portal.audience.value,
        "published": counts[Status.PUBLISHED],
        "withheld": counts[Status.WITHHELD],
    }
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


class CachedFile(File):
    """An image from our content-addressed cache: hard-linked into the site instead of copied.

    A thousand Open Graph cards are 40 MB; a link costs nothing. Falls back to a copy
    where links are impossible (another file system).
    """

    content_addressed = True  # a cache file's name stands for its content (the preview's ledger)

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None  # a cached image is generated from its cache file
        try:
            _into_folder(lambda target: os.link(self.abs_src_path or "", target), self.abs_dest_path)
        except OSError:
            with contextlib.suppress(FileNotFoundError):  # a link left there would be written through
                os.unlink(self.abs_dest_path)
            super().copy_file(dirty)


EARLY_COPY_LIMIT = 4 * 1024 * 1024  # a larger copied file is left to the guard's final pass


def _bytes_to_write(file: File) -> bytes | None:
    """What a file that is not a page will hold: a generated text's bytes, or a copied file's (not
    an image: the guard reads images' metadata from the file). None when not known before the copy."""
    if isinstance(file, TextFile):
        return file.data()
    if file.is_documentation_page() or file.generated_by or not file.abs_src_path:
        return None
    path = Path(file.abs_src_path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return None
    try:
        return read_regular(path) if path.stat().st_size <= EARLY_COPY_LIMIT else None
    except OSError:  # a pipe (NotRegularFile) included: it would never finish reading
        return None


class TextFile(File):
    """A file whose text the plugin made (data files, redirects, /embed/ pages): hard-linked from
    the image cache's text/ folder, where the same bytes are kept by their hash (a warm build makes
    no new file for an unchanged page); written as MkDocs writes text where links are impossible."""

    cache: ImageCache | None = None  # set by the plugin; without one, the text is written
    # The text's bytes and their SHA-256, made once: the preview compares a data file by its hash, the
    # cache names it by it, the leak guard reads the bytes (a 10 MB /sales/ JSON was encoded 5 times).
    _encoded: tuple[str, bytes] | None = None
    _digest: bytes | None = None

    def data(self) -> bytes:
        """The bytes written (and read early by the leak guard: the same bytes, or it reads the file again)."""
        text = self._content
        assert isinstance(text, str)  # made with content=str only
        if self._encoded is None or self._encoded[0] is not text:
            self._encoded, self._digest = (text, text.encode("utf-8")), None
        return self._encoded[1]

    def digest(self) -> bytes:
        """The SHA-256 of data()."""
        data = self.data()  # first: a content set since makes the digest stale
        if self._digest is None:
            self._digest = hashlib.sha256(data).digest()
        return self._digest

    def copy_file(self, dirty: bool = False) -> None:
        data = self.data()
        target = self.abs_dest_path
        try:
            source = str(self.cache.text_file(data, self.digest())) if self.cache is not None else ""
            _into_folder(lambda path: os.link(source, path) if source else _write(path, data), target)
        except OSError:  # another file system, a cache that cannot be written: the text itself
            _into_folder(lambda path: _write(path, data), target)

    @classmethod
    def of(cls, config, output: str, text: str, cache: ImageCache, digest: bytes | None = None) -> TextFile:
        """``digest``: the SHA-256 of the text's UTF-8, when the caller hashed it already."""
        made = cls.generated(config, output, content=text)
        assert isinstance(made, TextFile)  # File.generated makes an instance of its class
        made.cache = cache
        if digest is not None:
            made._encoded, made._digest = (text, text.encode("utf-8")), digest
        return made


class PlannedPage(Page):
    """A story page: its Markdown is empty (on_page_markdown), its content the planned body
    (on_page_content). MkDocs sets up a Python-Markdown instance with every extension for each page
    it renders, which for 1,000 story pages was 0.4 s of a warm build, to convert nothing; this
    gives what that conversion gives for an empty text."""

    def render(self, config, files) -> None:
        if self.markdown != "":
            super().render(config, files)
            return
        self.content, self.toc = "", get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {}


def detach_link(path: Path) -> None:
    """Remove ``path`` when other names share its file (a hard link into the cache), so that the
    next write makes a file of its own instead of changing the shared one."""
    with contextlib.suppress(FileNotFoundError):
        if os.lstat(path).st_nlink > 1:
            os.unlink(path)


def detach_copied_files(files: Files) -> None:
    """Unlink what MkDocs is about to copy a file over, where that is a hard link into the cache.

    MkDocs copies a docs/ or theme file by writing into the file at its address; in a dirty build
    that may still be a link the last build made (a deleted story's /embed/ JSON, say), and the copy
    would change the cache and every site linked to it. In a clean build nothing is there: one
    failed lstat per file MkDocs copies itself.
    """
    for file in files:
        if file.is_documentation_page() or type(file).copy_file is not File.copy_file:
            continue  # pages are detached as they are written; our own files link or write afresh
        if file.is_modified():  # what MkDocs asks before copying in a dirty build
            detach_link(Path(file.abs_dest_path))


def _write(target: str, data: bytes) -> None:
    # "x": a file already there (a preview rebuild) is replaced, never written through: it may be
    # a link into the cache.
    with open(target, "xb") as handle:
        handle.write(data)


def _into_folder(write, target: str) -> None:
    """``write(target)``, making the target's folder only when it is missing, and replacing a file
    already there (a preview rebuild): one system call per file where the folder exists, not three."""
    try:
        write(target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write(target)
    except FileExistsError:
        os.unlink(target)
        write(target)


def _page_meta(spec) -> dict:
    # Escaped here: Material prints page titles and descriptions without escaping them.
    meta = {
        "template": spec.template,
        "title": str(escape(spec.title)),
        "description": str(escape(spec.description)),
        "hide": list(spec.hide),
        "sp_lang": spec.lang,  # the language site of the page (contract with the interface strings)
    }
    return meta


def _is_story_file(path: str, settings: SiteSettings) -> bool:
    """Whether a saved path (from the portal's folder) is a Markdown file under the stories folder: a story's
    file, or nothing the build reads (no image, registry or setting)."""
    folder = os.path.normpath(settings.portal.stories_dir)
    path = os.path.normpath(path)
    return folder != os.curdir and path.endswith(".md") and path.startswith(folder + os.sep)


def _is_linked(path: Path, top: Path) -> bool:
    while path != top and top in path.parents:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def _set_nav(config, plan: SitePlan, pages) -> None:
    """A small navigation: with 1,000 stories in it a build is 6x slower, and every page renders it.

    Industry pages are linked from the home page and from each story instead. The internal build
    adds its tools (Sales, Roster, Report), so the phone menu reaches them too.
    """
    if config.nav is None:
        links = plan.nav or (("Home", ""), ("Stories", "stories/"))
        config.nav = [{label: _source_of(path, pages)} for label, path in links]


def _source_of(path: str, pages) -> str:
    """The page source behind a site path: ``sales/roster/`` is ``sales/roster.md``."""
    flat = path.rstrip("/") + ".md"
    return flat if path and flat in pages else path + "index.md"


def _quiet_nav_list(config) -> None:
    """Story pages are left out of the navigation on purpose: MkDocs would list every one of them.

    Only MkDocs' default (info) is lowered; a level the site chose is kept.
    """
    if config.validation.nav.omitted_files == logging.INFO:
        config.validation.nav.omitted_files = logging.DEBUG
