"""A node's statements as a JSON-LD object with an @context (compact predicate and class
names, full IRIs for nodes)."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from citykg.core.terms import CKG, SCHEMA, WD

CONTEXT = {"ckg": str(CKG), "rdfs": str(RDFS), "skos": str(SKOS), "prov": str(PROV),
           "dcterms": str(DCTERMS), "owl": str(OWL), "schema": str(SCHEMA), "wd": str(WD),
           "xsd": str(XSD)}
MEDIA_TYPE = "application/ld+json"


def compact(iri: str) -> str:
    for prefix, ns in CONTEXT.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def node(iri: str, rows: list[dict]) -> dict:
    """The JSON-LD object of `iri` from rows of ?p ?o."""
    doc: dict = {"@context": CONTEXT, "@id": iri}
    for r in rows:
        p, o = r["p"], r["o"]
        if p.value == str(RDF.type):
            types = doc.setdefault("@type", [])
            if compact(o.value) not in types:
                types.append(compact(o.value))
            continue
        values = doc.setdefault(compact(p.value), [])
        value = _value(o)
        if value not in values:
            values.append(value)
    return doc


def _value(term) -> dict | str:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == str(XSD.string):
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}
