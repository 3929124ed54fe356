"""Faults (issue 6): kill -9 during `citykg build`, readers during a reload, bad input, a full
disk and a read-only store. Short versions, each well under a minute; the long soak is
`bench/soak.py`.

The store must always open holding exactly the graphs of one build: before the commit point of
a build (the swap of the staging directory, or the one transaction of a document build) the old
ones, after it the new ones, never a mixture and never an error for a reader.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import running_server

from citykg.commands.build import build
from citykg.core.store import GraphStore, StoreError
from citykg.loaders.read import LoadError

ROOT = Path(__file__).resolve().parents[1]
CITYKG = Path(sys.executable).with_name("citykg")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _gen_graph():
    spec = importlib.util.spec_from_file_location("gen_graph", ROOT / "bench" / "gen_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(path: Path, triples: int, seed: int = 1, quads: bool = False) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        _gen_graph().generate(triples, f, quads=quads, seed=seed)
    return path


def snapshot(store: Path) -> dict[str, int]:
    """Every graph of the store (the meta graph too) with its number of triples."""
    s = GraphStore(store, read_only=True)
    rows = s.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"].value: int(r["n"].value) for r in rows}


def content(store: Path) -> dict[str, int]:
    """The graphs without the meta graph (whose version and records a build changes)."""
    return {g: n for g, n in snapshot(store).items() if not g.endswith("/graph/meta")}


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """About 300k triples of the synthetic worldwide graph, as N-Triples."""
    return generate(tmp_path_factory.mktemp("big") / "world.nt", 300_000)


@pytest.fixture()
def store(seed_store, tmp_path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(seed_store, path)
    return path


def run_build(*args: str, env: dict | None = None, timeout: float = 120
              ) -> subprocess.CompletedProcess:
    return subprocess.run([str(CITYKG), "build", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def leftovers(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.glob(f".{store.name}.citykg-*")
                  if not p.name.endswith("-lock"))


# ------------------------------------------------------------------------ kill -9 -------
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_kill_during_a_bulk_import_leaves_the_store_as_it_was(store, big, delay):
    before = snapshot(store)
    proc = subprocess.Popen([str(CITYKG), "build", str(big), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = snapshot(store)
    if after != before:  # the kill came after the swap: then the new store is complete
        new = set(after) - set(before)
        assert len(new) == 1 and after[new.pop()] > 290_000
        assert content(store).keys() - {g for g in after if after[g] > 290_000} == \
            content_of(before).keys()
    r = run_build(str(big), "--store", str(store))
    assert r.returncode == 0, r.stderr
    assert not leftovers(store)
    imported = content(store)
    assert set(imported) - set(before), "the re-run added the file's graph"
    assert sum(imported.values()) > sum(before.values()) + 290_000
    again = run_build(str(big), "--store", str(store))  # the same bytes again: a no-op
    assert again.returncode == 0 and "nothing had changed" in again.stderr, again.stderr[-800:]
    assert content(store) == imported


@pytest.mark.parametrize("point,complete", [("staging-ready", False), ("swapped", True)])
def test_kill_at_the_commit_point(store, big, point, complete):
    """Killed just before the swap: the old store; just after: the new one, complete."""
    before = snapshot(store)
    env = {**os.environ, "CITYKG_FAULT_POINT": point}
    proc = subprocess.Popen([str(CITYKG), "build", str(big), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    deadline = time.time() + 90
    line = ""
    while f"fault point {point}" not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "the build ended before the fault point"
        assert time.time() < deadline
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = snapshot(store)
    if complete:
        new = set(after) - set(before)
        assert len(new) == 1 and after[new.pop()] > 290_000
    else:
        assert after == before
    r = run_build(str(big), "--store", str(store))
    assert r.returncode == 0, r.stderr
    assert not leftovers(store)
    assert ("bulk loaded" in r.stderr) != complete


def test_kill_during_a_document_build(tmp_path, seeds):
    """A document build is one transaction in place: before or after, nothing between."""
    path, done = tmp_path / "store", tmp_path / "done"
    build(path, seeds[:1], validate=False)
    before = content(path)
    shutil.copytree(path, done)
    build(done, seeds, validate=False)
    after_build = content(done)
    assert after_build != before
    for delay in (0.3, 1.0, 2.0):
        proc = subprocess.Popen([str(CITYKG), "build", *map(str, seeds), "--store", str(path),
                                 "--no-validate"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert content(path) in (before, after_build)
    assert run_build(*map(str, seeds), "--store", str(path), "--no-validate").returncode == 0
    assert content(path) == after_build


def content_of(snap: dict[str, int]) -> dict[str, int]:
    return {g: n for g, n in snap.items() if not g.endswith("/graph/meta")}


# --------------------------------------------------------------- readers during a reload --
READER = r"""
import json, os, sys, time
from citykg.core.store import GraphStore
path, stop = sys.argv[1], sys.argv[2]
end, seen, errors = time.time() + 90, [], []
while time.time() < end and not os.path.exists(stop):
    try:
        s = GraphStore(path, read_only=True)
        rows = s.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        graphs = sorted((r["g"].value, int(r["n"].value)) for r in rows
                        if not r["g"].value.endswith("/graph/meta"))
        seen.append(graphs)
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": seen, "errors": errors}))
"""


def test_readers_see_the_old_or_the_new_graphs_never_a_mix(store, big, tmp_path):
    moved = tmp_path / "import.nt"
    shutil.copy(big, moved)
    build(store, [moved], validate=False)
    old = sorted(content(store).items())
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(store), str(stop)],
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(3)
    generate(moved, 200_000, seed=2)  # the same path, other bytes: a reload
    build(store, [moved], validate=False)
    new = sorted(content(store).items())
    time.sleep(2)
    stop.touch()
    assert new != old
    for reader in readers:
        out, _ = reader.communicate(timeout=60)
        result = json.loads(out)
        assert result["errors"] == []
        kinds = [("old" if [list(x) for x in old] == v else "new"
                  if [list(x) for x in new] == v else "MIXED") for v in result["seen"]]
        assert "MIXED" not in kinds, result["seen"][kinds.index("MIXED")]
        assert kinds[0] == "old" and kinds[-1] == "new"
        assert kinds == sorted(kinds, key=["old", "new"].index)  # never back to the old one




def serving(store: Path):
    """`citykg serve` on a free loopback port, looking for a rebuilt store every 0.2 s."""
    return running_server([str(CITYKG), "serve", "--store", str(store)],
                          {"CITYKG_REFRESH_SECONDS": "0.2"}, wait=40)


def test_api_clients_during_a_reload_see_old_or_new_and_no_errors(store, big, tmp_path):
    moved = tmp_path / "import.nt"
    shutil.copy(big, moved)
    build(store, [moved], validate=False)
    old_total = sum(snapshot(store).values())
    with serving(store) as base:
        seen, errors, stop = [], [], threading.Event()

        def client():
            with httpx.Client(base_url=base, timeout=30) as http:
                while not stop.is_set():
                    r = http.get("/sparql", params={"query": COUNT},
                                 headers={"Accept": "application/sparql-results+json"})
                    if r.status_code != 200:
                        errors.append((r.status_code, r.text[:200]))
                        continue
                    seen.append(int(r.json()["results"]["bindings"][0]["n"]["value"]))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        generate(moved, 200_000, seed=3)
        build(store, [moved], validate=False)
        new_total = sum(snapshot(store).values())
        time.sleep(2.5)  # the server looks for a new store every 0.2 s
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    assert set(seen) <= {old_total, new_total}, set(seen) - {old_total, new_total}
    assert old_total in seen and new_total in seen


# ----------------------------------------------------------------------- bad input -------
def _bad_documents(tmp: Path) -> dict[str, tuple[Path, str]]:
    big = tmp / "huge.txt"
    line = "横浜市は1965年にオデーサ市と姉妹都市提携を行いました。\n".encode()
    with open(big, "wb") as f:
        block = line * 20_000
        while f.tell() < 200 * 1024 * 1024:
            f.write(block)
    cases = {
        "empty": (tmp / "empty.txt", b""),
        "binary": (tmp / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
        "undecodable": (tmp / "mojibake.txt", "横浜市\n".encode() + b"\x81\xff\xfe\x80" * 50),
    }
    out = {}
    for name, (path, data) in cases.items():
        path.write_bytes(data)
        out[name] = (path, {"empty": "empty", "binary": "binary",
                            "undecodable": "not text in UTF-8"}[name])
    out["200 MB"] = (big, "larger than")
    return out


def test_bad_documents_are_refused_by_name_and_nothing_is_lost(store, tmp_path):
    before = snapshot(store)
    for name, (path, message) in _bad_documents(tmp_path).items():
        r = run_build(str(path), "--store", str(store), "--no-validate")
        assert r.returncode == 1, name
        text = " ".join(r.stderr.split())
        assert path.name in text and message in text, (name, text)
        assert "nothing was written" in text
        assert snapshot(store) == before, name
    # the line is named where there is one
    with pytest.raises(LoadError) as exc:
        build(store, [tmp_path / "mojibake.txt"], validate=False)
    assert exc.value.line == 2 and "mojibake.txt:2" in str(exc.value)


@pytest.mark.parametrize("name,data,line", [
    ("empty.nt", b"", None),
    ("binary.nt", b"\x00\x01\x02\x03" * 100, 1),
    ("broken.nt", b'<https://e.org/a> <https://e.org/p> "x" .\n' * 4
     + b'<https://e.org/a> <https://e.org/p> "unterminated .\n', 5),
    ("broken.ttl", b"@prefix e: <https://e.org/> .\ne:a e:p e:b .\ne:a e:p .\n", 3),
    ("broken.nq", b"<https://e.org/a> <https://e.org/p> <https://e.org/b> <https://e.org/g> .\n"
     b"<https://e.org/a> <https://e.org/p> <https://e.org/b> <https://e.org/g> <x> .\n", 2),
])
def test_bad_rdf_files_are_refused_with_file_and_line(store, tmp_path, big, name, data, line):
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(store)
    with pytest.raises(LoadError) as exc:  # the good file in the same build is not loaded
        build(store, [big, path], validate=False)
    assert exc.value.path == str(path) and exc.value.line == line
    assert name in str(exc.value)
    assert snapshot(store) == before
    assert not leftovers(store)


def test_a_syntax_error_deep_in_a_big_file_loses_nothing(store, big, tmp_path):
    """Past the bulk loader's first million-quad batch: a half-loaded file stays invisible."""
    bad = tmp_path / "deep.nt"
    with open(bad, "wb") as f:
        for _ in range(4):
            f.write(big.read_bytes())
        f.write(b"<https://e.org/a> <https://e.org/p> nonsense .\n")
    before = snapshot(store)
    lines = 4 * sum(1 for _ in open(big, "rb"))
    with pytest.raises(LoadError, match=f"deep.nt:{lines + 1}:"):
        build(store, [bad], validate=False)
    assert snapshot(store) == before and not leftovers(store)


DEFECTS = """仙台市の国際姉妹都市・友好都市

（単位：千円）

区 分	令和5年度	令和4年度	増△減	主な増減理由
国際交流推進費	1,175,762	1,129,457	46,305	交流事業の増
国際協力推進費	216,268
多文化共生推進費	12,3x5	ABC	△ 8,550	委託料の減

姉妹都市
- リバーサイド市(アメリカ合衆国)-令和5年13月1日締結
- ミンスク市(ベラルーシ)-光文3年5月1日締結
- レンヌ市(フランス)-1967(昭和42)年8月29日締結
"""


@pytest.fixture()
def defects(store, tmp_path) -> tuple[Path, subprocess.CompletedProcess]:
    doc = tmp_path / "defects.txt"
    doc.write_text(DEFECTS, encoding="utf-8")
    return doc, run_build(str(doc), "--store", str(store), "--no-validate")


def test_a_document_with_defects_still_loads(defects, store):
    doc, r = defects
    assert r.returncode == 0, r.stderr
    rows = GraphStore(store, read_only=True).select(
        "PREFIX ckg: <https://w3id.org/citykg/ontology#> SELECT ?a ?d WHERE { "
        "?a ckg:party <https://w3id.org/citykg/id/city/fr/rennes> ; ckg:startDate ?d }")
    assert [r["d"].value for r in rows] == ["1967-08-29"]  # the good lines loaded


def test_an_impossible_date_is_reported_with_file_and_line(defects):
    doc, r = defects
    assert "defects.txt:11:" in r.stderr and "month 13" in " ".join(r.stderr.split())




def test_an_unknown_era_is_reported_with_file_and_line(defects):
    assert "defects.txt:12:" in defects[1].stderr


def test_a_table_row_with_a_missing_column_is_reported(defects):
    assert "defects.txt:7:" in defects[1].stderr


def test_numbers_that_do_not_parse_are_reported(defects):
    assert "defects.txt:8:" in defects[1].stderr


# ------------------------------------------------------ disk full, read-only store ------
@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root: the disk-full test cannot run here")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for the disk-full test: {r.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_disk_full_during_a_bulk_import(seed_store, big, tmp_path):
    with tmpfs(tmp_path / "small", "150m") as fs:
        store = fs / "store"
        shutil.copytree(seed_store, store)
        before = snapshot(store)
        huge = tmp_path / "huge.nt"
        generate(huge, 2_000_000)
        r = run_build(str(huge), "--store", str(store))
        assert r.returncode == 1
        text = " ".join(r.stderr.split())
        assert "No space left on device" in text and "store is unchanged" in text, text
        assert snapshot(store) == before and not leftovers(store)
        small = generate(tmp_path / "small.nt", 20_000)
        r = run_build(str(small), "--store", str(store))  # a file that fits loads
        assert r.returncode == 0, r.stderr
        assert len(content(store)) == len(content_of(before)) + 1


def test_disk_full_during_a_document_build(seeds, tmp_path):
    with tmpfs(tmp_path / "small", "200m") as fs:
        store = fs / "store"
        build(store, seeds[:1], validate=False)
        before = snapshot(store)
        filler = fs / "filler"
        with open(filler, "wb") as f:  # leave almost nothing free
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * (1 << 20))
                    f.flush()
        r = run_build(*map(str, seeds), "--store", str(store), "--no-validate")
        filler.unlink()
        assert r.returncode == 1
        assert "No space left" in " ".join(r.stderr.split()), r.stderr
        assert snapshot(store) == before


def _read_only_bind(path: Path):
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    r = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot bind-mount for the read-only test: {r.stderr.strip()}")
    r = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        subprocess.run(["umount", str(path)], capture_output=True)
        pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")


@pytest.mark.parametrize("what", ["documents", "rdf"])
def test_a_read_only_store_is_a_clear_error(store, big, seeds, what):
    """Root ignores file modes, so the store's parent is made read-only by a bind mount."""
    parent = store.parent
    before = snapshot(store)
    _read_only_bind(parent)
    try:
        args = [str(big)] if what == "rdf" else [*map(str, seeds), "--no-validate"]
        r = run_build(*args, "--store", str(store))
        assert r.returncode == 1
        text = " ".join(r.stderr.split())
        assert "Read-only file system" in text and str(store) in text, text
        assert snapshot(store) == before
    finally:
        subprocess.run(["umount", str(parent)], capture_output=True)
    assert snapshot(store) == before


def test_a_second_build_at_the_same_time_is_refused(store, big):
    env = {"CITYKG_FAULT_POINT": "staging-ready"}
    proc = subprocess.Popen([str(CITYKG), "build", str(big), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})
    try:
        while "fault point" not in (proc.stderr.readline() or "fault point"):
            pass
        r = run_build("--store", str(store), "--no-validate")
        assert r.returncode == 1 and "another `citykg build`" in " ".join(r.stderr.split())
    finally:
        proc.kill()
        proc.wait()


def test_a_directory_that_is_not_a_store_is_never_replaced(tmp_path, big):
    home = tmp_path / "notes"
    home.mkdir()
    (home / "todo.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a citykg store"):
        build(home, [big], validate=False)
    assert (home / "todo.txt").read_text() == "keep me"


def test_the_swap_falls_back_to_renames_and_recovers(store, big, monkeypatch):
    monkeypatch.setenv("CITYKG_NO_RENAME_EXCHANGE", "1")
    before = content(store)
    build(store, [big], validate=False)
    assert len(content(store)) == len(before) + 1 and not leftovers(store)
