"""Canned queries marked `#+ precompute: true`: computed when the server sees a store version,
served from what was kept (the same rows as a live run), recomputed for a new version."""
from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from citykg.api.canned import QueryFileError, load_queries, parse_query
from citykg.api.precompute import KEEP, Precomputed, combinations
from citykg.core.paths import SPARQL_DIR
from citykg.core.store import GraphStore
from citykg.core.terms import CKG, ID

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def agreements(*years: int) -> list[ox.Triple]:
    out = []
    for i, year in enumerate(years):
        a = ox.NamedNode(str(ID[f"agreement/test/{i}"]))
        out += [ox.Triple(a, RDF_TYPE, ox.NamedNode(str(CKG.SisterCityAgreement))),
                ox.Triple(a, ox.NamedNode(str(CKG.startDate)), ox.Literal(f"{year}-05-01",
                                                                          datatype=XSD_DATE))]
    return out


def rows_when_ready(client, path: str, params: dict | None = None, until=lambda rows: True):
    deadline = time.monotonic() + 20
    while True:
        r = client.get(path, params=params)
        if r.status_code == 200 and until(r.json()["rows"]):
            return r.json()["rows"]
        assert r.status_code in (200, 503), r.text
        assert time.monotonic() < deadline, r.text
        time.sleep(0.1)


def test_every_precomputed_query_has_its_parameter_sets():
    marked = {q.name: q for q in load_queries(SPARQL_DIR) if q.precompute}
    assert {"agreements-per-decade", "unlinked-entities"} <= set(marked)
    assert combinations(marked["agreements-per-decade"]) == [{}]
    classes = combinations(marked["unlinked-entities"])
    assert len(classes) == len(marked["unlinked-entities"].params[0].enum) == 7
    assert {'"City"', '"Country"'} <= {c["_class"] for c in classes}


def test_a_parameter_without_default_or_enumeration_cannot_be_precomputed(tmp_path: Path):
    path = tmp_path / "bad.rq"
    path.write_text("#+ summary: x\n#+ precompute: true\n"
                    "SELECT ?s WHERE { ?s ?p ?_city_iri }\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match="city"):
        parse_query(path)


def test_precomputed_rows_match_a_live_run(seed_store):
    from citykg.api.app import create_app

    app = create_app(store=seed_store)
    queries = {q.name: q for q in app.state.queries}
    with TestClient(app) as client:
        for name, params in [("agreements-per-decade", {}), ("unlinked-entities",
                                                              {"class": "City"})]:
            rows = rows_when_ready(client, f"/queries/{name}", {**params, "page_size": 1000})
            q = queries[name]
            terms = {p.var: p.term(params.get(p.name, p.default)) for p in q.params}
            live = app.state.holder.backend.select(q.bind(terms))  # every row
            assert rows and len(rows) == min(len(live), 1000)
            kept = app.state.precomputed.rows(app.state.holder, q, terms, 0)
            assert kept is not None and len(kept) == min(len(live), KEEP + 1)
            live = live[:len(kept)]
            assert [{k: v.value for k, v in r.items()} for r in kept] == \
                [{k: v.value for k, v in r.items()} for r in live]
        listing = {q["name"]: q for q in client.get("/queries").json()["queries"]}
        assert listing["agreements-per-decade"]["precomputed"] is True
        assert listing["city-partners"]["precomputed"] is False


def test_a_new_store_version_is_precomputed_again(tmp_path: Path, monkeypatch):
    from citykg.api.app import create_app

    monkeypatch.setenv("CITYKG_REFRESH_SECONDS", "0.2")
    writer = GraphStore(tmp_path / "s")
    writer.replace_graphs({"urn:g1": agreements(1965, 1972)})
    app = create_app(store=tmp_path / "s")

    def decades(rows):
        return {(r["decade"], r["type"]): r["agreements"] for r in rows}

    with TestClient(app) as client:
        first = rows_when_ready(client, "/queries/agreements-per-decade")
        assert decades(first) == {(1960, "sister"): 1, (1970, "sister"): 1}
        writer.replace_graphs({"urn:g2": agreements(1968, 1991, 1999)[1:]})
        again = rows_when_ready(client, "/queries/agreements-per-decade",
                                until=lambda rows: len(rows) == 3)
        assert decades(again) == {(1960, "sister"): 1, (1970, "sister"): 1,
                                  (1990, "sister"): 2}


def test_pages_past_the_kept_rows_run_live():
    rows = [{"n": i} for i in range(KEEP + 1)]  # KEEP + 1: more rows exist than were kept
    assert Precomputed.page(rows, 1, 100) == rows[:101]
    assert Precomputed.page(rows, KEEP // 100, 100)[-1] == {"n": KEEP}
    assert Precomputed.page(rows, KEEP // 100 + 1, 100) is None
    assert Precomputed.page(rows[:50], 3, 100) == []  # all kept: an empty page is an answer
