"""The on-disk Oxigraph store, behind the small interface the loaders and the API use.

Writes go through `replace_graphs`: one SPARQL Update request, which Oxigraph runs in one
transaction, so readers see every graph of a build replaced or none, and a failure (or a kill)
leaves the store as it was. Bulk imports of RDF files build a new store directory beside this
one and swap it in whole (`citykg.core.swap`); a reader that was opening the store during the swap
notices (the directory's inode changed) and opens it again, so no view mixes the two.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from citykg import sparql
from citykg.core.terms import BUILD, META_GRAPH
from citykg.core.terms import STORE_VERSION as _VERSION

Records = Mapping[str, Iterable[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]]


class StoreError(Exception):
    """A store that cannot be opened or written, with the directory named."""


class GraphStore:
    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(f"{self.path}: no store here (run `citykg build` first)")
                self._store = open_read_only(self.path)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc

    @property
    def raw(self) -> ox.Store:
        return self._store

    # reading -------------------------------------------------------------
    def query(self, sparql: str, **kwargs):
        return self._store.query(sparql, use_default_graph_as_union=True, **kwargs)

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        result = self.query(sparql)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if g != META_GRAPH)

    def count(self, graph: str | None = None) -> int:
        rows = self.select(sparql.text("count-triples", {"g": ox.NamedNode(graph)} if graph else {}))
        return int(rows[0]["n"].value)

    def version(self) -> str:
        for quad in self._store.quads_for_pattern(None, _VERSION, None, META_GRAPH):
            return quad.object.value
        return "0"

    def records(self) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
        """The build records of the meta graph: {subject IRI: {predicate IRI: [objects]}}."""
        found: dict[str, dict[str, list]] = {}
        for quad in self._store.quads_for_pattern(None, None, None, META_GRAPH):
            if quad.predicate.value.startswith(BUILD):
                found.setdefault(quad.subject.value, {}).setdefault(
                    quad.predicate.value, []).append(quad.object)
        return found

    # writing -------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]],
                       records: Records | None = None) -> None:
        """Replace each named graph by the given triples, all in one transaction. `records`
        replaces the build records (meta-graph triples) of the subjects it names; a graph
        replaced without new records loses its old ones."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        try:
            self._store.update(replace_graphs_update(graphs, records))
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed, store unchanged: {exc}") from exc

    def drop_graph(self, name: str) -> None:
        self.replace_graphs({name: []})

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()


def open_read_only(path: Path | str, attempts: int = 6) -> ox.Store:
    """A read-only view of the store at `path`, never one that mixes two stores.

    Opening reads several files one after the other. A bulk import swaps a whole new store
    directory in at `path` (`citykg.core.swap`); a view opened across that instant could take some
    files from each, so the directory's identity is compared before and after and the view is
    opened again if it changed. Opening can also race with a writer's compaction (a file gone
    between listing and reading): that is retried too."""
    path = str(path)
    for attempt in range(attempts):
        try:
            before = _identity(path)
            store = ox.Store.read_only(path)
            if _identity(path) == before:
                return store
            del store  # swapped while opening: open the new one
        except (RuntimeError, OSError) as exc:
            if attempt == attempts - 1:
                raise StoreError(f"{path}: cannot open the store read-only: {exc}") from exc
            time.sleep(0.05 * (attempt + 1))
    raise StoreError(f"{path}: the store kept changing while it was being opened")


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def replace_graphs_update(graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]],
                          records: Records | None = None) -> str:
    """The one SPARQL Update request that replaces `graphs` (and the build records of the
    subjects `records` names, every replaced graph included) and bumps the store version."""
    records = dict(records or {})
    for name in graphs:
        records.setdefault(name, ())
    parts = []
    for name, triples in graphs.items():
        graph = ox.NamedNode(name)
        parts += [sparql.drop_graph(graph), sparql.insert_data(graph, triples)]
    if records:
        parts.append(sparql.text("delete-build-records", meta=META_GRAPH, build=BUILD,
                                 subject=[ox.NamedNode(name) for name in records]))
    for name, pairs in records.items():
        subject = ox.NamedNode(name)
        parts.append(sparql.insert_data(META_GRAPH, [ox.Triple(subject, p, o) for p, o in pairs]))
    parts.append(sparql.text("bump-version", meta=META_GRAPH, version=_VERSION,
                             new=ox.Literal(str(time.time_ns()))))
    return sparql.update(parts)
