"""Documents against Wikidata, per city and partner, from the store alone (the documents'
graphs and the Wikidata graph a link run wrote):

- **agree**: a document states an agreement and Wikidata has P190 between the two items;
- **conflict**: both have it but the type differs (the document's is a cooperation agreement,
  not a twinning) or the start years differ;
- **document_only**: a document states it and Wikidata lacks it (what QuickStatements gives
  back), also when the partner has no Q-id yet (then nothing can be given back);
- **wikidata_only**: Wikidata has it and no document states it.

Each pair also says which P190 directions Wikidata has (`city→partner`, `partner→city`):
Wikidata wants the statement on both items. The cities compared are the documents'
publishers, or the city asked for.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from citykg import sparql
from citykg.core.entities import describe
from citykg.wikidata import wiki_url
from citykg.wikidata.local import DOC_GRAPHS, WIKIDATA, Agreement, agreements

TWINNING = {"sister", "friendship", "partner", "twinning"}


@dataclass
class Source:
    document: str  # the file name
    iri: str  # the document's IRI
    lines: str | None
    url: str | None = None  # where the document is published, when the graph knows
    qid: str | None = None  # the document's own Wikidata item, when it has one

    def as_dict(self) -> dict:
        return {"document": self.document, "lines": self.lines, "iri": self.iri,
                "url": self.url, "wikidata": self.qid}


@dataclass
class Pair:
    city: dict
    partner: dict
    status: str = ""  # agree | conflict | document_only | wikidata_only
    doc_types: list[str] = field(default_factory=list)
    doc_start: str | None = None
    doc_precision: str | None = None
    doc_derived: bool = False
    sources: list[Source] = field(default_factory=list)
    wd_directions: list[str] = field(default_factory=list)  # city→partner, partner→city
    wd_start: str | None = None
    wd_end: str | None = None
    conflicts: list[str] = field(default_factory=list)
    note: str = ""
    doc_end: str | None = None  # a document says the twinning ended then

    @property
    def missing_directions(self) -> list[str]:
        """The P190 statements Wikidata lacks for a pair a document states."""
        if not self.doc_types or not (TWINNING & set(self.doc_types)):
            return []
        return [d for d in ("city→partner", "partner→city") if d not in self.wd_directions]

    def as_dict(self) -> dict:
        return {"city": self.city, "partner": self.partner, "status": self.status,
                "document": None if not self.doc_types else {
                    "types": self.doc_types, "start": self.doc_start,
                    "start_derived": self.doc_derived, "end": self.doc_end,
                    "sources": [s.as_dict() for s in self.sources]},
                "wikidata": None if not self.wd_directions else {
                    "directions": self.wd_directions, "start": self.wd_start,
                    "end": self.wd_end,
                    "urls": [wiki_url(q) for q in self._stating()]},
                "conflicts": self.conflicts, "missing": self.missing_directions,
                "note": self.note or None}

    def _stating(self) -> list[str]:
        qids = {"city→partner": self.city.get("wikidata"),
                "partner→city": self.partner.get("wikidata")}
        return [qids[d] for d in self.wd_directions if qids.get(d)]


def publishers(store) -> list[str]:
    return sorted(r["city"].value for r in store.select(sparql.text("publishers", docs=DOC_GRAPHS)))


def compare(store, cities: list[str] | None = None) -> list[Pair]:
    """The pairs of each city (IRIs; default: every document's publisher)."""
    cities = cities if cities is not None else publishers(store)
    if not cities:
        return []
    docs = [a for a in agreements(store) if a.a in cities]
    statements = store.select(sparql.text("wikidata-statements", wikidata_graph=WIKIDATA,
                                         city=[ox.NamedNode(c) for c in cities]))
    iris = set(cities) | {a.b for a in docs} | {r["other"].value for r in statements}
    info = describe(store, sorted(iris))
    qid = _qids(store, iris)
    for iri, data in info.items():
        data["wikidata"] = data.get("wikidata") or qid.get(iri)
    sources = _sources(store, docs)
    pairs: dict[tuple[str, str], Pair] = {}

    def pair(city: str, partner: str) -> Pair:
        key = (city, qid.get(partner) or partner)
        if key not in pairs:
            pairs[key] = Pair(_ref(info, city), _ref(info, partner))
        return pairs[key]

    for a in docs:
        p = pair(a.a, a.b)
        if a.kind not in p.doc_types:
            p.doc_types.append(a.kind)
        if a.start and (not p.doc_start or a.start < p.doc_start):
            p.doc_start, p.doc_precision, p.doc_derived = a.start, a.precision, a.derived
        if a.end and (not p.doc_end or a.end > p.doc_end):
            p.doc_end = a.end
        for s in sources.get((a.iri, a.graph), []):
            if s not in p.sources:
                p.sources.append(s)
    for r in statements:
        city, other = r["city"].value, r["other"].value
        p = pair(city, other)
        stated_by = r["item"].value.rsplit("/", 1)[-1]
        direction = "city→partner" if stated_by == qid.get(city) else "partner→city"
        if direction not in p.wd_directions:
            p.wd_directions.append(direction)
        if "start" in r and (not p.wd_start or r["start"].value < p.wd_start):
            p.wd_start = r["start"].value
        if "end" in r:
            p.wd_end = max(p.wd_end or "", r["end"].value)
    for p in pairs.values():
        _judge(p)
    order = {"conflict": 0, "document_only": 1, "agree": 2, "wikidata_only": 3}
    return sorted(pairs.values(), key=lambda p: (
        p.city.get("label_en") or "", order[p.status], p.partner.get("label_en") or "",
        p.partner.get("iri") or ""))


def _judge(p: Pair) -> None:
    p.wd_directions.sort()
    if p.doc_types and p.wd_directions:
        p.status = "agree"
        if not TWINNING & set(p.doc_types):
            p.conflicts.append(f"type: the document states a {'/'.join(p.doc_types)} agreement, "
                               "Wikidata a twinning (P190)")
        if p.doc_start and p.wd_start and p.doc_start[:4] != p.wd_start.lstrip("+")[:4]:
            derived = " (derived)" if p.doc_derived else ""
            p.conflicts.append(f"start year: document {p.doc_start[:4]}{derived}, "
                               f"Wikidata {p.wd_start[:4]}")
        if p.conflicts:
            p.status = "conflict"
    elif p.doc_types:
        p.status = "document_only"
        if not p.partner.get("wikidata"):
            p.note = "the partner has no Wikidata id: nothing to compare or give back"
        elif not p.city.get("wikidata"):
            p.note = "the city has no Wikidata id"
    else:
        p.status = "wikidata_only"


def _ref(info: dict, iri: str) -> dict:
    data = info.get(iri) or {"id": iri.rsplit("/", 1)[-1], "iri": iri}
    return {k: data.get(k) for k in ("id", "label_ja", "label_en", "wikidata", "iri")}


def _qids(store, iris: set[str]) -> dict[str, str]:
    if not iris:
        return {}
    rows = store.select(sparql.text("wikidata-ids", e=[ox.NamedNode(i) for i in sorted(iris)]))
    out: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: r["wd"].value):
        out.setdefault(r["e"].value, r["wd"].value.rsplit("/", 1)[-1])
    return out


def _sources(store, docs: list[Agreement]) -> dict[tuple[str, str], list[Source]]:
    if not docs:
        return {}
    graphs = sorted({a.graph for a in docs})
    meta: dict[str, dict] = {}
    for r in store.select(sparql.text("source-documents", g=[ox.NamedNode(g) for g in graphs])):
        m = meta.setdefault(r["g"].value, {"iri": r["doc"].value})
        for k in ("file", "url", "wd"):
            if k in r and k not in m:
                m[k] = r[k].value
    pairs = [(ox.NamedNode(a.iri), ox.NamedNode(a.graph))
             for a in {(a.iri, a.graph): a for a in docs}.values()]
    out: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for r in store.select(sparql.text("relation-spans", {("rel", "g"): pairs})):
        g = r["g"].value
        m = meta.get(g, {"iri": g})
        first, last = r["first"].value, r["last"].value
        out[(r["rel"].value, g)].append(Source(
            m.get("file") or m["iri"], m["iri"], first if first == last else f"{first}-{last}",
            m.get("url"), m["wd"].rsplit("/", 1)[-1] if m.get("wd") else None))
    for v in out.values():
        v.sort(key=lambda s: (s.document, int((s.lines or "0").split("-")[0])))
    return out


def summary(pairs: list[Pair]) -> list[dict]:
    """Counts per city."""
    by: dict[str, dict] = {}
    for p in pairs:
        c = by.setdefault(p.city["iri"], {"city": p.city, "agree": 0, "conflict": 0,
                                          "document_only": 0, "wikidata_only": 0})
        c[p.status] += 1
    return list(by.values())
