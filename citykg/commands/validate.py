"""Validation: SHACL shapes over what the loaders extracted (pyshacl), and OWL consistency of
the ontology with the data (owlready2 + HermiT, Java needed)."""
from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from citykg.core.paths import ONTOLOGY_FILE, SHAPES_FILE


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


def shacl_documents(documents: dict[str, list[ox.Triple]],
                    context: list[ox.Triple] = ()) -> tuple[bool, str]:
    """SHACL over the documents' graphs together; where together they break a shape, each
    on its own: two reports may state one agreement differently (1959, 1959-11-17), and
    that is a note listing where they differ, not a violation."""
    ok, text = shacl([t for ts in documents.values() for t in ts], context)
    if ok or len(documents) < 2:
        return ok, text
    failing = [text for ok, text in (shacl(ts, context) for ts in documents.values()) if not ok]
    return not failing, "\n".join(failing) if failing else differences(documents)


def differences(documents: dict[str, list]) -> str:
    """What documents state once each but differently (a start date, its precision…)."""
    values: dict[tuple, dict[str, set]] = {}
    single = single_valued()
    for name, triples in documents.items():
        for t in triples:
            if t.predicate.value in single:
                values.setdefault((t.subject, t.predicate), {}).setdefault(name, set()) \
                    .add(t.object)
    lines = [f"{s.value} {p.value}: " + "; ".join(
                 f"{', '.join(sorted(str(o) for o in objects))} ({name})"
                 for name, objects in sorted(by_doc.items()))
             for (s, p), by_doc in values.items()
             if len(by_doc) > 1 and len(set().union(*by_doc.values())) > 1
             and all(len(objects) == 1 for objects in by_doc.values())]
    return "documents differ (each conforms on its own):\n" + "\n".join(sorted(lines))


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
    from citykg.core.store import GraphStore
    from citykg.core.terms import GRAPH
    from citykg.loaders.gazetteer_graph import GAZETTEER_GRAPH, JAPAN_GRAPH

    store = GraphStore(path, read_only=True)
    raw = store.raw
    def triples(graph: str) -> list[ox.Triple]:
        return [q.triple for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))]

    docs = {g: triples(g) for g in store.graphs() if g.startswith(str(GRAPH["doc/"]))}
    extracted = [t for ts in docs.values() for t in ts]
    ok, text = shacl_documents(docs, triples(GAZETTEER_GRAPH) + triples(JAPAN_GRAPH))
    lines = [f"SHACL: {'conforms' if ok else 'VIOLATIONS'} ({len(docs)} document graphs, "
             f"{len(extracted)} triples)"]
    if not ok or text.startswith("documents differ"):
        lines.append(text[:4000])
    if owl:
        consistent, report = owl_consistency(extracted)
        ok = ok and consistent
        lines.append(report)
    return ok, "\n".join(lines)
