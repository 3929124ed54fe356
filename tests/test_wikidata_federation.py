"""The federated canned queries (sparql/wikidata-*.rq): they join the local graph with the
Wikidata Query Service through SERVICE. Run here against a local SPARQL endpoint on 127.0.0.1
standing in for query.wikidata.org (the query text's SERVICE IRI swapped for it), and against
a closed port to show the offline answer: the local rows, with `wikidata_status` saying why
Wikidata's columns are empty."""
from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from citykg.api.canned import load_queries
from citykg.core.paths import SPARQL_DIR

WDQS = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
CKG = "https://w3id.org/citykg/ontology#"
ID = "https://w3id.org/citykg/id/"
QUERIES = {q.name: q for q in load_queries(SPARQL_DIR)}
FEDERATED = ("wikidata-live-twins", "wikidata-missing-twinnings")


def uri(qid: str) -> dict:
    return {"type": "uri", "value": WD + qid}


def answer(query: str) -> dict:
    """What query.wikidata.org would answer to the patterns the engine sends."""
    if "P297" in query:
        rows = [{"probe": {"type": "literal", "value": "JP"}}]
    elif "P429" in query:
        rows = [{"item": uri("Q38283"), "dantai": {"type": "literal", "value": "141003"},
                 "statement": {"type": "uri", "value": WD + "statement/Q38283-1"},
                 "twin": uri(q), "twin_en": {"type": "literal", "value": en, "xml:lang": "en"},
                 **({"start": {"type": "literal", "value": start, "datatype":
                               "http://www.w3.org/2001/XMLSchema#dateTime"}} if start else {})}
                for q, en, start in (("Q1874", "Odesa", "1965-11-21T00:00:00Z"),
                                     ("Q456", "Lyon", None))]
    elif "?a " in query:  # P190 from Japanese items
        rows = [{"a": uri("Q38283"), "b": uri("Q1874")}]
    else:  # P190 to Japanese items
        rows = [{"c": uri("Q1874"), "d": uri("Q38283")}, {"c": uri("Q81398"), "d": uri("Q38283")}]
    return {"head": {"vars": sorted({k for r in rows for k in r})}, "results": {"bindings": rows}}


@pytest.fixture(scope="module")
def endpoint():
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.reply(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0])

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            ctype = self.headers.get("Content-Type", "")
            self.reply(urllib.parse.parse_qs(body)["query"][0] if "form" in ctype else body)

        def reply(self, query: str):
            seen.append(query)
            body = json.dumps(answer(query)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql", seen
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def store():
    """Yokohama, linked, with a sister agreement with Odesa and one with Acapulco."""
    s = ox.Store()
    g = ox.NamedNode("https://w3id.org/citykg/graph/doc/test")

    def add(subject, predicate, obj):
        s.add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), obj, g))

    yok, odesa, aca = ID + "city/jp/14100", ID + "city/ua/odesa", ID + "city/mx/acapulco"
    add(yok, CKG + "localGovernmentCode", ox.Literal("14100"))
    for city, qid, en in ((yok, "Q38283", "Yokohama"), (odesa, "Q1874", "Odesa"),
                          (aca, "Q81398", "Acapulco")):
        add(city, "http://www.w3.org/2004/02/skos/core#exactMatch", ox.NamedNode(WD + qid))
        add(city, "http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(en, language="en"))
    for partner, key in ((odesa, "odesa"), (aca, "acapulco")):
        rel = ID + f"agreement/sister/14100--{key}"
        add(rel, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            ox.NamedNode(CKG + "SisterCityAgreement"))
        add(rel, CKG + "party", ox.NamedNode(yok))
        add(rel, CKG + "party", ox.NamedNode(partner))
    add(yok, CKG + "twinnedWith", ox.NamedNode(odesa))
    return s


def run(store, name: str, target: str, **values) -> list[dict]:
    q = QUERIES[name]
    terms = {p.var: p.term(values.get(p.name, p.default)) for p in q.params
             if values.get(p.name, p.default) is not None}
    text = q.page(terms, 1, 100).replace(f"<{WDQS}>", f"<{target}>")
    result = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/sparql"


def test_the_queries_are_canned_and_name_wikidata():
    for name in FEDERATED:
        q = QUERIES[name]
        assert "wikidata" in q.tags and "federation" in q.tags and q.summary and q.description
        assert f"SERVICE SILENT <{WDQS}>" in q.text and "wikidata_status" in q.columns
        # only Wikidata's endpoint is ever named
        assert {part.split(">")[0] for part in q.text.split("SERVICE SILENT <")[1:]} == {WDQS}


def test_live_twins_online(store, endpoint):
    url, seen = endpoint
    rows = run(store, "wikidata-live-twins", url,
               city="https://w3id.org/citykg/id/city/jp/14100")
    by_twin = {r["twin"].rsplit("/", 1)[-1]: r for r in rows}
    assert set(by_twin) == {"Q1874", "Q456"}
    assert by_twin["Q1874"]["in_graph"] == "true" and by_twin["Q456"]["in_graph"] == "false"
    assert by_twin["Q1874"]["start"].startswith("1965-11-21")
    assert {r["wikidata_status"] for r in rows} == {"ok"}
    # the engine sends each SERVICE pattern once, without the local bindings
    assert any("P429" in q for q in seen)


def test_missing_twinnings_online(store, endpoint):
    url, _ = endpoint
    rows = run(store, "wikidata-missing-twinnings", url)
    by_partner = {r["partner_wikidata"]: r for r in rows}
    assert (by_partner["Q1874"]["on_city"], by_partner["Q1874"]["on_partner"]) == ("true", "true")
    assert (by_partner["Q81398"]["on_city"], by_partner["Q81398"]["on_partner"]) == \
        ("false", "true")
    assert {r["wikidata_status"] for r in rows} == {"ok"}


@pytest.mark.parametrize("name", FEDERATED)
def test_offline_gives_the_local_rows_and_says_why(store, name):
    rows = run(store, name, closed_port(), city="https://w3id.org/citykg/id/city/jp/14100")
    assert rows
    for r in rows:
        assert "not reachable" in r["wikidata_status"]
        assert all(r.get(k) is None for k in ("twin", "on_city", "on_partner"))
