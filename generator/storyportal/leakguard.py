"""The last line of defence: no private registry value, e-mail or phone number in the output.

Runs over every file a build wrote (HTML, JSON, CSV, XML, the search index and
images' bytes) before the output replaces the published site.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(rb"\+[0-9][0-9 ().-]{7,18}[0-9]")
MIN_LENGTH = 4  # shorter private values (an NPS of 10) match everywhere and prove nothing


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the output folder
    what: str  # "private value of jane-doe.email", "an e-mail address" ...


def _variants(value: str) -> set[bytes]:
    """The value as it may appear once escaped for HTML or JSON."""
    forms = {value, html.escape(value), html.escape(value, quote=False), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1]}
    return {f.encode("utf-8") for f in forms if f}


def private_needles(private_values) -> list[tuple[bytes, str]]:
    needles = []
    for advocate, field, value in private_values:
        if len(value) >= MIN_LENGTH:
            needles += [(form, f"private value of {advocate}.{field}") for form in sorted(_variants(value))]
    return needles


def scan_output(out_dir: Path, private_values, allowed: set[str] = frozenset()) -> list[Leak]:
    """Every leak in ``out_dir``: private values anywhere, undeclared e-mails and phones in text."""
    needles = private_needles(private_values)
    leaks = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        rel = path.relative_to(out_dir).as_posix()
        leaks += [Leak(rel, what) for needle, what in needles if needle in data]
        if path.suffix.lower() in {".html", ".json", ".csv", ".xml", ".txt", ".svg"}:
            leaks += _contacts(rel, data, allowed)
    return sorted(set(leaks), key=lambda l: (l.file, l.what))


def _contacts(rel: str, data: bytes, allowed: set[str]) -> list[Leak]:
    found = []
    for match in EMAIL.finditer(data):
        text = match.group().decode("utf-8", "replace")
        if text.lower() not in allowed and not text.lower().endswith((".png", ".jpg", ".webp", ".svg", ".js", ".css")):
            found.append(Leak(rel, f"an e-mail address not declared public ({text})"))
    for match in PHONE.finditer(data):
        found.append(Leak(rel, f"a phone number ({match.group().decode('utf-8', 'replace')})"))
    return found
