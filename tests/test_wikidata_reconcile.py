"""`/reconcile`: the W3C Reconciliation Service API 0.2, every answer validated against the
specification's JSON Schemas in ../shared/data/reconciliation-api-schemas/0.2 (skipped when
../shared is absent), on the seed store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from citykg.api.app import create_app

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / \
    "reconciliation-api-schemas" / "0.2"


@pytest.fixture(scope="module")
def schema():
    if not SCHEMAS.exists():
        pytest.skip(f"the reconciliation schemas are not at {SCHEMAS}")
    from referencing.jsonschema import DRAFT7

    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = referencing.Registry().with_resources(
        (d["$id"].rstrip("#"), referencing.Resource.from_contents(d, default_specification=DRAFT7))
        for d in docs.values() if "$id" in d)

    def validate(name: str, instance) -> None:
        jsonschema.Draft7Validator(docs[name], registry=registry,
                                   format_checker=jsonschema.FormatChecker()).validate(instance)
    return validate


@pytest.fixture(scope="module")
def client(seed_store):
    with TestClient(create_app(store=seed_store)) as c:
        yield c


def batch(client, queries: dict, method: str = "POST") -> dict:
    if method == "POST":
        r = client.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})
    else:
        r = client.get("/reconcile", params={"queries": json.dumps(queries, ensure_ascii=False)})
    assert r.status_code == 200, r.text
    return r.json()


def test_manifest(client, schema):
    r = client.get("/reconcile")
    assert r.status_code == 200
    m = r.json()
    schema("manifest.json", m)
    assert "0.2" in m["versions"] and m["identifierSpace"] == "https://w3id.org/citykg/id/"
    assert m["schemaSpace"] == "https://w3id.org/citykg/ontology#"
    assert {t["id"] for t in m["defaultTypes"]} >= {"City", "Country"}
    assert {"entity", "type", "property"} <= set(m["suggest"])
    assert m["preview"]["url"].endswith("/reconcile/preview?id={{id}}")
    assert m["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"


def test_batch_resolves_japanese_and_english_names(client, schema):
    queries = {"q0": {"query": "Yokohama"}, "q1": {"query": "オデーサ"}, "q2": {"query": "上海市"},
               "q3": {"query": "よこはま", "type": "City", "limit": 3},
               "q4": {"query": "Odessa", "type": ["City"]}, "q5": {"query": "横浜市"},
               "q6": {"query": "Japan", "type": "Country"},
               "q7": {"query": "CITYNET", "type": "Organization"}}
    schema("reconciliation-query-batch.json", queries)
    for method in ("POST", "GET"):
        res = batch(client, queries, method)
        schema("reconciliation-result-batch.json", res)
        top = {k: v["result"][0] for k, v in res.items()}
        for k in ("q0", "q3", "q5"):
            assert top[k]["id"] == "city/jp/14100" and "横浜市" in top[k]["name"], k
        for k in ("q1", "q4"):
            assert top[k]["id"] == "city/ua/odesa", k
        assert top["q2"]["id"] == "city/cn/shanghai"
        assert top["q6"]["id"] == "country/jp" and top["q6"]["type"][0]["id"] == "Country"
        assert top["q7"]["id"] == "org/citynet"
        assert all(top[k]["match"] for k in ("q0", "q1", "q2", "q5", "q6"))
        assert len(res["q3"]["result"]) <= 3
        # 横浜市 comes before the town of 横浜町 (Aomori), which is not a match
        second = res["q0"]["result"][1]
        assert second["id"] == "city/jp/02406" and not second["match"]


def test_namesakes_are_not_matched_and_properties_count(client, schema):
    res = batch(client, {"a": {"query": "Ikeda"},
                         "b": {"query": "Portland", "properties": [{"pid": "country",
                                                                    "v": "United States"}]},
                         "c": {"query": "Portland", "properties": [{"pid": "country",
                                                                    "v": "Japan"}]},
                         "d": {"query": "Yokohama", "properties": [{"pid": "wikidata",
                                                                    "v": "Q1"}]},
                         "e": {"query": "zzzzqqq"}})
    schema("reconciliation-result-batch.json", res)
    assert not any(c["match"] for c in res["a"]["result"])
    assert len({c["id"] for c in res["a"]["result"]}) > 1
    b, c = res["b"]["result"][0], res["c"]["result"][0]
    assert b["id"] == "city/us/portland" and b["match"]
    assert c["score"] < b["score"] and not c["match"]
    assert res["e"]["result"] == []


def test_single_query_and_jsonp(client, schema):
    r = client.get("/reconcile", params={"query": "Yokohama"})
    assert r.status_code == 200 and r.json()["result"][0]["id"] == "city/jp/14100"
    schema("reconciliation-result-batch.json", {"q": r.json()})
    r = client.get("/reconcile", params={"query": json.dumps({"query": "上海市", "limit": 1})})
    assert [c["id"] for c in r.json()["result"]] == ["city/cn/shanghai"]
    r = client.get("/reconcile", params={"callback": "cb"})
    assert r.text.startswith("cb({") and r.headers["content-type"].startswith(
        "application/javascript")


def test_bad_requests(client):
    for data in ({"queries": "{not json"}, {"queries": "[1, 2]"},
                 {"queries": json.dumps({"q": {"query": 5}})},
                 {"queries": json.dumps({"q": {"query": "x", "limit": "many"}})},
                 {"extend": json.dumps({"ids": "x"})}):
        r = client.post("/reconcile", data=data)
        assert r.status_code == 400 and r.json()["detail"], data
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).status_code == 400
    r = client.post("/reconcile", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_suggest(client, schema):
    r = client.get("/reconcile/suggest/entity", params={"prefix": "よこ"})
    schema("suggest-entities-response.json", r.json())
    assert r.json()["result"][0]["id"] == "city/jp/14100"
    r = client.get("/reconcile/suggest/entity", params={"prefix": "Jap", "type": "Country"})
    assert r.json()["result"][0]["id"] == "country/jp"
    r = client.get("/reconcile/suggest/type", params={"prefix": "cit"})
    schema("suggest-types-response.json", r.json())
    assert r.json()["result"][0]["id"] == "City"
    r = client.get("/reconcile/suggest/property", params={"prefix": "part"})
    schema("suggest-properties-response.json", r.json())
    assert [p["id"] for p in r.json()["result"]] == ["partners"]


def test_data_extension(client, schema):
    query = {"ids": ["city/jp/14100", "country/jp", "city/xx/none"],
             "properties": [{"id": "country"}, {"id": "wikidata"}, {"id": "partners"},
                            {"id": "code"}, {"id": "label_en"}]}
    schema("data-extension-query.json", query)
    r = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert r.status_code == 200, r.text
    body = r.json()
    schema("data-extension-response.json", body)
    yokohama = body["rows"]["city/jp/14100"]
    assert yokohama["country"] == [{"id": "country/jp", "name": "日本 (Japan)"}]
    assert yokohama["code"] == [{"str": "14100"}] and yokohama["label_en"] == [{"str": "Yokohama"}]
    partners = {p["id"] for p in yokohama["partners"]}
    assert {"city/ua/odesa", "city/cn/shanghai", "city/us/san-diego",
            "city/ro/constanta"} <= partners
    assert body["rows"]["country/jp"]["wikidata"] == [{"str": "Q17"}]
    assert body["rows"]["city/xx/none"] == {p["id"]: [] for p in query["properties"]}
    assert [m["id"] for m in body["meta"]] == ["country", "wikidata", "partners", "code",
                                               "label_en"]
    r = client.get("/reconcile/properties", params={"type": "City"})
    schema("data-extension-property-proposal.json", r.json())
    assert {"country", "wikidata", "partners"} <= {p["id"] for p in r.json()["properties"]}


def test_preview_and_view(client):
    r = client.get("/reconcile/preview", params={"id": "city/jp/14100"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "横浜市 (Yokohama)" in r.text and "14100" in r.text and "オデーサ市" in r.text
    assert client.get("/reconcile/preview", params={"id": "city/xx/none"}).status_code == 404
    r = client.get("/reconcile/view", params={"id": "city/jp/14100"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/cities/yokohama")
