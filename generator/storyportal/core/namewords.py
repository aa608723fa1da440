"""Which names a story cannot show, told from the words it shows: the preview's revocations.

A revocation changes who may be named, and every story is scanned for every name no page may show
(``Registry.name_matcher``): each form of the name (as written, its slug ``jose-nunez``, ...; see
``privacy.matched_forms``) as a whole word of normalised text (``build_matcher(whole_words=True)``).
So each run of letters and digits in a form is a whole run of letters and digits of the text it is
found in (a side-by-side pair joins two texts with a space, never inside a run): a story whose texts
lack a run of every form of a name cannot show that name, whatever else changed, and no other
name's finding depends on it (two people sharing a form: it is one of their forms too).

So the preview keeps, per story, the runs its texts hold as bits of 1 KB (one hash each): a bit not
set says that run is absent, and a story lacking a run of every form of every changed name keeps
its last scan; a set bit may be another run's, and then the story is scanned again. A name that is
also a phone number (matched across separators) or has a form holding "@" (matched as an address
with its spaces taken out, where runs join) is never ruled out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyportal.core.privacy import UNNAMED_FIELD, UNNAMED_MIN_LENGTH, matched_forms

BITS = 8192  # about 400 different runs in a story: one run in twenty sets a bit another set
_RUN = re.compile(r"[^\W_]+")  # letters and digits: what str.isalnum() says glues a whole word

Unnamed = tuple[tuple[str, str, str], ...]  # Registry.unnamed_normalised(day): (id, name, normalised)
Forms = list[tuple[int, ...]]  # the bits of the runs of each form of a name


def words_mask(texts: Iterable[str]) -> bytes:
    """The runs of letters and digits in ``texts`` (normalised), as bits; hashes are this process's."""
    bits = bytearray(BITS // 8)
    for text in texts:
        for run in set(_RUN.findall(text)):
            at = hash(run) % BITS
            bits[at >> 3] |= 1 << (at & 7)
    return bytes(bits)


def _name_bits(name: str) -> Forms | None:
    """The bits of the runs of each form the name matcher looks for; None when they cannot rule it out."""
    forms, digits = matched_forms(UNNAMED_FIELD, name, UNNAMED_MIN_LENGTH)
    found: Forms = []
    for form in forms:
        runs = _RUN.findall(form)
        if not runs or "@" in form:
            return None
        found.append(tuple(hash(run) % BITS for run in runs))
    return None if digits or not found else found


def _may_show(mask: bytes, forms: Forms) -> bool:
    """Whether some form of a name has every run's bit set in ``mask``."""
    return any(all(mask[at >> 3] >> (at & 7) & 1 for at in bits) for bits in forms)


class NameChanges:
    """For one load: whether a story scanned with an earlier list of unnamed advocates would find
    the same names with today's list (``now``), from its words' mask."""

    def __init__(self, now: Unnamed) -> None:
        self.now = now
        self._changed: dict[int, tuple[Unnamed, list[Forms] | None]] = {}  # id(before) -> each changed name's bits

    def same_names(self, before: Unnamed, mask: bytes | None) -> bool:
        if before is self.now:
            return True
        kept = self._changed.get(id(before))
        if kept is None or kept[0] is not before:  # most stories share the last load's list: once for all
            kept = self._changed[id(before)] = (before, _changed_bits(before, self.now))
        changed = kept[1]
        if changed is not None and not changed:
            return True  # the same names (the registry read again after another edit)
        if changed is None or mask is None:
            return False
        return not any(_may_show(mask, forms) for forms in changed)


def _changed_bits(before: Unnamed, now: Unnamed) -> list[Forms] | None:
    """The bits of every name that became or stopped being unnamed; None if one cannot be ruled out."""
    found = []
    for _, name, _ in set(before) ^ set(now):
        forms = _name_bits(name)
        if forms is None:
            return None
        found.append(forms)
    return found
