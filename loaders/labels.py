"""English labels for Japanese names, so every node a person reads has a label in both: the
glossary (data/glossary.csv) where it knows the whole name; else the name composed from known
terms (data/glossary_terms.csv) and gazetteer place names, "AのB" read as "B of A"; else a
Hepburn romanisation."""
from __future__ import annotations

import csv
import re
from functools import cache, lru_cache

from citykg.core.gazetteer import KATAKANA, japan, world
from citykg.core.paths import DATA_DIR
from citykg.loaders import normalise

# "AのB" is "B of A": each of these joins what comes before it to what follows, reversed
REVERSING = {"の": "of", "における": "in", "に関する": "on", "による": "by", "への": "for",
             "に対する": "for"}
JOINING = {"及び": "and", "および": "and", "並びに": "and", "と": "and", "・": "and", "、": ",",
           "等": "etc.", "など": "etc.", "～": "–", "~": "–", "(": "(", ")": ")"}
ORDINAL = re.compile(r"第\s*(\d+)\s*回")
ANNIVERSARY = re.compile(r"(\d+)\s*周年")
FISCAL_YEAR = re.compile(r"(?:令和|平成|R|H)?\s*[\d元]+\s*年度")
ASCII = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.&'’]*")
QUOTED = re.compile(r"「([^」]{1,30})」")
KATAKANA_NAME = re.compile(r"[ァ-ヺー]+市?")
PLACE_ENDINGS = ("市", "区", "町", "村", "県", "都", "府", "道")


def _read(name: str) -> dict[str, str]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return {row["ja"]: row["en"] for row in csv.DictReader(f)}


@cache
def glossary() -> dict[str, str]:
    return _read("glossary.csv")


@cache
def terms() -> dict[str, str]:
    return {**_read("glossary_terms.csv"), **glossary()}


@lru_cache(maxsize=1 << 16)  # names recur: a program, then its budget in each year
def english(ja: str) -> str:
    text = ja.strip()
    if text in glossary():
        return glossary()[text]
    if text.isascii():
        return text
    composed = compose(text)
    if composed:
        return composed[0].upper() + composed[1:]
    return romanise(text, " ").replace("-", " ").capitalize()


def compose(text: str) -> str | None:
    """The name in English from known terms and places, or None if a part is unknown.
    "AのB・CのD" is two phrases joined ("B of A and D of C"), not one."""
    for joint, english_joint in (("、", ", "), ("・", " and "), ("と", " and ")):
        parts = text.split(joint)
        if len(parts) > 1 and any(p in part for part in parts for p in REVERSING):
            phrases = [_phrase(part) for part in parts]
            if all(phrases):
                return english_joint.join(phrases)
    return _phrase(text)


def _phrase(text: str) -> str | None:
    groups: list[list[str]] = [[]]  # the parts between reversing particles, in Japanese order
    links: list[str] = []  # the particle's English between groups[k] and groups[k + 1]
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        word, i = _next(text, i)
        if word is None:
            return None
        if word in REVERSING:
            groups.append([])
            links.append(REVERSING[word])
        elif word:
            groups[-1].append(word)
    if not all(groups):
        return None
    phrases = [re.sub(r" ?– ?", "–", " ".join(g)).replace(" ,", ",").replace("( ", "(")
               .replace(" )", ")") for g in groups]
    english = phrases[-1]
    for phrase, link in zip(reversed(phrases[:-1]), reversed(links), strict=True):
        english = f"{english} {link} {phrase}"
    return english


def _next(text: str, i: int) -> tuple[str | None, int]:
    """The English of the longest known piece at `i` (a particle as itself), and where the
    next piece starts."""
    for pattern, word in ((ORDINAL, lambda m: _ordinal(int(m[1]))),
                          (ANNIVERSARY, lambda m: f"{_ordinal(int(m[1]))} anniversary"),
                          (FISCAL_YEAR, lambda m: _fiscal_year(m[0])),
                          (ASCII, lambda m: m[0]),
                          (QUOTED, lambda m: f"“{compose(m[1]) or _proper(m[1])}”")):
        if (m := pattern.match(text, i)) and (w := word(m)):
            return w, m.end()
    known = terms()
    for end in range(min(len(text), i + 16), i, -1):
        if text[i:end] in known:
            return _in_phrase(known[text[i:end]]), end
    if place := _place(text, i):
        return place
    if text[i] == "・" and 0 < i < len(text) - 1 and KATAKANA.match(text[i - 1]) \
            and KATAKANA.match(text[i + 1]):
        return "", i + 1  # アジア・スマートシティ: one compound
    for particle in sorted([*REVERSING, *JOINING], key=len, reverse=True):
        if text.startswith(particle, i):
            return (particle if particle in REVERSING else JOINING[particle]), i + len(particle)
    return None, i


# words English capitalises anywhere (languages, peoples, continents)
PROPER = re.compile(r"(?:Japanese|English|Chinese|Korean|Asian?|Europe(?:an)?|Africa(?:n)?|"
                    r"Americas?|American|Ukrain(?:e|ian)|Vietnamese|Portuguese|Spanish|French|"
                    r"German|Russian|Olympic|Paralympic)\b")


def _in_phrase(en: str) -> str:
    """A glossary entry in sentence case ("International peace") inside a longer phrase."""
    words = en.split()
    return en[0].lower() + en[1:] if len(words) > 1 and all(w.islower() for w in words[1:]) \
        and not PROPER.match(en) else en


def _fiscal_year(text: str) -> str | None:
    year = normalise.parse_fiscal_year(text)
    return f"FY{year}" if year else None


def _proper(text: str) -> str:
    return romanise(text, " ").replace("-", " ").title()


def _place(text: str, i: int) -> tuple[str, int] | None:
    """A city, country or region the gazetteers know, by its English name."""
    if m := KATAKANA_NAME.match(text, i):
        candidates = [(m[0], m[0])]
    else:  # 横浜市, or 横浜 as in 横浜トリエンナーレ
        ends = range(min(len(text), i + 8), i + 1, -1)
        candidates = [(text[i:end], text[i:end]) for end in ends if text[end - 1] in PLACE_ENDINGS]
        candidates += [(text[i:end], text[i:end] + suffix) for end in ends if end - i <= 4
                       for suffix in ("市", "区", "町")]
    for written, name in candidates:
        found = world().lookup(name) or japan().lookup(name)
        if len({e.label_en for e in found}) == 1 and found[0].label_en:
            return found[0].label_en, i + len(written)
    return None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def romanise(text: str, sep: str = "") -> str:
    """A URL-safe Hepburn key for a name the gazetteer lacks (words joined by `sep`)."""
    words = [w["hepburn"] for w in _kakasi().convert(text)]
    slug = re.sub(r"[^a-z0-9]+", "-", sep.join(words).lower()).strip("-")
    return slug or "x"
