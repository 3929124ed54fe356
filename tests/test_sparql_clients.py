"""/sparql with the real SPARQLWrapper client against a real uvicorn server: every return
format it offers × GET / POST form / POST query body × SELECT, ASK, CONSTRUCT, DESCRIBE gives
a parseable answer; a format that does not fit the query form falls back to one that does."""
from __future__ import annotations

import csv
import io
import sys
import warnings
from xml.dom.minidom import Document

import pytest
import rdflib
from conftest import running_server

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

ONTOLOGY = "<https://w3id.org/citykg/graph/ontology>"
QUERIES = {
    "SELECT": f"SELECT ?s ?p ?o WHERE {{ GRAPH {ONTOLOGY} {{ ?s ?p ?o }} }} "
              "ORDER BY ?s ?p ?o LIMIT 5",
    "ASK": f"ASK {{ GRAPH {ONTOLOGY} {{ ?s ?p ?o }} }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ONTOLOGY} {{ ?s ?p ?o }} }} "
                 "ORDER BY ?s ?p ?o LIMIT 5",
    "DESCRIBE": "DESCRIBE <https://w3id.org/citykg/ontology#City>",
}
FORMATS = [SPARQLWrapper.JSON, SPARQLWrapper.XML, SPARQLWrapper.CSV, SPARQLWrapper.TSV,
           SPARQLWrapper.TURTLE, SPARQLWrapper.N3, SPARQLWrapper.RDF, SPARQLWrapper.RDFXML,
           SPARQLWrapper.JSONLD]
METHODS = ["GET", "POST-urlencoded", "POST-direct"]


@pytest.fixture(scope="module")
def endpoint(seed_store):
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(seed_store)}) as url:
        yield url + "/sparql"


def client(endpoint: str, method: str, fmt: str, query: str):
    sw = SPARQLWrapper.SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method != "GET":
        sw.setMethod(SPARQLWrapper.POST)
        sw.setRequestMethod(SPARQLWrapper.URLENCODED if method == "POST-urlencoded"
                            else SPARQLWrapper.POSTDIRECTLY)
    return sw


def answer_of(converted, form: str):
    """What a converted answer says, whichever type the client made of it: the SELECT's rows
    (count), the ASK's boolean, the graph's triples (count)."""
    if isinstance(converted, rdflib.Graph):
        return len(converted)
    if isinstance(converted, bytes):  # Turtle/N3 text, or CSV/TSV
        text = converted.decode("utf-8")
        if form in ("CONSTRUCT", "DESCRIBE"):
            return len(rdflib.Graph().parse(data=text, format="n3"))
        if form == "ASK":
            return text.strip() == "true"
        delimiter = "," if "," in text.splitlines()[0] else "\t"
        return len(list(csv.reader(io.StringIO(text), delimiter=delimiter))) - 1
    if isinstance(converted, Document):
        if form == "ASK":
            return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        return len(converted.getElementsByTagName("result"))
    if isinstance(converted, dict):
        return converted["boolean"] if form == "ASK" else len(converted["results"]["bindings"])
    raise AssertionError(f"unexpected answer {type(converted)}: {converted!r:.200}")


EXPECTED = {"SELECT": 5, "ASK": True, "CONSTRUCT": 5}


@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_sparqlwrapper_matrix(endpoint, fmt, method, form):
    sw = client(endpoint, method, fmt, QUERIES[form])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = sw.query()  # raises on any 4xx/5xx
        ctype = result.info()["content-type"]
        converted = result.convert()
    assert not [w for w in seen if "unknown response content type" in str(w.message)], ctype
    got = answer_of(converted, form)
    if form == "DESCRIBE":
        assert got > 0, ctype
    else:
        assert got == EXPECTED[form], (ctype, converted)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    wanted = {SPARQLWrapper.N3: "text/turtle", SPARQLWrapper.TURTLE: "text/turtle",
              SPARQLWrapper.JSONLD: "application/ld+json", SPARQLWrapper.RDFXML:
              "application/rdf+xml", SPARQLWrapper.RDF: "application/rdf+xml"}
    if graph_form and fmt in wanted:  # the format asked for, where it fits the query form
        assert ctype.startswith(wanted[fmt]), ctype
    if not graph_form and fmt in (SPARQLWrapper.CSV, SPARQLWrapper.TSV):
        assert ctype.startswith("text/csv" if fmt == SPARQLWrapper.CSV
                                else "text/tab-separated-values"), ctype


def test_unknown_format_values_fall_back_to_accept(endpoint):
    import httpx

    for params in ({"format": "bogus"}, {"output": "bogus", "results": "text/csv"},
                   {"format": ["bogus", "text/csv"]}):
        r = httpx.get(endpoint, params={"query": QUERIES["SELECT"], **params},
                      headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
        form = httpx.post(endpoint, data={"query": QUERIES["SELECT"], **params},
                          headers={"Accept": "text/csv"})
        assert form.status_code == 200 and form.headers["content-type"] == r.headers["content-type"]
    # a format of the other query form leaves the choice to Accept, then the default
    r = httpx.get(endpoint, params={"query": QUERIES["SELECT"], "format": "turtle"},
                  headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/sparql-results+xml")
    r = httpx.get(endpoint, params={"query": QUERIES["CONSTRUCT"], "output": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
