"""Preview speed: reuse a story page's last output when nothing it depends on changed.

Only while serving. The key covers everything a story page is made from: its
planned view (record, body, related stories), its images, the navigation, the
theme files and mkdocs.yml, so a reused page is byte-for-byte what a full build
would write. Anything else (home, indexes, sitemap, search) is always rebuilt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SEARCH_BUNDLE = "pagefind/"  # adapter/search.py writes it after each build, in the background while serving

CACHED_TEMPLATE = "storyportal/cached.html"


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
    if view.story.primary.photo:
        found.append((view.story.primary.photo, "photo"))
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
