"""RDF files given to `citykg build` (.nt .ttl .nq .trig, optionally .gz): bulk-loaded, each
into a named graph of its own, never materialised in Python.

- A triples file (.nt, .ttl) goes into the graph named by the SHA-256 of its bytes, like a
  document (`https://w3id.org/citykg/graph/doc/{first 16 hex digits}`).
- A quads file (.nq, .trig) keeps the graphs it names, and owns them: loading it replaces
  those graphs; its default-graph statements go into the graph named by its SHA-256.
- The meta graph records, for each graph, the file it came from (absolute path), its SHA-256
  and how many statements it held. Loading a file again with the same bytes is a no-op;
  with other bytes, its previous graphs are replaced.
- Nothing is validated with SHACL here: a million-triple import would take minutes
  (pyshacl ~35k triples/s); syntax errors stop the build with the file and line.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.loaders.map import graph_of
from citykg.loaders.read import LoadError
from citykg.store import BUILD

FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE,
           ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)

SOURCE = ox.NamedNode(BUILD + "source")  # the file's absolute path
SHA256 = ox.NamedNode(BUILD + "sha256")  # of the file's bytes
STATEMENTS = ox.NamedNode(BUILD + "statements")  # statements read (N-Triples/N-Quads: lines)
FORMAT = ox.NamedNode(BUILD + "format")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def rdf_format(path: Path | str) -> ox.RdfFormat | None:
    """The RDF format of a file given to `citykg build`, or None for a text document."""
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1])


def is_rdf(path: Path | str) -> bool:
    return rdf_format(path) is not None


@dataclass
class RdfImport:
    path: Path
    format: ox.RdfFormat
    sha256: str = ""
    size: int = 0
    statements: int | None = None  # known without loading for line formats
    graphs: list[str] = field(default_factory=list)  # filled by plan() for quad formats
    default_graph_statements: bool = False

    @property
    def gzipped(self) -> bool:
        return self.path.name.lower().endswith(".gz")

    @property
    def source(self) -> str:
        return str(self.path.resolve())

    @property
    def own_graph(self) -> str:
        return graph_of(self.sha256)

    @property
    def quads(self) -> bool:
        return self.format in QUAD_FORMATS

    def open(self):
        return gzip.open(self.path, "rb") if self.gzipped else open(self.path, "rb")


def inspect(path: Path) -> RdfImport:
    """Hash the file (and count its lines for N-Triples/N-Quads) in one streaming pass;
    a quads file is also parsed once for the graphs it names. Raises LoadError."""
    item = RdfImport(Path(path), rdf_format(path))
    digest, size, lines, last = hashlib.sha256(), 0, 0, b"\n"
    try:
        with open(item.path, "rb") as f:
            while chunk := f.read(1 << 22):
                digest.update(chunk)
                size += len(chunk)
                if not item.gzipped:
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise LoadError(path, "empty file: no RDF statements")
    item.sha256, item.size = digest.hexdigest(), size
    if item.format in LINE_FORMATS and not item.gzipped:
        item.statements = lines + (last != b"\n")
    if item.quads:
        _scan_graphs(item)
    return item


def _scan_graphs(item: RdfImport) -> None:
    graphs: dict[str, None] = {}
    try:
        with item.open() as f:
            for quad in ox.parse(input=f, format=item.format):
                g = quad.graph_name
                if isinstance(g, ox.DefaultGraph):
                    item.default_graph_statements = True
                elif isinstance(g, ox.NamedNode):
                    graphs.setdefault(g.value)
                else:
                    raise LoadError(item.path, "a graph named by a blank node cannot be replaced "
                                    "on reload; name it with an IRI")
    except SyntaxError as exc:
        raise syntax_error(item, exc) from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(item.path, f"cannot read: {exc}") from exc
    if item.default_graph_statements:
        graphs.setdefault(item.own_graph)
    item.graphs = list(graphs)


def graphs_of(item: RdfImport) -> list[str]:
    return item.graphs if item.quads else [item.own_graph]


def load(store: ox.Store, item: RdfImport) -> None:
    """Bulk-load the file into `store` (a staging store: not transactional). Raises LoadError
    for bad syntax, OSError for the store (disk full…)."""
    try:
        if item.quads and item.default_graph_statements:
            own = ox.NamedNode(item.own_graph)
            with item.open() as f:
                store.bulk_extend(_into(ox.parse(input=f, format=item.format), own))
        elif item.gzipped:
            with item.open() as f:
                store.bulk_load(input=f, format=item.format, **_target(item))
        else:
            store.bulk_load(path=str(item.path), format=item.format, **_target(item))
    except SyntaxError as exc:
        raise syntax_error(item, exc) from exc
    except (EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(item.path, f"cannot read: {exc}") from exc


def _target(item: RdfImport) -> dict:
    return {} if item.quads else {"to_graph": ox.NamedNode(item.own_graph)}


def _into(quads: Iterator[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)
        else:
            yield q


def syntax_error(item: RdfImport, exc: SyntaxError) -> LoadError:
    message = getattr(exc, "msg", None) or str(exc)
    name = {ox.RdfFormat.N_TRIPLES: "N-Triples", ox.RdfFormat.TURTLE: "Turtle",
            ox.RdfFormat.N_QUADS: "N-Quads", ox.RdfFormat.TRIG: "TriG"}[item.format]
    return LoadError(item.path, f"not valid {name}: {message}", line=getattr(exc, "lineno", None))


def records(item: RdfImport, graph: str, statements: int | None) -> list[tuple]:
    pairs = [(SOURCE, ox.Literal(item.source)), (SHA256, ox.Literal(item.sha256)),
             (FORMAT, ox.Literal(item.format.file_extension))]
    if statements is not None:
        pairs.append((STATEMENTS, ox.Literal(str(statements), datatype=XSD_INTEGER)))
    return pairs
