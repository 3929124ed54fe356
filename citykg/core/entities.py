"""What the store says of entities (labels, slug, Q-id, local government code, country): the
cards of `citykg relations`, the API's lookups and the Wikidata comparison. Works on any
store with `select`."""
from __future__ import annotations

import pyoxigraph as ox

PREFIXES = """PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""

ENTITY = PREFIXES + """
SELECT ?e ?slug ?label_ja ?label_en ?label ?qid ?country_ja ?country_en ?code WHERE {
  VALUES ?e { %(entities)s }
  OPTIONAL { ?e ckg:slug ?slug }
  OPTIONAL { ?e rdfs:label ?label_ja FILTER(LANG(?label_ja) = "ja") }
  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }
  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "") }
  OPTIONAL { ?e skos:exactMatch ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:))) }
  OPTIONAL { ?e ckg:localGovernmentCode ?code }
  OPTIONAL { ?e ckg:country ?c . ?c rdfs:label ?country_ja , ?country_en
             FILTER(LANG(?country_ja) = "ja" && LANG(?country_en) = "en") }
  BIND(STRAFTER(STR(?wd), STR(wd:)) AS ?qid)
}"""


def describe(store, iris: list[str]) -> dict[str, dict]:
    if not iris:
        return {}
    rows = store.select(ENTITY % {"entities": " ".join(str(ox.NamedNode(i)) for i in iris)})
    out: dict[str, dict] = {}
    for r in rows:
        iri = r["e"].value
        info = out.setdefault(iri, {"id": None, "label_ja": None, "label_en": None,
                                    "wikidata": None, "iri": iri})
        for k in ("label_ja", "label_en"):
            if k in r and not info[k]:
                info[k] = r[k].value
        if "label" in r and "label_en" not in r and not info["label_en"]:
            info["label_en"] = r["label"].value  # language unknown (a Wikidata-only partner)
        if "slug" in r:
            info["id"] = r["slug"].value
        if r.get("qid") and r["qid"].value:
            info["wikidata"] = r["qid"].value
        if "code" in r:
            info["code"] = r["code"].value
        if "country_ja" in r:
            info["country"] = {"label_ja": r["country_ja"].value,
                               "label_en": r["country_en"].value}
    for iri, info in out.items():
        info["id"] = info["id"] or iri.rsplit("/", 1)[-1]
    return out
