"""Story bodies: Markdown to HTML, then sanitised, because Python-Markdown does not sanitise.

Raw HTML in a body may format text but never run script: nh3 (the ammonia
sanitiser) keeps an allowlist of tags and attributes, only http(s)/mailto
links, drops comments, and removes ``<script>``/``<style>`` with their content.
Images must be files beside the story (a remote image would be a third-party
request on page load); they are rewritten to the story's own folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import markdown
import nh3

from storyportal.core import budget
from storyportal.core.budget import BodyProblem, body_problem

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "footnotes", "toc"]
TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "small",
    "code",
    "pre",
    "kbd",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "abbr",
    "div",
    "span",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
}
ID_PREFIX = "sp-"  # ids from a body never clash with the theme's ("content", "search" ...)
# nh3 writes every attribute value in double quotes with '"' escaped, but leaves '<' and '>' as
# they are: a tag ends at the first '>' outside quotes, and never holds a '<' outside them. So a
# try also stops at a '<' outside quotes: one started inside an attribute value (title="<b <b ...")
# then reads only to the next '<' instead of on to the end, once per '<' (quadratic).
_IMG = re.compile(r'<img\b(?:[^<>"]|"[^"]*")*>')
_SRC = re.compile(r'\ssrc="([^"]*)"')
_MANGLED = re.compile(r'[<>"\x00-\x1f\x7f]')
_FRAGMENT_LINK = re.compile(r'(<a\b(?:[^<>"]|"[^"]*")*?\shref="#)([^"]+)(")')
_ID = re.compile(r'<[a-z0-9]+\b(?:[^<>"]|"[^"]*")*?\sid="([^"]+)"')


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    # Building a Markdown instance costs more than converting a story; reset() reuses it.
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": False}})


@dataclass(frozen=True)
class RenderedBody:
    html: str
    images: tuple[tuple[str, str], ...]  # (repository path, output path) of local images


@functools.lru_cache(maxsize=50_000)  # pure: a preview re-renders only bodies that changed
def render_body(text: str, folder: str, slug: str) -> RenderedBody:
    """Render a story body; ``folder`` is the story's repository folder, for image paths."""
    visible, _ = hide_comments(text)  # before Markdown: an indented comment would become a code block
    raw = _markdown().reset().convert(visible)
    clean = nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_drop_mangled_url,
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        id_prefix=ID_PREFIX,
    )
    images: list[tuple[str, str]] = []
    html = _IMG.sub(lambda m: _rewrite_image(m.group(0), folder, slug, images), clean)
    return RenderedBody(_link_fragments(html), tuple(images))


def hide_comments(text: str) -> tuple[str, int | None]:
    """``text`` with each ``<!-- ... -->`` replaced by its line breaks, wherever it stands (indented,
    in a list, in code); and the offset of a ``<!--`` never closed, which hides the rest of the text.

    The validator and the renderer both read the body through this, so they agree on what is
    hidden; keeping the line breaks keeps every line number of the visible text.
    """
    out, pos = [], 0
    while (start := text.find("<!--", pos)) != -1:
        end = text.find("-->", start + 4)
        out.append(text[pos:start])
        if end == -1:
            out.append("\n" * text.count("\n", start))
            return "".join(out), start
        out.append("\n" * text.count("\n", start, end))
        pos = end + 3
    out.append(text[pos:])
    return "".join(out), None


class BodyStore(Protocol):
    """Rendered bodies kept between runs (the build's: in the image cache folder), by ``body_key``."""

    def get(self, key: str) -> RenderedBody | None: ...

    def put(self, key: str, body: RenderedBody) -> None: ...


_body_stores: list[BodyStore] = []  # the innermost ``remembering_bodies`` wins


@contextlib.contextmanager
def remembering_bodies(store: BodyStore | None) -> Iterator[None]:
    """Within this block, a body ``store`` holds is not rendered again, and every body rendered is
    added to it. Rendering is a pure function of the text, the folder and slug, and this module's
    configuration (``renderer_version``): Python-Markdown was half of a warm build's loading."""
    if store is None:
        yield
        return
    _body_stores.append(store)
    try:
        yield
    finally:
        _body_stores.remove(store)


@functools.lru_cache(maxsize=1)
def renderer_version() -> str:
    """What else a rendered body depends on: this module's code (extensions, allowlists, rewriting)
    and the versions of Python-Markdown and nh3."""
    # budget.py too: a stored body is known to be within the limits it was checked against
    code = hashlib.sha256(Path(__file__).read_bytes() + Path(budget.__file__).read_bytes()).hexdigest()
    python = ".".join(map(str, sys.version_info[:2]))  # html.escape and friends
    return f"{code}:{version('markdown')}:{version('nh3')}:{python}"


def body_key(text: str, folder: str, slug: str) -> str:
    """The store's key of a body: a digest of everything its rendering reads."""
    digest = hashlib.sha256()
    for part in (renderer_version(), folder, slug, text):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _stored(text: str, folder: str, slug: str) -> tuple[BodyStore | None, str, RenderedBody | None]:
    """The innermost store, the body's key in it, and the body if it is stored."""
    store = _body_stores[-1] if _body_stores else None
    key = body_key(text, folder, slug) if store is not None else ""
    return store, key, store.get(key) if store is not None else None


def _render_and_store(text: str, folder: str, slug: str, store: BodyStore | None, key: str) -> RenderedBody:
    rendered = render_body(text, folder, slug)
    if store is not None:
        store.put(key, rendered)
    return rendered


@functools.lru_cache(maxsize=50_000)  # validation renders; the build then reuses the same result
def render_story_body(text: str, folder: str, slug: str) -> tuple[RenderedBody | None, BodyProblem | None]:
    """Render a story body within the renderer's limits; never raises.

    A body the renderer cannot handle is a located problem, so that validation refuses
    it and a build withholds that one story instead of failing. A body that failed is never
    stored: it is tried (and reported) again on every run.
    """
    store, key, found = _stored(text, folder, slug)
    if found is not None:
        # It passed these same checks (the budget's code is part of its key) when it was rendered,
        # and a body that fails them is never stored: measuring it again cost 0.5 ms a story.
        return found, None
    if (problem := body_problem(text)) is not None:
        return None, problem
    try:
        with _stack_allowance(RENDER_FRAMES):
            return _render_and_store(text, folder, slug, store, key), None
    except Exception as exc:  # RecursionError, MemoryError or a renderer bug: one story, not the site
        return None, BodyProblem(
            1,
            1,
            "body-render-failed",
            f"The text could not be turned into a web page ({type(exc).__name__})",
            "simplify the formatting of this story, and tell the site's developers",
        )


# Python-Markdown recurses per nested element, and the budget cannot foresee every nesting
# (3,000 '*' around a word nest a thousand deep). The same allowance of stack frames above the
# caller, wherever that is (validate, or deep in MkDocs' hooks), makes the outcome the same in
# both: a body that runs out of stack fails validation, never only the build.
RENDER_FRAMES = 1000


@contextlib.contextmanager
def _stack_allowance(frames: int) -> Iterator[None]:
    depth, frame = 0, sys._getframe()
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _link_fragments(html: str) -> str:
    """``#results`` and footnote links follow their targets, whose ids got the prefix."""
    ids = set(_ID.findall(html))

    def prefixed(m: re.Match[str]) -> str:
        target = ID_PREFIX + m.group(2)
        return f"{m.group(1)}{target}{m.group(3)}" if target in ids else m.group(0)

    return _FRAGMENT_LINK.sub(prefixed, html) if ids else html


def _drop_mangled_url(tag: str, attribute: str, value: str) -> str | None:  # noqa: ARG001 (nh3 callback)
    """A link or image address with markup or control characters in it is no address: Markdown
    rewrote raw HTML it did not understand (``href="  \njavascript:..."`` gets a ``<br />``)."""
    if attribute in ("href", "src") and _MANGLED.search(value):
        return None
    return value


def _rewrite_image(tag: str, folder: str, slug: str, images: list[tuple[str, str]]) -> str:
    found = _SRC.search(tag)
    src = found.group(1) if found else ""
    if not _is_local(src):
        return ""  # a remote image would load from a third party: drop it
    assert found is not None  # an empty src is not local
    repo_path = posixpath.normpath(posixpath.join(folder, src))
    name = _output_name(repo_path, images)
    images.append((repo_path, f"stories/{slug}/{name}"))
    return tag[: found.start(1)] + name + tag[found.end(1) :]


def _output_name(repo_path: str, images: list[tuple[str, str]]) -> str:
    """The image's own name beside the page, unless another image of the body already has it."""
    name = posixpath.basename(repo_path)
    taken = {output.rsplit("/", 1)[1]: repo for repo, output in images}
    if taken.get(name, repo_path) == repo_path:
        return name
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(repo_path.encode()).hexdigest()[:8]
    return f"{stem}-{digest}.{suffix}" if dot else f"{name}-{digest}"


def _is_local(src: str) -> bool:
    lowered = src.strip().lower()
    return bool(src) and ":" not in lowered and not lowered.startswith(("/", "//", "\\")) and "%" not in src
