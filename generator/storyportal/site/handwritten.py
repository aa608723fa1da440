"""Hand-written pages in ``docs/``: they may add pages, never replace or script the generated ones.

``docs/`` is code (CODEOWNERS): MkDocs publishes its Markdown without our sanitiser. So a file
there may not take the address of a page or file the build writes (``docs/stories/<slug>.md``
would replace a consent-checked story page), and its Markdown may hold no raw HTML tags (a
same-origin ``<script src>`` passes the Content-Security-Policy). HTML examples belong in fenced
code blocks. The one page docs/ may replace is the home page (``index.md`` or ``README.md``): a
documented choice, kept from before.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from storyportal.core.docspages import MARKDOWN, page_dest
from storyportal.core.frontmatter import normalize_text
from storyportal.core.issues import Issue
from storyportal.core.privacy import PrivateMatcher, PrivateValue, build_matcher
from storyportal.core.storyscan import page_private_values
from storyportal.core.userfiles import NotRegularFile, not_regular_issue, read_regular, special_kind

KEPT = frozenset({"index.html"})  # a hand-written home page (index.md, README.md) replaces ours on purpose
# Documents a browser runs scripts in when opened: MkDocs would copy them into the site as they are.
ACTIVE = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")


@dataclass(frozen=True)
class DocsRead:
    """The hand-written files as read: each page's text (None for other files), and those left out."""

    texts: dict[str, str | None]
    issues: list[Issue]
    refused: frozenset[str]


def read_docs(docs_dir: str, paths: Mapping[str, str]) -> DocsRead:
    """Read each docs file (``src_uri`` -> its path on disk) that MkDocs would read or copy.

    Left out with a located error: a file that is not a regular file (MkDocs would wait forever
    reading a pipe, or stop on copying it), and a page that is not UTF-8 text (MkDocs would stop
    the whole build on it). Other files are not read here: MkDocs copies them as they are.
    """
    texts: dict[str, str | None] = {}
    issues: list[Issue] = []
    for src_uri, path in sorted(paths.items()):
        text, problems = _read_doc(f"{docs_dir}/{src_uri}", src_uri, path)
        issues += problems
        if not problems:
            texts[src_uri] = text
    return DocsRead(texts, issues, frozenset(paths) - frozenset(texts))


def _read_doc(shown: str, src_uri: str, path: str) -> tuple[str | None, list[Issue]]:
    try:
        kind = special_kind(os.stat(path).st_mode)
        if kind is not None:
            return None, [not_regular_issue(shown, kind)]
        return normalize_text(read_regular(path), shown) if src_uri.lower().endswith(MARKDOWN) else (None, [])
    except NotRegularFile as exc:  # swapped for a pipe since the look above
        return None, [not_regular_issue(shown, exc.kind)]
    except OSError as exc:
        return None, [Issue(shown, 0, 0, "file-unreadable", f"The file cannot be read: {exc.strerror}")]


def check_docs(
    docs_dir: str,
    docs: Mapping[str, str | None],
    pages: Iterable[str],
    files: Iterable[str],
    guarded: Iterable[PrivateValue] = (),
    scan: DocsScan | None = None,
) -> tuple[list[Issue], frozenset[str]]:
    """Problems of the hand-written files, and the ``src_uri`` of each one that must not be published.

    ``docs`` maps each docs file to its Markdown text (None for other files); ``pages`` are the
    generated pages' ``src_uri``; ``files`` the output paths of every other file the build writes;
    ``guarded`` the values no page may show (private values): a page showing one is left out,
    where the leak guard would stop the whole build. ``scan``: the preview's, kept between rebuilds.
    """
    if not docs:
        return [], frozenset()
    taken = {page_dest(p): p for p in pages} | {f: f for f in files}
    folders = _Folders(taken)
    guarded = tuple(guarded)
    scan = scan or DocsScan()
    issues, refused = [], set()
    for src_uri in sorted(docs):
        text = docs[src_uri]
        found = _replaces(docs_dir, src_uri, taken, folders) or _active(docs_dir, src_uri)
        found += _raw_html(docs_dir, src_uri, text or "")
        found += scan(f"{docs_dir}/{src_uri}", text, guarded) if text else []
        if found:
            issues += found
            refused.add(src_uri)
    return issues, frozenset(refused)


def check_docs_folder(
    folder: Path,
    guarded: Iterable[PrivateValue],
    generated: Callable[[], tuple[Iterable[str], Iterable[str]]] | None = None,
) -> list[Issue]:
    """What the build reports about docs/, for ``storyportal validate`` (which runs no MkDocs): raw
    HTML, active files, private values and contacts, symbolic links, and (with ``generated``: the
    generated pages' ``src_uri`` and the other files the plan writes, asked only when docs/ holds a
    file) a page that takes a generated page's address. The images' and the theme's own outputs
    need MkDocs and the image planner: the build reports those."""
    if not folder.is_dir():
        return []
    docs_dir = folder.name  # as the build names it in its messages
    paths: dict[str, str] = {}
    issues = []
    for path in sorted(folder.rglob("*")):
        src_uri = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in src_uri.split("/")) or src_uri.startswith("templates/"):
            continue  # MkDocs' exclude_docs default: hidden files and the templates folder
        if path.is_symlink():
            issues.append(Issue(f"{docs_dir}/{src_uri}", 1, 1, "path-symlink", SYMLINK))
        elif not path.is_dir():  # a pipe or a device too: read_docs says what it is, without waiting on it
            paths[src_uri] = str(path)
    read = read_docs(docs_dir, paths)  # as the build reads them: not UTF-8, or not a file, is an error
    pages, files = generated() if generated is not None and read.texts else ((), ())
    return issues + read.issues + check_docs(docs_dir, read.texts, pages, files, guarded)[0]


class DocsScan:
    """The private values each hand-written page shows, found again only when its text or the guarded
    values change; the matcher is built once for all pages, and only when a page has text.

    The preview checks docs/ again whenever a story comes or goes (the addresses it may not take
    change): building the matcher of every private value cost more than the rest of the check.
    """

    def __init__(self) -> None:
        self.guarded: tuple[PrivateValue, ...] = ()
        self.matcher: PrivateMatcher | None = None
        self.found: dict[str, tuple[str, list[Issue]]] = {}  # shown path -> (its text, what it shows)

    def __call__(self, shown: str, text: str, guarded: tuple[PrivateValue, ...]) -> list[Issue]:
        if self.matcher is None or guarded != self.guarded:
            self.guarded, self.matcher, self.found = guarded, build_matcher(guarded), {}
        kept = self.found.get(shown)
        if kept is None or kept[0] != text:
            kept = self.found[shown] = (text, page_private_values(shown, text, guarded, self.matcher))
        return list(kept[1])


SYMLINK = "This is a symbolic link: MkDocs would publish what it points at, so it is never published"


class _Folders:
    """The folders of the build's outputs: ``name in folders`` if some output lies under ``name/``.

    Looked up by bisection in the sorted outputs, not by listing every folder of 20,000 outputs.
    """

    def __init__(self, paths: Iterable[str]):
        self.sorted = sorted(paths)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        prefix = name + "/"
        at = bisect.bisect_left(self.sorted, prefix)
        return at < len(self.sorted) and self.sorted[at].startswith(prefix)


def _replaces(docs_dir: str, src_uri: str, taken: dict[str, str], folders: _Folders) -> list[Issue]:
    dest = page_dest(src_uri)
    if dest in KEPT:
        return []
    if dest in taken:
        what = f"the generated page /{posixpath.dirname(dest)}/" if dest.endswith("index.html") else dest
        message = f"This hand-written file would replace {what}, which the site builds itself"
    elif dest in folders:
        message = f"This hand-written file takes the name of the folder {dest}/, which the site builds itself"
    else:
        return []
    hint = "give the page another name; stories go in stories/, with their consent checked"
    return [Issue(f"{docs_dir}/{src_uri}", 1, 1, "docs-replaces-page", message, hint=hint)]


def _active(docs_dir: str, src_uri: str) -> list[Issue]:
    if not src_uri.lower().endswith(ACTIVE):
        return []
    message = "An HTML, SVG or XML file in docs/ would be published as it is, scripts included"
    hint = "write the page in Markdown; put images in PNG, JPEG or WebP"
    return [Issue(f"{docs_dir}/{src_uri}", 1, 1, "docs-raw-html", message, hint=hint)]


def _raw_html(docs_dir: str, src_uri: str, text: str) -> list[Issue]:
    """Raw HTML tags outside code: MkDocs would publish them as they are, scripts included."""
    issues, fence = [], None
    for number, line in enumerate(text.split("\n"), 1):
        opened = _FENCE.match(line)
        if fence is not None:
            fence = None if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) else fence
            continue
        if opened:
            fence = opened.group(1)
            continue
        tag = _TAG.search(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
        if tag:
            issues.append(
                Issue(
                    f"{docs_dir}/{src_uri}",
                    number,
                    tag.start() + 1,
                    "docs-raw-html",
                    f"Hand-written pages are Markdown only; the HTML tag <{tag.group(1)}> would be published "
                    "unchecked, and could run a script",
                    hint="write it in Markdown, or show HTML inside a ``` code block",
                )
            )
    return issues
