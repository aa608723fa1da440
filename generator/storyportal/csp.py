"""A Content-Security-Policy for each page, as a meta tag (static hosts cannot set headers).

Scripts may come only from the site itself, plus the inline scripts Material writes
into the page, each allowed by its SHA-256 hash; a story can add none. Frames are
allowed only for the video players a visitor starts with a click.
"""

from __future__ import annotations

import base64
import hashlib
import re

_CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com "
        "https://fast.wistia.net https://www.loom.com; object-src 'none'; base-uri 'self'; form-action 'self'")


# How each inline script of Material's templates (partials/javascripts/*.html) begins. Only
# these are allowed: an inline script that got into a page any other way stays blocked.
MATERIAL_INLINE_SCRIPTS = (
    '__md_scope=new URL("', 'var el=document.querySelector("[data-md-component=announce]")',
    'var consent=__md_get("__consent")', 'var tabs=__md_get("__tabs")',
    "var target=document.getElementById(location.hash.slice(1))",
    'var el=document.querySelector("[data-md-component=outdated]")', 'var palette=__md_get("__palette")',
)
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(output: str) -> list[str]:
    """CSP hashes of Material's own inline scripts in ``output``."""
    scripts = [s for s in _INLINE.findall(output) if s.startswith(MATERIAL_INLINE_SCRIPTS)]
    return sorted({"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts})


def add_csp(output: str) -> str:
    """A Content-Security-Policy meta tag that allows Material's inline scripts and no other."""
    hashes = " ".join(inline_script_hashes(output))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_CSP.format(hashes=hashes)}">'
    anchor = '<meta charset="utf-8">'
    return output.replace(anchor, anchor + "\n    " + meta, 1)
