"""Names to entities: the bundled world gazetteer (data/gazetteer/*.csv) and Japan's
municipalities, with one index of every label and alias for finding names in text."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from citykg.paths import GAZETTEER_DIR
from citykg.terms import ID

KATAKANA = re.compile(r"[ァ-ヺー]")
LATIN = re.compile(r"[A-Za-z]")
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


@dataclass
class Gazetteer:
    entities: list[Entity] = field(default_factory=list)
    _index: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    _lengths: list[int] = field(default_factory=list)

    def add(self, entity: Entity, names: set[str]) -> None:
        self.entities.append(entity)
        for name in names:
            key = fold(name)
            if len(key) >= 2 and entity not in self._index[key]:
                self._index[key].append(entity)

    def freeze(self) -> Gazetteer:
        self._lengths = sorted({len(k) for k in self._index}, reverse=True)
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

    def find(self, text: str, kinds: set[str] | None = None) -> list[Mention]:
        """Longest non-overlapping names in `text` (which must be unfolded source text)."""
        mentions, i, n = [], 0, len(text)
        folded = [fold(c) for c in text]
        while i < n:
            hit = self._longest_at(text, folded, i, kinds)
            if hit:
                mentions.append(hit)
                i = hit.end
            else:
                i += 1
        return mentions

    def _longest_at(self, text, folded, i, kinds) -> Mention | None:
        if not folded[i] or (i and _same_script_run(text[i - 1], text[i])):
            return None
        for length in self._lengths:
            # widen the window over characters that fold to nothing (spaces, dots)
            j, key = i, ""
            while j < len(text) and len(key) < length:
                key += folded[j]
                j += 1
            if len(key) != length or key not in self._index:
                continue
            if j < len(text) and _same_script_run(text[j - 1], text[j]):
                continue
            found = tuple(e for e in self._index[key] if kinds is None or e.kind in kinds)
            if found:
                return Mention(i, j, text[i:j], found)
        return None


def _same_script_run(a: str, b: str) -> bool:
    """True where a name boundary would cut a katakana or Latin word in two."""
    return bool((KATAKANA.match(a) and KATAKANA.match(b)) or (LATIN.match(a) and LATIN.match(b)))


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
                       source="cities.csv", line=row["_line"]), _names(row))
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
        gaz.add(entity, {m.name} if kind != "city" else {m.name, m.romaji_full
                                                            if hasattr(m, "romaji_full") else ""})
    return gaz.freeze()
