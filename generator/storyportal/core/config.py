"""The portal's settings: the ``storyportal`` plugin block of ``mkdocs.yml``.

One declarative schema, read the same way by the MkDocs plugin and by the CLI,
so that ``storyportal validate`` needs no MkDocs at all.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from storyportal.core.errors import validate_model
from storyportal.core.frontmatter import normalize_text
from storyportal.core.issues import Issue, Severity
from storyportal.core.languages import LANG_CODE_SHAPE, Language, site_languages
from storyportal.core.model import or_list
from storyportal.core.paths import reserved_address
from storyportal.core.schema import PlainDate, date_in_range
from storyportal.core.slugs import SLUG_SHAPE
from storyportal.core.userfiles import NotRegularFile, not_regular_issue, read_regular
from storyportal.core.yamlload import Mark, Parsed, parse_yaml
from storyportal.core.yamlload import Path as KeyPath

BUILD_DATE_VARIABLE = "STORYPORTAL_BUILD_DATE"  # the build date when neither --build-date nor build_date is given
FACETS = ("industry", "company_size", "region", "products", "use_cases")
# What one value of each facet is called, for people: filter legends, "unknown company size 'x'".
FACET_LABELS = {
    "industry": "Industry",
    "company_size": "Company size",
    "region": "Region",
    "products": "Product",
    "use_cases": "Use case",
}
TermSlug = Annotated[str, StringConstraints(pattern=f"^{SLUG_SHAPE}$", max_length=60)]
# The default widths of the resized copies of hero images. The hero shows in a column of about
# 460 px on a desktop (the story text beside it) and across the screen below 60em: 1200 covers a
# 2x desktop, a 3x phone (390 x 3) and the video poster at 2x; 1600 served only 2x tablets, for
# a third of a hero's encoding time and bytes (README, "Benchmarks").
HERO_WIDTHS = (480, 960, 1200)
Label = Annotated[str, StringConstraints(min_length=1, max_length=80)]
# An origin in a CSP header: no space, quote or line break can reach the _headers file.
LangCode = Annotated[str, StringConstraints(pattern=f"^{LANG_CODE_SHAPE}$", max_length=35)]
# A taxonomy label: one text (the default language's), or one per language.
TermLabel = Label | Annotated[dict[LangCode, Label], Field(min_length=1)]  # a map names at least one language
FrameAncestor = Annotated[str, StringConstraints(pattern=r"^https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$")]


class Audience(str, enum.Enum):
    PUBLIC = "public"
    INTERNAL = "internal"


class TaxonomyConfig(BaseModel):
    """The allowed values of each facet: slug (in files and URLs) to label (for people).

    A label is one text (in the default language) or a map from language code to text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    industry: dict[TermSlug, TermLabel] = Field(description="Industries.")
    company_size: dict[TermSlug, TermLabel] = Field(description="Company size bands.")
    region: dict[TermSlug, TermLabel] = Field(description="Regions.")
    products: dict[TermSlug, TermLabel] = Field({}, description="Our products.")
    use_cases: dict[TermSlug, TermLabel] = Field({}, description="Use cases.")


class LanguageConfig(BaseModel):
    """One entry of ``languages``: how the site names and serves one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Label = Field(description="The language's own name (Deutsch, Français).")
    prefix: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,34}$")] | None = Field(
        None, description="URL prefix of its pages (default: the code); the default language is at the root."
    )
    theme_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] | None = Field(
        None, description="Material's theme.language for its own interface strings (default: the primary subtag)."
    )
    site_name: Label | None = Field(
        None, description="The site's name in this language (default: mkdocs.yml's site_name)."
    )
    site_description: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = Field(
        None, description="The home page's lead and meta description in this language (default: site_description)."
    )


class PortalConfig(BaseModel):
    """Settings of the ``storyportal`` plugin in ``mkdocs.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stories_dir: str = Field("stories", description="Folder of the story files, relative to mkdocs.yml.")
    registry: str = Field("advocates.yaml", description="The advocate registry, relative to mkdocs.yml.")
    assets_dir: str = Field("assets", description="Folder of logos and photos named in the registry.")
    lang: LangCode = Field("en", description="The site's (default) language; a story's `lang` defaults to it.")
    languages: dict[LangCode, LanguageConfig] = Field(
        {},
        description="The site's languages (code: label, prefix, theme_language); empty: one language, `lang`.",
    )
    messages_dir: str = Field(
        "messages",
        description="Folder of the portal's own interface strings (<code>.yaml), which add to or replace ours.",
    )
    build_date: PlainDate | None = Field(
        None, description="The date consent and publication are judged on; default today (or $STORYPORTAL_BUILD_DATE)."
    )
    audience: Audience = Field(
        Audience.PUBLIC, description="public, or internal to add the reference-call roster and the program report."
    )
    internal_site_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+(/\S*)?$")] | None = Field(
        None,
        description="Address of the internal build; the roster and the report name it as their canonical URL "
        "(left out when not set).",
    )
    case_study_sections: list[str] | dict[str, list[str]] = Field(
        ["Challenge", "Solution", "Results"],
        description="The `##` sections a case study must have; a list, or a map from language to list.",
    )
    stale_after_months: Annotated[int, Field(ge=1, le=240)] = Field(
        18, description="Stories older than this get a freshness mark in /sales/."
    )
    related_stories: Annotated[int, Field(ge=0, le=12)] = Field(
        3, description="How many related stories a story page lists."
    )
    max_story_bytes: Annotated[int, Field(ge=1000)] = Field(
        200_000, description="A story file larger than this is refused."
    )
    max_image_bytes: Annotated[int, Field(ge=1000)] = Field(
        10_000_000, description="An image file larger than this is refused."
    )
    max_image_pixels: Annotated[int, Field(ge=10_000)] = Field(
        40_000_000, description="An image with more pixels than this is refused (decompression bombs)."
    )
    image_widths: list[Annotated[int, Field(ge=16, le=4000)]] = Field(
        list(HERO_WIDTHS), description="Widths of the resized copies of hero images."
    )
    image_workers: Annotated[int, Field(ge=1, le=64)] | None = Field(
        None,
        description="Processes that render images; default one per core (or $STORYPORTAL_IMAGE_WORKERS).",
    )
    cache_dir: str | None = Field(
        None,
        description="Folder of the image cache, relative to mkdocs.yml; default "
        "$XDG_CACHE_HOME/storyportal/<hash of the portal folder>, outside the repository.",
    )
    leak_guard: bool = Field(True, description="Fail the build if any private registry value appears in the output.")
    search: bool = Field(True, description="Index the stories with Pagefind for the search box (false: no search).")
    embed_frame_ancestors: list[FrameAncestor] = Field(
        [],
        description="Sites allowed to frame /embed/ pages (any when empty), sent in a _headers file as frame-ancestors.",
    )
    taxonomy: TaxonomyConfig = Field(description="The allowed facet values.")

    def sections_for(self, lang: str) -> list[str]:
        if isinstance(self.case_study_sections, list):
            return self.case_study_sections
        return self.case_study_sections.get(lang) or self.case_study_sections.get(self.lang) or []


CONFIG_OPTIONS = tuple(PortalConfig.model_fields)


class SiteSettings(BaseModel):
    """What the core needs from mkdocs.yml besides the plugin block."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    root: Path
    site_name: str = "Customer stories"
    site_description: str = ""
    site_url: str = ""
    docs_dir: Path = Path("docs")  # MkDocs' setting, relative to root (the plugin passes it absolute)
    config_name: str = "mkdocs.yml"  # the settings' file, beside the portal: where a shown setting is located
    portal: PortalConfig
    notes: tuple[Issue, ...] = ()  # warnings about the settings, reported once with the portal's issues

    @property
    def languages(self) -> tuple[Language, ...]:
        """The site's languages, the default first."""
        return site_languages(self.portal)


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold ``!ENV`` and ``!!python/name`` tags: read them as nothing."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _plugin_entries(data: Any) -> list[Any]:
    """The ``plugins`` list; MkDocs also takes a map (name: options); anything else names no plugin."""
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict):
        return [{name: options} for name, options in plugins.items()]
    return plugins if isinstance(plugins, list) else []


def find_plugin_block(data: dict[str, Any]) -> dict[str, Any] | None:
    for entry in _plugin_entries(data):
        if isinstance(entry, dict) and "storyportal" in entry:
            return entry["storyportal"] or {}
        if entry == "storyportal":
            return {}
    return None


def read_config_text(config_file: Path) -> tuple[str | None, list[Issue]]:
    """mkdocs.yml's text, or the located reason it cannot be read: missing, not a regular file (MkDocs
    would wait forever on a pipe), not UTF-8 or with NUL bytes (a located file-encoding error)."""
    source = config_file.name
    try:
        raw = read_regular(config_file)
    except FileNotFoundError:
        return None, [_not_a_portal(config_file)]
    except NotRegularFile as exc:
        return None, [not_regular_issue(source, exc.kind)]
    except OSError as exc:
        return None, [Issue(source, 0, 0, "config-missing", f"Cannot read the site configuration: {exc.strerror}")]
    return normalize_text(raw, source)


def load_settings(config_file: Path) -> tuple[SiteSettings | None, list[Issue]]:
    """Read mkdocs.yml without MkDocs; return the settings or the located problems."""
    source = config_file.name
    text, problems = read_config_text(config_file)
    if text is None:
        return None, problems
    try:
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - tags are neutralised above
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [
            Issue(source, line, col, "config-syntax", f"mkdocs.yml could not be read: {getattr(exc, 'problem', exc)}")
        ]
    block = find_plugin_block(data) if isinstance(data, dict) else None
    if block is None:
        return None, [
            Issue(source, 1, 1, "config-plugin-missing", "mkdocs.yml has no 'storyportal' entry under 'plugins'")
        ]
    portal, issues = parse_portal_config(block, text, source)
    if portal is None:
        return None, issues
    wrong_date = environment_date_problem()
    if wrong_date:
        return None, wrong_date
    return SiteSettings(
        root=config_file.resolve().parent,
        site_name=str(data.get("site_name") or "Customer stories"),
        site_description=str(data.get("site_description") or ""),
        site_url=str(data.get("site_url") or ""),
        docs_dir=Path(str(data.get("docs_dir") or "docs")),
        config_name=config_file.name,
        portal=portal,
        notes=tuple(issues),
    ), issues


def environment_date_problem() -> list[Issue]:
    """$STORYPORTAL_BUILD_DATE (set by CI) is checked like the build_date setting it stands in for."""
    text = os.environ.get(BUILD_DATE_VARIABLE)
    if not text:
        return []
    try:
        date_in_range(dt.date.fromisoformat(text))
    except ValueError:  # not a date, or outside the years the portal works with
        return [
            Issue(
                BUILD_DATE_VARIABLE,
                0,
                0,
                "config-invalid-value",
                f"The environment variable {BUILD_DATE_VARIABLE} is '{text}', not a date between 1900 and 2999",
                hint="set it as YYYY-MM-DD, like 2026-03-14, or unset it to judge on today",
            )
        ]
    return []


def _not_a_portal(config_file: Path) -> Issue:
    # The usual cause is a terminal opened in another folder, not a missing file.
    return Issue(
        config_file.name,
        0,
        0,
        "config-missing",
        f"There is no {config_file} here, so this is not a portal's folder",
        hint=f"run this in the portal's folder, where {config_file.name} is, or give its path with -f",
    )


def parse_portal_config(block: dict[str, Any], text: str, source: str) -> tuple[PortalConfig | None, list[Issue]]:
    """Validate the plugin block; positions come from a positional parse of the same text."""
    parsed, found = parse_yaml(_strip_tags(text), source)
    # MkDocs keeps a repeated key's last value, our reader its first: say so, where it is.
    duplicates = [issue for issue in found if issue.rule == "yaml-duplicate-key"]
    base = plugin_path(parsed.data) if parsed else ()
    located = parsed or _EmptyParsed()
    portal, issues = validate_model(PortalConfig, block, located, base, source, "config")
    if portal is None:
        return None, duplicates + issues
    errors = check_languages(portal, _Locator(located, base, source))
    if errors:
        return None, duplicates + errors
    return portal, duplicates + check_taxonomy_labels(portal, _Locator(located, base, source))


@dataclass(frozen=True)
class _Locator:
    """Makes issues located at a key of the plugin block."""

    parsed: Parsed
    base: KeyPath
    source: str

    def issue(self, path: KeyPath, rule: str, message: str, hint: str = "", *, warning: bool = False) -> Issue:
        mark = self.parsed.mark(self.base + path, key=True)
        severity = Severity.WARNING if warning else Severity.ERROR
        return Issue(self.source, mark.line, mark.col, rule, message, severity, hint)


def check_languages(portal: PortalConfig, at: _Locator) -> list[Issue]:
    """``lang`` is one of ``languages``; prefixes are distinct and free; the default's is the root."""
    if not portal.languages:
        return []
    issues = []
    if portal.lang not in portal.languages:
        issues.append(
            at.issue(
                ("lang",),
                "config-language-default",
                f"The default language '{portal.lang}' is not one of 'languages'",
                "add it under languages, or set lang to " + or_list(list(portal.languages)),
            )
        )
    default = portal.languages.get(portal.lang)
    if default and default.prefix:
        issues.append(
            at.issue(
                ("languages", portal.lang, "prefix"),
                "config-language-prefix",
                f"'{portal.lang}' is the default language: its pages are at the site root",
                "remove its prefix",
            )
        )
    seen: dict[str, str] = {}
    for lang in site_languages(portal)[1:]:
        where = ("languages", lang.code, "prefix") if portal.languages[lang.code].prefix else ("languages", lang.code)
        if reason := reserved_address(lang.prefix):
            issues.append(
                at.issue(
                    where,
                    "config-language-prefix",
                    f"The prefix '{lang.prefix}' of '{lang.code}' cannot be used: {reason}",
                    "choose another prefix",
                )
            )
        elif lang.prefix in seen:
            issues.append(
                at.issue(
                    where,
                    "config-language-prefix",
                    f"'{lang.code}' and '{seen[lang.prefix]}' both use the prefix '{lang.prefix}'",
                    "give each language its own prefix",
                )
            )
        seen[lang.prefix] = lang.code
    return issues


def check_taxonomy_labels(portal: PortalConfig, at: _Locator) -> list[Issue]:
    """One warning per language that lacks some taxonomy labels (they show the default language's)."""
    if not portal.languages:
        return []
    issues = []
    for lang in site_languages(portal):
        missing = [
            f"{facet} {slug}"
            for facet in FACETS
            for slug, label in getattr(portal.taxonomy, facet).items()
            if not (lang.code in label if isinstance(label, dict) else lang.code == portal.lang)
        ]
        if missing:
            fallback = "the first label given" if lang.code == portal.lang else f"the '{portal.lang}' label"
            shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
            issues.append(
                at.issue(
                    ("taxonomy",),
                    "config-taxonomy-label-missing",
                    f"{len(missing)} taxonomy value(s) have no '{lang.code}' label: {shown}",
                    f"they show {fallback}; add '{lang.code}: ...' to each",
                    warning=True,
                )
            )
    return issues


def _strip_tags(text: str) -> str:
    # Positions only: tags would be refused by our strict loader, so blank them out.
    return re.sub(r"!!?[A-Za-z][\w/:.]*", lambda m: " " * len(m.group()), text)


def settings_positions(text: str, source: str) -> tuple[Parsed | None, KeyPath]:
    """mkdocs.yml parsed with positions (its tags read as nothing), and where the plugin block is."""
    parsed, _ = parse_yaml(_strip_tags(text), source)
    return parsed, plugin_path(parsed.data) if parsed else ()


def plugin_path(data: Any) -> KeyPath:
    """Where the storyportal block is in mkdocs.yml as parsed (() when it is not found)."""
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict) and "storyportal" in plugins:
        return ("plugins", "storyportal")
    for index, entry in enumerate(_plugin_entries(data)):
        if isinstance(entry, dict) and "storyportal" in entry:
            return ("plugins", index, "storyportal")
    return ()


class _EmptyParsed(Parsed):
    def __init__(self) -> None:
        super().__init__(None)

    def mark(self, path: KeyPath, *, key: bool = False) -> Mark:
        return Mark(1, 1)
