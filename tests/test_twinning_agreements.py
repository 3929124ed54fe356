"""A twinning of unstated type (ckg:TwinningAgreement only: a city listed under 姉妹・友好都市)
is a relation like a sister, friendship or partner agreement: the explorer's relation graph
(/paths) has its edge, typed `twinning`, and `wikidata-missing-twinnings` lists it."""
from __future__ import annotations

import socket

import pyoxigraph as ox

from citykg.api.canned import load_queries
from citykg.api.graph import RelationGraph
from citykg.core.paths import SPARQL_DIR
from citykg.core.store import GraphStore
from citykg.loaders.materialise import with_inferences

CKG = "https://w3id.org/citykg/ontology#"
ID = "https://w3id.org/citykg/id/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
KOCHI, RENNES, HONOLULU = ID + "city/jp/39201", ID + "city/fr/rennes", ID + "city/us/honolulu"


def triples() -> list[ox.Triple]:
    """Kōchi's twinning with Rennes (type unstated) and sister agreement with Honolulu, with
    the subclasses and twinnedWith shortcuts a build materialises."""
    out = [ox.Triple(ox.NamedNode(KOCHI), ox.NamedNode(CKG + "localGovernmentCode"),
                     ox.Literal("39201"))]
    for partner, cls in ((RENNES, "TwinningAgreement"), (HONOLULU, "SisterCityAgreement")):
        rel = ox.NamedNode(ID + f"agreement/x/39201--{partner.rsplit('/', 1)[-1]}")
        out += [ox.Triple(rel, RDF_TYPE, ox.NamedNode(CKG + cls)),
                ox.Triple(rel, ox.NamedNode(CKG + "party"), ox.NamedNode(KOCHI)),
                ox.Triple(rel, ox.NamedNode(CKG + "party"), ox.NamedNode(partner))]
    return with_inferences(out)


def store(tmp_path) -> GraphStore:
    s = GraphStore(tmp_path / "store")
    s.replace_graphs({"https://w3id.org/citykg/graph/doc/kochi": triples()})
    return s


def test_the_relation_graph_has_a_twinning_of_unstated_type(tmp_path):
    graph = RelationGraph(store(tmp_path), "1")
    assert graph.edges[KOCHI] == {RENNES: "twinning", HONOLULU: "sister"}
    assert graph.edges[RENNES] == {KOCHI: "twinning"}
    assert graph.shortest(RENNES, HONOLULU, 2) == [[(RENNES, None), (KOCHI, "twinning"),
                                                    (HONOLULU, "sister")]]


def test_missing_twinnings_lists_a_twinning_of_unstated_type(tmp_path):
    query = {q.name: q for q in load_queries(SPARQL_DIR)}["wikidata-missing-twinnings"]
    with socket.socket() as sock:  # offline: a closed port stands in for Wikidata
        sock.bind(("127.0.0.1", 0))
        closed = f"<http://127.0.0.1:{sock.getsockname()[1]}/sparql>"
    text = query.page({}, 1, 100).replace("<https://query.wikidata.org/sparql>", closed)
    rows = store(tmp_path).select(text)
    found = sorted((r["partner"].value, r["type"].value) for r in rows)
    # the sister agreement (a twinning too) is listed once, as sister
    assert found == sorted([(HONOLULU, "sister"), (RENNES, "twinning")])
