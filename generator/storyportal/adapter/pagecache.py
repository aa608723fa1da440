"""Story pages kept between builds, beside the image cache (``pages/``).

A story page's HTML is what the theme's templates make of the page's template context, so it is
stored under a SHA-256 digest of everything that context holds or a template can read:

- the site: mkdocs.yml as MkDocs parsed it (every option, ``extra``, every plugin's options, the
  Markdown extensions, the theme's settings), the navigation as built (titles, addresses, meta),
  every template file (the installed theme's by its version and the content of its templates; our
  ``theme/`` and any ``custom_dir`` by the content of every file), the portal's settings and the
  interface strings of every language, and the versions of this package (its source), MkDocs,
  Material, Jinja, MarkupSafe and Python; MkDocs' build time only if a template names it;
- the page's language site as the story page reads it (site name and address, languages, the
  navigation bar, translations, type labels: every field of the plan but the listings, a test
  keeps that list honest);
- the page: its address, title, meta, rendered content and table of contents, its neighbours in
  the navigation, its planned view (the record, body, speaker, related stories), its image tags,
  the related stories' logos and its embed code.

Values are digested by ``canonical``: by type and content, never by ``repr`` of an object (an
address, or a set's order that varies with PYTHONHASHSEED), and a value of a type it does not know
turns the cache off for the build (a false miss costs a render; a false hit would publish a stale
page). A withheld or revoked story is not planned, so it has no page to take from the cache; a
changed consent changes the view. The page is rendered as usual when its key is new, and its
template output stored; MkDocs' later steps (the content security policy, writing, the leak
guard's read of every file) run for every page, cached or not. A stored page begins with the
SHA-256 of its HTML: one whose bytes do not have it (a damaged byte) is rendered again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import os
import re
import stat
import sys
import sysconfig
import types
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

from markupsafe import Markup
from mkdocs.plugins import BasePlugin
from mkdocs.theme import Theme

from storyportal.site.images import write_atomically

PAGES = "pages"  # the folder in the cache: one file per stored page, named by its key
FORMAT = b"storyportal-page-cache-1"
PAGE_SLACK = 200  # stored pages beyond twice a build's before the unused go
_KEY = re.compile(r"[0-9a-f]{64}")
# What a story page does not read of its language site's plan: the listings (a test checks that
# every other field of SitePlan is digested, so a new field is a decision, not a silent omission).
NOT_READ_BY_STORY_PAGES = frozenset(
    {"stories", "cards", "facets", "industries", "featured", "aliases", "data_files", "withheld", "others"}
)
# Plugins whose page events only read pages (for their own index), never change a page's output.
READ_ONLY_PAGE_PLUGINS = frozenset({"material.plugins.search.plugin", "mkdocs.contrib.search"})


class Uncacheable(Exception):
    """A value ``canonical`` cannot digest exactly: the page cache stays off for the build."""


def canonical(value: object, memo: dict | None = None) -> bytes:
    """A byte string that is equal for equal values in any process, on any machine.

    ``memo`` keeps the encoding of each dataclass instance by identity (with the instance, so
    its id is not reused): the same record, company or card shared by many pages is encoded once.
    Only for values that do not change while it is kept (one build's plan).
    """
    out: list[bytes] = []
    _encode(value, out, {} if memo is None else memo)
    return b"".join(out)


def _text(tag: bytes, text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return tag + len(data).to_bytes(8, "big") + data


def _encode(value: object, out: list[bytes], memo: dict) -> None:
    encoder = _ENCODERS.get(type(value))
    if encoder is not None:
        encoder(value, out, memo)
    elif isinstance(value, enum.Enum):
        out.append(_text(b"E", _qualname(value)))
        _encode(value.value, out, memo)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _dataclass(value, out, memo)
    else:
        _encode_other(value, out, memo)


def _dataclass(value: object, out: list[bytes], memo: dict) -> None:
    kept = memo.get(id(value))
    if kept is None:
        parts: list[bytes] = [_text(b"D", _qualname(value))]
        for name, tag in _fields(type(value)):
            parts.append(tag)
            _encode(getattr(value, name), parts, memo)
        kept = memo[id(value)] = (value, b"".join(parts))
    out.append(kept[1])


_FIELDS: dict[type, tuple[tuple[str, bytes], ...]] = {}


def _fields(kind: type) -> tuple[tuple[str, bytes], ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple((f.name, _text(b"f", f.name)) for f in dataclasses.fields(kind))
    return found


def _encode_other(value: object, out: list[bytes], memo: dict) -> None:
    if isinstance(value, BasePlugin):
        out.append(_text(b"g", _qualname(value)))
        _encode(value.config, out, memo)
    elif isinstance(value, Theme):  # a mapping of its settings, and its folders besides
        out.append(_text(b"H", str(value.name)))
        _encode((list(value.dirs), sorted(value.static_templates), str(value.locale)), out, memo)
        _encode({k: str(v) if k == "locale" else v for k, v in value.items()}, out, memo)  # a babel Locale
    elif isinstance(value, str):  # Markup and other kinds of string: by kind and text
        out.append(_text(b"s" + _qualname(value).encode(), str(value)))
    elif isinstance(value, (tuple, list)):
        _sequence(value, out, memo, b"L" + _qualname(value).encode())
    elif isinstance(value, Mapping):
        _mapping(value, out, memo, b"m" + _qualname(value).encode())
    elif isinstance(value, (set, frozenset)):
        _set(value, out, memo)
    elif isinstance(value, PurePath):
        out.append(_text(b"p", value.as_posix()))
    elif isinstance(value, types.ModuleType):  # a hook file: its source
        out.append(_text(b"o", value.__name__ + ":" + _file_digest(getattr(value, "__file__", None))))
    elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        # mkdocs.yml's !!python/name: (an emoji index, a custom fence): by name and its module's source
        module = sys.modules.get(getattr(value, "__module__", "") or "")
        name = f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
        out.append(_text(b"c", name + ":" + _file_digest(getattr(module, "__file__", None))))
    elif hasattr(value, "model_dump"):  # a pydantic model (the portal's settings)
        out.append(_text(b"P", _qualname(value)))
        _encode(value.model_dump(), out, memo)
    else:
        raise Uncacheable(f"a value of type {_qualname(value)}")


def _qualname(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _sequence(value, out: list[bytes], memo: dict, tag: bytes) -> None:
    out.append(tag + len(value).to_bytes(8, "big"))
    for item in value:
        _encode(item, out, memo)


def _mapping(value, out: list[bytes], memo: dict, tag: bytes) -> None:
    # In insertion order: a template iterating a mapping shows its order.
    out.append(tag + len(value).to_bytes(8, "big"))
    for name, item in value.items():
        _encode(name, out, memo)
        _encode(item, out, memo)


def _set(value, out: list[bytes], memo: dict) -> None:
    # Sorted by encoding: a set's own order varies with PYTHONHASHSEED.
    out.append(b"S" + len(value).to_bytes(8, "big"))
    out.extend(sorted(canonical(item, memo) for item in value))


_ENCODERS: dict[type, Callable[[Any, list[bytes], dict], None]] = {
    type(None): lambda v, out, memo: out.append(b"N"),
    bool: lambda v, out, memo: out.append(b"T" if v else b"F"),
    int: lambda v, out, memo: out.append(_text(b"i", str(v))),
    float: lambda v, out, memo: out.append(_text(b"d", float.hex(v))),
    str: lambda v, out, memo: out.append(_text(b"s", v)),
    bytes: lambda v, out, memo: out.append(b"b" + len(v).to_bytes(8, "big") + v),
    tuple: lambda v, out, memo: _sequence(v, out, memo, b"t"),
    list: lambda v, out, memo: _sequence(v, out, memo, b"l"),
    dict: lambda v, out, memo: _mapping(v, out, memo, b"m"),
    types.MappingProxyType: lambda v, out, memo: _mapping(v, out, memo, b"m"),
    set: _set,
    frozenset: _set,
    dt.date: lambda v, out, memo: out.append(_text(b"a", v.isoformat())),
    dt.datetime: lambda v, out, memo: out.append(_text(b"A", v.isoformat())),
    Markup: lambda v, out, memo: out.append(_text(b"M", str(v))),
}


def digest(*parts: object, memo: dict | None = None) -> str:
    hashed = hashlib.sha256(FORMAT)
    for part in parts:
        hashed.update(canonical(part, memo))
    return hashed.hexdigest()


@functools.lru_cache(maxsize=8)
def _file_digest(path: str | None) -> str:
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


@functools.lru_cache(maxsize=1)
def software_versions() -> tuple:
    """This package's own source (every module, template and string file in it) and the libraries' versions."""
    package = Path(__file__).resolve().parent.parent
    source = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".html")):
        source.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    libraries = tuple((name, package_version(name)) for name in ("mkdocs", "mkdocs-material", "jinja2", "markupsafe"))
    return (source.hexdigest(), libraries, sys.implementation.name, tuple(sys.version_info[:3]))


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def installed_folder(folder: str) -> bool:
    """Whether ``folder`` is inside the installed packages (an installed theme, not a custom_dir)."""
    real = os.path.realpath(folder)
    tops = {os.path.realpath(p) for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    return any(real == top or real.startswith(top + os.sep) for top in tops)


# Values that differ from build to build whatever the sources (MkDocs' build time; the output
# folder, which `storyportal build` makes anew each time): digested only if a template names them.
VOLATILE = (b"build_date_utc", b"site_dir")


def theme_digest(dirs) -> tuple[str, frozenset[str]]:
    """Every template folder's content, and which of the VOLATILE names any template mentions.

    An installed theme's icons and assets change only with its version (in ``software_versions``);
    its templates are read too, in case one was edited where it is installed.
    """
    hashed = hashlib.sha256()
    named: set[str] = set()
    for folder in dirs:
        installed = installed_folder(folder)
        hashed.update(_text(b"dir", folder if not installed else "installed:" + os.path.basename(folder)))
        for top, subdirs, names in os.walk(folder):  # top-down, each folder's names sorted: one order
            subdirs[:] = sorted(d for d in subdirs if not (installed and d == ".icons"))
            for name in sorted(names):
                if installed and not name.endswith((".html", ".xml", ".yml")):
                    continue
                data = Path(top, name).read_bytes()
                named.update(name.decode() for name in VOLATILE if name in data)
                hashed.update(
                    _text(b"f", os.path.relpath(os.path.join(top, name), folder)) + hashlib.sha256(data).digest()
                )
    return hashed.hexdigest(), frozenset(named)


def config_outline(config, named: frozenset[str]) -> dict:
    """mkdocs.yml as parsed, every option, the output folder only where a template names it."""
    return {name: value for name, value in config.items() if name != "site_dir" or "site_dir" in named}


def nav_outline(items) -> list:
    """What a template can read of the navigation: each item's kind, title, address, meta and children."""
    outline = []
    for item in items:
        children = getattr(item, "children", None)
        outline.append(
            (
                type(item).__name__,
                item.title,
                getattr(item, "url", None),
                getattr(item, "canonical_url", None),
                getattr(item, "meta", None),
                getattr(item, "is_homepage", None),
                nav_outline(children) if children else None,
            )
        )
    return outline


def page_outline(page) -> tuple:
    """What Material's templates read of the page itself (not of our ``sp``)."""
    neighbours = tuple((p.url, p.title) if p is not None else None for p in (page.previous_page, page.next_page))
    return (
        page.file.src_uri,
        page.url,
        page.canonical_url,
        page.abs_url,
        page.edit_url,
        page.title,
        page.meta,
        page.content,
        toc_outline(page.toc),
        page.is_homepage,
        neighbours,
        tuple(a.title for a in page.ancestors),
    )


def toc_outline(toc) -> list:
    return [(item.title, item.id, item.level, toc_outline(item.children)) for item in toc]


def plan_outline(plan) -> tuple:
    """What a story page can read of its language site's plan: every field but the listings."""
    return tuple(
        (field.name, getattr(plan, field.name))
        for field in dataclasses.fields(plan)
        if field.name not in NOT_READ_BY_STORY_PAGES
    )


def other_page_plugins(config) -> list[str]:
    """Plugins other than ours (and the read-only search plugins) that handle page or environment
    events: any of them could change a page's context or output, so the cache stays off."""
    # and "env": a plugin may give the templates globals or filters of its own
    events = ("page_markdown", "page_content", "page_context", "post_page", "pre_page", "page_read_source", "env")
    found = []
    for event in events:
        for method in config.plugins.events.get(event, ()):
            owner = getattr(method, "__self__", None)
            module = type(owner).__module__ if owner is not None else getattr(method, "__module__", "")
            if module != "storyportal.adapter.plugin" and module not in READ_ONLY_PAGE_PLUGINS:
                found.append(f"{module} ({event})")
    return found


class PageCache:
    """Stored template output by key, read and written in the cache folder's ``pages/``."""

    def __init__(self, folder: Path):
        self.folder = folder / PAGES
        self.used: set[str] = set()
        if self.folder.is_symlink():  # a link where our folder belongs: removed, never followed
            self.folder.unlink()

    def holds(self, key: str) -> bool:
        """Whether a file is stored under ``key`` (not whether it is intact: ``get`` checks that)."""
        self.used.add(key)
        try:
            return stat.S_ISREG(os.lstat(self.folder / f"{key}.html").st_mode)
        except OSError:
            return False

    def get(self, key: str) -> str | None:
        """The stored output of ``key``; None if missing, a link, or unreadable."""
        self.used.add(key)
        path = self.folder / f"{key}.html"
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            with os.fdopen(handle, "rb", closefd=False) as file:
                data = file.read()
        finally:
            os.close(handle)
        check, _, html = data.partition(b"\n")
        if check != hashlib.sha256(html).hexdigest().encode():
            return None  # a damaged byte: the page is rendered again, never printed as damaged
        try:
            return html.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, html: str) -> None:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a page key: {key!r}")
        self.used.add(key)
        with contextlib.suppress(OSError):  # a cache that cannot be written: the page is rendered next time too
            data = html.encode("utf-8", "surrogatepass")
            write_atomically(self.folder / f"{key}.html", hashlib.sha256(data).hexdigest().encode() + b"\n" + data)

    def prune(self) -> int:
        """After a full build: remove the pages it did not use, once they outnumber twice those it did."""
        used, self.used = self.used, set()
        try:
            with os.scandir(self.folder) as entries:
                names = [e.name for e in entries if e.is_file(follow_symlinks=False)]
        except OSError:
            return 0
        if len(names) <= 2 * len(used) + PAGE_SLACK:
            return 0
        stale = [name for name in names if name.removesuffix(".html") not in used]
        for name in stale:
            os.unlink(self.folder / name)
        return len(stale)
