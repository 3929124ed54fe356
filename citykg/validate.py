"""Validation: SHACL shapes over what the loaders extracted (pyshacl), and OWL consistency of
the ontology with the data (owlready2 + HermiT, Java needed)."""
from __future__ import annotations

import pyoxigraph as ox
import rdflib

from citykg.paths import ONTOLOGY_FILE, SHAPES_FILE


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode(), format="nt")
    return graph


def shacl(triples: list[ox.Triple], context: list[ox.Triple] = ()) -> tuple[bool, str]:
    """Validate extracted triples; `context` (e.g. the gazetteer) supplies the types of nodes
    they point at."""
    from pyshacl import validate

    data = to_rdflib(list(triples) + list(context))
    conforms, _, text = validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE),
                                 ont_graph=rdflib.Graph().parse(ONTOLOGY_FILE), inference="none",
                                 allow_warnings=True)
    return bool(conforms), text
