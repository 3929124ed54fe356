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
- A large N-Triples/N-Quads file is cut at line starts into one part per core, and the parts
  are bulk-loaded at once: pyoxigraph's loader parses on one thread (and releases the GIL), so
  this is what keeps a named-graph load (six indexes) at the speed of a default-graph one
  (three). Lines are statements, so the parts are valid documents. pyoxigraph gives each
  parse its own blank nodes, so a file that may hold any (`_:` anywhere) loads in one part.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.core.terms import BUILD_FORMAT as FORMAT
from citykg.core.terms import BUILD_SHA256 as SHA256
from citykg.core.terms import BUILD_SOURCE as SOURCE
from citykg.core.terms import BUILD_STATEMENTS as STATEMENTS
from citykg.core.terms import xsd
from citykg.loaders.map import graph_of
from citykg.loaders.read import LoadError

FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE,
           ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)

XSD_INTEGER = xsd("integer")
PART_MIN = 32 << 20  # bytes: a smaller file loads in one part
MAX_PARTS = 4


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
    blank_nodes: bool = True  # `_:` occurs in the (uncompressed) file
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
    digest, size, lines, last, blank = hashlib.sha256(), 0, 0, b"\n", False
    try:
        with open(item.path, "rb") as f:
            while chunk := f.read(1 << 22):
                digest.update(chunk)
                size += len(chunk)
                if not item.gzipped:
                    lines += chunk.count(b"\n")
                    blank = blank or b"_:" in chunk or last + chunk[:1] == b"_:"
                    last = chunk[-1:]
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise LoadError(path, "empty file: no RDF statements")
    item.sha256, item.size = digest.hexdigest(), size
    item.blank_nodes = item.gzipped or blank
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
        elif item.format in LINE_FORMATS and not item.blank_nodes \
                and len(parts := _parts(item)) > 1:
            _load_parts(store, item, parts)
        else:
            store.bulk_load(path=str(item.path), format=item.format, **_target(item))
    except SyntaxError as exc:
        raise syntax_error(item, exc) from exc
    except (EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(item.path, f"cannot read: {exc}") from exc


def _parts(item: RdfImport) -> list[tuple[int, int]]:
    """Byte ranges of the file, one per core (at most MAX_PARTS), each starting a line."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    n = max(1, min(cores, MAX_PARTS, item.size // PART_MIN))
    cuts = [0]
    with open(item.path, "rb") as f:
        for i in range(1, n):
            f.seek(max(cuts[-1], item.size * i // n))
            f.readline()
            cuts.append(f.tell())
    cuts.append(item.size)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


class _Part(io.RawIOBase):
    """Bytes [start, end) of a file; reads end early once `stop` is set (another part failed)."""

    def __init__(self, path: Path, start: int, end: int, stop: threading.Event):
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        self._file.seek(start)
        self._left, self._stop = end - start, stop

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0 or self._stop.is_set():
            return 0
        got = self._file.readinto(memoryview(buffer)[:min(len(buffer), self._left)])
        self._left -= got
        return got

    def close(self) -> None:
        self._file.close()
        super().close()


def _load_parts(store: ox.Store, item: RdfImport, parts: list[tuple[int, int]]) -> None:
    stop = threading.Event()
    failures: list[tuple[int, BaseException]] = []

    def run(start: int, end: int) -> None:
        try:
            with io.BufferedReader(_Part(item.path, start, end, stop), 1 << 20) as part:
                store.bulk_load(input=part, format=item.format, **_target(item))
        except BaseException as exc:  # noqa: BLE001 - the first failure is raised below
            if not stop.is_set():  # after a stop, a part ends mid-line: not its own error
                stop.set()
                failures.append((start, exc))

    threads = [threading.Thread(target=run, args=part, name="citykg-load") for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        start, exc = failures[0]
        if isinstance(exc, SyntaxError) and start:
            raise syntax_error(item, exc, _lines_before(item.path, start)) from exc
        raise exc


def _lines_before(path: Path, offset: int) -> int:
    lines = 0
    with open(path, "rb") as f:
        while offset > 0 and (chunk := f.read(min(offset, 1 << 22))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _target(item: RdfImport) -> dict:
    return {} if item.quads else {"to_graph": ox.NamedNode(item.own_graph)}


def _into(quads: Iterator[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)
        else:
            yield q


def syntax_error(item: RdfImport, exc: SyntaxError, line_offset: int = 0) -> LoadError:
    """The parser's error as a LoadError; `line_offset`: lines before the part it parsed."""
    message = getattr(exc, "msg", None) or str(exc)
    if line_offset:
        message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + line_offset}",
                         message)
    name = {ox.RdfFormat.N_TRIPLES: "N-Triples", ox.RdfFormat.TURTLE: "Turtle",
            ox.RdfFormat.N_QUADS: "N-Quads", ox.RdfFormat.TRIG: "TriG"}[item.format]
    line = getattr(exc, "lineno", None)
    return LoadError(item.path, f"not valid {name}: {message}",
                     line=line + line_offset if line is not None else None)


def records(item: RdfImport, graph: str, statements: int | None) -> list[tuple]:
    pairs = [(SOURCE, ox.Literal(item.source)), (SHA256, ox.Literal(item.sha256)),
             (FORMAT, ox.Literal(item.format.file_extension))]
    if statements is not None:
        pairs.append((STATEMENTS, ox.Literal(str(statements), datatype=XSD_INTEGER)))
    return pairs
