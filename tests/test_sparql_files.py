"""The one mechanism for SPARQL text, `citykg.sparql`: the internal queries
(`sparql/internal/*.rq`) parse, are not canned (`GET /queries` lists only `sparql/*.rq`), take
the PREFIX block generated from `citykg.core.terms`, and have values bound only through VALUES."""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from citykg import sparql
from citykg.api.canned import load_queries
from citykg.core.paths import SPARQL_DIR
from citykg.core.terms import CKG, PREFIXES

INTERNAL = sorted(p.stem for p in sparql.INTERNAL.glob("*.rq"))


def test_the_internal_queries_are_files_with_a_header_and_no_prefixes():
    assert len(INTERNAL) >= 30
    for name in INTERNAL:
        raw = (sparql.INTERNAL / f"{name}.rq").read_text(encoding="utf-8")
        assert raw.startswith("#+ summary: "), name
        assert not re.search(r"^\s*PREFIX\b", raw, re.MULTILINE | re.IGNORECASE), name
        assert sparql.query(name).summary


@pytest.mark.parametrize("name", INTERNAL)
def test_every_internal_query_runs(name):
    """On an empty store, every placeholder VALUES left empty: a syntax error or an unknown
    prefix fails here, not on a user's request."""
    text = sparql.text(name)
    store = ox.Store()
    if re.search(r"^\s*(DELETE|INSERT)\b", text, re.MULTILINE):
        store.update(text)
    else:
        store.query(text)


def test_the_canned_list_is_unchanged_by_the_internal_ones():
    names = {q.name for q in load_queries(SPARQL_DIR)}
    assert names == {p.stem for p in SPARQL_DIR.glob("*.rq")}
    assert not names & set(INTERNAL)


def test_the_prefix_block_comes_from_the_terms_and_holds_what_the_query_uses():
    assert sparql.PREFIX_BLOCK.count("PREFIX ") == len(PREFIXES)
    assert f"PREFIX ckg: <{CKG._NS}>" in sparql.PREFIX_BLOCK
    text = sparql.text("fiscal-years")
    assert text.startswith(f"PREFIX ckg: <{CKG._NS}>\n") and "PREFIX wd:" not in text
    assert "#+" not in text  # the header is not sent


def test_values_fill_every_placeholder_and_else_open_the_where_group():
    city = ox.NamedNode("https://w3id.org/citykg/id/city/jp/14100")
    text = sparql.text("relations", city=city)
    assert text.count(f"VALUES ?city {{ {city} }}") == 6 and "VALUES ?city { }" not in text
    ask = sparql.text("is-party", e=city)
    assert re.search(r"WHERE \{\n  VALUES \?e \{ <https://w3id.org/citykg/id/city/jp/14100> \}", ask)
    pairs = sparql.text("relation-sources", {("rel", "graph"): [(city, URIRef("urn:g"))]})
    assert f"VALUES (?rel ?graph) {{ ({city} <urn:g>) }}" in pairs
    assert sparql.text("count-triples", limit=5).endswith("\nLIMIT 5\n")


def test_values_are_terms_never_text():
    hostile = 'x" } } ; DROP ALL ; SELECT * { "'
    text = sparql.text("document-spans", file_name=hostile, **{"from": 1, "to": 2})
    assert str(ox.Literal(hostile)) in text and 'x" }' not in text
    assert '"1"^^<http://www.w3.org/2001/XMLSchema#integer>' in text
    assert sparql.term(Literal("横浜", lang="ja")) == '"横浜"@ja'
    assert sparql.term(True) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert sparql.term(None) == "UNDEF"
    with pytest.raises(ValueError):
        sparql.term(URIRef("a b> <c"))
    with pytest.raises(ValueError):
        sparql.term(ox.BlankNode())
    with pytest.raises(TypeError):
        sparql.term(1.5)
    with pytest.raises(sparql.QueryFileError):
        sparql.query("no-such-query")


def test_the_update_operations_replace_a_graph_in_one_request():
    store = ox.Store()
    g, s = ox.NamedNode("urn:g"), ox.NamedNode("urn:s")
    triple = ox.Triple(s, ox.NamedNode("urn:p"), ox.BlankNode())
    store.update(sparql.update([sparql.drop_graph(g), sparql.insert_data(g, [triple])]))
    assert len(list(store.quads_for_pattern(None, None, None, g))) == 1
    assert sparql.insert_data(g, []) == ""
    store.update(sparql.update([sparql.drop_graph(g), sparql.insert_data(g, [])]))
    assert list(store.named_graphs()) == []
