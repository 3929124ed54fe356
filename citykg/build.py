"""`citykg build`: the bundled data plus the given documents, extracted, validated and written
to the store in one transaction; nothing is written unless every input loads."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.gazetteer import japan, world
from citykg.loaders.facts import Problem
from citykg.loaders.gazetteer_graph import GAZETTEER_GRAPH, gazetteer_triples
from citykg.loaders.materialise import with_inferences
from citykg.loaders.pipeline import load_document
from citykg.loaders.records import bundled_records
from citykg.paths import ONTOLOGY_FILE
from citykg.store import GraphStore
from citykg.terms import GRAPH

ONTOLOGY_GRAPH = str(GRAPH.ontology)


@dataclass
class GraphReport:
    graph: str
    source: str
    triples: int
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    graphs: list[GraphReport] = field(default_factory=list)
    shacl_conforms: bool | None = None
    shacl_text: str = ""


def collect(docs: list[Path], publisher=None,
            progress: Callable[[str], None] = lambda _: None) -> tuple[dict, BuildReport]:
    """Every graph of a build, in memory; raises LoadError before anything is written."""
    report, graphs = BuildReport(), {}
    progress("ontology")
    graphs[ONTOLOGY_GRAPH] = list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))
    progress("gazetteer")
    graphs[GAZETTEER_GRAPH] = with_inferences(gazetteer_triples(world(), japan()))
    for name, triples in bundled_records():
        progress(name)
        graphs[name] = triples
    for path in docs:
        progress(str(path))
        loaded = load_document(path, publisher)
        graphs[loaded.graph] = loaded.triples
        report.graphs.append(GraphReport(loaded.graph, str(path), len(loaded.triples),
                                         loaded.extraction.problems))
    for name in (ONTOLOGY_GRAPH, GAZETTEER_GRAPH, *(n for n, _ in bundled_records())):
        report.graphs.insert(0, GraphReport(name, "bundled", len(graphs[name])))
    return graphs, report


def build(store_path: Path, docs: list[Path], publisher=None, validate: bool = True,
          progress: Callable[[str], None] = lambda _: None) -> BuildReport:
    graphs, report = collect(docs, publisher, progress)
    if validate:
        from citykg.validate import shacl

        progress("SHACL")
        extracted = [t for name, ts in graphs.items()
                     if name not in (ONTOLOGY_GRAPH, GAZETTEER_GRAPH) for t in ts]
        report.shacl_conforms, report.shacl_text = shacl(extracted, graphs[GAZETTEER_GRAPH])
    progress("store")
    store = GraphStore(store_path)
    store.replace_graphs(graphs)
    store.flush()
    return report
