"""A Content-Security-Policy for each page, as a meta tag (static hosts cannot set headers).

Scripts may come only from the site itself, plus the inline scripts Material writes
into the page, each allowed by its SHA-256 hash; a story can add none. Frames are
allowed only for the video players a visitor starts with a click, and for the site's own
/embed/ pages (the live preview beside an embed snippet).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from importlib import resources

from storyportal.core.video import EMBED_ORIGINS

# 'wasm-unsafe-eval' lets Pagefind's search compile its WebAssembly (same-origin files only);
# it allows no string evaluation of script.
_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-src 'self' " + " ".join(EMBED_ORIGINS) + "; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


# An opening tag stops at '<': a page holds user text with '<script' inside attribute values
# (title="<script <script ..."), and a pattern reading on from each of them to the next
# '</script>' did quadratic work (100 KB of them: 47 s). The content is found with str.find.
_SCRIPT_TAG = re.compile(r"<script\b([^<>]*)>")
_EXTERNAL = re.compile(r"\b(?:src|type)=")
_JINJA = re.compile(r"\\\{\\\{[^{}]*\\\}\\\}")  # a {{ ... }} expression, as re.escape wrote it


@functools.lru_cache(maxsize=1)
def material_scripts() -> tuple[re.Pattern, ...]:
    """Each inline script of Material's templates (partials/javascripts/*.html), as a whole-text pattern.

    A template expression inside one (the site's base URL) may be any text without a quote or
    a '<'; everything else must match letter for letter, so nothing can be appended.
    """
    try:
        folder = resources.files("material") / "templates" / "partials" / "javascripts"
        texts = [f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".html")]
    except (ModuleNotFoundError, FileNotFoundError):  # another theme: no inline script is allowed
        return ()
    bodies = [body for text in texts for body in re.findall(r"<script>(.*?)</script>", text, re.S)]
    return tuple(re.compile(_JINJA.sub(r'[^"<]*', re.escape(body))) for body in bodies)


def inline_scripts(output: str) -> list[str]:
    """The text of each ``<script>`` without ``src`` or ``type``, in one pass over ``output``."""
    found, pos = [], 0
    while tag := _SCRIPT_TAG.search(output, pos):
        end = output.find("</script>", tag.end())
        if end < 0:
            break
        if not _EXTERNAL.search(tag.group(1)):
            found.append(output[tag.end() : end])
        pos = end + len("</script>")
    return found


def inline_script_hashes(output: str) -> list[str]:
    """CSP hashes of the inline scripts in ``output`` that are exactly Material's own."""
    return sorted({h for h in map(_material_hash, inline_scripts(output)) if h is not None})


@functools.lru_cache(maxsize=256)  # every page carries the same few scripts: each is matched and hashed once
def _material_hash(script: str) -> str | None:
    """The CSP hash of ``script`` if it is exactly one of Material's inline scripts, else None."""
    if not any(p.fullmatch(script) for p in material_scripts()):
        return None
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def add_csp(output: str) -> str:
    """A Content-Security-Policy meta tag that allows Material's inline scripts and no other."""
    hashes = " ".join(inline_script_hashes(output))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_CSP.format(hashes=hashes)}">'
    anchor = '<meta charset="utf-8">'
    return output.replace(anchor, anchor + "\n    " + meta, 1)
