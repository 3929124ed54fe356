"""Names to entities: the bundled world gazetteer (data/gazetteer/*.csv) and Japan's
municipalities, with one index of every label and alias for finding names in text."""
from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path

import ahocorasick_rs

from citykg.paths import GAZETTEER_DIR
from citykg.terms import ID

KATAKANA = re.compile(r"[ァ-ヺー]")
LATIN = re.compile(r"[A-Za-z]")
HIRAGANA_ONLY = re.compile(r"[ぁ-ゖー]+")
# Suffixes Japanese texts put after a foreign city's name; a name matches with or without them.
CITY_SUFFIXES = ("特別市", "広域市", "直轄市", "市", "都", "州", "区", "町", "村")


@dataclass(frozen=True)
class Entity:
    kind: str  # city | country | region | network | intl_org | prefecture | ward
    key: str  # slug, country code or region id
    label_en: str
    label_ja: str
    country: str = ""  # ISO code, lowercase
    wikidata: str = ""
    aliases: tuple[str, ...] = ()
    code: str = ""  # Japanese local-government code
    parent: str = ""  # key of the parent city (wards) or prefecture
    lat: str = ""
    lon: str = ""
    source: str = ""  # the gazetteer file and line the entity comes from
    line: int = 0
    division: str = ""  # a state or province the cities gazetteer lists with its cities

    @property
    def iri(self) -> str:
        if self.code:
            return str(ID[f"city/jp/{self.code}"]) if self.kind != "prefecture" \
                else str(ID[f"region/jp/{self.code}"])
        prefix = {"city": f"city/{self.country}", "country": "country", "region": "region",
                  "network": "org", "intl_org": "org"}[self.kind]
        return str(ID[f"{prefix}/{self.key}"])


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    entities: tuple[Entity, ...]  # more than one: ambiguous

    @property
    def entity(self) -> Entity | None:
        return self.entities[0] if len(self.entities) == 1 else None


def fold(text: str) -> str:
    """The form names are matched in: NFKC, lower case, hiragana as katakana, no spaces or dots."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in t)
    return re.sub(r"[\s・·.'’\-]", "", t)


# the block's text folded (`fold`, character by character) and where each character's fold
# starts in it (one more entry: the folded length)
Prepared = tuple[str, list[int]]


@dataclass
class Gazetteer:
    entities: list[Entity] = field(default_factory=list)
    _index: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    _automaton: ahocorasick_rs.AhoCorasick | None = None
    _keys: list[str] = field(default_factory=list)
    _hiragana_starts: set[str] = field(default_factory=set)  # of names written in hiragana

    def add(self, entity: Entity, names: set[str]) -> None:
        self.entities.append(entity)
        for name in names:
            key = fold(name)
            if len(key) >= 2 and entity not in self._index[key]:
                self._index[key].append(entity)
                if "ぁ" <= name[0] <= "ゖ":
                    self._hiragana_starts.add(key[:2])

    def freeze(self) -> Gazetteer:
        self._keys = list(self._index)
        self._automaton = ahocorasick_rs.AhoCorasick(self._keys) if self._keys else None
        return self

    def lookup(self, name: str, kind: str | None = None) -> list[Entity]:
        found = self._index.get(fold(name), [])
        if not found:
            for suffix in CITY_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    found = self._index.get(fold(name[: -len(suffix)]), [])
                    if found:
                        break
        return [e for e in found if kind is None or e.kind == kind]

    def by_key(self, kind: str, key: str) -> Entity | None:
        return next((e for e in self.entities if e.kind == kind and e.key == key), None)

    def find(self, text: str, kinds: set[str] | None = None,
             prepared: Prepared | None = None) -> list[Mention]:
        """Longest non-overlapping names in `text` (which must be unfolded source text), left
        to right; `prepared`: `prepare(text)`, for a text searched more than once."""
        mentions, end = [], 0
        for i, ends in self._keys_at(text, prepared or prepare(text)):
            if i < end or not self._may_start(text, i):
                continue
            hit = self._longest(text, i, ends, kinds)
            if hit:
                mentions.append(hit)
                end = hit.end
        return mentions

    def _keys_at(self, text: str, prepared: Prepared) -> list[tuple[int, list[tuple[int, str]]]]:
        """Every key in the folded text that begins and ends on a character's fold, by the
        character it starts at: (start, [(end, key)])."""
        folded, starts = prepared
        matches = self._automaton.find_matches_as_indexes(folded, overlapping=True) \
            if self._automaton else []
        if not matches:
            return []
        by_start: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for key, first, end in matches:
            i = bisect_right(starts, first) - 1
            j = bisect_left(starts, end)
            if starts[i] == first and starts[j] == end:
                by_start[i].append((j, self._keys[key]))
        return sorted(by_start.items())

    def _may_start(self, text: str, i: int) -> bool:
        # a name would cut a katakana/Latin word
        if i and (script := _script(text[i])) and script == _script(text[i - 1]):
            return False
        # folding reads hiragana as katakana; only names written in hiragana start in it
        if "ぁ" <= text[i] <= "ゖ":
            head = _fold_char(text[i]) + (_fold_char(text[i + 1]) if i + 1 < len(text) else "")
            return head[:2] in self._hiragana_starts
        return True

    def _longest(self, text, i, ends, kinds) -> Mention | None:
        for j, key in sorted(ends, reverse=True):
            if j < len(text) and (script := _script(text[j])) and script == _script(text[j - 1]):
                continue  # the name would end inside a katakana or Latin word
            found = tuple(e for e in self._index[key] if kinds is None or e.kind in kinds)
            surface = text[i:j]
            if found and HIRAGANA_ONLY.fullmatch(surface):
                # folding reads hiragana as katakana: "あります" holds リマ (Lima). Text in
                # hiragana names only what is written so (さいたま市), not a katakana name.
                found = tuple(e for e in found
                              if any(surface in name for name in (e.label_ja, *e.aliases)))
            if found:
                return Mention(i, j, surface, found)
        return None


def prepare(text: str) -> Prepared:
    """`text` folded character by character, and where each character's fold starts."""
    parts = list(map(_FOLDS.__getitem__, text))
    return "".join(parts), list(accumulate(map(len, parts), initial=0))


class _Folds(dict):
    """A character's fold, computed once (a dict lookup per character: faster than a call)."""

    def __missing__(self, c: str) -> str:
        self[c] = folded = fold(c)
        return folded


_FOLDS = _Folds()


@lru_cache(maxsize=65536)
def _fold_char(c: str) -> str:
    return fold(c)


@lru_cache(maxsize=65536)
def _script(c: str) -> str | None:
    return "katakana" if KATAKANA.match(c) else "latin" if LATIN.match(c) else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    """Rows with their line number in the file (`_line`)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return [dict(row, _line=reader.line_num) for row in reader]


def _names(row: dict[str, str]) -> set[str]:
    names = {row.get("label_en", ""), row.get("label_ja", "")}
    names |= set(filter(None, (row.get("aliases") or "").split("|")))
    bare = {n[: -len(s)] for n in names for s in CITY_SUFFIXES
            if n.endswith(s) and len(n) - len(s) >= 2 and KATAKANA.search(n[: -len(s)])}
    return {n for n in names | bare if n}


@cache
def world(directory: Path = GAZETTEER_DIR) -> Gazetteer:
    """Foreign cities, countries, world regions, networks and international organisations."""
    gaz = Gazetteer()
    for row in _read_csv(directory / "countries.csv"):
        gaz.add(Entity("country", row["code"].lower(), row["label_en"], row["label_ja"],
                       row["code"].lower(), row.get("wikidata", ""),
                       tuple(filter(None, row.get("aliases", "").split("|"))),
                       source="countries.csv", line=row["_line"]), _names(row))
    for row in _read_csv(directory / "regions.csv"):
        gaz.add(Entity("region", row["id"], row["label_en"], row["label_ja"],
                       wikidata=row.get("wikidata", ""), source="regions.csv", line=row["_line"]),
                _names(row))
    for row in _read_csv(directory / "cities.csv"):
        gaz.add(Entity("city", row["id"], row["label_en"], row["label_ja"],
                       row["country"].lower(), row.get("wikidata", ""),
                       tuple(filter(None, row.get("aliases", "").split("|"))),
                       lat=row.get("latitude", ""), lon=row.get("longitude", ""),
                       source="cities.csv", line=row["_line"],
                       division="" if row.get("kind", "city") == "city" else row["kind"]),
                _names(row))
    for row in _read_csv(directory / "divisions.csv"):  # after the cities: theirs win
        names = {n for n in _names(row) if fold(n) not in gaz._index}
        if fold(row["label_ja"]) in {fold(n) for n in names}:
            gaz.add(Entity("city", row["id"], row["label_en"], row["label_ja"], row["country"],
                           aliases=tuple(filter(None, row["aliases"].split("|"))),
                           source="divisions.csv", line=row["_line"], division=row["kind"]),
                    names)
    for row in _read_csv(directory / "networks.csv"):
        gaz.add(Entity(row["kind"], row["id"], row["label_en"], row["label_ja"],
                       wikidata=row.get("wikidata", ""),
                       aliases=tuple(filter(None, row.get("aliases", "").split("|"))),
                       source="networks.csv", line=row["_line"]), _names(row))
    return gaz.freeze()


@cache
def japan() -> Gazetteer:
    """Japan's prefectures, municipalities and wards, by official name (with 市, 区, 町…)."""
    from citykg import jp_gazetteer

    gaz = Gazetteer()
    for line, m in enumerate(jp_gazetteer.load().all(), start=2):
        kind = {"prefecture": "prefecture", "ward": "ward"}.get(m.kind, "city")
        entity = Entity(kind, m.slug, m.romaji, m.name, "jp", code=m.code,
                        parent=m.parent_code or m.prefecture_code, aliases=(m.kana,),
                        source="jp_municipalities.csv", line=line)
        gaz.add(entity, ({m.name} if kind != "city" else {m.name, m.romaji_full
                                                             if hasattr(m, "romaji_full") else ""})
                | _english_forms(m.name, m.romaji))
    return gaz.freeze()


ENGLISH_KINDS = {"市": "City", "町": "Town", "村": "Village", "県": "Prefecture", "府": "Prefecture"}


def _english_forms(name: str, romaji: str) -> set[str]:
    """"Sapporo City", "City of Sapporo", "Hyogo Prefecture": how English texts name a local
    government (the bare romaji alone would match English words: Date, Mine)."""
    kind = ENGLISH_KINDS.get(name[-1:])
    return {f"{romaji} {kind}", f"{kind} of {romaji}"} if kind and romaji else set()
