"""/sparql: the SPARQL 1.1 Protocol, read-only, SERVICE refused, time limit and caps — through
FastAPI's TestClient and through a real `citykg serve` (uvicorn) process on 127.0.0.1."""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import Trap

RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
           "?m ?n2 ?o }")
# ordered, so that answers compare; over the ontology graph only (ordering all the store's
# quads takes seconds, which a loaded test machine could stretch past the 3 s limit)
ONTOLOGY = "<https://w3id.org/citykg/graph/ontology>"
SELECT = f"SELECT ?s ?p ?o WHERE {{ GRAPH {ONTOLOGY} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT 5"
CONSTRUCT = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ONTOLOGY} {{ ?s ?p ?o }} }} "
             "ORDER BY ?s ?p ?o LIMIT 5")
UPDATE = "INSERT DATA { GRAPH <urn:g> { <urn:x> <urn:y> <urn:z> } }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TIMEOUT = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(seed_store):
    from citykg.api.app import create_app
    from citykg.api.runner import QueryRunner

    app = create_app(store=seed_store)
    app.state.runner = QueryRunner(TIMEOUT)
    return app


@pytest.fixture(scope="module")
def serve_process(seed_store):
    """`citykg serve` in its own process (two workers), the query time limit at 3 s."""
    port = free_port()
    env = dict(os.environ, CITYKG_QUERY_TIMEOUT=str(TIMEOUT))
    proc = subprocess.Popen([sys.executable, "-m", "citykg.commands.cli", "serve", "--store",
                             str(seed_store), "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail("citykg serve did not start: " + proc.stderr.read().decode()[-500:])
        time.sleep(0.2)
    yield proc, base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(serve_process):
    return serve_process[1]


@pytest.fixture(params=["testclient", "uvicorn"])
def http(request, app):
    if request.param == "testclient":
        from fastapi.testclient import TestClient

        with TestClient(app) as client:
            yield client
    else:
        with httpx.Client(base_url=request.getfixturevalue("server"), timeout=60) as client:
            yield client


def rows_of(body: bytes, fmt: ox.QueryResultsFormat) -> list:
    return [tuple(s) for s in ox.parse_query_results(body, format=fmt)]


# ------------------------------------------------------------------------ protocol ----
def test_get_post_and_sparql_query_body_agree(http):
    get = http.get("/sparql", params={"query": SELECT})
    form = http.post("/sparql", data={"query": SELECT})
    body = http.post("/sparql", content=SELECT.encode(),
                     headers={"Content-Type": "application/sparql-query"})
    for r in (get, form, body):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows = rows_of(get.content, ox.QueryResultsFormat.JSON)
    assert len(rows) == 5
    assert rows == rows_of(form.content, ox.QueryResultsFormat.JSON)
    assert rows == rows_of(body.content, ox.QueryResultsFormat.JSON)


RESULT_TYPES = [("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
                ("text/csv", None)]


@pytest.mark.parametrize(("accept", "fmt"), RESULT_TYPES)
def test_select_in_every_results_type(http, accept, fmt):
    r = http.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    if fmt is None:
        table = list(csv.reader(io.StringIO(r.text)))
        assert table[0] == ["s", "p", "o"] and len(table) == 6
    else:
        assert len(rows_of(r.content, fmt)) == 5


@pytest.mark.parametrize(("accept", "fmt"), RESULT_TYPES[:3])
def test_ask_in_results_types(http, accept, fmt):
    r = http.post("/sparql", data={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"},
                  headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert bool(ox.parse_query_results(r.content, format=fmt)) is True


GRAPH_TYPES = [("text/turtle", ox.RdfFormat.TURTLE),
               ("application/n-triples", ox.RdfFormat.N_TRIPLES),
               ("application/ld+json", ox.RdfFormat.JSON_LD),
               ("application/rdf+xml", ox.RdfFormat.RDF_XML)]


@pytest.mark.parametrize(("accept", "fmt"), GRAPH_TYPES)
def test_construct_in_every_rdf_type(http, accept, fmt):
    r = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    assert len(set(ox.parse(r.content, format=fmt))) == 5


@pytest.mark.parametrize(("fmt", "media"), [("csv", "text/csv"), ("xml", "application/"
                                             "sparql-results+xml"), ("tsv", "text/tab-separated"
                                             "-values"), ("json", "application/sparql-res"
                                             "ults+json")])
def test_format_parameter_overrides_accept(http, fmt, media):
    r = http.get("/sparql", params={"query": SELECT, "format": fmt},
                 headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


def test_defaults_and_negotiation_errors(http):
    r = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("text/turtle")
    r = http.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/citykg/graph/meta>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = http.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "error" in r.json()
    # a format of the other query form falls back to the default of this one
    r = http.get("/sparql", params={"query": SELECT, "format": "turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/sparql-results+json")
    assert http.get("/sparql").status_code == 400
    r = http.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and "error" in r.json()


def test_syntax_error_names_the_position(http):
    r = http.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400
    body = r.json()
    assert "line 3, column" in body["error"], body
    assert body["line"] == 3 and body["column"] >= 1


# ----------------------------------------------------------------------- read-only ----
@pytest.mark.parametrize("how", ["update=", "sparql-update", "query=", "GET update="])
def test_updates_are_refused(http, how):
    if how == "update=":
        r = http.post("/sparql", data={"update": UPDATE})
    elif how == "sparql-update":
        r = http.post("/sparql", content=UPDATE.encode(),
                      headers={"Content-Type": "application/sparql-update"})
    elif how == "query=":
        r = http.post("/sparql", data={"query": "PREFIX x: <urn:x> " + UPDATE})
    else:
        r = http.get("/sparql", params={"update": UPDATE})
    assert r.status_code in (400, 403), r.text
    assert "read-only" in r.json()["error"]
    ask = http.get("/sparql", params={"query": "ASK { GRAPH ?g { <urn:x> ?p ?o } }"})
    assert ask.json()["boolean"] is False


# ------------------------------------------------------------------------- SERVICE ----
@pytest.fixture
def trap():
    trap = Trap()
    yield trap
    trap.close()


SERVICES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/>{{ ?s ?p ?o }} }}",
    "PREFIX t: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE t:q {{ ?s ?p ?o }} }}",
    "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <rel> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <http://127.0.0.1:{port}/> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "ASK {{ FILTER EXISTS {{ SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{}} }} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> "
    "{{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }} }} }}",
    r"SELECT * WHERE {{ \u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * # a comment\nWHERE {{ SERVICE#\n<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICES)
def test_service_is_refused_before_any_connection(http, trap, template):
    query = template.format(port=trap.port)
    r = http.get("/sparql", params={"query": query})
    assert r.status_code in (400, 403), r.text
    assert "SERVICE" in r.json()["error"]
    time.sleep(0.3)
    assert not trap.hits


def test_service_words_in_strings_and_comments_are_fine(http):
    q = ('PREFIX ex: <http://example.org/service/> SELECT ?service WHERE { '
         'BIND("SERVICE <http://127.0.0.1:1/> { }" AS ?service) } # SERVICE <http://x/> {}')
    r = http.get("/sparql", params={"query": q})
    assert r.status_code == 200, r.text


def test_service_allow_list(seed_store, server, trap, monkeypatch):
    """An allow-listed host is queried (here: our own server); others stay refused."""
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    host = server.removeprefix("http://")
    monkeypatch.setenv("CITYKG_SERVICE_ALLOW", f"{host}, example.org")
    app = create_app(store=seed_store)
    with TestClient(app) as client:
        q = (f"SELECT ?n WHERE {{ SERVICE <{server}/sparql> {{ "
             "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } } }")
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 200, r.text
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 1000
        bad = (f"SELECT * WHERE {{ SERVICE <{server}/sparql> {{ SERVICE "
               f"<http://127.0.0.1:{trap.port}/> {{ ?s ?p ?o }} }} }}")
        assert client.get("/sparql", params={"query": bad}).status_code == 403
        var = "SELECT * WHERE { BIND(<http://example.org/> AS ?e) SERVICE ?e { ?s ?p ?o } }"
        assert client.get("/sparql", params={"query": var}).status_code == 403
    time.sleep(0.3)
    assert not trap.hits


# --------------------------------------------------------------- limits and workers ----
def _workers(pid: int) -> set[int]:
    """The worker processes of a `citykg serve` (children of its supervisor, minus
    multiprocessing's helpers)."""
    kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(k) for k in kids
            if b"citykg" in Path(f"/proc/{k}/cmdline").read_bytes()
            or b"multiprocessing.spawn" in Path(f"/proc/{k}/cmdline").read_bytes()
            and b"resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes()}


def _running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting to be reaped has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cpu_seconds(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def test_runaway_query_is_stopped_while_others_are_served(serve_process):
    """Under `citykg serve`: the runaway gets a 503 at the limit, other clients are answered
    meanwhile, and its worker is replaced, which stops the runaway for good."""
    proc, base = serve_process
    before = _workers(proc.pid)
    out = {}

    def runaway():
        t = time.monotonic()
        r = httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=60)
        out.update(status=r.status_code, body=r.json(), took=time.monotonic() - t)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    quick = []
    with httpx.Client(base_url=base, timeout=60) as http:
        while thread.is_alive() and len(quick) < 20:
            t = time.monotonic()
            r = http.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
            quick.append(time.monotonic() - t)
            assert r.status_code == 200
            time.sleep(0.1)
    thread.join(60)
    assert out["status"] == 503, out
    assert out["body"]["error"] == f"query exceeded the time limit of {TIMEOUT} s"
    assert TIMEOUT - 0.5 < out["took"] < TIMEOUT + 5
    assert quick and max(quick) < 1.5, quick
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = _workers(proc.pid)
        if len(now) == len(before) and now != before:
            break
        time.sleep(0.2)
    assert len(before) >= 2 and len(now) == len(before) and before - now, (before, now)
    retired = before - now
    assert not any(_running(pid) for pid in retired)
    # nothing is still computing the runaway: the workers go idle once the fresh one has warmed
    # up (a runaway would keep a core busy for good); on a loaded machine warming takes a while
    idle, deadline = False, time.monotonic() + 30
    while not idle and time.monotonic() < deadline:
        cpu = _cpu_seconds(now)
        time.sleep(2)
        idle = _cpu_seconds(now) - cpu < 0.5
    assert idle
    assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_runner_refuses_late_work_and_counts_abandoned_threads():
    """Outside the supervisor a late thread is abandoned; while MAX_ABANDONED run, new work
    is refused, and once they end it is accepted again."""
    import asyncio

    from citykg.api.evaluate import QueryFailed
    from citykg.api.runner import MAX_ABANDONED, QueryRunner

    runner = QueryRunner(0.2, supervised=False)

    async def main():
        for _ in range(MAX_ABANDONED):
            with pytest.raises(QueryFailed) as late:
                await runner.run(lambda: time.sleep(1.0))
            assert late.value.status == 503 and "time limit of 0.2 s" in late.value.message
        assert runner.abandoned == MAX_ABANDONED
        with pytest.raises(QueryFailed) as busy:
            await runner.run(lambda: 1)
        assert "still running" in busy.value.message
        await asyncio.sleep(1.2)
        assert runner.abandoned == 0
        assert await runner.run(lambda: 41 + 1) == 42
        with pytest.raises(ZeroDivisionError):
            await runner.run(lambda: 1 / 0)

    asyncio.run(main())


def test_result_caps(seed_store, monkeypatch):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    monkeypatch.setenv("CITYKG_MAX_RESULTS", "4")
    monkeypatch.setenv("CITYKG_MAX_RESULT_BYTES", "3000")
    app = create_app(store=seed_store)
    with TestClient(app) as client:
        four = SELECT.replace("LIMIT 5", "LIMIT 4")
        assert client.get("/sparql", params={"query": four}).status_code == 200
        r = client.get("/sparql", params={"query": SELECT})
        assert r.status_code == 413 and "more than 4 rows" in r.json()["error"]
        r = client.get("/sparql", params={"query": CONSTRUCT})
        assert r.status_code == 413 and "4 triples" in r.json()["error"]
        big = "SELECT ?l WHERE { GRAPH ?g { ?s ?p ?l FILTER(STRLEN(STR(?l)) > 900) } } LIMIT 4"
        r = client.get("/sparql", params={"query": big})
        assert r.status_code in (200, 413)
        if r.status_code == 413:
            assert "3000 bytes" in r.json()["error"]


def test_a_rebuilt_store_is_seen(tmp_path, monkeypatch):
    """The app holds a read-only view; it reopens it when the store's files change."""
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app
    from citykg.core.store import GraphStore

    monkeypatch.setenv("CITYKG_REFRESH_SECONDS", "0.2")
    writer = GraphStore(tmp_path / "s")
    triple = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("1"))
    writer.replace_graphs({"urn:g1": [triple]})
    app = create_app(store=tmp_path / "s")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    with TestClient(app) as client:
        def n():
            r = client.get("/sparql", params={"query": count})
            return int(r.json()["results"]["bindings"][0]["n"]["value"])

        first = n()
        writer.replace_graphs({"urn:g2": [triple]})
        deadline = time.time() + 5
        while n() == first and time.time() < deadline:
            time.sleep(0.1)
        assert n() == first + 1


# ------------------------------------------------------------------ real clients ----
def test_sparqlwrapper(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setReturnFormat(JSON)
    sw.setQuery(SELECT)
    rows = sw.query().convert()["results"]["bindings"]
    assert len(rows) == 5 and rows[0]["s"]["value"]
    sw.setQuery("ASK { GRAPH ?g { ?s ?p ?o } }")
    assert sw.query().convert()["boolean"] is True
    sw.setMethod("POST")
    sw.setQuery("ASK { GRAPH ?g { <urn:nothing> ?p ?o } }")
    assert sw.query().convert()["boolean"] is False


def test_rdflib_sparqlstore(server):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store="SPARQLStore")
    g.open(server + "/sparql")
    rows = list(g.query(SELECT))
    assert len(rows) == 5
    assert g.query("ASK { GRAPH ?g { ?s ?p ?o } }").askAnswer is True
    store = SPARQLStore(query_endpoint=server + "/sparql", returnFormat="json")
    built = Graph(store=store).query(CONSTRUCT).graph
    assert len(built) == 5


def test_protocol_dataset_parameters(http):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    onto = "https://w3id.org/citykg/graph/ontology"

    def n(query, **params):
        r = http.get("/sparql", params={"query": query, **params})
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    everything = n(count)  # the default graph is the union of the named graphs
    assert everything == n(named)
    assert 0 < n(count, **{"default-graph-uri": onto}) < everything
    assert n(named, **{"named-graph-uri": onto}) == n(count, **{"default-graph-uri": onto})
    r = http.get("/sparql", params={"query": count, "default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "IRI" in r.json()["error"]
