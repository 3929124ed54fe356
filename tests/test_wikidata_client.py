"""The Wikidata client and `citykg link --online`, against a local HTTP server on 127.0.0.1
that answers in Wikidata's formats: the Action API's wbsearchentities and wbgetentities
(JSON, formatversion 2) and the query service's SPARQL 1.1 results JSON. Failures are
scripted per request: 429 with Retry-After, 5xx, the API's maxlag error."""
from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from citykg.wikidata.client import WikidataClient, WikidataError, _retry_after
from citykg.wikidata.link import link
from citykg.wikidata.local import Local
from citykg.wikidata.online import fetch

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
WD = "http://www.wikidata.org/entity/"


# Wikidata's JSON --------------------------------------------------------------------------
def snak(prop: str, datatype: str, value, vtype: str) -> dict:
    return {"snaktype": "value", "property": prop, "hash": "0" * 40,
            "datavalue": {"value": value, "type": vtype}, "datatype": datatype}


def item_value(qid: str) -> dict:
    return {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid}


def time_value(text: str, precision: int) -> dict:
    return {"time": text, "timezone": 0, "before": 0, "after": 0, "precision": precision,
            "calendarmodel": WD + "Q1985727"}


def statement(qid: str, prop: str, main: dict, rank: str = "normal", qualifiers=None) -> dict:
    out = {"mainsnak": main, "type": "statement", "id": f"{qid}$0000", "rank": rank}
    if qualifiers:
        out["qualifiers"] = qualifiers
        out["qualifiers-order"] = list(qualifiers)
    return out


def entity(qid: str, en: str, ja: str = "", claims: dict | None = None,
           aliases: tuple = ()) -> dict:
    labels = {"en": {"language": "en", "value": en}}
    if ja:
        labels["ja"] = {"language": "ja", "value": ja}
    return {"type": "item", "id": qid, "labels": labels,
            "aliases": {"en": [{"language": "en", "value": a} for a in aliases]} if aliases else {},
            "claims": claims or {}, "pageid": int(qid[1:]), "ns": 0, "title": qid,
            "lastrevid": 1, "modified": "2025-01-01T00:00:00Z"}


def twin(qid: str, other: str, start: str | None = None, precision: int = 11,
         rank: str = "normal") -> dict:
    quals = {"P580": [snak("P580", "time", time_value(start, precision), "time")]} if start \
        else None
    return statement(qid, "P190", snak("P190", "wikibase-item", item_value(other),
                                       "wikibase-entityid"), rank, quals)


def population(qid: str, amount: str, year: str) -> dict:
    return statement(qid, "P1082", snak("P1082", "quantity", {"amount": amount, "unit": "1"},
                                        "quantity"),
                     qualifiers={"P585": [snak("P585", "time", time_value(
                         f"+{year}-00-00T00:00:00Z", 9), "time")]})


ENTITIES = {
    "Q17": entity("Q17", "Japan", "日本"),
    "Q96": entity("Q96", "Mexico", "メキシコ"),
    "Q212": entity("Q212", "Ukraine", "ウクライナ"),
    "Q38283": entity("Q38283", "Yokohama", "横浜市", {
        "P17": [statement("Q38283", "P17", snak("P17", "wikibase-item", item_value("Q17"),
                                                 "wikibase-entityid"))],
        "P625": [statement("Q38283", "P625", snak("P625", "globe-coordinate", {
            "latitude": 35.444167, "longitude": 139.638056, "altitude": None,
            "precision": 0.0001, "globe": WD + "Q2"}, "globecoordinate"))],
        "P1082": [population("Q38283", "+3688773", "2010"),
                  population("Q38283", "+3777491", "2020")],
        "P190": [twin("Q38283", "Q1874", "+1965-11-21T00:00:00Z", 11),
                 twin("Q38283", "Q16552", "+1957-00-00T00:00:00Z", 9),
                 twin("Q38283", "Q999", rank="deprecated")]}),
    "Q1874": entity("Q1874", "Odesa", "オデーサ", {
        "P17": [statement("Q1874", "P17", snak("P17", "wikibase-item", item_value("Q212"),
                                                "wikibase-entityid"))],
        "P190": [twin("Q1874", "Q38283", "+1965-11-21T00:00:00Z", 11)]}, ("Odessa",)),
    "Q16552": entity("Q16552", "San Diego", "サンディエゴ"),
    "Q777": entity("Q777", "Partnertown", "パートナータウン"),
    "Q81398": entity("Q81398", "Acapulco", "アカプルコ", {
        "P17": [statement("Q81398", "P17", snak("P17", "wikibase-item", item_value("Q96"),
                                                 "wikibase-entityid"))]}),
    "Q5000": entity("Q5000", "Acapulco", "", {}, ()),
}
KINDS = {"Q17": "country", "Q96": "country", "Q212": "country", "Q5000": "organization"}


# the server --------------------------------------------------------------------------------
class Fake:
    """State of the fake Wikidata: what it saw, and failures to answer with, in order."""

    def __init__(self):
        self.seen: list[dict] = []
        self.failures: list[tuple[int, dict, bytes]] = []
        self.lock = threading.Lock()

    def fail(self, status: int, headers: dict | None = None, body: bytes = b"") -> None:
        self.failures.append((status, headers or {}, body))

    def count(self, **match) -> int:
        return sum(all(s.get(k) == v for k, v in match.items()) for s in self.seen)


def handler(fake: Fake):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            self.answer(url.path, urllib.parse.parse_qs(url.query))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            self.answer(urllib.parse.urlsplit(self.path).path, urllib.parse.parse_qs(body),
                        "POST")

        def answer(self, path: str, params: dict, method: str = "GET"):
            p = {k: v[0] for k, v in params.items()}
            with fake.lock:
                fake.seen.append({"path": path, "method": method, "params": p,
                                  "action": p.get("action"),
                                  "user_agent": self.headers.get("User-Agent"),
                                  "accept": self.headers.get("Accept")})
                failure = fake.failures.pop(0) if fake.failures else None
            if failure:
                status, headers, body = failure
                return self.send(status, body or json.dumps({"error": status}).encode(),
                                 headers)
            if path == "/w/api.php" and p.get("action") == "wbsearchentities":
                return self.json(search(p))
            if path == "/w/api.php" and p.get("action") == "wbgetentities":
                ids = p["ids"].split("|")
                assert len(ids) <= 50, "wbgetentities takes at most 50 ids"
                return self.json({"entities": {q: ENTITIES.get(q, {"id": q, "missing": True})
                                               for q in ids}, "success": 1})
            if path == "/sparql":
                return self.send(200, json.dumps(sparql(p["query"])).encode(),
                                 {"Content-Type": "application/sparql-results+json"})
            return self.send(404, b"{}")

        def json(self, body: dict):
            self.send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def send(self, status: int, body: bytes, headers: dict | None = None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def search(p: dict) -> dict:
    text = p["search"].casefold()
    hits = [e for e in ENTITIES.values()
            if any(text == lab["value"].casefold() for lab in e["labels"].values())]
    return {"searchinfo": {"search": p["search"]}, "search": [{
        "repository": "wikidata", "id": e["id"], "concepturi": WD + e["id"],
        "title": e["id"], "pageid": e["pageid"], "url": f"//www.wikidata.org/wiki/{e['id']}",
        "display": {"label": {"value": e["labels"]["en"]["value"], "language": "en"}},
        "label": e["labels"]["en"]["value"],
        "match": {"type": "label", "language": p.get("language", "en"), "text": p["search"]}}
        for e in hits][: int(p.get("limit", 7))], "search-continue": 7, "success": 1}


def sparql(query: str) -> dict:
    ids = re.findall(r"(?:wd:|/entity/)(Q\d+)", query.split("VALUES (?class")[0])
    if "P279" in query:  # types
        rows = [{"item": {"type": "uri", "value": WD + q},
                 "kind": {"type": "literal", "value": KINDS.get(q, "city")}} for q in ids]
        return {"head": {"vars": ["item", "kind"]}, "results": {"bindings": rows}}
    rows = []
    if "Q38283" in ids:  # P190 statements about Yokohama made by others
        rows.append({"item": {"type": "uri", "value": WD + "Q1874"},
                     "city": {"type": "uri", "value": WD + "Q38283"},
                     "start": {"type": "literal", "value": "1965-11-21T00:00:00Z",
                               "datatype": "http://www.w3.org/2001/XMLSchema#dateTime"},
                     "startPrecision": {"type": "literal", "value": "11",
                                        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}})
        rows.append({"item": {"type": "uri", "value": WD + "Q777"},
                     "city": {"type": "uri", "value": WD + "Q38283"}})
    return {"head": {"vars": ["item", "city", "start", "startPrecision", "end", "endPrecision"]},
            "results": {"bindings": rows}}


@pytest.fixture
def fake():
    state = Fake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(fake, tmp_path):
    waits: list[float] = []
    c = WikidataClient(fake.base + "/w/api.php", fake.base + "/sparql",
                       cache_dir=tmp_path / "cache", backoff=0.5, sleep=waits.append)
    c.recorded = waits
    yield c
    c.close()


# the client ---------------------------------------------------------------------------------
def test_search_with_a_proper_user_agent(fake, client):
    hits = client.search("Acapulco")
    assert [h["id"] for h in hits] == ["Q81398", "Q5000"]
    seen = fake.seen[0]
    assert seen["params"]["action"] == "wbsearchentities" and seen["params"]["format"] == "json"
    assert seen["user_agent"].startswith("citykg/") and "https://w3id.org/citykg/" in \
        seen["user_agent"]


def test_entities_in_batches_of_fifty(fake, client):
    ids = ["Q38283", "Q1874"] + [f"Q{n}" for n in range(100000, 100118)]
    found = client.entities(ids)
    assert set(found) == {"Q38283", "Q1874"}  # missing ones are left out
    batches = [s["params"]["ids"].split("|") for s in fake.seen if s["action"] == "wbgetentities"]
    assert [len(b) for b in batches] == [50, 50, 20]
    assert sum(batches, []) == ids


def test_429_retry_after_is_honoured(fake, client):
    fake.fail(429, {"Retry-After": "2"})
    assert client.search("Acapulco")
    assert client.recorded == [2.0] and client.requests == 2


def test_429_retry_after_really_waits(fake, tmp_path):
    fake.fail(429, {"Retry-After": "1"})
    with WikidataClient(fake.base + "/w/api.php", fake.base + "/sparql",
                        cache_dir=tmp_path / "c") as c:
        started = time.monotonic()
        assert c.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1")["results"] is not None
        assert time.monotonic() - started >= 1.0 and c.waits == [1.0]


def test_5xx_is_retried_with_back_off(fake, client):
    fake.fail(503)
    fake.fail(502)
    assert client.entities(["Q38283"])["Q38283"]["id"] == "Q38283"
    assert client.recorded == [0.5, 1.0] and client.requests == 3


def test_retries_run_out(fake, tmp_path):
    for _ in range(3):
        fake.fail(500)
    with WikidataClient(fake.base + "/w/api.php", fake.base + "/sparql",
                        cache_dir=tmp_path / "c", retries=2, sleep=lambda s: None) as c:
        with pytest.raises(WikidataError, match="HTTP 500 after 3 tries"):
            c.search("Acapulco")


def test_maxlag_and_client_errors(fake, client):
    fake.fail(200, {"Retry-After": "5", "Content-Type": "application/json"},
              json.dumps({"error": {"code": "maxlag", "info": "Waiting for a database server: "
                                    "5 seconds lagged"}}).encode())
    assert client.search("Acapulco") and client.recorded == [5.0]
    fake.fail(400, {}, b'{"error": {"code": "badvalue"}}')
    with pytest.raises(WikidataError, match="HTTP 400"):
        client.search("Yokohama")
    assert client.recorded == [5.0]  # a 4xx is not retried


def test_retry_after_as_a_date():
    from email.utils import formatdate
    assert 8 <= _retry_after(formatdate(time.time() + 10, usegmt=True)) <= 10
    assert _retry_after("7") == 7.0 and _retry_after(None) is None and _retry_after("soon") is None


def test_disk_cache(fake, client, tmp_path):
    first = client.entities(["Q38283"])
    assert client.entities(["Q38283"]) == first and client.requests == 1
    with WikidataClient(fake.base + "/w/api.php", fake.base + "/sparql",
                        cache_dir=tmp_path / "cache") as again:
        assert again.entities(["Q38283"]) == first and again.requests == 0
    with WikidataClient(fake.base + "/w/api.php", fake.base + "/sparql",
                        cache_dir=tmp_path / "other") as fresh:
        fresh.entities(["Q38283"])
        assert fresh.requests == 1
    assert fake.count(action="wbgetentities") == 2


def test_sparql_get_and_post(fake, client):
    short = "SELECT ?item ?kind WHERE { VALUES ?item { wd:Q17 } ?item wdt:P31/wdt:P279* ?c }"
    body = client.sparql(short)
    assert body["results"]["bindings"][0]["kind"]["value"] == "country"
    long = short.replace("wd:Q17", " ".join(f"wd:Q{n}" for n in range(1, 400)))
    assert len(client.sparql(long)["results"]["bindings"]) == 399
    methods = [(s["method"], s["accept"]) for s in fake.seen if s["path"] == "/sparql"]
    assert methods == [("GET", "application/sparql-results+json"),
                       ("POST", "application/sparql-results+json")]


# online linking -------------------------------------------------------------------------------
def test_fetch_and_link(fake, client):
    ours = {"yokohama": Local("yokohama", "city", "横浜市", "Yokohama", country="jp", code="14100"),
            "odesa": Local("odesa", "city", "オデーサ市", "Odesa", ["Odessa"], "ua", qid="Q1874"),
            "acapulco": Local("acapulco", "city", "アカプルコ市", "Acapulco", country="mx"),
            "mx": Local("mx", "country", "メキシコ", "Mexico", country="mx", qid="Q96"),
            "jp": Local("jp", "country", "日本", "Japan", country="jp", qid="Q17")}
    snap = fetch(client, ours, mentioned={"acapulco"})
    yokohama = snap.items["Q38283"]
    assert (yokohama.type, yokohama.label_ja, yokohama.country) == ("city", "横浜市", "Q17")
    assert (yokohama.lat, yokohama.lon, yokohama.population) == ("35.4442", "139.638", "3777491")
    assert snap.items["Q5000"].type == "organization" and snap.items["Q777"].label_en == "Partnertown"
    twins = {(t.qid, t.twin): t for t in snap.twins}
    assert twins[("Q38283", "Q1874")].start == "1965-11-21"
    assert twins[("Q38283", "Q16552")].start == "1957"
    assert twins[("Q1874", "Q38283")].start == "1965-11-21"
    assert ("Q777", "Q38283") in twins and ("Q38283", "Q999") not in twins  # deprecated
    decisions = {d.entity.iri: d for d in link(ours, snap)}
    assert (decisions["yokohama"].status, decisions["yokohama"].qid) == ("curated", "Q38283")
    acapulco = decisions["acapulco"]
    assert (acapulco.status, acapulco.qid) == ("linked", "Q81398")
    assert any("country MX" in r for r in acapulco.candidates[0].reasons)
    assert {s["action"] for s in fake.seen if s["path"] == "/w/api.php"} == \
        {"wbsearchentities", "wbgetentities"}


@pytest.mark.skipif(not SEEDS, reason=f"the seeds are not under {SHARED}")
def test_link_online_end_to_end(fake, client, tmp_path):
    from citykg.api.relations import relations
    from citykg.commands.build import build
    from citykg.core.store import GraphStore
    from citykg.wikidata.run import run
    from citykg.wikidata.snapshot import load

    store = tmp_path / "store"
    build(store, SEEDS, validate=False)
    result = run(store, online=True, client=client, save_snapshot=tmp_path / "snap",
                 report=True)
    saved = load(tmp_path / "snap")
    assert result.saved_to == tmp_path / "snap" and "Q38283" in saved.items
    assert any(t.start == "1965-11-21" for t in saved.twins)
    data = relations(GraphStore(store, read_only=True), "横浜市")
    odesa = [r for r in data["relations"] if "wikidata" in r["origins"]
             and r["partner"].get("wikidata") == "Q1874"]
    assert odesa and odesa[0]["start"] == "1965-11-21"
    partner = [r for r in data["relations"] if r["partner"].get("wikidata") == "Q777"]
    assert partner[0]["partner"]["label_en"] == "Partnertown"
    assert partner[0]["partner"]["label_ja"] == "パートナータウン"
    pair = [p for p in result.pairs if p.partner.get("wikidata") == "Q1874"][0]
    assert pair.status == "agree" and pair.wd_start == "1965-11-21"
    store_ = GraphStore(store, read_only=True)
    rows = store_.select("SELECT ?lat ?pop WHERE { <https://w3id.org/citykg/id/city/jp/14100> "
                         "<https://w3id.org/citykg/ontology#latitude> ?lat ; "
                         "<https://w3id.org/citykg/ontology#population> ?pop }")
    assert rows and rows[0]["pop"].value == "3777491"
    # linking again (offline, from the saved snapshot) replaces the graph and keeps its facts
    run(store, tmp_path / "snap")
    again = GraphStore(store, read_only=True).select(
        "SELECT ?pop WHERE { <https://w3id.org/citykg/id/city/jp/14100> "
        "<https://w3id.org/citykg/ontology#population> ?pop }")
    assert [r["pop"].value for r in again] == ["3777491"]


@pytest.mark.skipif(not SEEDS, reason=f"the seeds are not under {SHARED}")
def test_the_command_online(fake, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from citykg.commands.build import build
    from citykg.commands.cli import app

    store = tmp_path / "store"
    build(store, SEEDS, validate=False)
    monkeypatch.setenv("CITYKG_WIKIDATA_API", fake.base + "/w/api.php")
    monkeypatch.setenv("CITYKG_WIKIDATA_SPARQL", fake.base + "/sparql")
    monkeypatch.setenv("CITYKG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CITYKG_CONTACT", "citykg-tests@example.org")
    fake.fail(429, {"Retry-After": "0"})
    r = CliRunner().invoke(app, ["link", "--store", str(store), "--online", "--format", "json",
                                 "--save-snapshot", str(tmp_path / "snap")])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["saved_snapshot"] == str(tmp_path / "snap") and data["counts"]["curated"] >= 1
    assert all("citykg-tests@example.org" in s["user_agent"] for s in fake.seen)
    assert (tmp_path / "cache" / "wikidata").is_dir()
