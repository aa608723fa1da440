"""The last line of defence: no private registry value, e-mail or phone number in the output.

Runs over every file a build wrote before the output replaces the published
site: the text of HTML, JSON, CSV, XML, SVG and the search index, and the
metadata of images (EXIF, PNG text chunks). All private values are matched at
once with an Aho-Corasick automaton, so the cost grows with the size of the
site, not with the number of values times the number of files.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
import urllib.parse
import zlib
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
from PIL import Image

# Bytes patterns: the output is searched as written, without decoding 40 MB of HTML first.
EMAIL_DOMAIN = re.compile(rb"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")  # starts with a literal: fast
EMAIL_LOCAL = re.compile(rb"[A-Za-z0-9._%+-]+\Z")
PHONE = re.compile(rb"\+[0-9][0-9 ().-]{7,18}[0-9]")
MIN_LENGTH = 4  # shorter private values (an NPS of 10) match everywhere and prove nothing
TEXT_SUFFIXES = {".html", ".json", ".csv", ".xml", ".txt", ".svg", ".js", ".css"}
CONTACT_SUFFIXES = {".html", ".json", ".csv", ".xml", ".txt", ".svg"}  # our outputs, not vendored scripts
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the output folder
    what: str  # "private value of jane-doe.email", "an e-mail address" ...


def _variants(value: str) -> set[str]:
    """The value as it may appear once escaped for HTML, JSON (also inside <script>) or a URL."""
    forms = {
        value,
        html.escape(value),
        html.escape(value, quote=False),
        str(_jinja_escape(value)),
        urllib.parse.quote(value),
        urllib.parse.quote_plus(value),
    }
    for ascii_only in (True, False):
        text = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
        forms |= {text, _script_safe(text)}
    return {f for f in forms if f}


def _jinja_escape(value: str) -> str:
    """markupsafe's escaping, as the templates write it: &#34; and &#39; for quotes."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def _script_safe(text: str) -> str:
    """JSON as plan.safe_json_for_script writes it into a <script> element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Matcher:
    """Every private value and its escaped forms, matched at once (Aho-Corasick, over bytes)."""

    automaton: ahocorasick_rs.BytesAhoCorasick
    labels: tuple[str, ...]

    def find(self, data: bytes) -> set[str]:
        return {self.labels[index] for index, _, _ in self.automaton.find_matches_as_indexes(data, overlapping=True)}


def build_matcher(private_values) -> Matcher | None:
    """The matcher of every private value long enough to mean something; None when there is none."""
    forms: dict[bytes, str] = {}
    for advocate, field, value in private_values:
        if len(value) >= MIN_LENGTH:
            for form in sorted(_variants(value)):
                forms.setdefault(form.encode("utf-8"), f"private value of {advocate}.{field}")
    if not forms:
        return None
    return Matcher(ahocorasick_rs.BytesAhoCorasick(list(forms)), tuple(forms.values()))


def scan_output(out_dir: Path, private_values, allowed: set[str] = frozenset()) -> list[Leak]:
    """Every leak in ``out_dir``: private values anywhere, undeclared e-mails and phones in our text."""
    matcher = build_matcher(private_values)
    leaks: set[Leak] = set()
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir).as_posix()
        data = _searchable_bytes(path)
        if matcher is not None and data:
            leaks.update(Leak(rel, what) for what in matcher.find(data))
        if path.suffix.lower() in CONTACT_SUFFIXES:
            leaks.update(_contacts(rel, data, allowed))
    return sorted(leaks, key=lambda leak: (leak.file, leak.what))


def _searchable_bytes(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return image_metadata_text(path).encode("utf-8")
    data = path.read_bytes()
    if suffix == ".gz":  # sitemap.xml.gz: search what it holds as well as its compressed bytes
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data += b"\n" + gzip.decompress(data)
    return data


def image_metadata_text(path: Path) -> str:
    """The text an image carries besides its pixels: EXIF values and text chunks."""
    try:
        with Image.open(path) as img:
            parts = [f"{k}={v}" for k, v in img.info.items() if isinstance(v, (str, bytes))]
            if img.format != "PNG":  # PNG's EXIF is already in info; getexif() would decode the pixels
                parts += [str(v) for v in img.getexif().values()]
    except Exception:  # not an image after all: search its bytes
        return path.read_bytes().decode("utf-8", "replace")
    return "\n".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p in parts)


def _contacts(rel: str, data: bytes, allowed: set[str]) -> list[Leak]:
    found = []
    for match in EMAIL_DOMAIN.finditer(data):
        local = EMAIL_LOCAL.search(data, max(0, match.start() - 64), match.start())
        if local is None:
            continue
        address = (local.group() + match.group()).decode("ascii")
        if address.lower() not in allowed and not address.lower().endswith(
            (".png", ".jpg", ".webp", ".svg", ".js", ".css")
        ):
            found.append(Leak(rel, f"an e-mail address not declared public ({address})"))
    found += [Leak(rel, f"a phone number ({m.group().decode('ascii')})") for m in PHONE.finditer(data)]
    return found
