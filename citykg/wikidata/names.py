"""The forms names are matched in, on both sides of a link.

`key()` folds a name the way the gazetteer and the API's /cities search fold it (NFKC, lower
case, hiragana as katakana, no spaces, dots, hyphens or apostrophes: `citykg.core.text.fold`)
and also casefolds and strips diacritics, so Kōbe, KOBE and ｋｏｂｅ meet. `keys()` adds the
forms without an administrative suffix (市, -shi, " city", "City of "…), without a bracketed
qualifier ("Livingstone (Sambia)") and each part of a slashed name ("Donostia/San Sebastián").
`consistent()` tells whether two sets of names can name the same place (used to check a
Q-id we ship against a snapshot's label).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from citykg.core.text import fold

# suffixes of Japanese and English administrative names, longest first; romanised ones are
# matched with their hyphen (Kushiro-shi) so that Kyoto or Mito keep their last syllables
SUFFIXES = ("特別市", "広域市", "直轄市", "市", "町", "村", "区", "都", "府", "県",
            "-shi", "-machi", "-cho", "-chō", "-mura", "-son", "-ku", "-to", "-fu", "-ken",
            " city", " town", " municipality", " prefecture")
PREFIXES = ("city of ", "town of ", "municipality of ")
BRACKETS = re.compile(r"\s*[(（][^)）]*[)）]\s*")
SAINT = re.compile(r"^(st|ste|saint|sainte|sankt)\.?[\s-]+")
WORD = re.compile(r"[^\W_]+")
# generic words of German labels (the 2016 crawl's first language) in English, so that
# Cookinseln meets Cook Islands and Präfektur Tokio meets Tokyo Prefecture
GERMAN = {"inseln": " islands", "insel": " island", "prafektur": "prefecture",
          "provinz": "province", "stadt": "city", "republik": "republic",
          "konigreich": "kingdom", "vereinigte": "united", "staaten": "states"}


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                 if not unicodedata.combining(c)))


def plain(text: str) -> str:
    """NFKC, case-folded, without diacritics (but with its spaces and punctuation)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    # strip Latin diacritics only: NFKD would also split kana (ガ → カ + ゛)
    return "".join(strip_diacritics(c) if c.isascii() is False and _latin(c) else c
                   for c in text).strip()


def _latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def key(text: str) -> str:
    """The folded form of a name: what two names must share to match exactly."""
    return fold(plain(text))


def keys(text: str) -> dict[str, float]:
    """Every form of a name, each with how much of the name it keeps: 1.0 for the name as
    written, 0.95 for a form without a suffix, bracket or one part of a slashed name."""
    base = plain(text)
    if not base:
        return {}
    out = {key(base): 1.0}
    forms = {BRACKETS.sub(" ", base).strip(), *[p.strip() for p in base.split("/")]}
    forms |= {SAINT.sub("saint ", f) for f in list(forms)}
    for form in list(forms):
        for prefix in PREFIXES:
            if form.startswith(prefix) and len(form) > len(prefix) + 1:
                forms.add(form[len(prefix):])
        for suffix in SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= 2:
                forms.add(form[: -len(suffix)].strip())
    for form in forms:
        k = key(form)
        if len(k) >= 2 and k not in out:
            out[k] = 0.95
    return out


def all_keys(names: Iterable[str]) -> set[str]:
    return {k for n in names if n for k in keys(n)}


def consistent(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Can these two sets of names name the same place? True when they share a form, when
    the words of one are among the words of the other (Gaza / Gaza City, Majuro-Atoll /
    Majuro, São Paulo / São Paulo State) or when two forms differ by a letter or two
    (Hongkong / Hong Kong, Saint / St.)."""
    ours, theirs = [n for n in ours if n], [n for n in theirs if n]
    if not ours or not theirs:
        return True  # nothing to compare with: not a contradiction
    a, b = all_keys(ours), all_keys(theirs)
    a |= {key("".join(sorted(_words(n), key=plain(n).find))) for n in ours}
    b |= {key("".join(sorted(_words(n), key=strip_diacritics(plain(n)).find))) for n in theirs}
    if a & b:
        return True
    words_a = [_words(n) for n in ours]
    words_b = [_words(n) for n in theirs]
    for x in words_a:
        for y in words_b:
            small = x if len(x) <= len(y) else y
            if small and (x <= y or y <= x) and max(map(len, small)) >= 3:
                return True
    if any(difflib.SequenceMatcher(None, x, y).ratio() >= 0.85
           for x in a for y in b if min(len(x), len(y)) >= 4):
        return True
    # spelling across languages: Kuba / Cuba, Kenia / Kenya, Marokko / Morocco, Tokio / Tokyo
    sa = {skeleton(w) for ws in words_a for w in ws} | {skeleton(k) for k in a}
    sb = {skeleton(w) for ws in words_b for w in ws} | {skeleton(k) for k in b}
    return any(x[0] == y[0] and abs(len(x) - len(y)) <= 1 and min(len(x), len(y)) >= 4
               and difflib.SequenceMatcher(None, x, y).ratio() >= 0.75 for x in sa for y in sb)


def _words(name: str) -> set[str]:
    text = SAINT.sub("saint ", plain(name))
    text = strip_diacritics(text)
    for german, english in GERMAN.items():
        text = text.replace(german, english)
    return set(WORD.findall(text))


def skeleton(word: str) -> str:
    """A spelling-neutral form of a word: c/k, y/i/j, z/s, ph/f and doubled letters merged."""
    w = fold(plain(word))
    for old, new in (("ph", "f"), ("ck", "k"), ("c", "k"), ("y", "i"), ("j", "i"), ("z", "s")):
        w = w.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", w)
