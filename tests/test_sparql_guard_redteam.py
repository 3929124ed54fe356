"""The red-team suite of /sparql's guard (issue 14 §1-2), through a real `citykg serve`.

SERVICE: every attack is sent by GET, POST form and POST query body to a server with an empty
allow-list and to one with CITYKG_SERVICE_ALLOW=query.wikidata.org; a listener on 127.0.0.1
that fails the test if it is ever connected to is the target. Nesting: each recursive form just
past its limit gets a 400 naming the limit, one at the limit is answered, and the server lives.
SERVICE_ATTACKS and NESTING_ATTACKS are the suite's table (attack → result), BENCHMARKS.md's
red-team table is made from them: `pytest tests/test_sparql_guard_redteam.py -v` reruns it.
"""
from __future__ import annotations

import socket
import sys
import threading
import time

import httpx
import pytest
from conftest import Trap, running_server

from citykg.api import sparql_guard as guard

WIKIDATA = "query.wikidata.org"
T = "http://127.0.0.1:{port}"  # the trap
PFX = f"PREFIX s: <{T}/> "
REFUSED = (400, 403)

# (attack, query with {port} = the trap, status with no allow-list, status with Wikidata allowed)
SERVICE_ATTACKS = [
    # issue 14 §1: SERVICE glued to what follows it, which the engine still reads as SERVICE
    ("SERVICE glued to SILENT", f"SELECT * WHERE {{ SERVICESILENT<{T}/x> {{ ?a ?b ?c }} }}",
     403, 403),
    ("SERVICE glued to a prefixed name", PFX + "SELECT * WHERE { SERVICEs:x { ?a ?b ?c } }",
     403, 403),
    ("SERVICE glued to the empty prefix", f"PREFIX : <{T}/> SELECT * WHERE {{ SERVICE:x {{ ?a ?b ?c }} }}",
     403, 403),
    ("glued, in ASK", f"ASK {{ SERVICESILENT<{T}/> {{ ?a ?b ?c }} }}", 403, 403),
    ("glued, in CONSTRUCT", PFX + "CONSTRUCT { ?a ?b ?c } WHERE { SERVICEs:x { ?a ?b ?c } }",
     403, 403),
    ("glued, in DESCRIBE", f"DESCRIBE ?a WHERE {{ SERVICESILENT<{T}/> {{ ?a ?b ?c }} }}",
     403, 403),
    ("glued, lower case", f"select * where {{ servicesilent<{T}/> {{ ?a ?b ?c }} }}", 403, 403),
    ("glued, mixed case", PFX + "SELECT * WHERE { SeRvIcEs:x { ?a ?b ?c } }", 403, 403),
    ("glued, in a subquery", f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICESILENT<{T}/> "
     "{ ?a ?b ?c } } } }", 403, 403),
    ("glued, in FILTER EXISTS", PFX + "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICEs:x "
     "{ ?a ?b ?c } } }", 403, 403),
    ("glued, in FILTER NOT EXISTS", f"PREFIX : <{T}/> ASK {{ FILTER NOT EXISTS {{ SERVICE:x {{}} }} }}",
     403, 403),
    ("glued, in MINUS", f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICESILENT<{T}/> {{ ?a ?b ?c }} }} }}",
     403, 403),
    ("glued, in OPTIONAL", PFX + "SELECT * WHERE { OPTIONAL { SERVICEs:x { ?a ?b ?c } } }",
     403, 403),
    ("glued, in UNION", PFX + "SELECT * WHERE { {} UNION { SERVICEs:x { ?a ?b ?c } } }", 403, 403),
    ("glued, in GRAPH", PFX + "SELECT * WHERE { GRAPH ?g { SERVICEs:x { ?a ?b ?c } } }", 403, 403),
    ("glued, after a comment", PFX + "SELECT * WHERE { # a note\nSERVICEs:x { ?a ?b ?c } }",
     403, 403),
    ("glued to a variable's dot", f"SELECT * WHERE {{ ?a ?b ?c.SERVICE<{T}/>{{}} }}", 403, 403),
    ("glued to a literal", f"SELECT * WHERE {{ ?a ?b 'x'SERVICE<{T}/>{{}} }}", 403, 403),
    ("glued to a number", f"SELECT * WHERE {{ ?a ?b 1.SERVICE<{T}/>{{}} }}", 403, 403),
    ("glued to a closing brace", f"SELECT * WHERE {{ {{}}SERVICE<{T}/>{{}} }}", 403, 403),
    ("SILENT glued to a prefix the allow-list names",
     f"PREFIX SILENTs: <https://{WIKIDATA}/> PREFIX s: <{T}/> "
     "SELECT * WHERE { SERVICE SILENTs:x { ?a ?b ?c } }", 403, 403),
    # SPARQL's \u escapes, which a parser may apply before it reads the text
    (r"\u-escaped S", rf"SELECT * WHERE {{ \u0053ERVICE <{T}/> {{ ?s ?p ?o }} }}", 403, 403),
    (r"\u-escaped E and space", rf"SELECT * WHERE {{ S\u0045RVICE\u0020<{T}/> {{ }} }}", 403, 403),
    (r"\u-escaped and glued", PFX + r"SELECT * WHERE { \u0053ERVICEs:x { ?a ?b ?c } }", 403, 403),
    (r"\u escape in an IRI, then a quote that starts no string",
     rf"SELECT * WHERE {{ ?a ?b <http://x/\u0041'> . SERVICE <{T}/> {{ }} ?a ?b 'x' }}", 403, 403),
    (r"\u0022 ends a string once escapes apply",
     rf'SELECT * WHERE {{ BIND("\u0022 AS ?x) SERVICE <{T}/> {{}} #" AS ?y) }}', 403, 403),
    (r"\u escapes anywhere in a query to an allowed host",
     rf'SELECT * WHERE {{ BIND("\u0041" AS ?x) SERVICE <https://{WIKIDATA}/sparql> {{ }} }}', 403, 403),
    # the classic tricks (these held before issue 14)
    ("plain SERVICE", f"SELECT * WHERE {{ SERVICE <{T}/sparql> {{ ?s ?p ?o }} }}", 403, 403),
    ("SERVICE SILENT, lower case", f"select * where {{ service silent <{T}/>{{ ?s ?p ?o }} }}",
     403, 403),
    ("prefixed-name target", PFX + "SELECT * WHERE { SERVICE s:q { ?s ?p ?o } }", 403, 403),
    ("relative IRI against BASE", f"BASE <{T}/> SELECT * WHERE {{ SERVICE <rel> {{ ?s ?p ?o }} }}",
     403, 403),
    ("variable bound by VALUES", f"SELECT * WHERE {{ VALUES ?e {{ <{T}/> }} SERVICE ?e {{ ?s ?p ?o }} }}",
     403, 403),
    ("variable bound by BIND", f"SELECT * WHERE {{ BIND(<{T}/> AS ?e) SERVICE SILENT ?e {{ }} }}",
     403, 403),
    ("in a subquery in EXISTS", f"ASK {{ FILTER EXISTS {{ SELECT * {{ SERVICE <{T}/> {{}} }} }} }}",
     403, 403),
    ("nested in OPTIONAL", f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} OPTIONAL {{ SERVICE <{T}/> "
     f"{{ SERVICE <{T}/x> {{ ?s ?p ?o }} }} }} }}", 403, 403),
    ("comment between SERVICE and its target", f"SELECT * # a comment\nWHERE {{ SERVICE#\n<{T}/> "
     "{ ?s ?p ?o } }", 403, 403),
    ("tab and newline between", f"SELECT * WHERE {{ SERVICE\t\nSILENT\n<{T}/> {{ }} }}", 403, 403),
    ("SERVICE in CONSTRUCT's WHERE", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{T}/> {{ ?s ?p ?o }} }}",
     403, 403),
    ("an allowed host's name as userinfo", f"SELECT * WHERE {{ SERVICE <http://{WIKIDATA}@127.0.0.1:"
     "{port}/> { } }", 403, 400),
    ("userinfo made by a local-name escape", f"PREFIX w: <http://{WIKIDATA}> SELECT * WHERE {{ "
     r"SERVICE w:\@127.0.0.1:{port} { } }", 403, 400),
    ("an allowed host on another port", f"SELECT * WHERE {{ SERVICE <https://{WIKIDATA}:{{port}}/> {{ }} }}",
     403, 403),
    ("an allowed host's name as a subdomain", f"SELECT * WHERE {{ SERVICE <https://{WIKIDATA}.127.0.0.1"
     ".nip.io:{port}/> { } }", 403, 403),
    ("localhost", "SELECT * WHERE { SERVICE <http://localhost:{port}/> { } }", 403, 403),
    ("IPv6 loopback", "SELECT * WHERE { SERVICE <http://[::1]:{port}/> { } }", 403, 403),
    ("127.0.0.1 as one number", "SELECT * WHERE { SERVICE <http://2130706433:{port}/> { } }",
     403, 403),
    ("a non-HTTP target", f"SELECT * WHERE {{ SERVICE <ftp://{WIKIDATA}/> {{ }} }}", 403, 400),
    ("a file target", "SELECT * WHERE { SERVICE <file:///etc/passwd> { } }", 403, 400),
    ("an update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, 403),
    # the cost of failing closed: a name that holds the letters is refused, its full IRI is not
    ("a prefixed name holding 'service'", "PREFIX schema: <http://schema.org/> "
     "SELECT * WHERE { ?a schema:serviceArea ?b }", 403, 403),
]
HARMLESS = [  # the letters "service" where no engine reads a keyword: answered
    ("in a string, a comment, a variable and an IRI",
     'PREFIX ex: <http://example.org/service/> SELECT ?service WHERE { BIND("SERVICE <'
     + T + '/> { }" AS ?service) } # SERVICE <' + T + '/> {}'),
    ("in a full IRI", "SELECT * WHERE { ?a <http://schema.org/serviceArea> ?b }"),
    ("in a long string", 'SELECT * WHERE { BIND("""a\nSERVICE <' + T + '/> {}""" AS ?x) }'),
]


@pytest.fixture(scope="module")
def trap():
    trap = Trap()
    yield trap
    trap.close()
    assert not trap.hits, f"the trap on 127.0.0.1:{trap.port} was reached {len(trap.hits)}×"


@pytest.fixture(autouse=True)
def never_reached(trap):
    before = len(trap.hits)
    yield
    time.sleep(0.05)
    assert len(trap.hits) == before, f"the trap on 127.0.0.1:{trap.port} was reached"


def serve(store, allow: str):
    command = [sys.executable, "-m", "citykg.commands.cli", "serve", "--store", str(store),
               "--host", "127.0.0.1", "--workers", "1"]
    return running_server(command, {"CITYKG_SERVICE_ALLOW": allow}, wait=240)


@pytest.fixture(scope="module", params=["", WIKIDATA], ids=["no-allow-list", "wikidata-allowed"])
def server(request, seed_store):
    with serve(seed_store, request.param) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield request.param, client


def send(client: httpx.Client, how: str, query: str) -> httpx.Response:
    if how == "get":
        return client.get("/sparql", params={"query": query})
    if how == "form":
        return client.post("/sparql", data={"query": query})
    return client.post("/sparql", content=query.encode(),
                       headers={"Content-Type": "application/sparql-query"})


# --------------------------------------------------------------------------- SERVICE ----
@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("attack,template,bare,wikidata", SERVICE_ATTACKS,
                         ids=[a[0] for a in SERVICE_ATTACKS])
def test_service_attack_is_refused_before_any_connection(server, trap, how, attack, template,
                                                         bare, wikidata):
    allow, client = server
    r = send(client, how, template.replace("{port}", str(trap.port)))
    assert r.status_code == (wikidata if allow else bare), r.text
    message = r.json()["error"]
    assert "SERVICE" in message or "read-only" in message


@pytest.mark.parametrize("attack,query", HARMLESS, ids=[a[0] for a in HARMLESS])
def test_service_letters_where_no_keyword_is_read_are_answered(server, trap, attack, query):
    _, client = server
    r = send(client, "get", query.replace("{port}", str(trap.port)))
    assert r.status_code == 200, r.text


class Remote:
    """Listeners an allow-list names: one that resets each connection, one that answers 500
    with a secret body, one that never answers, and a port where nothing listens."""

    SECRET = b"internal-secret-7f3a"

    def __init__(self):
        self.socks, self.held = [], []
        self.reset = self._listen(None)
        self.silent = self._listen(b"")
        self.error = self._listen(b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\n"
                                  b"Content-Length: %d\r\n\r\n%s" % (len(self.SECRET), self.SECRET))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.closed = s.getsockname()[1]

    def _listen(self, answer: bytes | None) -> int:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        self.socks.append(sock)

        def watch():
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:
                    return
                if answer == b"":
                    self.held.append(conn)
                    continue
                if answer is not None:
                    conn.recv(65536)
                    conn.sendall(answer)
                conn.close()

        threading.Thread(target=watch, daemon=True).start()
        return sock.getsockname()[1]

    def close(self):
        for sock in self.socks + self.held:
            sock.close()


def test_allowed_but_failing_hosts_get_502_or_504_without_the_remote_words(seed_store, trap):
    remote = Remote()
    ports = {"reset": remote.reset, "error": remote.error, "closed": remote.closed}
    allow = ",".join(f"127.0.0.1:{p}" for p in [*ports.values(), remote.silent])
    command = [sys.executable, "-m", "citykg.commands.cli", "serve", "--store", str(seed_store),
               "--host", "127.0.0.1", "--workers", "1"]
    env = {"CITYKG_SERVICE_ALLOW": allow, "CITYKG_QUERY_TIMEOUT": "3"}
    try:
        with running_server(command, env, wait=240) as url:
            answers = {}
            for name, port in ports.items():
                q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
                r = httpx.get(url + "/sparql", params={"query": q}, timeout=60)
                assert r.status_code == 502, (name, r.text)
                assert remote.SECRET.decode() not in r.text
                answers[name] = r.json()["error"].replace(str(port), "PORT")
            # refused, reset and an error page read alike: no port scan from the wording
            assert len(set(answers.values())) == 1, answers
            other = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.port}/> {{ ?s ?p ?o }} }}"
            assert httpx.get(url + "/sparql", params={"query": other}).status_code == 403
            assert httpx.get(url + "/health").status_code == 200
            # one that never answers: 504 at the time limit
            q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{remote.silent}/> {{ ?s ?p ?o }} }}"
            r = httpx.get(url + "/sparql", params={"query": q}, timeout=60)
            assert r.status_code == 504 and "SERVICE" in r.json()["error"], r.text
    finally:
        remote.close()


def test_allow_list_matches_scheme_host_and_port():
    allow = ["query.wikidata.org", "127.0.0.1:8890", "https://example.org"]
    assert guard.allowed("https://query.wikidata.org/sparql", allow)
    assert guard.allowed("http://query.wikidata.org/sparql", allow)
    assert guard.allowed("http://127.0.0.1:8890/sparql", allow)
    assert guard.allowed("https://example.org/sparql", allow)
    for iri in ["https://query.wikidata.org:8443/sparql", "http://127.0.0.1/sparql",
                "http://127.0.0.1:8891/", "http://example.org/sparql",
                "https://query.wikidata.org@127.0.0.1:8890/", "https://query.wikidata.org./",
                "ftp://query.wikidata.org/", "http://[::1]:8890/", None]:
        assert not guard.allowed(iri, allow), iri


# --------------------------------------------------------------------------- nesting ----
def _limit(name: str) -> int:
    return guard.LIMITS[name][0]


# (form, limit it meets, query with n levels or items)
NESTING_ATTACKS = [
    ("nested { } groups", "depth", lambda n: "SELECT * WHERE " + "{" * n + "}" * n),
    ("nested ( ) in an expression", "depth",
     lambda n: "SELECT * WHERE { FILTER(" + "(" * (n - 2) + "1" + ")" * (n - 2) + ") }"),
    ("nested function calls", "depth",
     lambda n: "SELECT * WHERE { BIND(" + "STR(" * (n - 2) + "1" + ")" * (n - 2) + " AS ?x) }"),
    ("nested OPTIONAL", "depth",
     lambda n: "SELECT * WHERE " + "{ OPTIONAL " * (n - 1) + "{}" + " }" * (n - 1)),
    ("nested FILTER EXISTS", "depth",
     lambda n: "SELECT * WHERE { " + "FILTER EXISTS { " * (n - 1) + "}" * (n - 1) + " }"),
    ("nested subqueries", "depth",
     lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * (n - 1) + "{}" + " }" * (n - 1)),
    ("nested ( ) in a property path", "depth",
     lambda n: "SELECT * WHERE { ?a " + "(" * (n - 1) + "<urn:p>" + ")" * (n - 1) + " ?b }"),
    ("nested [ ] blank nodes", "depth",
     lambda n: "SELECT * WHERE { ?a <urn:p> " + "[ <urn:p> " * (n - 1) + "1" + " ]" * (n - 1) + " }"),
    ("( ) hidden in what reads as an IRI", "depth",
     lambda n: "SELECT * WHERE { FILTER(1<" + "(" * (n - 2) + "1" + ")" * (n - 2) + "&&2>0) }"),
    ("a UNION chain", "UNION", lambda n: "SELECT * WHERE { {}" + " UNION {}" * n + " }"),
    ("a MINUS chain", "MINUS", lambda n: "SELECT * WHERE { {}" + " MINUS {}" * n + " }"),
    ("an OPTIONAL chain", "OPTIONAL",
     lambda n: "SELECT * WHERE { ?a <urn:p> ?b" + " OPTIONAL { ?a <urn:q> ?c }" * n + " }"),
    ("a FILTER chain", "FILTER", lambda n: "SELECT * WHERE { " + "FILTER(true) " * n + "}"),
    ("a BIND chain", "AS",
     lambda n: "SELECT * WHERE { " + "".join(f"BIND(1 AS ?v{i}) " for i in range(n)) + "}"),
    ("a property path sequence", "path",
     lambda n: "SELECT * WHERE { ?a <urn:p>" + "/<urn:p>" * n + " ?b }"),
    ("a property path alternative", "path",
     lambda n: "SELECT * WHERE { ?a <urn:p>" + "|<urn:p>" * n + " ?b }"),
    ("an && chain", "operator", lambda n: "ASK { FILTER(true" + " && true" * n + ") }"),
    ("a ! chain", "operator", lambda n: "ASK { FILTER(" + "!" * n + "true) }"),
]


@pytest.mark.parametrize("form,limit,make", NESTING_ATTACKS, ids=[a[0] for a in NESTING_ATTACKS])
def test_past_a_limit_is_400_naming_it_and_at_it_answers(server, form, limit, make):
    _, plain = server
    n = _limit(limit)
    r = send(plain, "get", make(n + 1))
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert f"the limit is {n}" in message and repr(limit) in message, message
    ok = send(plain, "form", make(n))
    assert ok.status_code == 200, ok.text
    assert plain.get("/health").status_code == 200


def test_the_issue_crash_query_is_refused_and_the_server_lives(server):
    _, plain = server
    query = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    for how in ("get", "form", "body"):
        r = send(plain, how, query)
        assert r.status_code == 400 and "nesting limit" in r.json()["error"], r.text
    assert plain.get("/health").status_code == 200
    nested = "SELECT * WHERE " + "{ " * 20 + "?s ?p ?o" + " }" * 20 + " LIMIT 1"
    r = send(plain, "get", nested)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 1, r.text
    r = send(plain, "get", "ASK { " + "{ ?s ?p ?o } UNION " * 20 + "{} }")
    assert r.status_code == 200 and r.json()["boolean"] is True, r.text


# ---------------------------------------------------------- the guard and the engine ----
def _variants(trap: int, allowed: int):
    """SERVICE spelled, glued and placed every way the table's cases combine; `s:` and `:` name
    the trap, `w:` and `SILENTs:` an allowed listener."""
    prologue = (f"PREFIX s: <http://127.0.0.1:{trap}/> PREFIX : <http://127.0.0.1:{trap}/> "
                f"PREFIX SILENTs: <http://127.0.0.1:{allowed}/> PREFIX w: <http://127.0.0.1:{allowed}/> ")
    keywords = ["SERVICE", "service", "SeRvIcE", r"\u0053ERVICE", r"S\u0045RVICE", r"SERVIC\u0045"]
    before = ["?a ?b ?c ", "?a ?b ?c.", "?a ?b ?c #c\n", "?a ?b 'x'", "?a ?b 1.",
              "?a ?b <urn:o>.", "{ ?a ?b ?c }", "{?a ?b ?c}"]
    after = [" ", "", "\t", "#c\n", " SILENT ", "SILENT", " SILENT", r"\u0020"]
    targets = [f"<http://127.0.0.1:{trap}/>", f"<http://127.0.0.1:{allowed}/>", "s:x", ":x",
               "SILENTs:x", "w:x"]
    for k in keywords:
        for b in before:
            for a in after:
                for t in targets:
                    yield prologue + f"SELECT * WHERE {{ {b}{k}{a}{t} {{ }} }}"


def test_no_query_the_guard_lets_through_makes_the_engine_reach_another_host():
    """Each variant is checked with only the `allowed` listener on the allow-list, then run
    on the engine itself (an in-memory pyoxigraph store, not through the guard): what the guard
    let through never reaches the trap, and some variants the guard refused do reach it (so
    they are real attacks, not syntax errors)."""
    import asyncio

    import pyoxigraph as ox

    trap, allowed = Trap(), Trap()
    store = ox.Store()
    for o in (ox.NamedNode("urn:c"), ox.Literal("x"), ox.Literal(1), ox.NamedNode("urn:o")):
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), o))
    refused_reaching, passed = 0, 0

    def reaches_trap(query: str) -> bool:
        before = len(trap.hits)
        try:
            list(store.query(query))
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
        return len(trap.hits) > before  # recorded before the trap hangs up

    try:
        for query in _variants(trap.port, allowed.port):
            try:
                asyncio.run(guard.check(query, [f"127.0.0.1:{allowed.port}"]))
            except guard.Refused:
                refused_reaching += reaches_trap(query)
                continue
            passed += 1
            assert not reaches_trap(query), f"the guard let through: {query}"
    finally:
        trap.close()
        allowed.close()
    assert passed > 100 and refused_reaching > 100, (passed, refused_reaching)
