"""The hand-written pages in ``docs/`` and the site addresses MkDocs gives them.

The core reads them for one reason: a story's alias must not take a hand-written page's
address (the build would put a redirect to the story in its place).
"""

from __future__ import annotations

import functools
import os
import posixpath
from pathlib import Path

MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")  # what MkDocs renders as a page (utils.markdown_extensions)


@functools.lru_cache(maxsize=1 << 16)  # the preview asks for every page after a new story: 10,000 the same
def page_dest(src_uri: str) -> str:
    """Where MkDocs (with directory URLs) writes a page: ``a/b.md`` -> ``a/b/index.html``."""
    if not src_uri.lower().endswith(MARKDOWN):
        return src_uri
    folder, name = posixpath.split(src_uri)
    stem = name.rsplit(".", 1)[0]
    if stem in ("index", "README"):
        return posixpath.join(folder, "index.html")
    return posixpath.join(folder, stem, "index.html")


def handwritten_addresses(root: Path, docs_dir: Path) -> dict[str, str]:
    """Each hand-written page's address (``/legal/privacy/``) -> its file (``docs/legal/privacy.md``).

    ``docs_dir`` is relative to the portal folder ``root`` (or absolute). Hidden files and folders
    are left out, as MkDocs leaves them out; links are not followed.
    """
    docs = root / docs_dir
    shown = docs.relative_to(root).as_posix() if docs.is_relative_to(root) else docs.as_posix()
    found = {}
    for top, folders, names in os.walk(docs):
        folders[:] = [name for name in folders if not name.startswith(".")]
        rel = Path(top).relative_to(docs).as_posix()
        for name in names:
            src_uri = posixpath.normpath(posixpath.join(rel, name))
            if not name.startswith(".") and name.lower().endswith(MARKDOWN):
                folder = posixpath.dirname(page_dest(src_uri))
                found[f"/{folder}/" if folder else "/"] = f"{shown}/{src_uri}"
    return found
