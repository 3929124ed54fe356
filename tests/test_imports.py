"""RDF imports loaded in parts (one per core): the same quads as one pass, a file with blank
nodes in one part (each parse has its own), and a syntax error in any part named by the file's
own line number."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from citykg.commands import imports
from citykg.loaders.read import LoadError


def _lines(n: int, bad_at: int | None = None, blank: bool = False) -> bytes:
    out = []
    for i in range(1, n + 1):
        if i == bad_at:
            out.append(b"<https://e.org/a> <https://e.org/p> nonsense .")
        elif blank and i % 7 == 0:  # one blank node shared by lines all over the file
            out.append(f'_:shared <https://e.org/seen> "{i}" .'.encode())
        else:
            out.append(f'<https://e.org/s{i}> <https://e.org/p> "v{i}"@ja .'.encode())
    return b"\n".join(out) + b"\n"


def _load(path, parts_min: int, monkeypatch) -> ox.Store:
    monkeypatch.setattr(imports, "PART_MIN", parts_min)
    monkeypatch.setattr(imports.os, "sched_getaffinity", lambda _: set(range(4)))
    store = ox.Store()
    imports.load(store, imports.inspect(path))
    return store


def test_parts_cut_at_line_starts(tmp_path, monkeypatch):
    path = tmp_path / "a.nt"
    path.write_bytes(_lines(3000))
    monkeypatch.setattr(imports, "PART_MIN", 1000)
    monkeypatch.setattr(imports.os, "sched_getaffinity", lambda _: set(range(4)))
    item = imports.inspect(path)
    parts = imports._parts(item)
    data = path.read_bytes()
    assert len(parts) == imports.MAX_PARTS
    assert parts[0][0] == 0 and parts[-1][1] == len(data)
    for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
        assert end == start and data[start - 1:start] == b"\n"


def test_loading_in_parts_gives_the_same_quads(tmp_path, monkeypatch):
    path = tmp_path / "a.nt"
    path.write_bytes(_lines(3000))
    whole = _load(path, 1 << 40, monkeypatch)
    parted = _load(path, 1000, monkeypatch)
    assert len(parted) == len(whole) == 3000
    assert sorted(map(str, parted)) == sorted(map(str, whole))


def test_a_file_with_blank_nodes_loads_in_one_part(tmp_path, monkeypatch):
    path = tmp_path / "b.nt"
    path.write_bytes(_lines(3000, blank=True))
    store = _load(path, 1000, monkeypatch)
    shared = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b <https://e.org/seen> ?o } }"
    assert next(iter(store.query(shared)))["n"].value == "1"  # one node, not one per part


@pytest.mark.parametrize("bad_at", [10, 1500, 2990])
def test_a_syntax_error_names_its_line_in_any_part(tmp_path, monkeypatch, bad_at):
    path = tmp_path / "bad.nt"
    path.write_bytes(_lines(3000, bad_at=bad_at))
    with pytest.raises(LoadError) as exc:
        _load(path, 1000, monkeypatch)
    assert exc.value.line == bad_at, str(exc.value)
    assert f"line {bad_at}" in str(exc.value) and "bad.nt" in str(exc.value)
