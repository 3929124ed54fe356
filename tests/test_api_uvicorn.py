"""The API as users run it: `citykg serve` in its own process on a free loopback port, hit
with httpx."""
from __future__ import annotations

import concurrent.futures
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import free_port, running_server

pytestmark = pytest.mark.slow




def serve(*args: str) -> list[str]:
    return [sys.executable, "-m", "citykg.commands.cli", "serve", *args]


@pytest.fixture(scope="module")
def base(seed_store):
    command = serve("--store", str(seed_store), "--host", "127.0.0.1", "--workers", "2")
    with running_server(command, {"CITYKG_QUERY_TIMEOUT": "5"}, wait=40) as url:
        yield url


def test_health_relations_cities_docs(base):
    with httpx.Client(base_url=base, timeout=30) as c:
        assert c.get("/health").json()["status"] == "ok"
        rels = c.get("/relations", params={"city": "横浜市"}).json()["relations"]
        assert rels and all({"type", "partner", "start", "sources"} <= r.keys() for r in rels)
        for q in ("yokohama", "ヨコハマ", "横浜", "ＹＯＫＯＨＡＭＡ"):
            hits = c.get("/cities", params={"q": q}).json()["results"]
            assert hits[0]["label_ja"] == "横浜市", q
        assert c.get("/docs").status_code == 200
        assert "/relations" in c.get("/openapi.json").json()["paths"]


def test_every_canned_query(base):
    with httpx.Client(base_url=base, timeout=60) as c:
        queries = c.get("/queries").json()["queries"]
        assert len(queries) >= 12
        for q in queries:
            r = c.get(f"/queries/{q['name']}")
            assert r.status_code == 200 and r.json()["rows"], q["name"]
            csv = c.get(f"/queries/{q['name']}", headers={"Accept": "text/csv"})
            assert csv.headers["content-type"].startswith("text/csv")


def test_concurrent_clients(base):
    urls = [f"{base}/relations?city=横浜市", f"{base}/cities?q=よこはま",
            f"{base}/queries/city-budgets", f"{base}/paths?from=横浜市&to=札幌市"] * 10

    def get(url: str) -> int:
        return httpx.get(url, timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(get, urls)) == {200}


def test_serve_refuses_a_missing_store(tmp_path: Path):
    r = subprocess.run(serve("--store", str(tmp_path / "none"), "--port", str(free_port())),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "no store" in r.stderr
