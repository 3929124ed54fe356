"""The gazetteer as RDF: every city, country, world region, network and Japanese local
government the bundled gazetteer knows, in its own named graph, each traced to its file."""
from __future__ import annotations

import pyoxigraph as ox

from citykg.core.gazetteer import Entity, Gazetteer
from citykg.core.terms import ALT, CKG, DERIVED, EXACT, GRAPH, ID, LABEL, RDF_TYPE, SEE_ALSO, n, wikidata_iri
from citykg.loaders.map import lit

GAZETTEER_GRAPH = str(GRAPH.gazetteer)
JAPAN_GRAPH = str(GRAPH["jp-municipalities"])
CLASSES = {"city": CKG.City, "country": CKG.Country, "region": CKG.WorldRegion,
           "network": CKG.CityNetwork, "intl_org": CKG.InternationalOrganization,
           "prefecture": CKG.Prefecture, "ward": CKG.Ward}


def gazetteer_triples(*gazetteers: Gazetteer) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    files = set()
    for gaz in gazetteers:
        for entity in gaz.entities:
            if entity.source not in files:
                files.add(entity.source)
                out += source_triples(entity.source)
            out += entity_triples(entity)
    return out


def source_triples(file_name: str) -> list[ox.Triple]:
    src = ox.NamedNode(str(ID[f"source/{file_name}"]))
    return [ox.Triple(src, RDF_TYPE, n(CKG.SourceDocument)),
            ox.Triple(src, n(CKG.fileName), lit(f"data/gazetteer/{file_name}")),
            ox.Triple(src, LABEL, lit(f"{file_name} (citykg gazetteer)", lang="en")),
            ox.Triple(src, LABEL, lit(f"{file_name}（citykg 地名辞書）", lang="ja"))]


def entity_triples(e: Entity) -> list[ox.Triple]:
    node = ox.NamedNode(e.iri)
    span = ox.NamedNode(str(ID[f"span/gazetteer/{e.source}/{e.line}-{e.line}"]))
    source = ox.NamedNode(str(ID[f"source/{e.source}"]))
    t = [ox.Triple(node, RDF_TYPE, n(CLASSES[e.kind])),
         ox.Triple(node, LABEL, lit(e.label_ja or e.label_en, lang="ja")),
         ox.Triple(node, LABEL, lit(e.label_en or e.label_ja, lang="en")),
         ox.Triple(node, n(CKG.slug), lit(e.key)),
         ox.Triple(node, DERIVED, span),
         ox.Triple(span, RDF_TYPE, n(CKG.SourceSpan)),
         ox.Triple(span, n(CKG.inDocument), source),
         ox.Triple(span, n(CKG.firstLine), lit(e.line, "integer")),
         ox.Triple(span, n(CKG.lastLine), lit(e.line, "integer"))]
    if e.division:  # a state or province abroad: a party like a city
        t.append(ox.Triple(node, RDF_TYPE, n(CKG.Division)))
    t += [ox.Triple(node, ALT, lit(a, lang="ja" if not a.isascii() else "en"))
          for a in e.aliases if a]
    if e.wikidata:
        t.append(ox.Triple(node, EXACT, wikidata_iri(e.wikidata)))
    if e.kind == "country":
        t.append(ox.Triple(node, n(CKG.countryCode), lit(e.key.upper())))
    elif e.country:
        t.append(ox.Triple(node, n(CKG.country), ox.NamedNode(str(ID[f"country/{e.country}"]))))
    if e.code:
        from citykg.core.jp_gazetteer import estat_area_iri

        t.append(ox.Triple(node, n(CKG.localGovernmentCode), lit(e.code)))
        t.append(ox.Triple(node, SEE_ALSO, ox.NamedNode(estat_area_iri(e.code))))
        if e.parent and e.kind == "ward":
            t.append(ox.Triple(node, n(CKG.parentCity), ox.NamedNode(str(ID[f"city/jp/{e.parent}"]))))
        elif e.parent and e.kind == "city":
            t.append(ox.Triple(node, n(CKG.inRegion), ox.NamedNode(str(ID[f"region/jp/{e.parent}"]))))
    if e.lat and e.lon:
        t += [ox.Triple(node, n(CKG.latitude), lit(e.lat, "decimal")),
              ox.Triple(node, n(CKG.longitude), lit(e.lon, "decimal"))]
    return t
