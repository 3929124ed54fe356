"""Stage 6, materialise: add what users query directly (the symmetric twinning shortcut, the
types implied by subclasses) and write graphs to the store in one transaction."""
from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import rdflib

from citykg.core.paths import ONTOLOGY_FILE
from citykg.core.terms import CKG, RDF_TYPE, n

TWINNING = {str(CKG.TwinningAgreement), str(CKG.SisterCityAgreement), str(CKG.FriendshipCityAgreement),
            str(CKG.PartnerCityAgreement)}


@cache
def superclasses() -> dict[str, tuple[str, ...]]:
    """Each ckg class and the named classes above it, from the ontology."""
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    result = {}
    for cls in set(graph.subjects(rdflib.RDF.type, rdflib.OWL.Class)):
        if isinstance(cls, rdflib.URIRef):
            above = {str(c) for c in graph.transitive_objects(cls, rdflib.RDFS.subClassOf)
                     if isinstance(c, rdflib.URIRef) and c != cls}
            result[str(cls)] = tuple(sorted(above))
    return result


def inferred(triples: list[ox.Triple]) -> list[ox.Triple]:
    supers = superclasses()
    out: list[ox.Triple] = []
    parties: dict[ox.NamedNode, list] = {}
    twinning = set()
    party = n(CKG.party)
    for t in triples:
        if t.predicate == RDF_TYPE:
            out += [ox.Triple(t.subject, RDF_TYPE, ox.NamedNode(c))
                    for c in supers.get(t.object.value, ())]
            if t.object.value in TWINNING:
                twinning.add(t.subject)
        elif t.predicate == party:
            parties.setdefault(t.subject, []).append(t.object)
    twinned = n(CKG.twinnedWith)
    for agreement in twinning:
        cities = parties.get(agreement, [])
        out += [ox.Triple(a, twinned, b) for a in cities for b in cities if a != b]
    return out


def with_inferences(triples: list[ox.Triple]) -> list[ox.Triple]:
    seen = set(triples)
    return triples + [t for t in dict.fromkeys(inferred(triples)) if t not in seen]
