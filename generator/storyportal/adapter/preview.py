"""Preview speed: reuse a story page's last output when nothing it depends on changed.

Only while serving. The key covers everything a story page is made from: its
planned view (record, body, related stories), its images, the navigation, the
theme files and mkdocs.yml, so a reused page is byte-for-byte what a full build
would write. Anything else (home, indexes, sitemap, search) is always rebuilt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from storyportal.core.portal import Portal
from storyportal.site.pages import preview_errors_html
from storyportal.site.plan import SitePlan

log = get_plugin_logger(__name__)

SEARCH_BUNDLE = "pagefind/"  # adapter/search.py writes it after each build, in the background while serving

CACHED_TEMPLATE = "storyportal/cached.html"
KEYED_KINDS = ("story", "preview-error")  # pages made from one story: skipped when their key is unchanged


class Preview:
    """The preview machinery of one plugin instance, kept across `serve` rebuilds with its caches.

    Two modes: `storyportal serve` (a dirty MkDocs build, ``fast``) skips the pages whose inputs
    are unchanged and keeps the output folder exactly what a full build writes (the ledger and the
    search entries); plain `mkdocs serve` renders every page but reuses a story page's last output
    (``page_cache``). Outside `serve` nothing here does anything.
    """

    def __init__(self):
        self.serving = False
        self.fast = False
        self.ledger = OutputLedger()
        self.search_entries = SearchEntries()
        self.bytecode = memory_bytecode_cache()
        self.page_cache: dict[str, tuple[str, str]] = {}  # src_uri -> (input key, final HTML), mkdocs serve
        self.fingerprint = ""  # what every page shares: settings, navigation, theme
        self.strings = ""  # the interface strings' key, per build
        # Per build, reset by begin():
        self.page_keys: dict[str, str] = {}  # story slug -> input key, computed once per build
        self.reused: set[str] = set()  # story pages whose last output was reused (mkdocs serve)
        self.rendered: set[str] = set()  # story pages rendered in this dirty build (storyportal serve)
        self.portal: Portal | None = None
        self.plan: SitePlan | None = None
        self.image_tag: Callable | None = None

    def start(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        # `storyportal serve` (or `mkdocs serve --dirty`): MkDocs skips pages we say are unchanged.
        self.fast = self.serving and dirty
        self.ledger, self.search_entries, self.bytecode = OutputLedger(), SearchEntries(), memory_bytecode_cache()

    def begin(self, portal, plan, image_tag: Callable) -> None:
        """A new build of ``portal``: page keys are computed again, counts start from zero."""
        self.portal, self.plan, self.image_tag = portal, plan, image_tag
        self.page_keys, self.reused, self.rendered = {}, set(), set()
        # The interface strings of every language (messages/ may change while serving).
        self.strings = key(repr(sorted(portal.messages.languages.items()))) if self.serving else ""

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

    def changed(self, src_uri: str, spec) -> bool:
        if not self.fast or spec is None or spec.kind not in KEYED_KINDS:
            return True  # listings, home, hand-written pages: they show other pages
        return not self.ledger.unchanged(src_uri, self.key(spec))

    def note_nav(self, config, nav) -> None:
        previous = self.fingerprint
        self.fingerprint = site_fingerprint(config, nav) if self.serving else ""
        if self.serving and previous and previous != self.fingerprint:
            log.info("preview: mkdocs.yml, the theme or the navigation changed: every page is rendered again")

    def add_template(self, env):
        return add_cached_template(env, self.bytecode) if self.serving else env

    def key(self, spec) -> str:
        """Everything the page is made from; asked three times per page and build, computed once."""
        # Pages are keyed only during a build, and begin() opens every build.
        assert self.portal is not None and self.plan is not None and self.image_tag is not None
        if spec.kind == "preview-error":
            return key(self.fingerprint, spec.title, preview_errors_html(self.portal, spec.key))
        if spec.key not in self.page_keys:
            view = self.plan.stories[spec.key]
            tags = [self.image_tag(p, k) for p, k in story_images(view)]
            self.page_keys[spec.key] = key(self.fingerprint, self.strings, repr(view), repr(tags))
        return self.page_keys[spec.key]

    def cached(self, src_uri: str, spec) -> str | None:
        """The last output of this story page, if its inputs are unchanged (mkdocs serve)."""
        if not self.serving or spec.kind != "story":
            return None
        found = self.page_cache.get(src_uri)
        return found[1] if found and found[0] == self.key(spec) else None

    def wrote(self, src_uri: str, spec, output: str) -> str:
        """Record a page's output: in the ledger (storyportal serve) or the page cache (mkdocs serve)."""
        if self.fast:
            keyed = spec is not None and spec.kind in KEYED_KINDS
            self.ledger.wrote(src_uri, self.key(spec) if keyed else None)
            if spec is not None and spec.kind == "story":
                self.rendered.add(src_uri)
            return output
        if spec is None or spec.kind != "story":
            return output
        cached = self.cached(src_uri, spec)
        if cached is None:
            self.page_cache[src_uri] = (self.key(spec), output)
            return output
        self.reused.add(src_uri)
        return cached

    def finish(self, config, files: Files, fill: Callable) -> None:
        """After a preview build: put back what a dirty build leaves out, and say what was reused."""
        assert self.plan is not None  # finish() ends a build that begin() opened
        if self.fast:
            self._finish_dirty_build(config, files, fill)
        elif self.serving:
            log.info(
                f"preview: {len(self.reused)} unchanged story page(s) reused, "
                f"{len(self.plan.stories) - len(self.reused)} rendered"
            )

    def _finish_dirty_build(self, config, files: Files, fill: Callable) -> None:
        """The full search index, and no stale files; ``fill`` gives a skipped page its content."""
        site_dir = Path(config.site_dir)
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        for page in pages:
            if page.content is None:  # skipped: give it what populating it would have given
                fill(page)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and hasattr(search, "search_index"):
            self.search_entries.rebuild(search, pages)
            if hasattr(search, "search_index_prev"):
                search.search_index_prev = None  # Material would merge the last index in again
            target = site_dir / "search" / "search_index.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(SearchEntries.generate(search.search_index), encoding="utf-8")
        assert self.plan is not None  # finish() ends a build that begin() opened
        stale = self.ledger.sweep(site_dir, {f.dest_uri for f in files})
        self.ledger.forget_missing({f.src_uri for f in files.documentation_pages()})
        log.info(
            f"preview: {len(self.plan.stories) - len(self.rendered)} unchanged story page(s) kept, "
            f"{len(self.rendered)} rendered, {len(stale)} stale file(s) removed"
        )


class StoryPortalFile(File):
    """A page whose ``is_modified`` the preview answers in a dirty build.

    MkDocs' own answer compares the source's modification time with the output's, which says
    nothing about the registry, related stories or the theme a page is made from.
    """

    preview: Preview | None = None
    spec = None  # our PageSpec, or None for a page we did not make

    @classmethod
    def copy_of(cls, file: File) -> StoryPortalFile:
        """The same file, every attribute kept (another plugin's changes included)."""
        copy = cls.__new__(cls)
        copy.__dict__.update(file.__dict__)
        return copy

    def is_modified(self) -> bool:
        if self.preview is None:
            return super().is_modified()
        return self.preview.changed(self.src_uri, self.spec)


def key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def site_fingerprint(config, nav) -> str:
    """What every page shares: settings, navigation, our theme files and the installed theme's version.

    Only ``custom_dir`` is walked: the installed theme changes only with its version, and
    walking its thousands of icons would cost more than rendering the page.
    """
    custom = config.theme.custom_dir
    files = sorted(Path(custom).rglob("*")) if custom and Path(custom).is_dir() else []
    theme = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()]
    config_bytes = Path(config.config_file_path).read_bytes()
    return key(config_bytes, config.site_url, _nav_repr(nav.items), theme, _theme_version(config.theme.name))


def _theme_version(name) -> str:
    from importlib import metadata

    try:
        return metadata.version("mkdocs-material" if name == "material" else str(name))
    except metadata.PackageNotFoundError:
        return ""


def toc_repr(toc) -> list:
    return [(item.title, item.id, item.level, toc_repr(item.children)) for item in toc]


def _nav_repr(items) -> list:
    return [
        (getattr(i, "title", None), getattr(i, "url", None), _nav_repr(getattr(i, "children", None) or []))
        for i in items
    ]


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

    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: "{{ sp_cached }}"}), env.loader])
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
    """What a dirty preview build left on disk, so that skipping a page stays exact.

    MkDocs does not clean the output folder in a dirty build and skips pages whose file
    says it is unmodified. The ledger knows, per page, the input key of the output on disk;
    after each build it removes every file no current page or asset wrote.
    """

    def __init__(self):
        self.keys: dict[str, str] = {}  # src_uri -> key of the story page output on disk
        self.extras: set[str] | None = None  # outputs made by templates and plugins, not by files

    def unchanged(self, src_uri: str, key: str) -> bool:
        return self.keys.get(src_uri) == key

    def wrote(self, src_uri: str, key: str | None) -> None:
        if key is None:
            self.keys.pop(src_uri, None)
        else:
            self.keys[src_uri] = key

    def sweep(self, site_dir: Path, expected: set[str]) -> list[str]:
        """Delete what no current file produced; the first build learns the template outputs."""
        present = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
        present = {rel for rel in present if not rel.startswith(SEARCH_BUNDLE)}  # the search index keeps itself
        if self.extras is None:
            self.extras = present - expected
        stale = sorted(present - expected - self.extras)
        for rel in stale:
            (site_dir / rel).unlink()
        for folder in sorted({p for p in site_dir.rglob("*") if p.is_dir()}, reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        return stale

    def forget_missing(self, src_uris: set[str]) -> None:
        self.keys = {k: v for k, v in self.keys.items() if k in src_uris}


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
                page.url, page.title, page.content, toc_repr(page.toc), repr(sorted(page.meta.items(), key=str))
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
