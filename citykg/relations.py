"""A city's typed relations in both directions, with dates and sources: the JSON of
`citykg relations` and the API's relationship lookup. Works on any store with `select`."""
from __future__ import annotations

import re

import pyoxigraph as ox

PREFIXES = """PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""
AGREEMENT_TYPES = {"SisterCityAgreement": "sister", "FriendshipCityAgreement": "friendship",
                   "PartnerCityAgreement": "partner", "TwinningAgreement": "twinning",
                   "CooperationAgreement": "cooperation"}
RELATION_TYPES = (*AGREEMENT_TYPES.values(), "office", "network", "aid")

RELATIONS = PREFIXES + """
SELECT ?rel ?kind ?partner ?start ?end ?derived ?status ?item ?graph WHERE {
  {
    VALUES ?city { %(city)s }
    GRAPH ?graph { ?rel ckg:party ?city , ?partner ; a ?cls . }
    FILTER(?partner != ?city)
    VALUES (?cls ?kind) { (ckg:TwinningAgreement "twinning") (ckg:SisterCityAgreement "sister")
                          (ckg:FriendshipCityAgreement "friendship") (ckg:PartnerCityAgreement "partner")
                          (ckg:CooperationAgreement "cooperation") }
    # a twinning of unstated type, unless a narrower class says which
    FILTER(?cls != ckg:TwinningAgreement || NOT EXISTS { ?rel a ?narrower .
      VALUES ?narrower { ckg:SisterCityAgreement ckg:FriendshipCityAgreement ckg:PartnerCityAgreement } })
    OPTIONAL { GRAPH ?graph { ?rel ckg:startDate ?start } }
    OPTIONAL { GRAPH ?graph { ?rel ckg:startDerived ?derived } }
    OPTIONAL { GRAPH ?graph { ?rel ckg:status ?status } }
    OPTIONAL { GRAPH ?graph { ?rel ckg:endDate ?end } }
  } UNION {
    VALUES ?city { %(city)s }
    GRAPH ?graph { ?rel ckg:operatedBy ?city ; a ckg:OverseasOffice . }
    OPTIONAL { ?rel ckg:hostCity ?host } OPTIONAL { ?rel ckg:coversRegion ?region }
    BIND(COALESCE(?host, ?region, ?rel) AS ?partner) BIND("office" AS ?kind)
  } UNION {
    VALUES ?city { %(city)s }
    GRAPH ?graph { ?rel ckg:member ?city ; ckg:network ?partner . }
    BIND("network" AS ?kind)
  } UNION {
    { VALUES ?city { %(city)s } GRAPH ?graph { ?rel ckg:provider ?city ; ckg:recipient ?partner } }
    UNION { VALUES ?city { %(city)s } GRAPH ?graph { ?rel ckg:recipient ?city ; ckg:provider ?partner } }
    BIND("aid" AS ?kind)
  } UNION {
    # Wikidata's P190 statements (graph/wikidata, citykg.wikidata.enrich): a node for each,
    # derived from the item that states it
    VALUES ?city { %(city)s }
    GRAPH ?graph { ?rel a ckg:Agreement ; ckg:party ?city , ?partner ; prov:wasDerivedFrom ?item }
    FILTER(?partner != ?city && STRSTARTS(STR(?item), STR(wd:)))
    BIND("sister" AS ?kind)
    OPTIONAL { GRAPH ?graph { ?rel ckg:startDate ?start } }
    OPTIONAL { GRAPH ?graph { ?rel ckg:endDate ?end } }
    OPTIONAL { GRAPH ?graph { ?rel ckg:status ?status } }
  }
}"""
# VALUES ?city is repeated in every branch: Oxigraph does not push an outer VALUES into a
# UNION, and each branch would scan every agreement in the store (seconds on a 1M store)
# the lines each relation was read from; a query of its own, as an OPTIONAL of several
# patterns after the UNION above makes Oxigraph scan every span in the store (30x slower)
SOURCES = PREFIXES + """
SELECT ?rel ?graph ?first ?last ?file ?page ?sheet ?row ?column WHERE {
  VALUES (?rel ?graph) { %(pairs)s }
  GRAPH ?graph { ?rel prov:wasDerivedFrom ?span .
                 ?span ckg:firstLine ?first ; ckg:lastLine ?last ; ckg:inDocument ?doc . }
  OPTIONAL { GRAPH ?graph { ?doc ckg:fileName ?file } }
  OPTIONAL { GRAPH ?graph { ?span ckg:page ?page } }
  OPTIONAL { GRAPH ?graph { ?span ckg:row ?row OPTIONAL { ?span ckg:sheet ?sheet }
                                               OPTIONAL { ?span ckg:column ?column } } }
}"""

FISCAL_YEARS = PREFIXES + """
SELECT ?graph ?year WHERE { VALUES ?graph { %(graphs)s } GRAPH ?graph { ?doc ckg:fiscalYear ?year } }"""

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

PARTY_CLASSES = "ckg:City ckg:Ward ckg:Prefecture ckg:Division"  # what a lookup may name


class CityNotFound(LookupError):
    pass


class AmbiguousCity(CityNotFound):
    pass


def find_city(store, text: str) -> str:
    """The IRI of the one city `text` names (IRI, label, alias, slug, code or Q-id): names
    are resolved by the API's name index (one rule for `citykg relations` and the API)."""
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text.strip()):
        return _city_by_iri(store, text.strip().strip("<>"))
    from citykg.api.search import CityIndex, resolve_city

    return resolve_city(CityIndex(store, version=""), text)


def _city_by_iri(store, iri: str) -> str:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise CityNotFound(f"not an IRI: {iri!r}") from None
    if not store.ask(PREFIXES + f"ASK {{ {node} a ?cls VALUES ?cls {{ {PARTY_CLASSES} }} }}"):
        raise CityNotFound(f"no city {iri}")
    return iri


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


def relations(store, city: str, *, with_: str | None = None, type_: str | None = None,
              since: int | None = None) -> dict:
    iri = find_city(store, city)
    other = find_city(store, with_) if with_ else None
    rows = store.select(RELATIONS % {"city": ox.NamedNode(iri)})
    spans = _sources(store, {(r["rel"], r["graph"]) for r in rows if "item" not in r})
    merged: dict[tuple, dict] = {}
    for r in rows:
        partner, kind = r["partner"].value, r["kind"].value
        if (other and partner != other) or (type_ and kind != type_):
            continue
        start = r["start"].value if "start" in r else None
        if since and (not start or int(start[:4]) < since):
            continue
        derived = r.get("derived") is not None and r["derived"].value in ("true", "1")
        # one relation per type and partner from the documents (each report that states it is
        # a source), and one from Wikidata
        origin = "wikidata" if "wikidata" in r["graph"].value else "document"
        rel = merged.setdefault((kind, partner, origin), {
            "type": kind, "partner": partner, "start": start, "start_derived": derived, "end": None,
            "status": r["status"].value if "status" in r else "active",
            "sources": [], "graph": r["graph"].value})
        if _better_start((start, derived), (rel["start"], rel["start_derived"])):
            rel["start"], rel["start_derived"] = start, derived
        if "item" in r:  # a Wikidata statement: the item stating it is its source
            _wikidata_statement(rel, r, start)
            continue
        if "status" in r:
            rel.setdefault("statuses", {})[r["graph"].value] = r["status"].value
        if "end" in r and (not rel.get("end") or r["end"].value > rel["end"]):
            rel["end"] = r["end"].value
        for source in spans.get((r["rel"].value, r["graph"].value), []):
            if source not in rel["sources"]:
                rel["sources"].append(source)
    _latest_status(store, merged.values())
    joined = _join_wikidata(merged)
    info = describe(store, [iri, *{r["partner"] for r in joined}])
    out = []
    for rel in joined:
        rel["partner"] = info.get(rel["partner"]) or {"id": rel["partner"], "iri": rel["partner"]}
        rel["origin"] = "wikidata" if "wikidata" in rel.pop("graph") else "document"
        rel.setdefault("origins", [rel["origin"]])
        rel["sources"].sort(key=lambda s: (s["document"], _line_key(s["lines"]),
                                           s.get("url") or ""))
        out.append(rel)
    out.sort(key=lambda r: (RELATION_TYPES.index(r["type"]), r["start"] or "9999",
                            r["partner"].get("label_en") or ""))
    return {"city": info[iri], "relations": out}


def _latest_status(store, rels) -> None:
    """Where reports differ on a relation's status (active in one year's, suspended in the
    next), the report of the latest fiscal year says what it is now."""
    differing = [rel for rel in rels if len(set(rel.get("statuses", {}).values())) > 1]
    ids = {id(rel) for rel in differing}
    graphs = {g for rel in differing for g in rel["statuses"]}
    years = {r["graph"].value: r["year"].value for r in store.select(FISCAL_YEARS % {
        "graphs": " ".join(str(ox.NamedNode(g)) for g in sorted(graphs))})} if graphs else {}
    for rel in rels:
        statuses = rel.pop("statuses", {})
        if id(rel) in ids:
            latest = max(statuses, key=lambda g: (years.get(g, ""), g))
            rel["status"] = statuses[latest]


def _join_wikidata(merged: dict[tuple, dict]) -> list[dict]:
    """One relation per pair: Wikidata's statement about a pair the documents state joins the
    documents' agreement with that partner (its type first), adding its source; where the
    two differ on the type or a date, `differences` lists each value with its origin and
    sources. Statements about pairs no document states stay relations of their own."""
    documents = [rel for (_, _, origin), rel in merged.items() if origin == "document"]
    out = list(documents)
    for (kind, partner, origin), wd in merged.items():
        if origin != "wikidata":
            continue
        same = [rel for rel in documents if rel["partner"] == partner
                and rel["type"] in AGREEMENT_TYPES.values()]
        if not same:
            out.append(wd)
            continue
        rel = next((r for r in same if r["type"] == kind), same[0])
        ours = list(rel["sources"])
        differences = {}
        if rel["type"] != wd["type"]:
            differences["type"] = (rel["type"], wd["type"])
        for key in ("start", "end"):
            a, b = rel[key], wd[key]
            if a and b and not (a.startswith(b) or b.startswith(a)):
                differences[key] = (a, b)
        if differences:
            rel.setdefault("differences", {}).update({key: [
                {"value": a, "origin": "document", "sources": ours},
                {"value": b, "origin": "wikidata", "sources": wd["sources"]}]
                for key, (a, b) in differences.items()})
        # a date Wikidata gives more precisely is taken; one that contradicts is only listed
        if "start" not in differences and _better_start((wd["start"], False),
                                                        (rel["start"], rel["start_derived"])):
            rel["start"], rel["start_derived"] = wd["start"], False
        rel["sources"] += [s for s in wd["sources"] if s not in rel["sources"]]
        rel["origins"] = ["document", "wikidata"]
    return out


def _better_start(new: tuple[str | None, bool], old: tuple[str | None, bool]) -> bool:
    """Of two sources' start dates: a stated one over a derived one, then the more precise
    (1959-11-17 over 1959), then the earlier."""
    (a, a_derived), (b, b_derived) = new, old
    if a is None or a == b:
        return False
    if b is None:
        return True
    return (a_derived, -len(a), a) < (b_derived, -len(b), b)


def _wikidata_statement(rel: dict, row: dict, start: str | None) -> None:
    """Fold one P190 statement into the relation: its item as a source, the earliest start
    and the latest end of the statements (both directions) about the pair."""
    qid = row["item"].value.rsplit("/", 1)[-1]
    source = {"document": "Wikidata", "lines": None,
              "url": f"https://www.wikidata.org/wiki/{qid}"}
    if source not in rel["sources"]:
        rel["sources"].append(source)
    rel.setdefault("end", None)
    if start and (not rel["start"] or start < rel["start"]):
        rel["start"] = start
    if "end" in row and (not rel["end"] or row["end"].value > rel["end"]):
        rel["end"] = row["end"].value
    if "status" in row and row["status"].value == "active":
        rel["status"] = "active"  # one statement without an end keeps the pair active


def _sources(store, pairs: set) -> dict[tuple[str, str], list[dict]]:
    """{(relation, graph): [{"document", "lines", "page"}]} for the relation nodes given
    (and `page`, a PDF's; `sheet`, `row`, `column`, a spreadsheet's)."""
    out: dict[tuple[str, str], list[dict]] = {}
    if not pairs:
        return out
    rows = store.select(SOURCES % {"pairs": " ".join(f"({rel} {graph})" for rel, graph in pairs)})
    for r in rows:
        first, last = r["first"].value, r["last"].value
        source = {"document": r["file"].value if "file" in r else r["graph"].value,
                  "lines": first if first == last else f"{first}-{last}"}
        if "page" in r:
            source["page"] = int(r["page"].value)
        if "row" in r:  # a spreadsheet's or CSV file's cell
            source.update({k: r[k].value if k == "sheet" else int(r[k].value)
                           for k in ("sheet", "row", "column") if k in r})
        out.setdefault((r["rel"].value, r["graph"].value), []).append(source)
    return out


def _line_key(lines: str | None) -> int:
    return int(lines.split("-")[0]) if lines else 0
