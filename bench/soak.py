"""A bounded soak of the API: concurrent clients on 127.0.0.1, mixed calls, a runaway query
every few seconds; p50/p99, errors and the server's memory over time.

    python bench/soak.py --store citykg-store --seconds 60 --clients 20
    python bench/soak.py --seconds 10 --clients 8            # a store built from the seeds

Starts `citykg serve` itself (CITYKG_QUERY_TIMEOUT=--timeout) and stops it at the end. Clients
call /relations, /cities, /queries/city-partners, /queries/shared-partners, /sparql (a point
query) and /health in turn; every --runaway-every seconds one more client sends a query whose
answer would take hours, which must come back as an error (the time limit) while the others
keep being served. Memory is the RSS of the server and its worker processes, sampled each
second. Exit status 1 if any call but the runaways failed or a runaway was not stopped.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import free_port, pct, serve  # noqa: E402

PY = Path(sys.executable)
CITYKG = PY.with_name("citykg")
SEEDS = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))
CITIES = ["横浜市", "yokohama", "札幌市", "sapporo", "odesa", "San Diego", "上海市", "Q38283",
          "バンクーバー", "frankfurt", "ムンバイ", "lyon"]
POINT = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> SELECT ?p ?s WHERE { ?a ckg:party "
         "<https://w3id.org/citykg/id/city/jp/14100> , ?p OPTIONAL { ?a ckg:startDate ?s } }")
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")


def calls(rng: random.Random):
    c = rng.choice(CITIES)
    return rng.choice([
        ("relations", "/relations", {"city": c}),
        ("cities", "/cities", {"q": c[:3]}),
        ("city-partners", "/queries/city-partners", {"city": "yokohama"}),
        ("shared-partners", "/queries/shared-partners", {"city": "yokohama"}),
        ("sparql", "/sparql", {"query": POINT}),
        ("health", "/health", {}),
    ])


def rss_mib(pid: int) -> float:
    """RSS of a process and its children (the query workers), MiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def soak(store: Path, seconds: float, clients: int, runaway_every: float, timeout: float,
         workers: int | None = None) -> dict:
    port = free_port()
    env = {**os.environ, "CITYKG_QUERY_TIMEOUT": str(timeout)}
    more = ["--workers", str(workers)] if workers else []
    base = f"http://127.0.0.1:{port}"
    server = serve([str(CITYKG), "serve", "--store", str(store), "--port", str(port), *more],
                   base + "/health", env)
    try:
        with httpx.Client(base_url=base, timeout=60) as warm:  # the name index, the caches
            warm.get("/relations", params={"city": "横浜市"})
        lat: dict[str, list[float]] = {}
        errors, runaways, memory = [], [], []
        lock, stop = threading.Lock(), threading.Event()

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=60) as http:
                while not stop.is_set():
                    name, path, params = calls(rng)
                    t = time.perf_counter()
                    try:
                        r = http.get(path, params=params)
                        status = r.status_code
                    except httpx.HTTPError as exc:
                        status, r = repr(exc), None
                    ms = (time.perf_counter() - t) * 1000
                    with lock:
                        lat.setdefault(name, []).append(ms)
                        if status != 200 and not (status == 404 and name == "relations"):
                            errors.append((name, status, r.text[:200] if r is not None else ""))

        def runaway() -> None:
            with httpx.Client(base_url=base, timeout=timeout + 30) as http:
                while not stop.wait(runaway_every):
                    t = time.perf_counter()
                    r = http.get("/sparql", params={"query": RUNAWAY})
                    runaways.append({"status": r.status_code, "s": round(time.perf_counter() - t, 2),
                                     "message": r.text[:160]})

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        threads.append(threading.Thread(target=runaway))
        start = time.time()
        for t in threads:
            t.start()
        for tick in itertools.count():
            if time.time() - start >= seconds:
                break
            memory.append((tick, rss_mib(server.pid)))
            time.sleep(1)
        stop.set()
        for t in threads:
            t.join(timeout + 60)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    every = [ms for v in lat.values() for ms in v]
    mem = [m for _, m in memory]
    third = max(1, len(mem) // 3)
    return {
        "seconds": seconds, "clients": clients, "requests": len(every),
        "req_per_s": round(len(every) / seconds, 1),
        "p50_ms": pct(every, 50, 2), "p99_ms": pct(every, 99, 2), "max_ms": round(max(every), 1),
        "per_call": {k: {"n": len(v), "p50_ms": pct(v, 50, 2), "p99_ms": pct(v, 99, 2)}
                     for k, v in sorted(lat.items())},
        "errors": errors[:20], "error_count": len(errors),
        "runaways": runaways, "runaways_stopped": all(r["status"] != 200 for r in runaways),
        "memory_mib": {"first": mem[0] if mem else 0, "last": mem[-1] if mem else 0,
                       "max": max(mem) if mem else 0,
                       "first_third_mean": round(sum(mem[:third]) / third, 1) if mem else 0,
                       "last_third_mean": round(sum(mem[-third:]) / third, 1) if mem else 0},
        "memory_series": memory,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, help="default: a store built from ../shared/seeds")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--runaway-every", type=float, default=5)
    ap.add_argument("--timeout", type=float, default=3, help="the API's query time limit, s")
    ap.add_argument("--workers", type=int, default=None, help="default: citykg serve's")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp()) / "store"
        subprocess.run([str(CITYKG), "build", *map(str, SEEDS), "--store", str(store),
                        "--no-validate"], check=True, capture_output=True)
    result = soak(store, args.seconds, args.clients, args.runaway_every, args.timeout, args.workers)
    brief = {k: v for k, v in result.items() if k != "memory_series"}
    print(json.dumps(brief, ensure_ascii=False, indent=1))
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0 if result["error_count"] == 0 and result["runaways_stopped"] and result["runaways"] \
        else 1


if __name__ == "__main__":
    sys.exit(main())
