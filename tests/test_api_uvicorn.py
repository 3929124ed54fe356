"""The API as users run it: `citykg serve` in its own process on a free loopback port, hit
with httpx."""
from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(*args: str) -> list[str]:
    return [sys.executable, "-m", "citykg.cli", "serve", *args]


@pytest.fixture(scope="module")
def base(seed_store):
    port = free_port()
    env = dict(os.environ, CITYKG_QUERY_TIMEOUT="5")
    proc = subprocess.Popen(serve("--store", str(seed_store), "--host", "127.0.0.1",
                                  "--port", str(port), "--workers", "2"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail("citykg serve exited: " + proc.stderr.read().decode()[-500:])
            if time.monotonic() > deadline:
                pytest.fail("citykg serve did not answer /health within 40 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
