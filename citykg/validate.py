"""Validation: SHACL shapes over what the loaders extracted (pyshacl), and OWL consistency of
the ontology with the data (owlready2 + HermiT, Java needed)."""
from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

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


@cache
def single_valued() -> frozenset[str]:
    """The properties the shapes allow once per node (sh:maxCount 1)."""
    shapes = rdflib.Graph().parse(SHAPES_FILE)
    return frozenset(str(path) for shape in shapes.subjects(SH.maxCount, rdflib.Literal(1))
                     for path in shapes.objects(shape, SH.path) if isinstance(path, rdflib.URIRef))


def owl_consistency(triples: list[ox.Triple]) -> tuple[bool, str]:
    """HermiT over the ontology plus `triples`: (consistent, a report line)."""
    import shutil
    import tempfile
    from pathlib import Path

    import owlready2

    if not shutil.which("java"):
        return False, "OWL: no Java runtime (install default-jre-headless) to run HermiT"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.nt"
        graph = rdflib.Graph().parse(ONTOLOGY_FILE)
        graph += to_rdflib(triples)
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        old_tempdir, tempfile.tempdir = tempfile.tempdir, tmp
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False,
                                           ignore_unsupported_datatypes=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, "OWL: the ontology and the data are INCONSISTENT"
        finally:
            tempfile.tempdir = old_tempdir
        unsatisfiable = list(world.inconsistent_classes())
    if unsatisfiable:
        return False, f"OWL: unsatisfiable classes: {unsatisfiable}"
    return True, f"OWL: consistent ({len(triples)} data triples, HermiT)"


def validate_store(path, owl: bool = True) -> tuple[bool, str]:
    """SHACL over every document graph (with the gazetteer for context) and OWL consistency."""
    from citykg.loaders.gazetteer_graph import GAZETTEER_GRAPH, JAPAN_GRAPH
    from citykg.store import GraphStore
    from citykg.terms import GRAPH

    store = GraphStore(path, read_only=True)
    raw = store.raw
    docs = [g for g in store.graphs() if g.startswith(str(GRAPH["doc/"]))]
    extracted = [q.triple for g in docs for q in raw.quads_for_pattern(None, None, None,
                                                                         ox.NamedNode(g))]
    gazetteer = [q.triple for g in (GAZETTEER_GRAPH, JAPAN_GRAPH)
                 for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    ok, text = shacl(extracted, gazetteer)
    lines = [f"SHACL: {'conforms' if ok else 'VIOLATIONS'} ({len(docs)} document graphs, "
             f"{len(extracted)} triples)"]
    if not ok:
        lines.append(text[:4000])
    if owl:
        consistent, report = owl_consistency(extracted)
        ok = ok and consistent
        lines.append(report)
    return ok, "\n".join(lines)
