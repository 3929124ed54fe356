"""RemoteBackend and the API in remote mode, against a real `oxigraph serve` on 127.0.0.1
holding the same data as the embedded seed store; cut and slow answers from tiny fake
servers and from `oxigraph serve --timeout-s`."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from citykg.core.remote import RemoteBackend, RemoteError
from citykg.core.store import GraphStore

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
QUERIES = [
    # blank node labels differ between two stores holding the same data: compare the rest
    "SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/citykg/graph/ontology> { ?s ?p ?o "
    "FILTER(!isBlank(?s) && !isBlank(?o)) } } ORDER BY ?s ?p ?o LIMIT 50",
    "SELECT ?c ?l WHERE { ?c a <https://w3id.org/citykg/ontology#City> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?c ?l LIMIT 200",
    "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
    "FILTER(LANG(?l) = 'ja') } ORDER BY ?l LIMIT 20",
    "SELECT (COUNT(*) AS ?n) (SUM(1.5) AS ?d) WHERE { ?s ?p ?o }",
    "SELECT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) } LIMIT 5",
]
CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/citykg/graph/ontology> "
             "{ ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } ORDER BY ?s ?p ?o LIMIT 40")
pytestmark = pytest.mark.skipif(not OXIGRAPH.exists(), reason="the `oxigraph` server CLI is "
                                "not installed (pip install oxigraph)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_oxigraph(location: Path | None, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    args = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}", *extra]
    if location:
        args += ["--location", str(location)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=1)
            return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait(10)


@pytest.fixture(scope="module")
def embedded(seed_store) -> GraphStore:
    return GraphStore(seed_store, read_only=True)


@pytest.fixture(scope="module")
def oxigraph(seed_store, tmp_path_factory):
    """`oxigraph serve` loaded, through its /store endpoint, with the seed store's quads."""
    dump = ox.Store.read_only(str(seed_store)).dump(format=ox.RdfFormat.N_QUADS)
    proc, base = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    r = httpx.post(base + "/store", content=dump,
                   headers={"Content-Type": "application/n-quads"}, timeout=120)
    assert r.status_code in (200, 204), r.text
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def remote(oxigraph) -> RemoteBackend:
    backend = RemoteBackend(oxigraph + "/query")
    yield backend
    backend.close()


def shape(rows: list[dict]) -> list[dict]:
    """Rows with every blank node the same: labels are local to a store."""
    return [{k: "_:b" if isinstance(v, ox.BlankNode) else v for k, v in r.items()}
            for r in rows]


# ---------------------------------------------------------- the backend interface ----
@pytest.mark.parametrize("query", QUERIES)
def test_select_matches_the_embedded_store(remote, embedded, query):
    here, there = embedded.select(query), remote.select(query)
    assert shape(there) == shape(here)
    assert there and all(isinstance(t, ox.NamedNode | ox.Literal | ox.BlankNode)
                         for row in there for t in row.values())


def test_terms_keep_datatype_and_language(remote):
    rows = remote.select(QUERIES[2])
    assert rows and all(r["l"].language == "ja" for r in rows)
    n = remote.select(QUERIES[3])[0]
    assert n["n"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    assert n["d"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def test_ask_construct_graphs_count_version(remote, embedded):
    assert remote.ask("ASK { GRAPH ?g { ?s ?p ?o } }") is True
    assert remote.ask("ASK { <urn:nothing> ?p ?o }") is False
    triples = remote.construct(CONSTRUCT)
    assert all(isinstance(t, ox.Triple) for t in triples)
    assert set(triples) == set(embedded.query(CONSTRUCT))
    assert remote.graphs() == embedded.graphs()
    assert remote.count() == embedded.count()
    g = embedded.graphs()[0]
    assert remote.count(g) == embedded.count(g)
    assert remote.version() == embedded.version() != "0"
    assert isinstance(remote.query(QUERIES[0]), ox.QuerySolutions)


def test_union_default_graph_is_asked_for(remote, oxigraph):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(remote.select(q)[0]["n"].value) > 1000
    plain = RemoteBackend(oxigraph + "/query", union_default_graph=False)
    assert int(plain.select(q)[0]["n"].value) == 0  # oxigraph's own default graph is empty


def test_errors_are_clear(remote):
    with pytest.raises(RemoteError) as info:
        remote.select("SELECT * WHERE { ?s ?p }")
    assert info.value.status == 400 and "1:" in str(info.value)
    with pytest.raises(RemoteError) as info:
        RemoteBackend(f"http://127.0.0.1:{free_port()}/query", timeout=2).ask("ASK {}")
    assert info.value.status == 502


def test_replace_graphs_and_version(tmp_path):
    proc, base = start_oxigraph(None)
    try:
        backend = RemoteBackend(base + "/query")
        assert backend.update_url == base + "/update" and backend.version() == "0"
        t = [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x", language="ja")),
             ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:q"), ox.BlankNode("b1"))]
        backend.replace_graphs({"urn:g1": t, "urn:g2": t[:1]})
        v1 = backend.version(max_age=0)
        assert v1 != "0" and backend.graphs() == ["urn:g1", "urn:g2"]
        assert backend.count("urn:g1") == 2
        backend.replace_graphs({"urn:g1": t[:1]})
        assert backend.count("urn:g1") == 1 and backend.version(max_age=0) != v1
        backend.drop_graph("urn:g2")
        assert backend.graphs() == ["urn:g1"]
        # the same interface on both backends
        local = GraphStore(tmp_path / "s")
        local.replace_graphs({"urn:g1": t[:1]})
        q = "SELECT ?s ?p ?o WHERE { GRAPH <urn:g1> { ?s ?p ?o } }"
        assert backend.select(q) == local.select(q)
    finally:
        stop(proc)


# --------------------------------------------------------- cut and slow answers ----
class Fake(ThreadingHTTPServer):
    daemon_threads = True


def fake_server(body: bytes, delay: float = 0.0, ctype="application/sparql-results+json"):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = Fake(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/query"


CUT = (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:a"}},'
       b'{"s":{"type":"uri","val')


@pytest.mark.parametrize("body", [CUT, CUT + b"The SPARQL operation has been cancelled",
                                  CUT[:-30] + b"}]}}trailing"])
def test_a_cut_body_is_an_error_not_results(body):
    server, url = fake_server(body)
    try:
        with pytest.raises(RemoteError) as info:
            RemoteBackend(url).select("SELECT ?s WHERE { ?s ?p ?o }")
        assert info.value.status == 504 and "incomplete" in str(info.value)
    finally:
        server.shutdown()


def test_a_cut_ntriples_body_is_an_error():
    server, url = fake_server(b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> \"x",
                              ctype="application/n-triples")
    try:
        with pytest.raises(RemoteError):
            RemoteBackend(url).construct("CONSTRUCT WHERE { ?s ?p ?o }")
    finally:
        server.shutdown()


def test_a_slow_endpoint_times_out():
    server, url = fake_server(b'{"head":{},"boolean":true}', delay=5)
    try:
        t = time.monotonic()
        with pytest.raises(RemoteError) as info:
            RemoteBackend(url, timeout=1).ask("ASK {}")
        assert info.value.status == 504 and time.monotonic() - t < 4
    finally:
        server.shutdown()


@pytest.fixture
def cancelling(tmp_path, seed_store):
    """`oxigraph serve --timeout-s 1`: a long streamed answer is cut, status still 200."""
    shutil.copytree(seed_store, tmp_path / "copy")
    proc, base = start_oxigraph(tmp_path / "copy", "--timeout-s", "1")
    yield base
    stop(proc)


STREAM = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # ~2·10⁹ rows: cancelled after 1 s


def test_oxigraph_cancelled_stream_is_detected(cancelling):
    backend = RemoteBackend(cancelling + "/query", timeout=60, max_bytes=2 << 30)
    with pytest.raises(RemoteError) as info:
        backend.select(STREAM)
    assert info.value.status == 504
    assert "cancelled" in str(info.value) or "incomplete" in str(info.value)


# ------------------------------------------------------- the API in remote mode ----
@pytest.fixture(scope="module")
def client(oxigraph):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    app = create_app(endpoint=oxigraph + "/query")
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("query", QUERIES)
def test_api_remote_select_matches_embedded(client, embedded, query):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    rows = [dict(zip([v.value for v in res.variables], s, strict=True))
            for res in [ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)]
            for s in res]
    want = embedded.select(query)
    assert shape([{k: v for k, v in row.items() if v is not None} for row in rows]) == shape(want)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON)])
def test_api_remote_results_types(client, accept, fmt):
    r = client.post("/sparql", data={"query": QUERIES[0]}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert len(list(ox.parse_query_results(r.content, format=fmt))) == 50
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "csv"})
    assert r.status_code == 200 and r.text.strip() == "true"


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/ld+json", ox.RdfFormat.JSON_LD),
                                             ("application/rdf+xml", ox.RdfFormat.RDF_XML),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_api_remote_construct(client, embedded, accept, fmt):
    r = client.post("/sparql", content=CONSTRUCT.encode(),
                    headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert {q.triple for q in ox.parse(r.content, format=fmt)} == set(embedded.query(CONSTRUCT))


def test_api_remote_guards(client, oxigraph):
    upd = "INSERT DATA { GRAPH <urn:g> { <urn:x> <urn:y> <urn:z> } }"
    for r in (client.post("/sparql", data={"update": upd}),
              client.post("/sparql", data={"query": upd}),
              client.post("/sparql", content=upd.encode(),
                          headers={"Content-Type": "application/sparql-update"})):
        assert r.status_code == 403 and "read-only" in r.json()["error"]
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(4)
    trap.settimeout(0.5)
    try:
        q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.getsockname()[1]}/> {{ ?s ?p ?o }} }}"
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 403 and "SERVICE" in r.json()["error"]
        with pytest.raises(OSError):
            trap.accept()  # neither the API nor the oxigraph server connected
    finally:
        trap.close()
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert r.status_code == 400 and "line 2, column" in r.json()["error"]
    assert not RemoteBackend(oxigraph + "/query").ask("ASK { GRAPH ?g { <urn:x> ?p ?o } }")


def test_api_remote_cut_answer_is_504(seed_store):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app
    from citykg.api.routers import sparql
    from citykg.api.runner import QueryRunner

    server, url = fake_server(CUT + b"The SPARQL operation has been cancelled")
    try:
        app = create_app(store=seed_store)
        app.state.sparql_service = sparql.SparqlService(QueryRunner(10), remote=RemoteBackend(url))
        with TestClient(app) as c:
            r = c.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
        assert r.status_code == 504 and "incomplete" in r.json()["error"]
    finally:
        server.shutdown()


def test_api_remote_cancelled_stream_is_504(cancelling, monkeypatch):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app
    from citykg.api.routers import sparql
    from citykg.api.runner import QueryRunner

    monkeypatch.setenv("CITYKG_MAX_RESULT_BYTES", str(2 << 30))
    app = create_app(endpoint=cancelling + "/query")
    app.state.sparql_service = sparql.SparqlService(QueryRunner(60), endpoint=cancelling + "/query")
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": STREAM})
    assert r.status_code == 504, r.text[:300]
    assert "cancelled" in r.json()["error"] or "incomplete" in r.json()["error"]


def test_api_remote_time_limit(seed_store):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app
    from citykg.api.routers import sparql
    from citykg.api.runner import QueryRunner

    server, url = fake_server(b'{"head":{},"boolean":true}', delay=6)
    try:
        app = create_app(store=seed_store)
        app.state.sparql_service = sparql.SparqlService(QueryRunner(1), endpoint=url)
        with TestClient(app) as c:
            t = time.monotonic()
            r = c.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 504 and time.monotonic() - t < 4
        assert "time limit of 1 s" in r.json()["error"]
    finally:
        server.shutdown()


def test_serve_in_remote_mode_with_sparqlwrapper(oxigraph):
    from SPARQLWrapper import JSON, SPARQLWrapper

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "citykg.commands.cli", "serve", "--endpoint",
                             oxigraph + "/query", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(base + "/health", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.time() < deadline, "serve did not start"
                time.sleep(0.2)
        sw = SPARQLWrapper(base + "/sparql")
        sw.setReturnFormat(JSON)
        sw.setQuery(QUERIES[0])
        assert len(sw.query().convert()["results"]["bindings"]) == 50
        sw.setQuery("ASK { ?s ?p ?o }")
        assert sw.query().convert()["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(10)
