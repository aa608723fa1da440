"""Slugs: the one way a title or a name becomes a file name and a web address.

Letters outside a-z are transliterated with ``anyascii`` ("Fidélisation" becomes
``fidelisation``, "Москва" ``moskva``). For a German story (``lang`` de) the umlauts
follow German convention, ä ö ü ß as ae oe ue ss ("für Ärzte" becomes
``fuer-aerzte``): that is how Germans write them without the dots, while in other
languages (Swedish, Turkish, Finnish) the plain vowel is the usual fallback.

Some scripts have no Latin spelling a reader would accept: Chinese characters are
read differently in Chinese and Japanese (anyascii turns 東京 into "DongJing", not
Tokyo), and Arabic or Hebrew letters without their vowels give unreadable words.
For those, :func:`unspellable_script` names the script and the caller asks the
writer to choose the address.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# A slug or id: lowercase a-z, digits and '-', not starting with '-'. Stories, registry ids and
# taxonomy values share it, because each ends up in a URL, a file name or a CSS-safe attribute.
SLUG_SHAPE = r"[a-z0-9][a-z0-9-]*"
SLUG = re.compile(SLUG_SHAPE + r"\Z")
# The longest story address: with '.md', '.png' or a language suffix added, every file the build
# names after it stays far inside the 255 bytes file systems allow.
MAX_SLUG_LENGTH = 100
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
# Unicode character-name prefixes of the scripts refused, and the name a writer knows them by.
_UNSPELLABLE = {
    "CJK UNIFIED IDEOGRAPH": "Chinese characters",
    "CJK COMPATIBILITY IDEOGRAPH": "Chinese characters",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "SYRIAC": "Syriac",
    "THAANA": "Thaana",
    "THAI": "Thai",
    "LAO": "Lao",
    "KHMER": "Khmer",
    "MYANMAR": "Myanmar",
    "TIBETAN": "Tibetan",
}


def slugify(text: str, lang: str | None = None, fallback: str = "story") -> str:
    """``text`` as lowercase a-z, digits and single '-'; ``fallback`` when nothing is left."""
    if lang and lang.lower().split("-")[0] == "de":
        text = unicodedata.normalize("NFC", text).translate(_GERMAN)
    plain = anyascii(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or fallback


def unspellable_script(text: str) -> str | None:
    """The first script in ``text`` with no Latin spelling fit for an address, or None."""
    for char in text:
        if char.isascii() or not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, script in _UNSPELLABLE.items():
            if name.startswith(prefix):
                return script
    return None
