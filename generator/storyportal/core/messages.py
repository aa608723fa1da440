"""The interface strings of the site, one catalogue per language.

Our catalogues ship in the package (``storyportal/messages/<code>.yaml``); a portal adds to or
replaces them with its own files in ``messages_dir`` (``messages/<code>.yaml`` by default). A
string missing in a language falls back to English, and ``validate`` lists what each configured
language lacks. A catalogue maps a key to a text, or to ``{one: ..., other: ...}`` for a text
with a count; ``{name}`` in a text is replaced by the value of ``name``.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from storyportal.core.config import SiteSettings
from storyportal.core.errors import did_you_mean
from storyportal.core.frontmatter import normalize_text
from storyportal.core.issues import Issue, Severity
from storyportal.core.languages import Language, primary_subtag
from storyportal.core.userfiles import NotRegularFile, not_regular_issue, read_regular
from storyportal.core.yamlload import Parsed, parse_yaml

FALLBACK = "en"  # the language every catalogue falls back to, and the complete one
SCRIPT_PREFIX = "js."  # keys the page scripts read (sent to the page as JSON)
# Languages whose "one" form also counts zero ("0 histoire"), after CLDR; the rest use it for 1 only.
_ZERO_IS_ONE = frozenset({"fr", "hy", "kab"})
_PLURAL_FORMS = frozenset({"one", "other"})

Text = str | Mapping[str, str]  # a text, or its one/other forms


def package_catalogue(code: str) -> Path | None:
    """Our own catalogue of ``code``, if the package has one."""
    path = Path(str(resources.files("storyportal") / "messages" / f"{code}.yaml"))
    return path if path.is_file() else None


@dataclass(frozen=True)
class Messages:
    """The strings of one language, English where it has none."""

    lang: str
    texts: Mapping[str, Text]  # this language's own strings (ours, then the portal's)
    fallback: Mapping[str, Text] = field(default_factory=dict)  # English

    def text(self, key: str) -> Text:
        return self.texts.get(key) or self.fallback.get(key) or key

    def t(self, key: str, **params: Any) -> str:
        """The string ``key`` with ``{name}`` replaced by ``params``; ``count`` chooses one/other."""
        text = self.text(key)
        if not isinstance(text, str):
            text = text.get("one" if self.is_one(params.get("count")) else "other", "")
        return fill(text, params) if "{" in text else text  # most strings have no field: every page asks

    def is_one(self, count: object) -> bool:
        return count == 1 or (count == 0 and self.zero_is_one)

    @property
    def zero_is_one(self) -> bool:
        return primary_subtag(self.lang) in _ZERO_IS_ONE

    def script_texts(self) -> dict[str, Text]:
        """The strings the page scripts use, with English filled in."""
        keys = sorted(k for k in {*self.fallback, *self.texts} if k.startswith(SCRIPT_PREFIX))
        return {k[len(SCRIPT_PREFIX) :]: self.text(k) for k in keys}


def fill(text: str, params: Mapping[str, Any]) -> str:
    """``text`` with each ``{name}`` replaced; an unknown name stays as written (never an attribute lookup)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:  # an unpaired brace: the text is shown as written
        return text
    out = []
    for literal, name, _spec, _conv in parts:
        out.append(literal)
        if name is not None:
            out.append(str(params[name]) if name in params else "{" + name + "}")
    return "".join(out)


def placeholders(text: Text) -> set[str]:
    """The ``{name}`` fields of a text (of both forms of a plural)."""
    forms = [text] if isinstance(text, str) else list(text.values())
    try:
        return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}
    except ValueError:
        return set()


def unpaired_brace(text: Text) -> bool:
    """Whether a form of ``text`` has a ``{`` or ``}`` without its pair (``{count`` or ``done}``)."""
    forms = [text] if isinstance(text, str) else list(text.values())
    try:
        for form in forms:
            list(string.Formatter().parse(form))
    except ValueError:
        return True
    return False


@dataclass(frozen=True)
class MessageBook:
    """Every configured language's strings, and what is wrong with the catalogues."""

    languages: Mapping[str, Messages]
    issues: tuple[Issue, ...] = ()

    def for_language(self, code: str) -> Messages:
        return self.languages.get(code) or self.languages[FALLBACK]


@dataclass
class _Reader:
    """Reads catalogues, collecting issues."""

    issues: list[Issue] = field(default_factory=list)

    def read(self, path: Path, shown: str, known: Mapping[str, Text] | None) -> dict[str, Text]:
        """One catalogue file; ``known`` (English) decides which keys exist (None: this is English)."""
        try:
            stat = path.stat()
            parsed, problems = _parse(path, shown, stat.st_mtime_ns, stat.st_size)
        except NotRegularFile as exc:  # a pipe would never finish reading
            self.issues.append(not_regular_issue(shown, exc.kind))
            return {}
        except OSError as exc:
            self._error(shown, 0, 0, f"The interface strings cannot be read: {exc}")
            return {}
        self.issues += problems
        if parsed is None or parsed.data is None:
            return {}
        if not isinstance(parsed.data, dict):
            self._error(shown, 1, 1, "A catalogue holds lines like 'key: text', one per string")
            return {}
        return {key: value for key, value in parsed.data.items() if self._check(parsed, shown, key, value, known)}

    def _check(self, parsed: Parsed, shown: str, key: object, value: object, known: Mapping[str, Text] | None) -> bool:
        mark = parsed.mark((key,), key=True) if isinstance(key, str) else parsed.mark(())
        if not isinstance(key, str) or not _is_text(value):
            self._error(
                shown,
                mark.line,
                mark.col,
                f"'{key}' must be a text, or 'one:' and 'other:' texts for a number",
            )
            return False
        warn = functools.partial(self._warning, shown, mark.line, mark.col)
        if known is not None and key not in known:
            hint = did_you_mean(key, known, "it is not one of our strings; see the English catalogue for them")
            warn("config-message-unknown", f"Unknown string '{key}'", hint)
            return False
        assert isinstance(value, (str, dict))  # _is_text above
        if unpaired_brace(value):
            warn(
                "config-message-placeholder",
                f"'{key}' has a '{{' or '}}' without its pair, so the page would show it as written",
                "close each {name}; write {{ or }} for a brace shown as text (until then the English text is used)",
            )
            return False
        if known is not None and not placeholders(value) <= placeholders(known[key]):
            extra = ", ".join("{" + n + "}" for n in sorted(placeholders(value) - placeholders(known[key])))
            names = ", ".join(sorted(placeholders(known[key]))) or "none"
            warn(
                "config-message-placeholder",
                f"'{key}' uses {extra}, which this string never gets",
                f"use only the {{names}} of the English text: {names}",
            )
        return True

    def _warning(self, shown: str, line: int, col: int, rule: str, message: str, hint: str) -> None:
        self.issues.append(Issue(shown, line, col, rule, message, Severity.WARNING, hint))

    def _error(self, shown: str, line: int, col: int, message: str) -> None:
        self.issues.append(Issue(shown, line, col, "config-message-invalid", message))


@functools.lru_cache(maxsize=32)
def _parse(path: Path, shown: str, mtime_ns: int, size: int) -> tuple[Parsed | None, list[Issue]]:  # noqa: ARG001
    # Every build reads the same few catalogues: parse a file again only when it changed (mtime, size).
    text, problems = normalize_text(read_regular(path), shown)  # not UTF-8: a located file-encoding error
    return parse_yaml(text, shown) if text is not None else (None, problems)


def _is_text(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return (
        isinstance(value, dict)
        and set(value) == _PLURAL_FORMS
        and all(isinstance(v, str) and v.strip() for v in value.values())
    )


def load_messages(settings: SiteSettings) -> MessageBook:
    """Each configured language's strings: ours, then the portal's, English for the rest."""
    reader = _Reader()
    english_path = package_catalogue(FALLBACK)
    assert english_path is not None  # shipped with the package (tests/test_messages.py)
    english = reader.read(english_path, f"storyportal/messages/{FALLBACK}.yaml", None)
    books: dict[str, Messages] = {}
    codes = {FALLBACK, *(lang.code for lang in settings.languages)}
    for code in sorted(codes):
        texts = _language_texts(reader, settings, code, english)
        books[code] = Messages(code, MappingProxyType(texts), MappingProxyType(english))
    reader.issues += _missing(settings, books, english)
    return MessageBook(MappingProxyType(books), tuple(reader.issues))


def _language_texts(reader: _Reader, settings: SiteSettings, code: str, english: dict[str, Text]) -> dict[str, Text]:
    ours = package_catalogue(code)
    texts = dict(english) if code == FALLBACK else {}
    if ours is not None and code != FALLBACK:
        texts.update(reader.read(ours, f"storyportal/messages/{code}.yaml", english))
    own = portal_catalogue(settings, code)
    if own.exists():  # a folder or a pipe under the catalogue's name is reported, not passed over
        texts.update(reader.read(own, _shown(settings, own), english))
    return texts


def portal_catalogue(settings: SiteSettings, code: str) -> Path:
    """Where the portal's own strings of ``code`` are (the file may not exist)."""
    return settings.root / settings.portal.messages_dir / f"{code}.yaml"


def _shown(settings: SiteSettings, path: Path) -> str:
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:  # messages_dir outside the portal's folder
        return path.as_posix()


def _missing(settings: SiteSettings, books: Mapping[str, Messages], english: Mapping[str, Text]) -> list[Issue]:
    """One warning per configured language that lacks strings (they show in English)."""
    issues = []
    for lang in settings.languages:
        lacking = [key for key in english if key not in books[lang.code].texts]
        if lacking:
            issues.append(_missing_issue(settings, lang, lacking))
    return issues


def _missing_issue(settings: SiteSettings, lang: Language, lacking: list[str]) -> Issue:
    own = portal_catalogue(settings, lang.code)
    ours = package_catalogue(lang.code)
    where = (
        _shown(settings, own) if own.is_file() else (f"storyportal/messages/{lang.code}.yaml" if ours else "mkdocs.yml")
    )
    shown = ", ".join(lacking[:10]) + (f" and {len(lacking) - 10} more" if len(lacking) > 10 else "")
    return Issue(
        where,
        0,
        0,
        "config-message-missing",
        f"{len(lacking)} interface string(s) have no {lang.label} ('{lang.code}') text and show in English: {shown}",
        Severity.WARNING,
        f"add them to {_shown(settings, own) if own.is_file() else settings.portal.messages_dir + '/' + lang.code + '.yaml'}, "
        f"copying the keys of storyportal/messages/{FALLBACK}.yaml",
    )
