"""Read built pages the way a browser tokenises them (stdlib html.parser), for the output tests.

``scan(html)`` gives every element with its attributes, every script with its text, and
the page's visible text (entities decoded). ``active_payloads(html, marker)`` lists the
places where a marker from an injection payload would *run*: inside a script element,
an ``on*`` attribute, a URL attribute (``javascript:``), a refresh or a style element.
The marker in escaped text (headings, meta content, data-* attributes) is harmless.

Named uniquely (not ``conftest``) so test modules can import it in a full run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "srcdoc", "xlink:href", "poster",
                  "background", "codebase", "ping", "manifest"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int


@dataclass
class Scan:
    elements: list[Element] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)  # (attributes, text)
    styles: list[str] = field(default_factory=list)
    text: str = ""

    def jsonld(self) -> list[str]:
        return [text for attrs, text in self.scripts if attrs.get("type") == "application/ld+json"]

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._raw: tuple[str, dict] | None = None  # an open <script>/<style> and its attributes
        self._raw_text: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        self.scan.elements.append(Element(tag, values, self.getpos()[0]))
        if tag in ("script", "style"):
            self._raw, self._raw_text = (tag, values), []

    def handle_startendtag(self, tag, attrs):
        self.scan.elements.append(Element(tag, {n: v or "" for n, v in attrs}, self.getpos()[0]))

    def handle_endtag(self, tag):
        if self._raw and tag == self._raw[0]:
            text = "".join(self._raw_text)
            if tag == "script":
                self.scan.scripts.append((self._raw[1], text))
            else:
                self.scan.styles.append(text)
            self._raw = None

    def handle_data(self, data):
        (self._raw_text if self._raw else self._text).append(data)


def scan(html: str) -> Scan:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser.scan.text = "".join(parser._text)
    return parser.scan


def active_payloads(html: str, marker: str) -> list[str]:
    """Every place where ``marker`` would be executed or fetched, described for a failure message."""
    page = scan(html)
    found = []
    for attrs, text in page.scripts:
        if attrs.get("type") == "application/ld+json":
            continue  # data, not script: checked by jsonld_ok
        if marker in text or marker in attrs.get("src", ""):
            found.append(f"<script> containing {marker}: {text[:120]!r}")
    found += [f"<style> containing {marker}" for text in page.styles if marker in text]
    for element in page.elements:
        for name, value in element.attrs.items():
            if marker not in value and marker not in name:
                continue
            if name.startswith("on") or name in URL_ATTRIBUTES:
                found.append(f"line {element.line}: <{element.tag} {name}={value[:80]!r}>")
            if element.tag == "meta" and "http-equiv" in element.attrs:
                found.append(f"line {element.line}: <meta http-equiv> with {marker}")
    return found


def jsonld_problems(html: str) -> list[str]:
    """JSON-LD blocks that do not parse: a value closed the script element early."""
    problems = []
    for text in scan(html).jsonld():
        try:
            json.loads(text)
        except ValueError as exc:
            problems.append(f"{exc}: {text[:200]!r}")
    return problems
