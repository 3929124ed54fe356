"""Cost growth: load time and query latency at 10k, 100k, 1M and 10M triples.

    python bench/scale.py 10000 100000 1000000 10000000 --plot bench/scale.png

For each size: a synthetic graph (bench/gen_graph.py) loaded with `citykg build` into a store
holding the bundled graphs (wall time of the process), then, in-process on a read-only view,
latencies of three queries shaped like the canned ones:

- partners: a city's partner cities with type and start (city-partners.rq), for random cities;
- two-hop: cities that share a partner with a city (shared-partners.rq), for random cities;
- aggregate: agreements per decade and type over the whole graph (agreements-per-decade.rq).

Each result is a JSON line (append to a file with --json); --plot draws them (matplotlib).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import pct  # noqa: E402

PY = Path(sys.executable)
CITYKG = PY.with_name("citykg")
P = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> "
     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
PARTNERS = P + """SELECT ?partner ?type (MIN(STR(?en)) AS ?partner_en) (MIN(STR(?s)) AS ?start)
WHERE { VALUES ?city { CITY }
  ?a ckg:party ?city , ?partner ; a ?cls . FILTER(?partner != ?city)
  VALUES (?cls ?type) { (ckg:SisterCityAgreement "sister") (ckg:FriendshipCityAgreement "friendship")
                        (ckg:PartnerCityAgreement "partner") (ckg:CooperationAgreement "cooperation") }
  OPTIONAL { ?a ckg:startDate ?s } OPTIONAL { ?partner rdfs:label ?en FILTER(LANG(?en) = "en") }
} GROUP BY ?partner ?type ?a ORDER BY ?start"""
TWO_HOP = P + """SELECT DISTINCT ?other ?partner WHERE { VALUES ?city { CITY }
  ?city ckg:twinnedWith ?partner . ?other ckg:twinnedWith ?partner . FILTER(?other != ?city) }"""
AGGREGATE = P + """SELECT ?decade ?type (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a a ?cls ; ckg:startDate ?start .
  VALUES (?cls ?type) { (ckg:SisterCityAgreement "sister") (ckg:FriendshipCityAgreement "friendship")
                        (ckg:PartnerCityAgreement "partner") (ckg:CooperationAgreement "cooperation") }
  BIND(FLOOR(YEAR(?start) / 10) * 10 AS ?decade) } GROUP BY ?decade ?type ORDER BY ?decade ?type"""


def city(i: int) -> str:
    return f"<https://w3id.org/citykg/id/city/k{i % 200:03d}/c{i}>"


def latencies(store, template: str, cities: list[int]) -> list[float]:
    out = []
    for i in cities:
        q = template.replace("CITY", city(i))
        t = time.perf_counter()
        rows = list(store.query(q, use_default_graph_as_union=True))
        out.append((time.perf_counter() - t) * 1000)
        assert rows is not None
    return out


def run(n: int, work: Path, samples: int) -> dict:
    from citykg.core.store import GraphStore

    data = work / f"graph-{n}.nt"
    if not data.exists():
        subprocess.run([str(PY), str(ROOT / "bench" / "gen_graph.py"), str(n), str(data)],
                       check=True)
    base, store = work / "base-store", work / f"scale-store-{n}"
    subprocess.run([str(CITYKG), "build", "--no-validate", "--store", str(base)], check=True,
                   capture_output=True)
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(base, store)
    t = time.perf_counter()
    r = subprocess.run([str(CITYKG), "build", str(data), "--store", str(store)],
                       capture_output=True, text=True)
    load = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(r.stderr[-500:])
    triples = sum(1 for _ in open(data, "rb"))
    s = GraphStore(store, read_only=True).raw
    n_cities = max(20, triples // 71)
    rng = random.Random(7)
    cities = [rng.randrange(n_cities) for _ in range(samples)]
    latencies(s, PARTNERS, cities[:10])  # warm the block cache a little
    partners = latencies(s, PARTNERS, cities)
    two_hop = latencies(s, TWO_HOP, cities)
    hub = latencies(s, PARTNERS, [0] * 5) + latencies(s, TWO_HOP, [0] * 5)
    agg = []
    for _ in range(3):
        t = time.perf_counter()
        list(s.query(AGGREGATE, use_default_graph_as_union=True))
        agg.append((time.perf_counter() - t) * 1000)
    result = {"triples": triples, "load_s": round(load, 2), "load_triples_per_s": round(triples / load),
              "partners_p50_ms": pct(partners, 50), "partners_p99_ms": pct(partners, 99),
              "two_hop_p50_ms": pct(two_hop, 50), "two_hop_p99_ms": pct(two_hop, 99),
              "hub_max_ms": round(max(hub), 2),
              "aggregate_ms": round(statistics.median(agg), 1),
              "store_mib": sum(f.stat().st_size for f in store.iterdir()) >> 20}
    del s
    shutil.rmtree(store, ignore_errors=True)
    return result


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib  # pip install matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r["triples"])
    x = [r["triples"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    a.plot(x, [r["load_s"] for r in rows], "o-", label="load time (s)")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("triples")
    a.set_ylabel("seconds")
    a2 = a.twinx()
    a2.plot(x, [r["load_triples_per_s"] / 1000 for r in rows], "s--", color="tab:orange",
            label="throughput (k triples/s)")
    a2.set_ylabel("k triples/s")
    a.set_title("citykg build big.nt")
    a.legend(loc="upper left")
    a2.legend(loc="lower right")
    for key, label in (("partners_p50_ms", "partners p50"), ("partners_p99_ms", "partners p99"),
                       ("two_hop_p50_ms", "two hops p50"), ("two_hop_p99_ms", "two hops p99"),
                       ("aggregate_ms", "aggregate (whole graph)")):
        b.plot(x, [r[key] for r in rows], "o-", label=label)
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("triples")
    b.set_ylabel("ms (in-process pyoxigraph)")
    b.set_title("query latency")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "citykg-bench")
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--json", type=Path, help="append results here (JSON lines)")
    ap.add_argument("--plot", type=Path, help="draw every result of --json into this PNG")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        row = run(n, args.workdir, args.samples)
        print(json.dumps(row))
        if args.json:
            with open(args.json, "a") as f:
                f.write(json.dumps(row) + "\n")
    if args.plot and args.json:
        plot([json.loads(line) for line in open(args.json)], args.plot)


if __name__ == "__main__":
    main()
