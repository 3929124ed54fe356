"""Text keys shared by the gazetteers and the loaders: `fold`, the form names are matched in,
and `slugify`, the ASCII key an IRI is minted from (`ascii_fold` underneath)."""
from __future__ import annotations

import re
import unicodedata

_LATIN_LETTERS = str.maketrans("łŁøØđĐıʻ’", "lLoOdDi''")


def fold(text: str) -> str:
    """The form names are matched in: NFKC, lower case, hiragana as katakana, no spaces or dots."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in t)
    return re.sub(r"[\s・·.'’\-]", "", t)


def ascii_fold(text: str) -> str:
    """ASCII without diacritics (München -> Munchen, Łódź -> Lodz)."""
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """Lower-case ASCII letters and digits, runs of anything else one hyphen (São Paulo ->
    sao-paulo)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")
