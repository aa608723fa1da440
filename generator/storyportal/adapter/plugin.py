"""The one MkDocs adapter: asks the core for checked records and adds generated pages.

Stories never pass through MkDocs' own front-matter reader (which publishes a
broken YAML block as page text): their pages are virtual files with empty
Markdown, and their HTML comes from the core. Only this module imports MkDocs.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType

from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from storyportal.adapter import preview
from storyportal.adapter.csp import add_csp
from storyportal.core.config import CONFIG_OPTIONS, SiteSettings, parse_portal_config
from storyportal.core.imagecheck import inspect_image
from storyportal.core.issues import Severity
from storyportal.core.paths import resolve_ref
from storyportal.core.portal import PortalLoader, build_date
from storyportal.site.images import stripped_copy
from storyportal.site.leakguard import scan_output
from storyportal.site.media import MediaPlanner
from storyportal.site.pages import SitePages, plan_pages, preview_error_pages, preview_errors_html, redirect_html
from storyportal.site.plan import plan_site

log = get_plugin_logger(__name__)  # an mkdocs.* logger, so --strict counts our warnings


class StoryPortalPlugin(BasePlugin):
    # Every option is checked by storyportal.core.config.PortalConfig; MkDocs only passes them on.
    config_scheme = tuple((name, c.Optional(c.Type(object))) for name in CONFIG_OPTIONS)

    def __init__(self):
        super().__init__()
        self.loader: PortalLoader | None = None
        self.media: MediaPlanner | None = None
        self.pages: SitePages | None = None

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this instance across `serve` rebuilds, with its caches.
        self.serving = command == "serve"
        # `storyportal serve` (or `mkdocs serve --dirty`): MkDocs skips pages we say are unchanged,
        # and the ledger keeps the output folder exactly what a full build would write.
        self.fast = self.serving and dirty
        self.ledger = preview.OutputLedger()
        self.search_entries = preview.SearchEntries()
        self.bytecode = preview.memory_bytecode_cache()

    serving = False
    fast = False
    page_cache: dict | None = None  # src_uri -> (input key, final HTML), while serving without --dirty

    def on_config(self, config):
        settings = self._settings(config)
        if self.loader is None or self.loader.settings != settings:
            self.loader = PortalLoader(settings)
            self.media = MediaPlanner(
                settings.root,
                Path(config.config_file_path).parent / ".cache" / "storyportal",
                list(settings.portal.image_widths),
            )
        self.media.reset()
        self.reused: set[str] = set()  # story pages whose last output was reused (serve only)
        self.page_keys: dict[str, str] = {}
        self.rendered: set[str] = set()  # story pages rendered in this dirty preview build
        portal = self.loader.load(build_date(settings.portal.build_date))
        self._report(portal)
        self.portal = portal
        self.plan = plan_site(
            portal,
            logo_url=self.media.logo_url,
            card_path=lambda s, card: self.media.card_path(s, card.logo, card.industry.label, card.type_label),
        )
        for issue in self.plan.withheld:  # a body that failed to render: that story only is left out
            log.error(issue.format())
        self.pages = plan_pages(self.plan, portal)
        for view in self.plan.stories.values():  # plan every image now: files are listed in on_files
            for path, kind in preview.story_images(view):
                self.media.image_tag(path, kind)
        if self.serving:  # a writer sees why a story is missing, where they look
            self.pages.pages = MappingProxyType({**preview_error_pages(portal), **self.pages.pages})
        _set_nav(config)
        config.extra_css = ["assets/storyportal.css", *config.extra_css]
        config.extra_javascript = ["assets/storyportal.js", *config.extra_javascript]
        return config

    def _settings(self, config) -> SiteSettings:
        block = {k: v for k, v in self.config.items() if v is not None}
        audience = os.environ.get("STORYPORTAL_AUDIENCE")
        if audience:
            block["audience"] = audience
        date = os.environ.get("STORYPORTAL_BUILD_DATE")
        if date:
            block["build_date"] = date
        text = Path(config.config_file_path).read_text(encoding="utf-8-sig")
        portal, issues = parse_portal_config(block, text, Path(config.config_file_path).name)
        if portal is None:
            raise PluginError("storyportal settings are invalid:\n" + "\n".join(i.format() for i in issues))
        site_url = config.site_url or ""
        return SiteSettings(
            root=Path(config.config_file_path).resolve().parent,
            site_name=config.site_name,
            site_url=site_url if site_url.endswith("/") or not site_url else site_url + "/",
            portal=portal,
        )

    def _report(self, portal) -> None:
        """Errors fail --strict; a withheld story (consent) is only information."""
        if not (portal.settings.root / portal.settings.portal.registry).is_file():
            raise PluginError(f"The advocate registry {portal.settings.portal.registry} does not exist")
        for issue in portal.issues:
            if issue.severity is Severity.ERROR:
                log.error(issue.format())
            else:
                log.info(issue.format())

    def on_files(self, files: Files, *, config) -> Files:
        for file in list(files):  # MkDocs follows symlinks: one could publish advocates.yaml
            if file.abs_src_path and _is_linked(Path(file.abs_src_path), Path(config.docs_dir)):
                log.error(
                    f"{file.src_uri}: symbolic links in {Path(config.docs_dir).name}/ are never published [path-symlink]"
                )
                files.remove(file)
        self.owned = set()  # our virtual pages; a hand-written docs/index.md stays the author's
        for src_uri in self.pages.pages:
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=""))
                self.owned.add(src_uri)
        if self.fast:
            self._mark_unchanged_pages(files)
        for src_uri, text in sorted(self.pages.data.items()):
            files.append(File.generated(config, src_uri, content=text))
        for old, target in self.plan.aliases:
            files.append(File.generated(config, old + "index.html", content=redirect_html(old, target, self.plan)))
        for output, source in sorted({**self._body_images(), **self.media.outputs()}.items()):
            files.append(CachedFile.generated(config, output, abs_src_path=str(source)))
        self.files = files
        return files

    def _mark_unchanged_pages(self, files: Files) -> None:
        """A dirty build renders a page only if its file says it changed: say so from our keys."""
        for file in files.documentation_pages():
            spec = self.pages.pages.get(file.src_uri) if file.src_uri in self.owned else None
            if spec is not None and spec.kind in ("story", "preview-error"):
                file.is_modified = lambda f=file, s=spec: not self.ledger.unchanged(f.src_uri, self._page_key(s))
            else:  # listings, home, hand-written pages: they show other pages, so always render them
                file.is_modified = lambda: True

    def on_nav(self, nav, *, config, files):
        previous = getattr(self, "fingerprint", "")
        self.fingerprint = preview.site_fingerprint(config, nav) if self.serving else ""
        if self.serving and previous and previous != self.fingerprint:
            log.info("preview: mkdocs.yml, the theme or the navigation changed: every page is rendered again")
        return nav

    def on_env(self, env, *, config, files):
        return preview.add_cached_template(env, self.bytecode) if self.serving else env

    def _spec(self, page):
        return self.pages.pages.get(page.file.src_uri) if page.file.src_uri in self.owned else None

    def _body_images(self) -> dict[str, Path]:
        """Images a story body shows, copied beside its page; only real images inside the repository."""
        found = {}
        settings = self.portal.settings
        for view in self.plan.stories.values():
            for repo_path, output in view.body_images:
                folder, name = repo_path.rsplit("/", 1) if "/" in repo_path else ("", repo_path)
                rel, problem = resolve_ref(settings.root, folder, name)
                if problem is None:
                    _, problem = inspect_image(
                        settings.root / rel, settings.portal.max_image_bytes, settings.portal.max_image_pixels
                    )
                if problem is not None:
                    log.error(
                        f"{view.story.source}:{view.story.body_line}:1: error: {problem.message} [{problem.rule}]"
                    )
                    continue
                found[output] = stripped_copy(settings.root, rel, self.media.cache_dir)  # no EXIF or GPS
        return found

    def on_page_markdown(self, markdown, *, page, config, files):
        spec = self._spec(page)
        if spec is None:
            return markdown
        page.meta = _page_meta(spec)
        if self.serving and self._cached(page, spec) is not None:
            page.meta["template"] = preview.CACHED_TEMPLATE  # unchanged inputs: reuse the last output
        return ""

    def _cached(self, page, spec) -> str | None:
        if spec.kind != "story" or self.page_cache is None:
            return None
        key = self._page_key(spec)
        found = self.page_cache.get(page.file.src_uri)
        return found[1] if found and found[0] == key else None

    def _page_key(self, spec) -> str:
        if spec.kind == "preview-error":
            return preview.key(self.fingerprint, spec.title, preview_errors_html(self.portal, spec.key))
        if spec.key not in self.page_keys:  # asked three times per page and build: compute once
            view = self.plan.stories[spec.key]
            tags = [self.media.image_tag(p, k) for p, k in preview.story_images(view)]
            self.page_keys[spec.key] = preview.key(self.fingerprint, repr(view), repr(tags))
        return self.page_keys[spec.key]

    def on_page_content(self, html, *, page, config, files):
        spec = self._spec(page)
        if spec is not None and spec.kind == "story":
            return self.plan.stories[spec.key].body_html  # indexed by search; sanitised by the core
        if spec is not None and spec.kind == "preview-error":
            return preview_errors_html(self.portal, spec.key)
        return html

    def on_page_context(self, context, *, page, config, nav):
        spec = self._spec(page)
        if spec is not None and spec.kind != "preview-error":
            context["sp"] = self.pages.context(spec, page.url, self.media.image_tag)
            if self.serving:
                context["sp_cached"] = self._cached(page, spec)
        return context

    def on_post_page(self, output, *, page, config):
        spec = self._spec(page)
        if self.serving and spec is not None and spec.kind == "home":
            output = output.replace(
                '<article class="md-content__inner md-typeset">',
                '<article class="md-content__inner md-typeset">' + preview_errors_html(self.portal),
                1,
            )
        if not self.serving:
            return add_csp(output)
        # No CSP in the preview: the live-reload server injects an inline script into every page.
        if self.fast:
            story = spec is not None and spec.kind == "story"
            keyed = spec is not None and spec.kind in ("story", "preview-error")
            self.ledger.wrote(page.file.src_uri, self._page_key(spec) if keyed else None)
            if story:
                self.rendered.add(page.file.src_uri)
            return output
        if spec is None or spec.kind != "story":
            return output
        cached = self._cached(page, spec)
        if cached is None:
            cached = output
            self.page_cache = self.page_cache if self.page_cache is not None else {}
            self.page_cache[page.file.src_uri] = (self._page_key(spec), cached)
        else:
            self.reused.add(page.file.src_uri)
        return cached

    def on_post_build(self, *, config):
        if self.fast:
            self._finish_dirty_build(config)
        elif self.serving:
            log.info(
                f"preview: {len(self.reused)} unchanged story page(s) reused, "
                f"{len(self.plan.stories) - len(self.reused)} rendered"
            )
        if not self.portal.settings.portal.leak_guard or self.serving:
            return  # the preview is never published; `storyportal build` and CI builds are guarded
        leaks = scan_output(Path(config.site_dir), self.portal.registry.private_values(), self.pages.allowed_contacts)
        if leaks:
            for leak in leaks[:50]:
                log.error(f"{leak.file}: {leak.what}")
            raise PluginError(
                f"Leak guard: {len(leaks)} private value(s) found in the built site; nothing may be published"
            )

    def _finish_dirty_build(self, config) -> None:
        """Put back what a dirty build leaves out: the full search index, and no stale files."""
        site_dir = Path(config.site_dir)
        pages = [f.page for f in self.files.documentation_pages() if f.page is not None]
        for page in pages:
            if page.content is None:  # skipped: give it what populating it would have given
                spec = self._spec(page)
                content = (
                    self.plan.stories[spec.key].body_html
                    if spec.kind == "story"
                    else preview_errors_html(self.portal, spec.key)
                )
                page.markdown, page.meta, page.content, page.toc = "", _page_meta(spec), content, get_toc([])
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and hasattr(search, "search_index"):
            self.search_entries.rebuild(search, pages)
            if hasattr(search, "search_index_prev"):
                search.search_index_prev = None  # Material would merge the last index in again
            target = site_dir / "search" / "search_index.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(preview.SearchEntries.generate(search.search_index), encoding="utf-8")
        stale = self.ledger.sweep(site_dir, {f.dest_uri for f in self.files})
        self.ledger.forget_missing({f.src_uri for f in self.files.documentation_pages()})
        log.info(
            f"preview: {len(self.plan.stories) - len(self.rendered)} unchanged story page(s) kept, "
            f"{len(self.rendered)} rendered, {len(stale)} stale file(s) removed"
        )

    def on_serve(self, server, *, config, builder):
        root = Path(config.config_file_path).parent
        settings = self.loader.settings.portal
        for path in (settings.stories_dir, settings.registry, settings.assets_dir, "theme"):
            if (root / path).exists():
                server.watch(str(root / path))
        return server


class CachedFile(File):
    """An image from our content-addressed cache: hard-linked into the site instead of copied.

    A thousand Open Graph cards are 40 MB; a link costs nothing. Falls back to a copy
    where links are impossible (another file system).
    """

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        target = Path(self.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.unlink(missing_ok=True)
            os.link(self.abs_src_path, target)
        except OSError:
            super().copy_file(dirty)


def _page_meta(spec) -> dict:
    # Escaped here: Material prints page titles and descriptions without escaping them.
    meta = {
        "template": spec.template,
        "title": str(escape(spec.title)),
        "description": str(escape(spec.description)),
        "hide": list(spec.hide),
    }
    if spec.noindex:
        meta["robots"] = "noindex"
    return meta


def _is_linked(path: Path, top: Path) -> bool:
    while path != top and top in path.parents:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def _set_nav(config) -> None:
    """A small navigation: with 1,000 stories in it a build is 6x slower, and every page renders it.

    Industry pages are linked from the home page and from each story instead.
    """
    if config.nav is None:
        config.nav = [{"Home": "index.md"}, {"Stories": "stories/index.md"}]
