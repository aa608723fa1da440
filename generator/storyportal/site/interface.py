"""The page's interface language, for templates: ``t("key")``, labels, directions, the scripts' strings.

A page's language is the one whose site it belongs to (``page.meta["sp_lang"]``, read by the
adapter); a story inside it may be in another language, and gets its own ``lang``/``dir``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from storyportal.core.languages import Language, direction
from storyportal.core.messages import Messages
from storyportal.core.model import Taxonomy
from storyportal.core.portal import Portal
from storyportal.site.plan import LANG_LABELS


@dataclass(frozen=True)
class Interface:
    """What a template needs to speak one language."""

    language: Language
    messages: Messages
    taxonomy: Taxonomy

    def t(self, key: str, **params: Any) -> str:
        """The interface string ``key`` in this language (English where it has none)."""
        return self.messages.t(key, **params)

    def facet_label(self, facet: str) -> str:
        return self.t("facet." + facet)

    def type_label(self, story_type: object) -> str:
        return self.t(f"type.{story_type}")

    def value_label(self, facet: str, slug: str, fallback: str = "") -> str:
        """The label of one filter value: a story type, a language's own name, or a taxonomy term."""
        if facet == "type":
            return self.type_label(slug)
        if facet == "lang":
            return LANG_LABELS.get(slug.split("-")[0], fallback or slug)
        terms = self.taxonomy.facets.get(facet)
        term = terms.get(slug) if terms is not None else None
        return term.label_in(self.language.code) if term else fallback or slug

    def term_label(self, term: Any) -> str:
        """A taxonomy term's label in this language (the default language's where it has none)."""
        return str(term.label_in(self.language.code))

    def other_language(self, code: str) -> bool:
        """Text in ``code`` needs its own ``lang`` attribute on a page in this language."""
        return bool(code) and code != self.language.code

    @staticmethod
    def dir_of(code: str) -> str:
        return direction(code)

    def other_direction(self, code: str) -> bool:
        """Text in ``code`` needs its own ``dir`` attribute on a page in this language."""
        return bool(code) and direction(code) != self.language.dir

    @functools.cached_property
    def script_json(self) -> Markup:
        """The strings of the page scripts as JSON, escaped for an attribute value in single quotes.

        JSON's double quotes then need no entity: every page carries this, and the leak guard
        decodes every entity of every page it reads (300 a page with double-quoted attributes)."""
        data = {"lang": self.language.code, "zeroIsOne": self.messages.zero_is_one, "m": self.messages.script_texts()}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text.replace("'", "&#39;"))


def interfaces(portal: Portal) -> dict[str, Interface]:
    """One Interface per configured language, by code."""
    return {
        lang.code: Interface(lang, portal.messages.for_language(lang.code), portal.taxonomy)
        for lang in portal.languages
    }
