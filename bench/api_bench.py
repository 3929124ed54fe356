"""Issue 3's benchmark: the API against `oxigraph serve`, in-process pyoxigraph and rdflib.

    python bench/api_bench.py synthetic --triples 1240000
    python bench/api_bench.py wikidata

One store (a graph file loaded with `citykg build` into a store with the bundled graphs), and
three queries: a point lookup (a random city's partners with type and start), a two-hop query
(cities that share a partner with a random city) and an aggregate (partners per city, top 10).
The same SPARQL goes

- (a) through the API on a real uvicorn (`citykg serve`): `/sparql`, and the canned queries
  and `/relations` a client would use instead;
- (b) straight to `oxigraph serve-read-only` on a copy of the same store;
- (c) to pyoxigraph in-process (a read-only view);
- (d) to rdflib's in-memory Dataset (parsed from the same file).

For HTTP targets: requests/s from `wrk` (2 threads, 16 connections, 10 s, a random city per
request from a fixed sample) and single-client p50/p99 (sequential requests); in-process:
p50/p99 of the call. JSON lines out (--json). Everything binds to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import free_port, pct, serve  # noqa: E402

PY = Path(sys.executable)
CITYKG, OXIGRAPH = PY.with_name("citykg"), PY.with_name("oxigraph")
P = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> "
     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
QUERIES = {
    "point": P + "SELECT ?partner ?cls ?start WHERE { ?a ckg:party <CITY> , ?partner ; a ?cls . "
                 "FILTER(?partner != <CITY>) OPTIONAL { ?a ckg:startDate ?start } }",
    "two-hop": P + "SELECT DISTINCT ?other ?partner WHERE { <CITY> ckg:twinnedWith ?partner . "
                   "?other ckg:twinnedWith ?partner . FILTER(?other != <CITY>) }",
    "aggregate": P + "SELECT ?city (COUNT(?p) AS ?n) WHERE { ?city ckg:twinnedWith ?p } "
                     "GROUP BY ?city ORDER BY DESC(?n) LIMIT 10",
}
CANNED = {"point": ("/queries/city-partners?city=", "CITY"),
          "two-hop": ("/queries/shared-partners?city=", "CITY"),
          "aggregate": ("/queries/agreements-per-decade", ""),
          "relations": ("/relations?city=", "CITY")}
ACCEPT = "application/sparql-results+json"


def prepare(kind: str, triples: int, work: Path) -> tuple[Path, Path, list[str]]:
    """(store, data file, sample of city IRIs)."""
    work.mkdir(parents=True, exist_ok=True)
    if kind == "synthetic":
        data = work / f"graph-{triples}.nt"
        if not data.exists():
            subprocess.run([str(PY), str(ROOT / "bench" / "gen_graph.py"), str(triples), str(data)],
                           check=True)
    else:
        data = work / "wikidata.nt"
        if not data.exists():
            subprocess.run([str(PY), str(ROOT / "bench" / "wikidata_graph.py"), str(data)], check=True)
    store = work / f"api-store-{data.stem}"
    if not (store / "CURRENT").exists():
        subprocess.run([str(CITYKG), "build", "--no-validate", "--store", str(store)], check=True,
                       capture_output=True)
        subprocess.run([str(CITYKG), "build", str(data), "--store", str(store)], check=True,
                       capture_output=True)
    cities = sorted({m.group(1) for m in re.finditer(
        rb"<(https://w3id.org/citykg/id/city/[^>]+)> <https://w3id.org/citykg/ontology#twinnedWith>",
        data.read_bytes()[: 50_000_000])})
    rng = random.Random(3)
    return store, data, [c.decode() for c in rng.sample(cities, min(2000, len(cities)))]


def wrk(base: str, prefix: str, value: str, cities: list[str], seconds: int, tmp: Path
        ) -> tuple[float, int]:
    """wrk's requests/s and non-2xx count for GET prefix + quote(value with a random city)."""
    def enc(s: str) -> str:
        return urllib.parse.quote(s, safe="")

    pieces = [enc(p) for p in value.split("CITY")]
    expr = " .. c .. ".join(f'"{p}"' for p in pieces)
    lua_cities = ",".join(f'"{enc(c)}"' for c in cities)
    script = tmp / "bench.lua"
    script.write_text(f"""
local cities = {{{lua_cities}}}
request = function()
  local c = cities[math.random(#cities)]
  return wrk.format("GET", "{prefix}" .. {expr}, {{["Accept"] = "{ACCEPT}"}})
end
""")
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "-s",
                          str(script), base], capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(rps.group(1)) if rps else 0.0), (int(bad.group(1)) if bad else 0)


def single(client: httpx.Client, urls: list[str], limit_s: float = 20) -> list[float]:
    out, end = [], time.time() + limit_s
    for url in urls:
        t = time.perf_counter()
        r = client.get(url, headers={"Accept": ACCEPT})
        out.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{url[:120]} answered {r.status_code}: {r.text[:200]}")
        if time.time() > end and len(out) >= 5:
            break
    return out


def http_target(name: str, base: str, path_for, cities: list[str], seconds: int, tmp: Path,
                kinds=("point", "two-hop", "aggregate")) -> list[dict]:
    """path_for(kind) -> (prefix, value template) or None; the value is URL-quoted."""
    rows = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for kind in kinds:
            spec = path_for(kind)
            if spec is None:
                continue
            prefix, value = spec
            q = urllib.parse.quote
            urls = [prefix + q(value.replace("CITY", c), safe="") for c in cities[:300]] \
                if "CITY" in value else [prefix + q(value, safe="")] * 30
            single(client, urls[:20])  # warm up
            lat = single(client, urls)
            rps, bad = wrk(base, prefix, value, cities, seconds, tmp)
            rows.append({"target": name, "query": kind, "req_per_s": round(rps, 1),
                         "non_2xx": bad, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99),
                         "samples": len(lat)})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def canned_first_calls(base: str) -> list[dict]:
    """Every canned query with its defaults, called once (not from the response cache): its
    time as a client sees it, once the server has precomputed what it precomputes."""
    with httpx.Client(base_url=base, timeout=120) as client:
        listing = client.get("/queries").json()["queries"]
        deadline = time.monotonic() + 300
        for q in (q for q in listing if q["precomputed"]):  # wait for the precomputation
            while client.get(f"/queries/{q['name']}", params={"page_size": 1}).status_code == 503 \
                    and time.monotonic() < deadline:
                time.sleep(0.5)
        out = []
        for q in listing:
            t = time.perf_counter()
            r = client.get(f"/queries/{q['name']}", params={"page_size": 99})
            ms = (time.perf_counter() - t) * 1000
            out.append({"target": "API canned, first call", "query": q["name"],
                        "precomputed": q["precomputed"], "status": r.status_code,
                        "ms": round(ms, 1)})
            print(json.dumps(out[-1]), file=sys.stderr)
    return out


def in_process(store: Path, cities: list[str]) -> list[dict]:
    from citykg.core.store import GraphStore

    s = GraphStore(store, read_only=True)
    rows = []
    for kind, q in QUERIES.items():
        lat = []
        for c in (cities[:300] if "CITY" in q else [None] * 5):
            text = q.replace("CITY", c) if c else q
            t = time.perf_counter()
            list(s.query(text))
            lat.append((time.perf_counter() - t) * 1000)
        rows.append({"target": "pyoxigraph in-process", "query": kind, "p50_ms": pct(lat, 50),
                     "p99_ms": pct(lat, 99), "samples": len(lat)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def rdflib_target(data: Path, cities: list[str]) -> list[dict]:
    import rdflib

    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.graph(rdflib.URIRef("https://w3id.org/citykg/graph/bench")).parse(str(data), format="nt")
    load = time.perf_counter() - t
    rows = []
    for kind, q in QUERIES.items():
        lat = []
        for c in (cities[:50] if "CITY" in q else [None] * 2):
            text = q.replace("CITY", c) if c else q
            t = time.perf_counter()
            list(ds.query(text))
            lat.append((time.perf_counter() - t) * 1000)
        rows.append({"target": "rdflib in-memory", "query": kind, "p50_ms": pct(lat, 50),
                     "p99_ms": pct(lat, 99), "samples": len(lat), "parse_s": round(load, 1)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("graph", choices=["synthetic", "wikidata"])
    ap.add_argument("--triples", type=int, default=1_240_000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=None, help="citykg serve --workers "
                    "(default: its own)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "citykg-bench")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--canned-only", action="store_true",
                    help="only the first call of every canned query through the API")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not shutil.which("wrk") and not args.canned_only:
        raise SystemExit("wrk is needed: apt-get install wrk")
    store, data, cities = prepare(args.graph, args.triples, args.workdir)
    if args.canned_only:
        port = free_port()
        api = serve([str(CITYKG), "serve", "--store", str(store), "--port", str(port)],
                    f"http://127.0.0.1:{port}/health")
        try:
            canned_first_calls(f"http://127.0.0.1:{port}")
        finally:
            api.terminate()
            api.wait(20)
        return
    tmp = Path(tempfile.mkdtemp())
    copy = tmp / "copy"
    shutil.copytree(store, copy)
    rows = []
    api_port, ox_port = free_port(), free_port()
    more = ["--workers", str(args.workers)] if args.workers else []
    api = serve([str(CITYKG), "serve", "--store", str(store), "--port", str(api_port), *more],
                f"http://127.0.0.1:{api_port}/health")
    oxs = serve([str(OXIGRAPH), "serve-read-only", "--location", str(copy), "--bind",
                 f"127.0.0.1:{ox_port}"], f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D")
    try:
        rows += http_target("oxigraph serve", f"http://127.0.0.1:{ox_port}",
                            lambda k: ("/query?union-default-graph&query=", QUERIES[k]), cities,
                            args.seconds, tmp)
        rows += http_target("API /sparql", f"http://127.0.0.1:{api_port}",
                            lambda k: ("/sparql?query=", QUERIES[k]), cities, args.seconds, tmp)
        rows += canned_first_calls(f"http://127.0.0.1:{api_port}")
        rows += http_target("API canned", f"http://127.0.0.1:{api_port}", CANNED.get, cities,
                            args.seconds, tmp, kinds=("point", "two-hop", "aggregate", "relations"))
    finally:
        api.terminate()
        oxs.terminate()
        api.wait(20)
        oxs.wait(20)
    rows += in_process(store, cities)
    if not args.no_rdflib:
        rows += rdflib_target(data, cities)
    summary = {"graph": args.graph, "triples": sum(1 for _ in open(data, "rb")),
               "workers": args.workers, "rows": rows}
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(summary) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"median p50 of the API over oxigraph: "
          f"{statistics.median([r['p50_ms'] for r in rows if r['target'] == 'API /sparql']):.2f} ms",
          file=sys.stderr)


if __name__ == "__main__":
    main()
