"""The HTTP API through FastAPI's TestClient, on a store built once from the seed documents
(the `seed_store` fixture of conftest.py; skipped with a reason when ../shared is absent)."""
from __future__ import annotations

import time
import urllib.parse

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citykg.api.app import create_app
from citykg.api.models import CityDetail, CitySearch, Health, Paths, QueryList, Relations
from citykg.api.relations import relations as library_relations
from citykg.core.store import GraphStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
YOKOHAMA = "https://w3id.org/citykg/id/city/jp/14100"
HOSTILE = ["'", '"', "\\", "} UNION { ?s ?p ?o }", "x' . } #", "<http://127.0.0.1:9/>",
           "\n}\nSELECT * WHERE {?s ?p ?o}", "a" * 20000, "\u202e横浜", "\x00", "%00",
           "' ; DROP ALL ;", "?_city_iri", "Q1 } #", "https://w3id.org/citykg/id/city/jp/14100> } #"]


@pytest.fixture(scope="module")
def client(seed_store):
    with TestClient(create_app(store=seed_store)) as c:
        yield c


@pytest.fixture(scope="module")
def yokohama(client) -> dict:
    r = client.get("/relations", params={"city": "横浜市"})
    assert r.status_code == 200, r.text
    return r.json()


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = Health.model_validate(r.json())
    assert body.status == "ok" and body.store_version


def test_relations_shape(yokohama):
    Relations.model_validate(yokohama)
    assert yokohama["city"]["label_ja"] == "横浜市"
    assert yokohama["relations"], "Yokohama has relations in the seeds"
    for rel in yokohama["relations"]:
        assert {"type", "partner", "start", "start_derived", "status", "sources"} <= rel.keys()
        assert {"id", "label_ja", "label_en", "wikidata"} <= rel["partner"].keys()
        assert all({"document", "lines"} <= s.keys() for s in rel["sources"])
    odesa = [r for r in yokohama["relations"] if r["partner"].get("label_en") == "Odesa"]
    assert odesa and odesa[0]["type"] == "sister" and odesa[0]["start"] == "1965"


def test_relations_are_the_library_json(client, seed_store, yokohama):
    assert yokohama == library_relations(GraphStore(seed_store, read_only=True), "横浜市")


@pytest.mark.parametrize("name", ["yokohama", "14100", YOKOHAMA, "ヨコハマ", "Yokohama"])
def test_relations_any_name(client, yokohama, name):
    assert client.get("/relations", params={"city": name}).json() == yokohama


def test_relations_filters(client, yokohama):
    sister = client.get("/relations", params={"city": "横浜市", "type": "sister"}).json()
    assert sister["relations"] and {r["type"] for r in sister["relations"]} == {"sister"}
    since = client.get("/relations", params={"city": "横浜市", "since": 1970}).json()
    assert all(r["start"] and int(r["start"][:4]) >= 1970 for r in since["relations"])
    partner = yokohama["relations"][0]["partner"]
    only = client.get("/relations", params={"city": "横浜市", "with": partner["iri"]}).json()
    assert only["relations"] and {r["partner"]["iri"] for r in only["relations"]} == {partner["iri"]}


def test_relations_errors(client):
    r = client.get("/relations", params={"city": "Atlantis"})
    assert r.status_code == 404 and "Atlantis" in r.json()["detail"]
    assert client.get("/relations", params={"city": "横浜市", "type": "enemy"}).status_code == 422
    assert client.get("/relations", params={"city": "横浜市", "since": "x"}).status_code == 422
    assert client.get("/relations").status_code == 422
    r = client.get("/relations", params={"city": "横浜市", "with": "Atlantis"})
    assert r.status_code == 404
    # two municipalities are called 伊達市 and neither has relations: the answer lists both
    r = client.get("/relations", params={"city": "伊達市"})
    assert r.status_code == 404 and "2 cities" in r.json()["detail"], r.json()
    listed = r.json()["detail"].split(": ", 1)[1].split(" (")[0].split(", ")
    assert {client.get(f"/cities/{i}").json()["label_ja"] for i in listed} == {"伊達市"}


@pytest.mark.parametrize("q", ["yokohama", "ヨコハマ", "横浜", "ＹＯＫＯＨＡＭＡ", "よこはま",
                               "ヨコハマシ", "横浜市", "Yokohama City", "YOKOHAMA", "ﾖｺﾊﾏ"])
def test_city_search_finds_yokohama(client, q):
    r = client.get("/cities", params={"q": q})
    assert r.status_code == 200
    body = CitySearch.model_validate(r.json())
    assert body.results and body.results[0].iri == YOKOHAMA, [h.label_ja for h in body.results]
    assert body.results[0].label_ja == "横浜市" and body.results[0].code == "14100"


def test_city_search_ranks_and_limits(client):
    hits = client.get("/cities", params={"q": "yoko", "limit": 5}).json()["results"]
    assert len(hits) == 5 and hits[0]["iri"] == YOKOHAMA  # a prefix; relations first
    assert client.get("/cities", params={"q": "横浜", "limit": 101}).status_code == 422
    assert client.get("/cities", params={"q": ""}).status_code == 422
    assert client.get("/cities", params={"q": "zzqqxx"}).json()["results"] == []


@pytest.mark.parametrize("ident", ["yokohama", "14100", "横浜市", "ヨコハマ"])
def test_city_detail(client, ident):
    r = client.get(f"/cities/{urllib.parse.quote(ident, safe='')}")
    assert r.status_code == 200, r.text
    city = CityDetail.model_validate(r.json())
    assert city.iri == YOKOHAMA and city.kind == "city"
    assert city.prefecture and city.prefecture.label_ja == "神奈川県"
    assert "ヨコハマシ" in city.aliases and sum(city.relation_counts.values()) > 0


def test_ward_and_wikidata_id(client, yokohama):
    ward = client.get("/cities/14101").json()  # 鶴見区, a ward of Yokohama
    assert ward["kind"] == "ward" and ward["parent_city"]["iri"] == YOKOHAMA
    qid = next(r["partner"]["wikidata"] for r in yokohama["relations"] if r["partner"]["wikidata"])
    assert client.get(f"/cities/{qid}").json()["wikidata"] == qid
    assert client.get("/cities/nowhere-at-all").status_code == 404


def test_city_json_ld(client):
    r = client.get("/cities/yokohama", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@id"] == YOKOHAMA and "ckg:City" in doc["@type"] and "@context" in doc
    triples = list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))
    assert ox.Literal("横浜市", language="ja") in {t.object for t in triples}
    assert client.get("/cities/yokohama?format=jsonld").json() == doc


def test_city_relations_route(client, yokohama):
    assert client.get("/cities/yokohama/relations").json() == yokohama
    assert client.get("/cities/yokohama/relations?type=aid&since=3000").json()["relations"] == []


def test_paths(client, yokohama):
    twins = [r["partner"]["iri"] for r in yokohama["relations"] if r["type"] == "sister"]
    r = client.get("/paths", params={"from": twins[0], "to": twins[1]})
    assert r.status_code == 200
    body = Paths.model_validate(r.json())
    assert body.paths, "two of Yokohama's sister cities are two relations apart"
    path = body.paths[0]
    assert [s.city.iri for s in path] == [twins[0], YOKOHAMA, twins[1]]
    assert path[0].type is None and path[1].type == "sister"
    same = client.get("/paths", params={"from": "横浜市", "to": "yokohama"}).json()
    assert len(same["paths"]) == 1 and len(same["paths"][0]) == 1
    one = client.get("/paths", params={"from": twins[0], "to": twins[1], "max": 1}).json()
    assert one["paths"] == []
    assert client.get("/paths", params={"from": "横浜市", "to": "yokohama", "max": 5}).status_code == 422
    assert client.get("/paths", params={"from": "Atlantis", "to": "yokohama"}).status_code == 404


def test_docs_list_every_endpoint(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    queries = QueryList.model_validate(client.get("/queries").json()).queries
    wanted = {"/health", "/relations", "/paths", "/cities", "/cities/{id}",
              "/cities/{id}/relations", "/queries", *(f"/queries/{q.name}" for q in queries)}
    assert wanted <= set(spec["paths"])
    for q in queries:
        op = spec["paths"][f"/queries/{q.name}"]["get"]
        assert op["summary"] == q.summary and q.description in op["description"]
        documented = {p["name"]: p for p in op.get("parameters", [])}
        for p in q.parameters:
            assert p.name in documented
            if p.default is not None:
                assert documented[p.name]["schema"].get("default") is not None
                assert documented[p.name].get("examples") or documented[p.name]["schema"].get("examples")


def test_responses_are_cached_per_store_version(seed_store, monkeypatch):
    monkeypatch.setenv("CITYKG_REFRESH_SECONDS", "0.01")

    class Counting:
        def __init__(self):
            self.store, self.calls, self.v = GraphStore(seed_store, read_only=True), 0, "1"

        def select(self, sparql):
            self.calls += 1
            return self.store.select(sparql)

        def ask(self, sparql):
            return self.store.ask(sparql)

        def version(self):
            return self.v

    backend = Counting()
    client = TestClient(create_app(backend=backend))
    first = client.get("/queries/network-members").json()
    calls = backend.calls
    assert client.get("/queries/network-members").json() == first and backend.calls == calls
    backend.v = "2"
    time.sleep(0.02)
    assert client.get("/queries/network-members").json() == first and backend.calls == calls + 1
    assert client.get("/health").json()["store_version"] == "2"


def test_a_rebuilt_store_is_seen(tmp_path, seeds, monkeypatch):
    from citykg.commands.build import build

    monkeypatch.setenv("CITYKG_REFRESH_SECONDS", "0.01")
    build(tmp_path / "s", seeds[:1], validate=False)
    client = TestClient(create_app(store=tmp_path / "s"))
    before = client.get("/health").json()["store_version"]
    assert client.get("/relations", params={"city": "横浜市"}).status_code in (200, 404)
    build(tmp_path / "s", seeds, validate=False)
    time.sleep(0.02)
    assert client.get("/health").json()["store_version"] != before
    assert client.get("/relations", params={"city": "横浜市"}).json()["relations"]


# hostile input: never a 5xx --------------------------------------------------------------
def endpoints(client) -> list[tuple[str, str]]:
    """(path template, parameter) for every parameter of every GET endpoint."""
    spec = client.get("/openapi.json").json()
    out = []
    for path, ops in spec["paths"].items():
        for p in ops.get("get", {}).get("parameters", []):
            out.append((path, p["name"]))
    return out


REQUIRED = {"/relations": {"city": "横浜市"}, "/paths": {"from": "横浜市", "to": "yokohama"},
            "/cities": {"q": "横浜"}}


def call(client, path: str, name: str, value: str):
    params = dict(REQUIRED.get(path, {}))
    if name == "id":
        return client.get(path.replace("{id}", urllib.parse.quote(value, safe="") or "%20"))
    params[name] = value
    return client.get(path.replace("{id}", "yokohama"), params=params)


def test_hostile_values_never_5xx(client):
    for path, name in endpoints(client):
        if path.startswith("/sparql"):
            continue  # the SPARQL endpoint has its own tests
        for value in HOSTILE:
            r = call(client, path, name, value)
            assert r.status_code < 500, (path, name, value[:40], r.text[:200])
            assert r.status_code != 200 or name != "id" or value == "yokohama"
            if r.status_code == 200 and path.startswith("/queries/") and name not in (
                    "page", "page_size", "format"):
                assert r.json()["rows"] == [], (path, name, value[:40])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_no_endpoint_answers_5xx(client, data):
    path, name = data.draw(st.sampled_from([e for e in endpoints(client)
                                            if not e[0].startswith("/sparql")]))
    text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
    value = data.draw(st.one_of(text, st.integers().map(str),
                                st.sampled_from(HOSTILE)))
    r = call(client, path, name, value)
    assert r.status_code < 500, (path, name, value, r.text[:200])


def test_undecodable_bytes_in_a_url(client):
    for url in ("/cities?q=%ED%A0%80", "/relations?city=%FF%FE", "/queries/events?name=%C0%AF",
                "/cities/%ED%A0%80"):
        assert client.get(url).status_code < 500, url
