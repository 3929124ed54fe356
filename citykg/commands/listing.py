"""Listing the cities of the graph (`citykg cities`): Japanese local governments with their
codes, prefecture and parent city, or every city with its country."""
from __future__ import annotations

import pyoxigraph as ox

from citykg.api.relations import PREFIXES
from citykg.core.terms import GRAPH

JAPAN = PREFIXES + """
SELECT ?code ?name ?kana ?romaji ?kind ?prefecture ?parent WHERE {
  GRAPH %(graph)s {
    ?e ckg:localGovernmentCode ?code ; rdfs:label ?name , ?romaji ; a ?cls .
    FILTER(LANG(?name) = "ja" && LANG(?romaji) = "en")
    VALUES (?cls ?kind) { (ckg:City "city") (ckg:Ward "ward") }
    OPTIONAL { ?e skos:altLabel ?kana FILTER(LANG(?kana) = "ja") }
    OPTIONAL { ?e ckg:parentCity ?p . ?p rdfs:label ?parent FILTER(LANG(?parent) = "ja") }
    OPTIONAL { ?e ckg:inRegion|(ckg:parentCity/ckg:inRegion) ?r .
               ?r rdfs:label ?prefecture FILTER(LANG(?prefecture) = "ja") }
  }
} ORDER BY ?code"""

WORLD = PREFIXES + """
SELECT ?id ?name ?name_en ?country ?wikidata WHERE {
  ?e a ckg:City ; ckg:slug ?id ; rdfs:label ?name , ?name_en .
  FILTER(LANG(?name) = "ja" && LANG(?name_en) = "en")
  OPTIONAL { ?e ckg:country/rdfs:label ?country FILTER(LANG(?country) = "en") }
  OPTIONAL { ?e skos:exactMatch ?w BIND(STRAFTER(STR(?w), "entity/") AS ?wikidata) }
} ORDER BY ?country ?id"""


def list_cities(store, jp: bool, prefecture: str | None = None) -> list[dict]:
    if not jp and not prefecture:
        return [{k: v.value for k, v in row.items()} for row in store.select(WORLD)]
    rows = [{k: (row[k].value if k in row else None)
             for k in ("code", "name", "kana", "romaji", "kind", "prefecture", "parent")}
            for row in store.select(JAPAN % {"graph": ox.NamedNode(str(GRAPH["jp-municipalities"]))})]
    if prefecture:
        p = prefecture.strip()
        rows = [r for r in rows if r["prefecture"] and (
            r["prefecture"] == p or r["prefecture"].rstrip("都道府県") == p.rstrip("都道府県")
            or (p.isdigit() and r["code"].startswith(p.zfill(2))))]
    return rows
