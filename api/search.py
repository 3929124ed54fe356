"""An in-memory index of every city and ward's names, for `/cities?q=` and for resolving the
names users type into IRIs. Built from the store in a few queries, rebuilt when the store
version changes. Names are folded like the gazetteer folds them (NFKC, lower case, hiragana
as katakana, no spaces or dots), and indexed with and without 市/区/町/村 and their readings,
so 横浜, 横浜市, よこはま, ヨコハマシ, ＹＯＫＯＨＡＭＡ and yokohama all find 横浜市."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rdflib.namespace import RDFS

from citykg import sparql
from citykg.api.relations import AmbiguousCity, CityNotFound
from citykg.core.terms import CKG, ID
from citykg.core.text import fold

# the classes the index holds, with their kinds (bound into sparql/internal/index-*.rq)
KINDS = [(CKG.City, "city"), (CKG.Ward, "ward"), (CKG.Prefecture, "prefecture"),
         (CKG.Division, "division")]
# a Japanese municipality's name ends in 市/区/町/村, its reading in シ/ク/チョウ/マチ/ソン/ムラ
READINGS = {"市": ("シ",), "区": ("ク",), "町": ("チョウ", "マチ"), "村": ("ソン", "ムラ")}
QUERY_SUFFIXES = ("市", "city", "shi", "-shi")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
QID = re.compile(r"^[Qq][1-9]\d{0,11}$")


@dataclass
class City:
    iri: str
    kind: str = "city"
    id: str | None = None
    code: str | None = None
    wikidata: str | None = None
    country: str | None = None
    parent: str | None = None
    label_ja: str | None = None
    label_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    relations: int = 0

    def rank(self) -> tuple:
        # cities with relations, then cities (市, or abroad), then towns and wards
        town = self.kind != "city" or bool(self.code and not (self.label_ja or "").endswith("市"))
        return (self.relations == 0, town, -self.relations, len(self.label_ja or ""), self.iri)


class CityIndex:
    def __init__(self, backend, version: str):
        self.version = version
        self.cities: dict[str, City] = {}
        self.countries: dict[str, dict] = {}
        self._keys: dict[str, set[str]] = {}
        self._load(backend)
        self._sorted = sorted(self._keys)

    # building ------------------------------------------------------------------------
    def _load(self, backend) -> None:
        for r in backend.select(sparql.text("index-entities", {("cls", "kind"): KINDS})):
            c = self.cities.setdefault(r["e"].value, City(r["e"].value, r["kind"].value))
            c.id = c.id or _value(r, "slug")
            c.code = c.code or _value(r, "code")
            c.country = c.country or _value(r, "country")
            c.parent = c.parent or _value(r, "parent")
            if "wd" in r:
                c.wikidata = r["wd"].value.rsplit("/", 1)[-1]
        for r in backend.select(sparql.text("index-names", {("cls", "kind"): KINDS})):
            c, lit = self.cities[r["e"].value], r["l"]
            lang = getattr(lit, "language", None)
            if r["p"].value == str(RDFS.label) and lang == "ja" and not c.label_ja:
                c.label_ja = lit.value
            elif r["p"].value == str(RDFS.label) and lang == "en" and not c.label_en:
                c.label_en = lit.value
            elif lit.value not in c.aliases:
                c.aliases.append(lit.value)
        for r in backend.select(sparql.text("relation-counts")):
            if r["e"].value in self.cities:
                self.cities[r["e"].value].relations = int(r["n"].value)
        for r in backend.select(sparql.text("index-countries")):
            info = self.countries.setdefault(r["c"].value, {"iri": r["c"].value, "names": set()})
            if "code" in r:
                info["code"] = r["code"].value
                info["names"].add(fold(r["code"].value))
            if "l" in r:
                info["names"].add(fold(r["l"].value))
                lang = getattr(r["l"], "language", None)
                if lang in ("ja", "en"):
                    info.setdefault(f"label_{lang}", r["l"].value)
        for c in self.cities.values():
            c.id = c.id or c.iri.rsplit("/", 1)[-1]
            for key in self._names(c):
                self._keys.setdefault(key, set()).add(c.iri)

    @staticmethod
    def _names(c: City) -> set[str]:
        names = {n for n in (c.label_ja, c.label_en, c.id, c.code, c.wikidata, *c.aliases)
                 if n}
        keys = {fold(n) for n in names}
        ja = c.label_ja or ""
        for suffix, readings in READINGS.items():
            if ja.endswith(suffix) and len(ja) > len(suffix):
                keys.add(fold(ja[: -len(suffix)]))
                keys |= {k[: -len(r)] for k in keys for r in map(fold, readings)
                         if k.endswith(r) and len(k) > len(r)}
        return {k for k in keys if k}

    # reading -------------------------------------------------------------------------
    def search(self, text: str, limit: int = 20) -> list[City]:
        forms = query_forms(text)
        scored: dict[str, tuple] = {}
        for score, iris in self._matches(forms):
            if score == 2 and len(scored) >= limit:
                break
            for iri in iris:
                scored[iri] = min(scored.get(iri, (9,)), (score, *self.cities[iri].rank()))
        return [self.cities[i] for i in sorted(scored, key=scored.__getitem__)[:limit]]

    def _matches(self, forms: list[str]):
        """(0, exact matches), (1, prefix matches)…, then (2, substring matches), lazily."""
        for f in forms:
            yield 0, self._keys.get(f, ())
        for f in forms:
            i = bisect.bisect_left(self._sorted, f)
            while i < len(self._sorted) and self._sorted[i].startswith(f):
                yield 1, self._keys[self._sorted[i]]
                i += 1
        if forms and len(forms[0]) >= 2:
            yield 2, {i for k in self._sorted if forms[0] in k for i in self._keys[k]}

    def resolve(self, text: str) -> str | None:
        """The IRI of the city `text` names exactly (IRI, slug, code, Q-id, name), or None
        when no city or several equally likely cities answer to it."""
        found = self.named(text)
        if len(found) > 1 and found[0].rank()[:2] == found[1].rank()[:2]:
            return None
        return found[0].iri if found else None

    def named(self, text: str) -> list[City]:
        """The cities `text` names exactly, most likely first."""
        text = text.strip()
        if text in self.cities:
            return [self.cities[text]]
        if QID.match(text):
            found = [c for c in self.cities.values() if c.wikidata == text.upper()]
        else:
            found = [self.cities[i] for f in query_forms(text)[:1] for i in self._keys.get(f, ())]
            if not found:
                found = [self.cities[i] for f in query_forms(text)[1:] for i in self._keys.get(f, ())]
        return sorted({c.iri: c for c in found}.values(), key=City.rank)

    def country(self, text: str) -> str | None:
        text = text.strip()
        if text in self.countries:
            return text
        key = fold(text)
        found = [iri for iri, info in self.countries.items() if key in info["names"]]
        if not found and re.fullmatch(r"[a-z]{2}", key):
            # a country the gazetteer only names through its cities' ckg:country
            iri = str(ID[f"country/{key}"])
            found = [iri] if any(c.country == iri for c in self.cities.values()) else []
        return found[0] if len(found) == 1 else None

    def country_info(self, iri: str | None) -> dict | None:
        info = self.countries.get(iri or "")
        if not info:
            return None
        return {"iri": iri, "code": info.get("code"), "label_ja": info.get("label_ja"),
                "label_en": info.get("label_en")}

    def hit(self, c: City) -> dict:
        return {"id": c.id, "label_ja": c.label_ja, "label_en": c.label_en,
                "wikidata": c.wikidata, "code": c.code, "country": self.country_info(c.country),
                "iri": c.iri, "kind": c.kind, "aliases": c.aliases, "relations": c.relations,
                "parent_city": self.ref(c.parent)}

    def ref(self, iri: str | None) -> dict | None:
        c = self.cities.get(iri or "")
        return c and {"id": c.id, "label_ja": c.label_ja, "label_en": c.label_en,
                      "wikidata": c.wikidata, "iri": c.iri}


def resolve_city(index: CityIndex, text: str) -> str:
    """The IRI of the one city `text` names, for the API and the command line alike; else
    CityNotFound saying none, or AmbiguousCity naming several."""
    found = index.resolve(text)
    if found:
        return found
    named = index.named(text)
    if named:
        listed = ", ".join(c.id or c.iri for c in named[:5])
        raise AmbiguousCity(f"{text.strip()!r} names {len(named)} cities: {listed} (use an id)")
    raise CityNotFound(f"no city called {text.strip()!r}")


def query_forms(text: str) -> list[str]:
    """The folded forms of what a user typed: as is first, then without a city suffix."""
    t = fold(text)
    forms = [t]
    if t.startswith("cityof") and len(t) > 6:
        forms.append(t[6:])
    for suffix in QUERY_SUFFIXES:
        s = fold(suffix)
        if t.endswith(s) and len(t) > len(s):
            forms.append(t[: -len(s)])
    return [f for f in dict.fromkeys(forms) if f]


def _value(row: dict, name: str) -> str | None:
    return row[name].value if name in row else None


def is_iri(text: str) -> bool:
    return bool(IRI.match(text.strip()))

