"""The Wikidata graph (graph/wikidata): what a link run adds, kept apart from the documents'
graphs so a reader can always tell the reports' word from Wikidata's.

- `<entity> skos:exactMatch wd:Q…` for each new link (the gazetteer graph states its own);
- for each linked city and prefecture, every P190 statement of the snapshot about it, in
  either direction, as a node `id/wd/P190/{Qa}-{Qb}` (a ckg:Agreement between the two
  ckg:party, prov:wasDerivedFrom the item that states it: wd:Qa; ckg:startDate and
  ckg:endDate with ckg:datePrecision from P580 and P582; ckg:status "ended" when it has an
  end), and the ckg:twinnedWith shortcut both ways;
- a partner not in our graph becomes a city of its own, `id/wd/{Q}`, with the snapshot's
  labels (@en, @ja; the 2016 crawl's label, whose language is unknown, untagged), country,
  coordinates and population, prov:wasDerivedFrom its item;
- for our linked entities, the country, coordinates and population the snapshot knows and our
  graph lacks;
- the graph itself: a prov:Entity with its source, retrieval date and CC0 licence.
"""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from citykg.core.terms import (
    ALT,
    CC0,
    CKG,
    DERIVED,
    DESCRIPTION,
    EXACT,
    GENERATED,
    ID,
    LABEL,
    LICENSE,
    PROV_ENTITY,
    RDF_TYPE,
    SOURCE,
    n,
    xsd,
)
from citykg.core.terms import wikidata_iri as wd
from citykg.wikidata import WIKIDATA_GRAPH
from citykg.wikidata.link import Decision
from citykg.wikidata.local import Local
from citykg.wikidata.snapshot import Item, Snapshot, Twin

ENRICHED_KINDS = ("city", "prefecture")
CLASS_OF_TYPE = {"country": CKG.Country, "region": CKG.Region}
PRECISION = {4: ("gYear", "year"), 7: ("gYearMonth", "month"), 10: ("date", "day")}


def minted_iri(qid: str) -> str:
    return str(ID[f"wd/{qid}"])


def statement_iri(t: Twin) -> str:
    return str(ID[f"wd/P190/{t.qid}-{t.twin}"])


def date_literal(value: str) -> tuple[ox.Literal, str]:
    kind, precision = PRECISION[len(value.lstrip("-"))]
    return ox.Literal(value, datatype=xsd(kind)), precision


def triples(decisions: list[Decision], local: dict[str, Local], snap: Snapshot,
            now: dt.datetime | None = None) -> list[ox.Triple]:
    now = now or dt.datetime.now(dt.UTC)
    out: list[ox.Triple] = []
    seen: set[ox.Triple] = set()

    def add(s, p, o) -> None:
        t = ox.Triple(s, p, o)
        if t not in seen:
            seen.add(t)
            out.append(t)

    graph = ox.NamedNode(WIKIDATA_GRAPH)
    add(graph, RDF_TYPE, PROV_ENTITY)
    add(graph, LABEL, ox.Literal("Wikidata: links and twinnings (P190)", language="en"))
    add(graph, LABEL, ox.Literal("Wikidata：リンクと姉妹都市（P190）", language="ja"))
    add(graph, SOURCE, ox.NamedNode("https://www.wikidata.org/"))
    add(graph, LICENSE, CC0)
    add(graph, DESCRIPTION, ox.Literal(f"From the snapshot {snap.summary()}"))
    add(graph, GENERATED, ox.Literal(now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                     datatype=xsd("dateTime")))

    ours: dict[str, str] = {}
    for d in decisions:
        if d.linked:
            ours.setdefault(d.qid, d.entity.iri)
            if d.new:
                add(ox.NamedNode(d.entity.iri), EXACT, wd(d.qid))
    countries = {d.qid: d.entity.iri for d in decisions if d.linked and d.entity.kind == "country"}

    for d in decisions:
        if not d.linked or d.qid not in snap.items:
            continue
        _facts(add, local[d.entity.iri], snap.items[d.qid], countries)
    minted: set[str] = set()
    for d in decisions:
        if not d.linked or d.entity.kind not in ENRICHED_KINDS or ours.get(d.qid) != d.entity.iri:
            continue
        for t in snap.statements(d.qid):
            ends = []
            for q in (t.qid, t.twin):
                if q not in ours and q not in minted:
                    minted.add(q)
                    _mint(add, q, snap.items.get(q), countries)
                ends.append(ox.NamedNode(ours.get(q) or minted_iri(q)))
            _statement(add, t, ends[0], ends[1], snap)
    return out


def _facts(add, e: Local, item: Item, countries: dict[str, str]) -> None:
    node = ox.NamedNode(e.iri)
    if item.lat and item.lon and "latitude" not in e.has:
        add(node, n(CKG.latitude), ox.Literal(item.lat, datatype=xsd("decimal")))
        add(node, n(CKG.longitude), ox.Literal(item.lon, datatype=xsd("decimal")))
    if item.population and "population" not in e.has:
        add(node, n(CKG.population), ox.Literal(item.population,
                                                datatype=xsd("integer")))
    if item.country in countries and "country" not in e.has and e.kind != "country":
        add(node, n(CKG.country), ox.NamedNode(countries[item.country]))


def _mint(add, qid: str, item: Item | None, countries: dict[str, str]) -> None:
    node = ox.NamedNode(minted_iri(qid))
    add(node, RDF_TYPE, n(CLASS_OF_TYPE.get(item.type if item else "", CKG.City)))
    add(node, EXACT, wd(qid))
    add(node, DERIVED, wd(qid))
    if item is None:
        add(node, LABEL, ox.Literal(qid))
        return
    if item.label_en:
        add(node, LABEL, ox.Literal(item.label_en, language="en"))
    if item.label_ja:
        add(node, LABEL, ox.Literal(item.label_ja, language="ja"))
    if item.label and not item.label_en:
        add(node, LABEL, ox.Literal(item.label))  # language unknown: untagged
    if not (item.label_en or item.label_ja or item.label):
        add(node, LABEL, ox.Literal(item.aliases[0] if item.aliases else qid))
    for alias in item.aliases:
        add(node, ALT, ox.Literal(alias))
    _facts(add, Local(node.value, "city"), item, countries)


def _statement(add, t: Twin, a: ox.NamedNode, b: ox.NamedNode, snap: Snapshot) -> None:
    node = ox.NamedNode(statement_iri(t))
    add(node, RDF_TYPE, n(CKG.Agreement))
    add(node, n(CKG.party), a)
    add(node, n(CKG.party), b)
    add(node, DERIVED, wd(t.qid))
    names = [snap.items[q].display if q in snap.items else q for q in (t.qid, t.twin)]
    add(node, LABEL, ox.Literal(f"{names[0]} – {names[1]} (Wikidata P190, stated by {t.qid})",
                                language="en"))
    if t.start:
        literal, precision = date_literal(t.start)
        add(node, n(CKG.startDate), literal)
        add(node, n(CKG.datePrecision), ox.Literal(precision))
    if t.end:
        add(node, n(CKG.endDate), date_literal(t.end)[0])
    add(node, n(CKG.status), ox.Literal("ended" if t.end else "active"))
    add(a, n(CKG.twinnedWith), b)
    add(b, n(CKG.twinnedWith), a)
