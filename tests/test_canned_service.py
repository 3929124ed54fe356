"""Canned queries that join Wikidata never make the server fetch a host that is not allowed."""
from citykg.api.routers.queries import NO_SERVICE_GRAPH, without_forbidden_services


def test_silent_service_to_a_host_not_allowed_reads_an_empty_graph(monkeypatch):
    monkeypatch.delenv("CITYKG_SERVICE_ALLOW", raising=False)
    q = "SELECT * WHERE { OPTIONAL { SERVICE SILENT <https://query.wikidata.org/sparql> { ?s ?p ?o } } }"
    rewritten = without_forbidden_services(q)
    assert "SERVICE" not in rewritten and NO_SERVICE_GRAPH in rewritten


def test_allowed_host_keeps_its_service(monkeypatch):
    monkeypatch.setenv("CITYKG_SERVICE_ALLOW", "query.wikidata.org")
    q = "SELECT * WHERE { SERVICE SILENT <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    assert without_forbidden_services(q) == q


def test_federated_canned_query_answers_offline_without_connecting(seed_store, monkeypatch):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    monkeypatch.delenv("CITYKG_SERVICE_ALLOW", raising=False)
    with TestClient(create_app(store=seed_store)) as client:
        r = client.get("/queries/wikidata-live-twins")
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert rows and "not reachable" in rows[0]["wikidata_status"]
