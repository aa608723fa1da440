"""Read advocates.yaml into Company and Advocate records, with located problems."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from storyportal.core.activities import ACTIVITIES, Activity, Period
from storyportal.core.config import FACETS, PortalConfig
from storyportal.core.errors import did_you_mean, did_you_mean_or_allowed, validate_model, without_repeats
from storyportal.core.frontmatter import normalize_text
from storyportal.core.imagecheck import resolve_image
from storyportal.core.issues import Issue
from storyportal.core.model import (
    ActivityTerms,
    Advocate,
    Company,
    Consent,
    NameMention,
    ReferenceCalls,
    Registry,
    Request,
    Taxonomy,
    Term,
)
from storyportal.core.privacy import (
    UNNAMED_FIELD,
    PrivateValue,
    label_parts,
    normalise,
    registry_private_values,
    registry_request_values,
    unnamed_matcher,
)
from storyportal.core.schema import AdvocateIn, CompanyIn, RegistryIn, RequestIn
from storyportal.core.shownfields import REGISTRY_RULE, advocate_texts, company_texts, located, shown_problems
from storyportal.core.slugs import SLUG_SHAPE
from storyportal.core.userfiles import NotRegularFile, not_regular_issue, read_regular
from storyportal.core.writtennames import HIDING_RULES, written_names
from storyportal.core.yamlload import Parsed, parse_yaml
from storyportal.core.yamlload import Path as KeyPath

YamlParser = Callable[[str, str], tuple[Parsed | None, list[Issue]]]  # (text, source) -> parse_yaml's answer


class RegistryMemo:
    """What a preview keeps of the last registry read (load_registry says while it holds)."""

    def __init__(self) -> None:
        self.advocates: dict[str, tuple[Any, Company | None, Advocate]] = {}  # id -> (entry, company, record)
        # id -> (the entry's parsed object, its private values): an unchanged entry of a spliced parse
        # (core/yamlsplice.py) is the same object, and parsed values are never changed
        self.private: dict[str, tuple[Any, tuple[PrivateValue, ...]]] = {}

    def private_values(self, data: Any) -> tuple[PrivateValue, ...]:
        """registry_private_values(data), from each entry's kept values: the union of the entries'."""
        advocates = data.get("advocates") if isinstance(data, dict) else None
        if not isinstance(advocates, dict):
            return registry_private_values(data)
        found: set[PrivateValue] = set()
        kept = {}
        for ident, entry in advocates.items():
            last = self.private.get(ident)
            if last is None or last[0] is not entry:
                last = (entry, registry_private_values({"advocates": {ident: entry}}))
            kept[ident] = last
            found.update(last[1])
        self.private = kept
        return tuple(sorted(found))


ID_PATTERN = SLUG_SHAPE + r"\Z"
REGISTRY_MISSING = "registry-missing"  # the rule id callers test for: there is no registry to check against
_COMPANY_FACETS = {"industry": "industry", "size": "company_size", "region": "region"}


def build_taxonomy(config: PortalConfig) -> Taxonomy:
    facets: dict[str, MappingProxyType[str, Term]] = {}
    for facet in FACETS:
        values = getattr(config.taxonomy, facet)
        facets[facet] = MappingProxyType(
            {slug: _term(facet, slug, label, config.lang) for slug, label in values.items()}
        )
    return Taxonomy(MappingProxyType(facets))


def _term(facet: str, slug: str, label: str | dict[str, str], default_lang: str) -> Term:
    """A plain label is the default language's; a map's default-language entry (else its first) is."""
    if isinstance(label, str):
        return Term(facet, slug, label, ((default_lang, label),))
    default = label.get(default_lang) or next(iter(label.values()))
    return Term(facet, slug, default, tuple(sorted(label.items())))


class _RegistryReader:
    def __init__(self, root: Path, config: PortalConfig, taxonomy: Taxonomy, parsed: Parsed) -> None:
        self.root, self.config, self.taxonomy, self.parsed = root, config, taxonomy, parsed
        self.source = config.registry
        self.issues: list[Issue] = []

    def issue(self, path: KeyPath, rule: str, message: str, hint: str = "", key: bool = False) -> None:
        mark = self.parsed.mark(path, key=key)
        self.issues.append(Issue(self.source, mark.line, mark.col, rule, message, hint=hint))

    def check_id(self, section: str, ident: str) -> bool:
        if re.match(ID_PATTERN, ident) and ident.isascii():
            return True
        self.issue(
            (section, ident),
            "registry-id-invalid",
            f"The id '{ident}' may use only lowercase letters a-z, digits and '-'",
            key=True,
        )
        return False

    def company(self, ident: str, data: Any) -> Company | None:
        model, issues = validate_model(CompanyIn, data, self.parsed, ("companies", ident), self.source, "registry")
        self.issues += issues
        if model is None or not self.check_id("companies", ident):
            return None
        terms = {
            field: self.term(("companies", ident, field), facet, getattr(model, field))
            for field, facet in _COMPANY_FACETS.items()
        }
        logo = self.image(("companies", ident, "logo"), model.logo)
        industry, size, region = terms["industry"], terms["size"], terms["region"]
        if industry is None or size is None or region is None:
            return None
        return Company(ident, model.name, industry, size, region, model.website, logo)

    def term(self, path: KeyPath, facet: str, slug: str) -> Term | None:
        term = self.taxonomy.term(facet, slug)
        if term is None:
            self.issue(
                path,
                "registry-taxonomy-unknown",
                f"'{slug}' is not one of the allowed values of {facet}",
                did_you_mean_or_allowed(slug, self.taxonomy.facets[facet]),
            )
        return term

    def image(self, path: KeyPath, ref: str | None) -> str | None:
        if ref is None:
            return None
        rel, problem = resolve_image(self.root, "", ref, self.config)
        if problem is not None:
            self.issue(path, problem.rule, problem.message, problem.hint)
        return rel

    def advocate(self, ident: str, data: Any, companies: dict[str, Company]) -> Advocate | None:
        base = ("advocates", ident)
        model, issues = validate_model(AdvocateIn, data, self.parsed, base, self.source, "registry")
        self.issues += issues
        if model is None or not self.check_id("advocates", ident):
            return None
        company = companies.get(model.company)
        if company is None:
            if model.company not in ((self.parsed.data or {}).get("companies") or {}):
                self.unknown_company(base + ("company",), model.company, companies)
            return None  # a broken company entry is reported where it stands
        c = model.consent
        if c.expires is not None and c.expires < c.granted:
            self.issue(
                base + ("consent", "expires"),
                "registry-consent-dates",
                f"The consent expires ({c.expires}) before it was granted ({c.granted})",
                "check both dates; expires is the last day the consent holds",
            )
        calls, activities = self.activities(base, model)
        return Advocate(
            ident,
            model.name,
            model.title,
            company,
            Consent(frozenset(s.value for s in c.scopes), c.granted, c.expires, c.revoked),
            self.image(base + ("photo",), model.photo),
            calls,
            activities,
            tuple(_request(r) for r in model.requests),
        )

    def activities(
        self, base: KeyPath, model: AdvocateIn
    ) -> tuple[ReferenceCalls, MappingProxyType[str, ActivityTerms]]:
        """The activity terms; the older ``reference_calls`` block is the ``reference-call`` activity."""
        terms = {
            a.value: ActivityTerms(t.available, t.limit, t.per or ACTIVITIES[a].period, t.cooldown_days)
            for a, t in model.activities.items()
        }
        rc = model.reference_calls
        if rc is None:
            return ReferenceCalls(), MappingProxyType(terms)
        if Activity.REFERENCE_CALL.value in terms:
            self.issue(
                base + ("activities", Activity.REFERENCE_CALL.value),
                "registry-activity-twice",
                "Reference calls are set twice: in 'reference_calls' and under 'activities'",
                "keep one: move available and max_per_quarter under activities: reference-call:",
                key=True,
            )
        else:
            terms[Activity.REFERENCE_CALL.value] = ActivityTerms(rc.available, rc.max_per_quarter, Period.QUARTER)
        return ReferenceCalls(rc.available, rc.max_per_quarter, tuple(sorted(rc.log)), rc.owner), MappingProxyType(
            terms
        )

    def check_request_ids(self, advocates: dict[str, Any]) -> None:
        """Request numbers are unique across the registry: ``request --update N`` names one."""
        seen: dict[object, str] = {}
        for ident, data in advocates.items():
            requests = data.get("requests") if isinstance(data, dict) else None
            for index, entry in enumerate(requests if isinstance(requests, list) else []):
                number = entry.get("id") if isinstance(entry, dict) else None
                if type(number) is not int:  # a list, a map, a text, true: the schema reports it
                    continue
                if number in seen:
                    self.issue(
                        ("advocates", ident, "requests", index, "id"),
                        "registry-request-id-repeated",
                        f"Request {number} is logged twice (also under '{seen[number]}')",
                        "give each request its own number; storyportal request does this for you",
                    )
                seen.setdefault(number, ident)

    def unknown_company(self, path: KeyPath, ident: str, companies: dict[str, Company]) -> None:
        self.issue(
            path,
            "registry-company-unknown",
            f"The company '{ident}' is not in the companies section",
            did_you_mean(ident, companies, "add it under companies:"),
        )


def _request(r: RequestIn) -> Request:
    return Request(r.id, r.date, r.activity.value, r.rep, r.opportunity, r.outcome, r.exception)


def load_registry(
    root: Path,
    config: PortalConfig,
    taxonomy: Taxonomy,
    parse: YamlParser = parse_yaml,
    kept: RegistryMemo | None = None,
) -> tuple[Registry | None, list[Issue]]:
    """Read and check the registry. None means it could not be read at all.

    The preview passes what it keeps across rebuilds: ``parse``, a parser that keeps the last parse
    (core/yamlsplice.py), and ``kept``, the advocate records read last time, valid while ``root``'s
    images, ``config`` and ``taxonomy`` are the same (an advocate's record reads nothing else).
    """
    source = config.registry
    path = root / source
    if path.is_symlink():
        return None, [Issue(source, 0, 0, "path-symlink", "The registry must be a real file, not a symbolic link")]
    try:
        raw = read_regular(path)
    except NotRegularFile as exc:  # a pipe would never finish reading
        return None, [not_regular_issue(source, exc.kind)]
    except OSError:
        return None, [Issue(source, 0, 0, REGISTRY_MISSING, f"The advocate registry '{source}' does not exist")]
    text, issues = normalize_text(raw, source)
    if text is None:
        return None, issues
    return read_registry_text(text, root, config, taxonomy, parse, kept)


def raw_guarded(root: Path, config: PortalConfig) -> tuple[tuple[PrivateValue, ...], tuple[tuple[str, str], ...]]:
    """What a registry too broken to read into records still guards: its private values, and
    (id, name) of every advocate it gives a full name, since no consent in it can be read. The
    stories are withheld then, but a hand-written page must still show neither."""
    try:
        text, _ = normalize_text(read_regular(root / config.registry), config.registry)
    except OSError:
        return (), ()
    parsed, _ = parse_yaml(text, config.registry) if text is not None else (None, [])
    data = parsed.data if parsed is not None else None
    if data is None:
        return (), ()
    entries = data.get("advocates") if isinstance(data, dict) else None
    if isinstance(entries, list):  # written as a list instead of a mapping by id
        entries = {f"advocates[{n}]": entry for n, entry in enumerate(entries)}
    names = entries.items() if isinstance(entries, dict) else ()
    return tuple(registry_private_values(data)), tuple(
        (str(ident), name) for ident, entry in names for name in _written_names(entry)
    )


def read_registry_text(
    text: str,
    root: Path,
    config: PortalConfig,
    taxonomy: Taxonomy,
    parse: YamlParser = parse_yaml,
    kept: RegistryMemo | None = None,
) -> tuple[Registry | None, list[Issue]]:
    """The registry from its text (``storyportal request`` checks what it would write).

    ``kept``: advocate records of the last read, by id (the preview's; load_registry says when it is valid).
    """
    source = config.registry
    parsed, issues = parse(text, source)
    if parsed is None:
        return None, issues
    top, top_issues = validate_model(
        RegistryIn, parsed.data if parsed.data is not None else {}, parsed, (), source, "registry"
    )
    if top is None:
        return None, without_repeats(issues, top_issues)
    # Names the parse did not keep (an alias, a merge key, a duplicate): looked for only after such an error
    written = written_names(text) if any(issue.rule in HIDING_RULES for issue in issues) else []
    return _read_entries(root, config, taxonomy, parsed, top, issues, kept, written)


def _advocate(
    reader: _RegistryReader, ident: str, data: Any, companies: dict[str, Company], kept: RegistryMemo | None
) -> Advocate | None:
    """The advocate's record; with ``kept``, the last one while its entry and its company are the same.

    Only an entry read without a problem is kept: a problem's position may move while the entry does not.
    """
    name = data.get("company") if isinstance(data, dict) else None
    company = companies.get(name) if isinstance(name, str) else None
    found = kept.advocates.get(ident) if kept is not None else None
    if found is not None and found[0] == data and found[1] == company:
        return found[2]
    before = len(reader.issues)
    advocate = reader.advocate(ident, data, companies)
    if kept is not None and advocate is not None and len(reader.issues) == before:
        kept.advocates[ident] = (data, company, advocate)
    return advocate


def _read_entries(
    root: Path,
    config: PortalConfig,
    taxonomy: Taxonomy,
    parsed: Parsed,
    top: RegistryIn,
    issues: list[Issue],
    kept: RegistryMemo | None = None,
    written: list[tuple[str, str]] | None = None,
) -> tuple[Registry, list[Issue]]:
    reader = _RegistryReader(root, config, taxonomy, parsed)
    companies: dict[str, Company] = {}
    for ident, data in top.companies.items():
        company = reader.company(ident, data)
        if company is not None:
            companies[ident] = company
    advocates: dict[str, Advocate] = {}
    broken: set[str] = set()
    for ident, data in top.advocates.items():
        advocate = _advocate(reader, ident, data, companies, kept)
        if advocate is None:
            broken.add(ident)
        else:
            advocates[ident] = advocate
    reader.check_request_ids(top.advocates)
    # from the raw entries: broken ones are guarded too
    private = kept.private_values(parsed.data) if kept is not None else registry_private_values(parsed.data)
    internal = registry_request_values(parsed.data)
    registry = Registry(MappingProxyType(companies), MappingProxyType(advocates), frozenset(broken), private, internal)
    registry, shown = _without_shown_problems(registry, parsed, config.registry, top)
    registry = _with_hidden_names(_with_broken_names(registry, parsed.data), written or [])
    registry = dataclasses.replace(registry, name_mentions=_name_mentions(registry, parsed, config.registry, top))
    return registry, without_repeats(issues, reader.issues + shown)


NAME_RULE = "registry-name-unconsented"


def _name_mentions(registry: Registry, parsed: Parsed, source: str, top: RegistryIn) -> tuple[NameMention, ...]:
    """Every advocate's full name (broken entries' too) in a field pages show, but an advocate's
    own name field: which of them may not be shown is a question of the day (Registry.on_day)."""
    people = [(a.id, UNNAMED_FIELD, a.name) for a in registry.advocates.values()]
    people += [(ident, UNNAMED_FIELD, name) for ident, name in registry.broken_names]
    names = {ident: name for ident, _, name in people}
    matcher = unnamed_matcher(people)
    found = []
    for section, entries, texts in (
        ("companies", top.companies, company_texts),
        ("advocates", top.advocates, advocate_texts),
    ):
        for ident, entry in entries.items():
            for path, text in texts(ident, entry):
                if path[-1] == "website":
                    continue  # an address is a link's target, never shown as text on a page
                own_name = section == "advocates" and path[-1] == "name"
                for label in sorted(matcher.find(normalise(text))):
                    named = label_parts(label)[0]
                    if own_name and named == ident:
                        continue  # their own name, shown or not by their own consent
                    issue = _mention_issue(source, parsed, path, names[named], named, named in registry.broken)
                    shown_with = ident if own_name else None
                    found.append(NameMention(section, ident, normalise(names[named]), issue, shown_with))
    return tuple(found)


def _mention_issue(source: str, parsed: Parsed, path: KeyPath, name: str, named: str, broken: bool) -> Issue:
    mark = parsed.mark(path)
    why = "whose entry has errors, so their consent cannot be read" if broken else "who may not be named"
    fix = f"fix {named}'s entry" if broken else f"record their consent to 'name' for {named}"
    return Issue(
        source,
        mark.line,
        mark.col,
        NAME_RULE,
        f"This field is shown on the site and names {name} ({named} in the registry), {why}",
        hint=f"write it without their name, or {fix}; until then this entry is left out and its stories are withheld",
    )


def _with_broken_names(registry: Registry, data: Any) -> Registry:
    """The registry with the names of its broken advocate entries, as written: an entry with an error
    is left out, consent and all, and a story elsewhere must not name the person it was about."""
    entries = data.get("advocates") if isinstance(data, dict) else None
    if not registry.broken or not isinstance(entries, dict):
        return registry
    names = tuple((ident, name) for ident in sorted(registry.broken) for name in _written_names(entries.get(ident)))
    return dataclasses.replace(registry, broken_names=names)


def _with_hidden_names(registry: Registry, written: list[tuple[str, str]]) -> Registry:
    """The registry with the full names its text writes but its parse did not keep (core/writtennames.py)
    guarded as a broken entry's are: whose consent they go with cannot be read."""
    read = {(a.id, normalise(a.name)) for a in registry.advocates.values()}
    read |= {(ident, normalise(name)) for ident, name in registry.broken_names}
    hidden = tuple(
        (ident, full)
        for ident, name in dict.fromkeys(written)
        for full in _full_names(name)
        if (ident, normalise(full)) not in read
    )
    return dataclasses.replace(registry, broken_names=registry.broken_names + hidden) if hidden else registry


def _written_names(entry: Any) -> list[str]:
    """The full names a broken advocate entry gives (``_full_names``): its name as text, or its
    parts as a list or a mapping (`[Jane, Doe]`, `{first: Jane, last: Doe}`)."""
    value = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(value, list):
        value = " ".join(part for part in value if isinstance(part, str))
    elif isinstance(value, dict):
        value = " ".join(part for part in value.values() if isinstance(part, str))
    return _full_names(value) if isinstance(value, str) else []


def _full_names(value: str) -> list[str]:
    """A name as written and, when more follows it (an e-mail address, a remark, a name too long:
    often why the entry is broken), its leading words, which is what a story writes. A name of one
    word (a placeholder such as TBD, or "Customer") is not kept: looked for everywhere, it would
    stop every build on the word."""
    lead = _LEADING_NAME.match(value.strip())
    names = [value, lead[0]] if lead and lead[0] != value.strip() else [value]
    return [name for name in names if len(normalise(name).split()) >= 2]


# Words of letters (with apostrophes, hyphens, dots: O'Neil, Jean-Luc, J.) from the start of a name.
_LEADING_NAME = re.compile(r"[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*)+")


def _without_shown_problems(
    registry: Registry, parsed: Parsed, source: str, top: RegistryIn
) -> tuple[Registry, list[Issue]]:
    """registry-field-private: a field pages show (a company's name, an advocate's name or title)
    holding a contact or a private value. Its entry is left out, as an entry with any error is: the
    leak guard would otherwise stop the whole build on it (core/shownfields.py)."""
    matcher = registry.private_matcher
    issues: list[Issue] = []
    bad: dict[str, set[str]] = {"companies": set(), "advocates": set()}
    for section, entries, texts in (
        ("companies", top.companies, company_texts),
        ("advocates", top.advocates, advocate_texts),
    ):
        for ident, entry in entries.items():
            for path, what in shown_problems(texts(ident, entry), matcher):
                issues.append(located(source, parsed, REGISTRY_RULE, path, what))
                bad[section].add(ident)
    if not issues:
        return registry, []
    companies = {i: c for i, c in registry.companies.items() if i not in bad["companies"]}
    left_out = bad["advocates"] | {i for i, a in registry.advocates.items() if a.company.id in bad["companies"]}
    advocates = {i: a for i, a in registry.advocates.items() if i not in left_out}
    kept = dataclasses.replace(
        registry,
        companies=MappingProxyType(companies),
        advocates=MappingProxyType(advocates),
        broken=registry.broken | left_out,
    )
    return kept, issues
