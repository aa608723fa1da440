"""The template context of a page's interface language, read from ``page.meta["sp_lang"]``.

Templates get ``t`` (our strings), ``sp_language`` (the Language record), ``sp_i18n`` (labels,
directions, the scripts' strings) and ``sp_material_language``, which theme/partials/language.html
uses so that Material's own strings, ``<html lang>`` and ``dir`` follow the page too.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, TemplateNotFound

from storyportal.site.interface import Interface

LANG_META = "sp_lang"  # the page meta key naming the page's language (set for pages under a language prefix)


def page_interface(interfaces: dict[str, Interface], default: str, meta: dict[str, Any] | None) -> Interface:
    """The Interface of the page's language; the default language's when the meta names none we know."""
    code = (meta or {}).get(LANG_META)
    return interfaces[code] if isinstance(code, str) and code in interfaces else interfaces[default]


def add_interface(context: dict[str, Any], interface: Interface, env: Environment, theme_language: str) -> None:
    """Put the page's language into the template context."""
    context["t"] = interface.t
    context["sp_language"] = interface.language
    context["sp_i18n"] = interface
    context["sp_material_language"] = material_language(env, interface.language.theme_language, theme_language)


def material_language(env: Environment, wanted: str, configured: str) -> str:
    """``wanted`` if Material translates its interface into it, else the site's ``theme.language``."""
    return wanted if _has_language(env, wanted) else configured


@functools.lru_cache(maxsize=64)
def _has_language(env: Environment, code: str) -> bool:
    try:
        env.get_template(f"partials/languages/{code}.html")
    except TemplateNotFound:
        return False
    return True
