"""Runaways outside /sparql (issue 14, section 3), against a real `citykg serve` (two workers,
a 1 s time limit) over the seed store plus ~100k triples of the synthetic graph
(bench/gen_graph.py), where a late page of `shared-partners` takes seconds and a batch of
reconciliation queries tens of seconds:

- a reconciliation batch past the limit gets its 503 and stops computing;
- five canned-query runaways at once get their 503s, their workers are replaced (which ends
  the work), never all at once: /health answers within 1 s throughout;
- a batch over the cap is refused (413) before any work.

Latencies here are correctness checks ("not blocked"), with generous margins, not benchmarks.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 1
GRAPH = "https://w3id.org/citykg/graph/synthetic"
LIMIT = f"query exceeded the time limit of {TIMEOUT} s"


def _gen_graph():
    spec = importlib.util.spec_from_file_location("gen_graph", ROOT / "bench" / "gen_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big_store(seed_store, tmp_path_factory) -> Path:
    """The seed store with ~100k triples of the synthetic worldwide graph in a graph of its
    own (bulk-loaded by pyoxigraph)."""
    work = tmp_path_factory.mktemp("runaways")
    nt = work / "world.nt"
    with open(nt, "w", encoding="utf-8") as f:
        _gen_graph().generate(100_000, f)
    path = work / "store"
    shutil.copytree(seed_store, path)
    store = ox.Store(str(path))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def server(big_store):
    port = free_port()
    env = dict(os.environ, CITYKG_QUERY_TIMEOUT=str(TIMEOUT))
    proc = subprocess.Popen([sys.executable, "-m", "citykg.cli", "serve", "--store",
                             str(big_store), "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while len(_workers(proc.pid)) < 2 or not _answers(base):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("citykg serve did not start: " + proc.stderr.read().decode()[-800:])
        time.sleep(0.2)
    yield proc, base
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _workers(pid: int) -> set[int]:
    """The worker processes of a `citykg serve` (children of its supervisor, minus
    multiprocessing's helpers)."""
    out = set()
    for kid in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            cmdline = Path(f"/proc/{kid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.spawn" in cmdline and b"resource_tracker" not in cmdline:
            out.add(int(kid))
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cpu_seconds(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _idle_within(proc, seconds: float) -> bool:
    """The workers use less than 0.5 s of CPU in some 2 s window within `seconds` (a runaway
    keeps a core busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = _workers(proc.pid)
        cpu = _cpu_seconds(pids)
        time.sleep(2)
        if _cpu_seconds(pids) - cpu < 0.5 and _workers(proc.pid) == pids:
            return True
    return False


def _probe(base: str, stop: threading.Event, latencies: list[float], failed: list) -> None:
    """/health on a fresh connection every 0.1 s, as a load balancer probes."""
    while not stop.is_set():
        t = time.monotonic()
        try:
            status = httpx.get(base + "/health", timeout=30).status_code
        except httpx.HTTPError as exc:
            status = repr(exc)
        latencies.append(time.monotonic() - t)
        if status != 200:
            failed.append(status)
        stop.wait(0.1)


def _batch(text: str, n: int) -> str:
    return json.dumps({f"q{i}": {"query": text, "limit": 100,
                                 "properties": [{"pid": "country", "v": "Japan"}]}
                       for i in range(n)})


def test_a_reconciliation_batch_past_the_limit_stops(server):
    """100 queries of the commonest word, each scored against a country: ~30 s of work on
    this store. The batch gets its 503 at the limit and its worker goes idle at once."""
    proc, base = server
    assert _idle_within(proc, 60), "the server did not settle after starting"
    t = time.monotonic()
    r = httpx.post(base + "/reconcile", data={"queries": _batch("City", 100)}, timeout=60)
    took = time.monotonic() - t
    assert r.status_code == 503 and r.json()["error"] == LIMIT, r.text[:300]
    assert took < TIMEOUT + 10, took
    assert _idle_within(proc, 15), "the batch went on computing after its 503"


def test_a_batch_over_the_cap_is_refused_before_any_work(server):
    from citykg.api.routers.reconcile import MAX_IDS, MAX_QUERIES

    _, base = server
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(4):
            r = http.post("/reconcile", data={"queries": _batch("City", 1000)})
            assert r.status_code == 413, r.text[:300]
            assert f"at most {MAX_QUERIES}" in r.json()["detail"] and "queries" in \
                r.json()["detail"]
        spec = {"ids": [f"city/x/{i}" for i in range(MAX_IDS + 1)],
                "properties": [{"id": "partners"}]}
        r = http.post("/reconcile", data={"extend": json.dumps(spec)})
        assert r.status_code == 413 and f"at most {MAX_IDS}" in r.json()["detail"], r.text


def test_five_canned_runaways_retire_their_workers_one_at_a_time(server):
    """Five late pages of shared-partners at once (each computes every pair of the graph):
    each 503 at the limit; /health answers within 1 s throughout; the workers that ran them
    are replaced, and then nothing computes them any more."""
    proc, base = server
    assert _idle_within(proc, 60), "the server did not settle"
    before = _workers(proc.pid)
    assert len(before) == 2
    stop, latencies, failed = threading.Event(), [], []
    probe = threading.Thread(target=_probe, args=(base, stop, latencies, failed))
    probe.start()
    time.sleep(0.5)

    async def runaways():
        async with httpx.AsyncClient(base_url=base, timeout=90) as http:
            return await asyncio.gather(*(
                http.get("/queries/shared-partners", params={"page": 5000 + n,
                                                             "page_size": 1000})
                for n in range(5)))

    try:
        answers = asyncio.run(runaways())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (before - _workers(proc.pid)):
            time.sleep(0.2)
        replaced = before - _workers(proc.pid)
        time.sleep(3)  # a retirement may still follow the first
    finally:
        stop.set()
        probe.join(60)
    assert [r.status_code for r in answers] == [503] * 5, [r.text[:200] for r in answers]
    assert all(r.json()["error"] == LIMIT for r in answers)
    assert not failed, failed
    assert latencies and max(latencies) < 1.0, sorted(latencies)[-5:]
    assert replaced, "no worker was replaced: the runaways go on computing"
    assert not any(_running(pid) for pid in replaced)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_workers(proc.pid)) < 2:
        time.sleep(0.2)
    assert len(_workers(proc.pid)) == 2
    assert _idle_within(proc, 30), "a runaway still computes"
    assert httpx.get(base + "/queries/shared-partners", params={"city": "yokohama"},
                     timeout=30).status_code == 200


# ----------------------------------------------------------------- the parts, in process ----
def test_a_late_job_that_checks_its_deadline_ends_at_once():
    """A job looping in Python (a reconciliation batch) ends at its next check once its
    request has had the 503: nothing is left running."""
    from citykg.api.evaluate import QueryFailed
    from citykg.api.runner import QueryRunner, check_deadline

    runner = QueryRunner(0.2, supervised=False)
    ended = threading.Event()

    def batch() -> None:
        try:
            while True:  # would run for ever without the check
                check_deadline()
                time.sleep(0.01)
        finally:
            ended.set()

    async def main():
        with pytest.raises(QueryFailed) as late:
            await runner.run(batch, "reconciliation", untrusted=False)
        assert late.value.status == 503 and "time limit of 0.2 s" in late.value.message

    asyncio.run(main())
    assert ended.wait(10)
    deadline = time.monotonic() + 10
    while runner.abandoned and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runner.abandoned == 0


SERVING = ("import sys, time\nfrom citykg.api.roster import Roster\n"
           "Roster(sys.argv[1], 3).serve()\nprint('serving', flush=True)\ntime.sleep(120)\n")


def _serving_worker(directory: Path) -> subprocess.Popen:
    kid = subprocess.Popen([sys.executable, "-c", SERVING, str(directory)],
                           stdout=subprocess.PIPE)
    assert kid.stdout.readline().strip() == b"serving"
    return kid


def test_a_worker_leaves_only_while_another_serves(tmp_path):
    """The roster of serving workers, with real processes: a killed worker (kill -9) no
    longer counts; the last serving worker may not leave until another serves."""
    from citykg.api.roster import Roster

    a, b = _serving_worker(tmp_path), _serving_worker(tmp_path)
    kids = [a, b]
    me = Roster(tmp_path, 3)
    me.serve()
    try:
        assert me.others_serving() == 2
        a.kill()
        a.wait()
        assert me.others_serving() == 1 and not (tmp_path / str(a.pid)).exists()
        b.kill()
        b.wait()
        assert not me.leave() and me.mine.exists()  # nobody else serves: it stays
        kids.append(_serving_worker(tmp_path))
        assert me.leave() and not me.mine.exists()
    finally:
        for kid in kids:
            kid.kill()
            kid.wait()
    alone = Roster(tmp_path / "one", 1)
    alone.directory.mkdir()
    alone.serve()
    assert alone.leave()  # the only worker there is: it restarts, the backlog waits
