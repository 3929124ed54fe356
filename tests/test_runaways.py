"""Runaways outside /sparql (issue 14, section 3), against a real `citykg serve` (two workers,
a 1 s time limit) over the seed store plus ~100k triples of the synthetic graph
(bench/gen_graph.py), where a late page of `shared-partners` takes seconds and a batch of
reconciliation queries tens of seconds:

- a reconciliation batch past the limit gets its 503 and stops computing;
- five canned-query runaways at once get their 503s, their workers are replaced (which ends
  the work), never all at once: a worker serves and /health answers throughout;
- a batch over the cap is refused (413) before any work.

Latencies here are correctness checks ("not blocked"), with generous margins, not benchmarks.
"""
from __future__ import annotations

import asyncio
import http.client
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
from test_sparql_endpoint import _cpu_seconds, _running

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
    log = big_store.parent / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "citykg.commands.cli", "serve", "--store",
                                 str(big_store), "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "2"],
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while len(_workers(proc.pid)) < 2 or not _answers(base):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("citykg serve did not start: " + log.read_text()[-800:])
        time.sleep(0.2)
    yield proc, base
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    print(log.read_text()[-2000:])  # shown when a test failed


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


def _roster(proc) -> Path:
    """The directory where the workers of this server mark themselves serving (roster.py):
    in the environment the supervisor gives its workers."""
    for worker in _workers(proc.pid):
        try:
            environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for entry in environ:
            if entry.startswith(b"CITYKG_WORKERS_DIR="):
                return Path(entry.split(b"=", 1)[1].decode())
    raise AssertionError("no worker has CITYKG_WORKERS_DIR")


def _count_serving(directory: Path, stop: threading.Event, counts: list[int]) -> None:
    while not stop.is_set():
        counts.append(sum(1 for p in directory.iterdir() if p.name.isdigit()))
        stop.wait(0.02)


def _worker_of(conn: http.client.HTTPConnection, server_port: int, workers: set[int]):
    """The worker process holding the server's end of a connection (/proc/net/tcp gives the
    socket's inode, the worker's /proc/PID/fd has it)."""
    client_port = conn.sock.getsockname()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == server_port and \
                int(fields[2].split(":")[1], 16) == client_port:
            inode = fields[9]
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _connections(base: str, workers: set[int], per_worker: list[int]) -> list:
    """Keep-alive connections, `per_worker[i]` of them to the i-th worker: the kernel hands
    connections to workers as it likes, so open them until each worker has its share."""
    port = int(base.rsplit(":", 1)[1])
    wanted = dict(zip(sorted(workers), per_worker, strict=True))
    kept, spare = [], []
    for _ in range(200):
        if not any(wanted.values()):
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
        conn.request("GET", "/health")
        conn.getresponse().read()
        worker = _worker_of(conn, port, workers)
        if wanted.get(worker):
            wanted[worker] -= 1
            kept.append(conn)
        else:
            spare.append(conn)
    for conn in spare:
        conn.close()
    assert not any(wanted.values()), "could not reach every worker"
    return kept


def test_five_canned_runaways_retire_their_workers_one_at_a_time(server):
    """Five late pages of shared-partners at once, three in one worker and two in the other
    (each computes every pair of the graph): each 503 at the limit; a worker serves
    throughout, /health answers within 1 s (plus a margin for a shared machine, from the
    probes' time just before); both workers are replaced, one after the other, and then nothing
    computes the runaways any more."""
    proc, base = server
    assert _idle_within(proc, 60), "the server did not settle"
    stop, usual, latencies, failed, serving = threading.Event(), [], [], [], []
    probe = threading.Thread(target=_probe, args=(base, stop, usual, failed))
    probe.start()
    time.sleep(3)
    stop.set()
    probe.join(60)
    before = _workers(proc.pid)
    assert len(before) == 2
    conns = _connections(base, before, [3, 2])
    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(base, stop, latencies, failed))
    watch = threading.Thread(target=_count_serving, args=(_roster(proc), stop, serving))
    answers: dict[int, tuple[int, dict]] = {}

    def runaway(n: int, conn: http.client.HTTPConnection) -> None:
        conn.request("GET", f"/queries/shared-partners?page={5000 + n}&page_size=1000")
        r = conn.getresponse()
        answers[n] = (r.status, json.loads(r.read()))

    probe.start()
    watch.start()
    try:
        threads = [threading.Thread(target=runaway, args=(n, c)) for n, c in enumerate(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (before & _workers(proc.pid) or
                                               len(_workers(proc.pid)) < 2):
            time.sleep(0.2)
        time.sleep(1)
    finally:
        stop.set()
        probe.join(60)
        watch.join(60)
        for conn in conns:
            conn.close()
    assert [answers[n][0] for n in range(5)] == [503] * 5, answers
    assert all(body["error"] == LIMIT for _, body in answers.values())
    assert not failed, failed
    assert serving and min(serving) >= 1, "no worker was serving for a while"
    # 1 s on an idle machine; on a shared one the probes' usual time, five times over, on top
    # (the failure this guards against, every worker restarting at once, takes a worker's
    # start-up: seconds, and shows in `serving` too)
    bound = 1.0 + 5 * max(usual)
    assert latencies and max(latencies) < bound, (max(usual), sorted(latencies)[-5:])
    assert not before & _workers(proc.pid), "a worker with runaways was not replaced"
    assert not any(_running(pid) for pid in before)
    deadline = time.monotonic() + 90
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
