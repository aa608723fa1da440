"""Advocates' names as the registry's text writes them, where its parse keeps fewer.

The parse (``core.yamlload``) refuses aliases and merge keys and keeps the first of duplicate keys,
each with an error: an advocate's ``name`` written through an alias, a merge key, a second
``name:`` or a second entry under the same id is then not the name the registry was read with,
and no page may show it either (consent that cannot be read is no consent). Read only when the
parse reported one of those errors, from PyYAML's node graph, where duplicates stay and an alias
is the node it names.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

# The parse errors after which the text may hold names the parsed data does not.
HIDING_RULES = frozenset({"yaml-alias", "yaml-duplicate-key"})


def written_names(text: str) -> list[tuple[str, str]]:
    """(advocate id, name) for every name written under ``advocates``, duplicates included."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    found: list[tuple[str, str]] = []
    for key, section in _pairs(root, set()):
        if _scalar(key) != "advocates":
            continue
        entries = section.value if isinstance(section, yaml.SequenceNode) else None
        pairs = [(None, e) for e in entries] if entries is not None else list(_pairs(section, set()))
        for number, (ident, entry) in enumerate(pairs):
            label = (_scalar(ident) if ident is not None else None) or f"advocates[{number}]"
            found += [(label, name) for name in _names(entry, set())]
    return found


def _names(entry: yaml.Node, seen: set[int]) -> Iterator[str]:
    for key, value in _pairs(entry, seen):
        if _scalar(key) == "name":
            name = _text(value)
            if name:
                yield name


def _pairs(node: yaml.Node | None, seen: set[int]) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    """A mapping's (key, value) pairs, duplicates kept and merge keys (``<<``) followed, each
    mapping once (an alias may make the graph a loop)."""
    if not isinstance(node, yaml.MappingNode) or id(node) in seen:
        return
    seen.add(id(node))
    for key, value in node.value:
        if _scalar(key) == "<<":
            merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for part in merged:
                yield from _pairs(part, seen)
        else:
            yield key, value


def _scalar(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def _text(node: yaml.Node) -> str | None:
    """A name as text: a scalar, or its parts as a list or a mapping (``[Jane, Doe]``)."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        parts = [_scalar(part) for part in node.value]
    elif isinstance(node, yaml.MappingNode):
        parts = [_scalar(value) for _, value in node.value]
    else:
        return None
    return " ".join(part for part in parts if part)
