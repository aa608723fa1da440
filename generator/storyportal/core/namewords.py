"""Which names a story cannot show, told from the words it shows: the preview's revocations.

A revocation changes who may be named, and every story is scanned for every name no page may show.
A name is found as a whole word in normalised text (``privacy.build_matcher(whole_words=True)``),
so each run of letters and digits in the name is a whole run of letters and digits of the text it
is found in (a side-by-side pair joins two texts with a space, never inside a run). A story none of
whose texts holds one of a name's runs cannot show that name, whatever else changed.

So the preview keeps, per story, the runs its texts hold as bits of 1 KB (one hash each): a bit not
set says that run is absent, and a story with a run of every changed name absent keeps its last
scan; a set bit may be another run's, and then the story is scanned again. A name holding "@" is
also matched as an address with its spaces taken out, where runs can join: it is never ruled out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BITS = 8192  # about 400 different runs in a story: one run in twenty sets a bit another set
_RUN = re.compile(r"[^\W_]+")  # letters and digits: what str.isalnum() says glues a whole word

Unnamed = tuple[tuple[str, str, str], ...]  # Registry.unnamed_normalised(day): (id, name, normalised)


def words_mask(texts: Iterable[str]) -> bytes:
    """The runs of letters and digits in ``texts`` (normalised), as bits; hashes are this process's."""
    bits = bytearray(BITS // 8)
    for text in texts:
        for run in set(_RUN.findall(text)):
            at = hash(run) % BITS
            bits[at >> 3] |= 1 << (at & 7)
    return bytes(bits)


def _name_bits(normalised: str) -> tuple[int, ...] | None:
    """The bits of a normalised name's runs; None when its runs cannot rule it out."""
    runs = _RUN.findall(normalised)
    if not runs or "@" in normalised:
        return None
    return tuple(hash(run) % BITS for run in runs)


def _may_show(mask: bytes, bits: tuple[int, ...]) -> bool:
    return all(mask[at >> 3] >> (at & 7) & 1 for at in bits)


class NameChanges:
    """For one load: whether a story scanned with an earlier list of unnamed advocates would find
    the same names with today's list (``now``), from its words' mask."""

    def __init__(self, now: Unnamed) -> None:
        self.now = now
        self._changed: dict[int, tuple[Unnamed, list[tuple[int, ...]] | None]] = {}  # id(before) -> bits

    def same_names(self, before: Unnamed, mask: bytes | None) -> bool:
        if before is self.now:
            return True
        kept = self._changed.get(id(before))
        if kept is None or kept[0] is not before:  # most stories share the last load's list: once for all
            kept = self._changed[id(before)] = (before, _changed_bits(before, self.now))
        changed = kept[1]
        if changed is None or mask is None:
            return False
        return not any(_may_show(mask, bits) for bits in changed)


def _changed_bits(before: Unnamed, now: Unnamed) -> list[tuple[int, ...]] | None:
    """The bits of every name that became or stopped being unnamed; None if one cannot be ruled out."""
    found = []
    for _, _, normalised in set(before) ^ set(now):
        bits = _name_bits(normalised)
        if bits is None:
            return None
        found.append(bits)
    return found
