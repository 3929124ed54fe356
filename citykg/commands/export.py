"""`citykg export`: the store as standard RDF, for engines built to scale out.

- `export_store(store, out)`: one N-Quads file per named graph (`<name>.nq`, each quad
  naming its graph), and `manifest.tsv` (file, graph IRI, triples). Any quad store loads the
  directory as it is (Oxigraph `oxigraph load`, Virtuoso `ld_dir`, QLever, GraphDB, Neptune's
  bulk loader), and gets the same dataset: graph for graph.
- `put_graphs(store, url)`: each named graph sent with the SPARQL 1.1 Graph Store HTTP Protocol
  (`PUT url?graph=IRI`, N-Triples body), which replaces that graph on the engine and leaves
  the others alone: a reload of one source is a PUT of one graph.

The meta graph (the store version and the build records) goes too: the API's cache key on a
remote backend is the version it holds.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from citykg.core.store import GraphStore, StoreError
from citykg.core.terms import GRAPH


def file_name(graph: str) -> str:
    """A stable, readable file name for a graph IRI: `doc-2c868dc4ac3523b3.nq`."""
    local = graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else ""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", local).strip("-.")
    if not slug:
        slug = "graph-" + hashlib.sha256(graph.encode()).hexdigest()[:16]
    return slug + ".nq"


def export_store(store: GraphStore, out: Path, progress: Callable[[str], None] = lambda _: None
                 ) -> list[tuple[str, str, int]]:
    """Write every named graph to `out/<name>.nq`; returns (file, graph, triples) rows."""
    out.mkdir(parents=True, exist_ok=True)
    rows, used = [], set()
    for g in sorted(store.raw.named_graphs(), key=lambda n: n.value):
        name = file_name(g.value)
        if name in used:
            name = name[:-3] + "-" + hashlib.sha256(g.value.encode()).hexdigest()[:8] + ".nq"
        used.add(name)
        progress(g.value)
        counter = _Counter()
        with open(out / name, "wb") as f:
            ox.serialize(counter.count(store.raw.quads_for_pattern(None, None, None, g)), f,
                         format=ox.RdfFormat.N_QUADS)
        rows.append((name, g.value, counter.n))
    with open(out / "manifest.tsv", "w", encoding="utf-8") as f:
        f.write("file\tgraph\ttriples\n")
        for row in rows:
            f.write("\t".join(map(str, row)) + "\n")
    return rows


class _Counter:
    def __init__(self):
        self.n = 0

    def count(self, items):
        for item in items:
            self.n += 1
            yield item


def put_graphs(store: GraphStore, url: str, auth: tuple[str, str] | None = None,
               progress: Callable[[str], None] = lambda _: None, timeout: float = 600
               ) -> list[tuple[str, int]]:
    """PUT every named graph to a Graph Store Protocol endpoint; (graph, status) rows."""
    done = []
    digest = httpx.DigestAuth(*auth) if auth else None
    with httpx.Client(timeout=timeout, auth=digest) as client, \
            tempfile.TemporaryDirectory() as tmp:
        for g in sorted(store.raw.named_graphs(), key=lambda n: n.value):
            progress(g.value)
            body = Path(tmp) / "graph.nt"
            with open(body, "wb") as f:
                store.raw.dump(f, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            with open(body, "rb") as f:
                try:
                    r = client.put(url, params={"graph": g.value}, content=f,
                                   headers={"Content-Type": "application/n-triples"})
                except httpx.HTTPError as exc:
                    raise StoreError(f"{url}: cannot PUT graph {g.value}: {exc}") from exc
            if r.status_code >= 300:
                raise StoreError(f"{url}: PUT graph {g.value} answered HTTP {r.status_code}: "
                                 f"{r.text.strip()[:300]}")
            done.append((g.value, r.status_code))
    return done
