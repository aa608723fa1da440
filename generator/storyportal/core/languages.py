"""The site's languages: which ones, their names, URL prefixes and writing direction.

Read from the plugin options ``lang`` (the default language, served at the site root) and
``languages`` (optional; absent means the site has one language). Both the translated
stories and the interface strings take their list of languages from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyportal.core.config import LanguageConfig, PortalConfig

# A language code as stories and the config write it: en, de, fr-CA, zh-Hant.
LANG_CODE_SHAPE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
# Scripts written right to left (the primary subtag decides: ar-EG, he-IL, fa-AF are too).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ckb", "dv", "ug"})


@dataclass(frozen=True)
class Language:
    """One language of the site."""

    code: str  # en, de, fr-CA
    label: str  # the language's own name: Deutsch, Français
    prefix: str  # URL prefix without slashes; "" for the default language (the site root)
    dir: str  # "rtl" or "ltr"
    theme_language: str  # Material's theme.language for its own interface strings
    site_name: str = ""  # the site's name in this language; "" = mkdocs.yml's site_name
    site_description: str = ""  # the home page's lead in this language; "" = mkdocs.yml's site_description

    @property
    def url_prefix(self) -> str:
        """``de/`` for a prefixed language, ``""`` at the root: prepend to a site-relative URL."""
        return f"{self.prefix}/" if self.prefix else ""


def primary_subtag(code: str) -> str:
    """``fr`` for ``fr-CA``: the language without its region or script."""
    return code.split("-", 1)[0].lower()


def direction(code: str) -> str:
    """``rtl`` for languages written right to left, else ``ltr``."""
    return "rtl" if primary_subtag(code) in RTL_LANGUAGES else "ltr"


# Names for a site that configures no `languages`: the default language still needs a label.
_OWN_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano",
              "nl": "Nederlands", "pt": "Português", "pl": "Polski", "ja": "日本語", "ar": "العربية",
              "he": "עברית", "ro": "Română", "ru": "Русский", "zh": "中文"}  # fmt: skip


def site_languages(config: PortalConfig) -> tuple[Language, ...]:
    """The site's languages: the default (``lang``) first, then the others in configuration order."""
    entries = config.languages or {}
    default = _language(config.lang, entries.get(config.lang), default=True)
    others = [_language(code, entry, default=False) for code, entry in entries.items() if code != config.lang]
    return (default, *others)


def _language(code: str, entry: LanguageConfig | None, *, default: bool) -> Language:
    label = entry.label if entry else _OWN_NAMES.get(primary_subtag(code), code)
    prefix = "" if default else (entry.prefix if entry and entry.prefix is not None else code.lower())
    theme = entry.theme_language if entry and entry.theme_language else primary_subtag(code)
    names = (entry.site_name or "", entry.site_description or "") if entry else ("", "")
    return Language(code, label, prefix, direction(code), theme, *names)
