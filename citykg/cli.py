"""The `citykg` command."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from citykg.paths import default_store

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="citykg: a knowledge graph of city international relations.")
err = Console(stderr=True)
out = Console()

StoreOpt = Annotated[Path | None, typer.Option("--store", help="store directory "
                                               "(default $CITYKG_STORE or ./citykg-store)")]
FiscalYearOpt = Annotated[int | None, typer.Option(
    "--fiscal-year", min=1900, max=2200,
    help="the documents' fiscal year (e.g. 2026), when the text does not tell (a budget "
         "book's section)")]


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RdfFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"


def fail(message: str, code: int = 1, fmt: str | None = None):
    """Report an error and exit; with `--format json` as JSON on stdout (where a script reads)."""
    if fmt == "json":
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _errors():
    from citykg.loaders.read import LoadError
    from citykg.relations import CityNotFound
    from citykg.store import StoreError

    return (LoadError, StoreError, CityNotFound, OSError)


@app.command()
def build(docs: Annotated[list[Path] | None, typer.Argument(
              help="report files (.txt, .pdf, .html, .xlsx, .csv), and RDF files to bulk-load (.nt .ttl .nq .trig, "
                   "also .gz)")] = None,
          store: StoreOpt = None,
          publisher: Annotated[str | None, typer.Option(help="the publishing city, "
                                                        "when the text does not tell")] = None,
          fiscal_year: FiscalYearOpt = None,
          no_validate: Annotated[bool, typer.Option("--no-validate")] = False):
    """Build the graph: the bundled data plus DOCS; readers see all of it or none of it."""
    from citykg.build import build as run
    from citykg.loaders.pipeline import resolve_publisher

    try:
        pub = resolve_publisher(publisher) if publisher else None
        with err.status("building") as status:
            report = run(store or default_store(), list(docs or []), pub,
                         validate=not no_validate, progress=lambda s: status.update(f"loading {s}"),
                         fiscal_year=fiscal_year)
    except _errors() as exc:
        fail(f"{exc} (nothing was written to the store)")
    table = Table("graph", "source", "triples", "unparsed lines", "note", title="load report")
    for g in report.graphs:
        table.add_row(g.graph, g.source, "-" if g.triples is None else str(g.triples),
                      str(len(g.problems)), g.note)
    err.print(table)
    if report.bundled_unchanged:
        err.print("bundled graphs (ontology, gazetteers, gold records): unchanged")
    if not report.written:
        err.print("nothing had changed: the store was not written")
    for g in report.graphs:
        for p in g.problems:
            err.print(f"  {g.source}:{p.line}: {p.message}", highlight=False)
    if report.shacl_conforms is not None:
        err.print(f"SHACL: {'conforms' if report.shacl_conforms else 'VIOLATIONS'}")
        if not report.shacl_conforms or report.shacl_text.startswith("documents differ"):
            err.print(report.shacl_text[:3000], highlight=False)


@app.command()
def extract(doc: Path, fmt: Annotated[RdfFormat, typer.Option("--format")] = RdfFormat.ttl,
            publisher: Annotated[str | None, typer.Option()] = None,
            fiscal_year: FiscalYearOpt = None):
    """Print a document's triples; no store involved."""
    import pyoxigraph as ox
    from rich.progress import Progress

    from citykg.loaders.pipeline import load_document, resolve_publisher

    try:
        pub = resolve_publisher(publisher) if publisher else None
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(f"reading {doc.name}", total=None)
            loaded = load_document(doc, pub, lambda done, total: bar.update(
                task, completed=done, total=total), fiscal_year)
    except _errors() as exc:
        fail(str(exc))
    formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "jsonld": ox.RdfFormat.JSON_LD}
    prefixes = {"ckg": "https://w3id.org/citykg/ontology#", "id": "https://w3id.org/citykg/id/",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
    kwargs = {"prefixes": prefixes} if fmt == RdfFormat.ttl else {}
    sys.stdout.buffer.write(ox.serialize(loaded.triples, format=formats[fmt.value], **kwargs))
    for p in loaded.extraction.problems:
        err.print(f"{doc}:{p.line}: {p.message}", highlight=False)


@app.command()
def query(sparql: Annotated[str, typer.Argument(help="a SPARQL query, or a file holding one")],
          store: StoreOpt = None,
          fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table):
    """Run a read-only SPARQL query against the store."""
    from citykg.query_output import print_results
    from citykg.store import GraphStore

    path = Path(sparql)
    text = path.read_text(encoding="utf-8") if len(sparql) < 4096 and path.is_file() else sparql
    try:
        result = GraphStore(store or default_store(), read_only=True).query(text)
    except _errors() as exc:
        fail(str(exc), fmt=fmt)
    except SyntaxError as exc:
        fail(f"SPARQL syntax error: {exc}", fmt=fmt)
    print_results(result, fmt.value, out)


@app.command()
def relations(city: str, store: StoreOpt = None,
              fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table):
    """A city's relations: agreements, offices, networks, aid, with years and sources."""
    from citykg.relations import relations as lookup
    from citykg.store import GraphStore

    try:
        data = lookup(GraphStore(store or default_store(), read_only=True), city)
    except _errors() as exc:
        fail(str(exc), fmt=fmt)
    if fmt == TableFormat.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    c = data["city"]
    table = Table("type", "partner", "start", "sources",
                  title=f"{c['label_ja']} / {c['label_en']} ({c.get('wikidata') or c['id']})")
    for r in data["relations"]:
        p = r["partner"]
        start = (r["start"] or "") + (" (derived)" if r["start_derived"] else "")
        kind = r["type"] + (f" ({r['status']})" if r.get("status", "active") != "active" else "")
        table.add_row(kind, f"{p.get('label_ja') or ''} / {p.get('label_en') or ''}", start,
                      ", ".join(_source_label(s) for s in r["sources"]))
    out.print(table)


def _source_label(s: dict) -> str:
    """"report.txt:640", or a PDF's page: "budget.pdf p.425", or a sheet's cell:
    "data.xlsx sheet 予算 row 12 col C"."""
    if s.get("page"):
        return f"{s['document']} p.{s['page']}"
    if s.get("row"):
        from citykg.loaders.formats import Origin

        return f"{s['document']} " + Origin(sheet=s.get("sheet"), row=s["row"],
                                             column=s.get("column")).label()
    return f"{s['document']}:{s['lines']}" if s["lines"] else s.get("url") or s["document"]


@app.command()
def validate(store: StoreOpt = None,
             owl: Annotated[bool, typer.Option(help="also check OWL consistency")] = True):
    """SHACL validation and OWL consistency of the graph in the store."""
    from citykg.validate import validate_store

    try:
        ok, text = validate_store(store or default_store(), owl=owl)
    except _errors() as exc:
        fail(str(exc))
    out.print(text, highlight=False)
    if not ok:
        raise typer.Exit(1)


@app.command()
def stats(store: StoreOpt = None):
    """Triples per graph and entities per class."""
    from citykg.store import GraphStore

    try:
        s = GraphStore(store or default_store(), read_only=True)
    except _errors() as exc:
        fail(str(exc))
    table = Table("graph", "triples", title=f"store {s.path}")
    for g in s.graphs():
        table.add_row(g, str(s.count(g)))
    out.print(table)
    rows = s.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c "
                    "FILTER(STRSTARTS(STR(?c), 'https://w3id.org/citykg/ontology#')) } "
                    "GROUP BY ?c ORDER BY DESC(?n)")
    classes = Table("class", "instances")
    for r in rows:
        classes.add_row(r["c"].value.split("#")[-1], r["n"].value)
    out.print(classes)


@app.command()
def cities(store: StoreOpt = None,
           jp: Annotated[bool, typer.Option("--jp", help="Japanese local governments only")] = False,
           prefecture: Annotated[str | None, typer.Option(help="e.g. 神奈川県, 神奈川 or 14")] = None,
           fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table):
    """List the cities in the graph; with --jp, every Japanese local government by its code."""
    from citykg.listing import list_cities
    from citykg.store import GraphStore

    try:
        rows = list_cities(GraphStore(store or default_store(), read_only=True), jp, prefecture)
    except _errors() as exc:
        fail(str(exc), fmt=fmt)
    if prefecture and not rows:
        fail(f"no municipalities in prefecture {prefecture!r}", fmt=fmt)
    if fmt == TableFormat.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if fmt == TableFormat.table and out.is_terminal:  # piped, it stays tab-separated lines
        table = Table(*(rows[0] if rows else ()))
        for row in rows:
            table.add_row(*(str(v or "") for v in row.values()))
        out.print(table)
        return
    sep = "," if fmt == TableFormat.csv else "\t"
    if fmt == TableFormat.csv:
        print(sep.join(rows[0]) if rows else "")
    for row in rows:
        print(sep.join(str(v or "") for v in row.values()))


@app.command()
def link(store: StoreOpt = None,
         snapshot: Annotated[Path | None, typer.Option(
             help="a Wikidata snapshot folder: citykg's format or the 2016 P190 crawl "
                  "(names.tsv, relations.tsv); default: the bundled data/wikidata")] = None,
         online: Annotated[bool, typer.Option(
             "--online", help="fetch from Wikidata's API and query service instead, and save "
                              "the snapshot (over the bundled one unless --save-snapshot)")] = False,
         report: Annotated[bool, typer.Option(
             "--report", help="compare the documents' relations with Wikidata's")] = False,
         fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
         quickstatements: Annotated[Path | None, typer.Option(
             help="write QuickStatements V1 for the twinnings Wikidata lacks (never uploaded)")
         ] = None,
         save_snapshot: Annotated[Path | None, typer.Option(
             help="with --online: the folder to save the fetched snapshot in")] = None):
    """Link cities, countries and organisations to Wikidata (skos:exactMatch) and import
    Wikidata's twinnings into their own named graph; compare; give back."""
    from citykg.wikidata import report as show
    from citykg.wikidata.client import WikidataError
    from citykg.wikidata.run import run
    from citykg.wikidata.snapshot import SnapshotError

    if online and snapshot:
        fail("--snapshot and --online exclude each other")
    try:
        with err.status("linking") as status:
            result = run(store or default_store(), snapshot, online=online, report=report,
                         quickstatements=quickstatements, save_snapshot=save_snapshot,
                         progress=lambda s: status.update(s))
    except (*_errors(), SnapshotError, WikidataError) as exc:
        fail(str(exc))
    if fmt == TableFormat.json:
        print(show.dumps(show.as_json(result, quickstatements)))
    elif fmt == TableFormat.csv:
        sys.stdout.write(show.as_csv(result))
    else:
        show.print_table(result, out, quickstatements)


@app.command()
def export(store: StoreOpt = None,
           out: Annotated[Path | None, typer.Option(help="write one N-Quads file per named "
                                                    "graph (and manifest.tsv) here")] = None,
           to: Annotated[str | None, typer.Option(help="PUT each named graph to this SPARQL "
                                                  "Graph Store Protocol endpoint, e.g. "
                                                  "http://127.0.0.1:7878/store")] = None,
           user: Annotated[str | None, typer.Option(help="user for --to (HTTP digest)")] = None,
           password: Annotated[str | None, typer.Option(help="password for --to")] = None):
    """Export the graph as standard RDF: N-Quads per named graph, or to a Graph Store endpoint."""
    from citykg.export import export_store, put_graphs
    from citykg.store import GraphStore

    if not out and not to:
        fail("give --out DIR, --to URL or both")
    try:
        s = GraphStore(store or default_store(), read_only=True)
        if out:
            rows = export_store(s, out)
            err.print(f"{len(rows)} graphs, {sum(r[2] for r in rows):,} triples in {out} "
                      "(manifest.tsv lists them)")
        if to:
            done = put_graphs(s, to, (user, password or "") if user else None)
            err.print(f"{len(done)} graphs sent to {to}")
    except _errors() as exc:
        fail(str(exc))


@app.command()
def serve(store: StoreOpt = None,
          host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
          endpoint: Annotated[str | None, typer.Option(
              help="a remote SPARQL endpoint to answer from instead of the store "
                   "(default $CITYKG_SPARQL_URL)")] = None,
          workers: Annotated[int | None, typer.Option(
              min=1, help="worker processes (default: one per core, 2 to 4)")] = None):
    """Serve the HTTP API (docs at /docs): relations, cities, canned queries, SPARQL."""
    import os

    from citykg.api.server import default_workers
    from citykg.api.server import serve as run_server
    from citykg.store import GraphStore

    endpoint = endpoint or os.environ.get("CITYKG_SPARQL_URL") or None
    if endpoint:
        os.environ["CITYKG_SPARQL_URL"] = endpoint
    else:
        path = store or default_store()
        if not (path / "CURRENT").exists():
            fail(f"{path}: no store here (build one with `citykg build --store {path}`, "
                 "or pass --store DIR)")
        try:
            GraphStore(path, read_only=True)
        except _errors() as exc:
            fail(str(exc))
        os.environ["CITYKG_STORE"] = str(path.resolve())
    err.print(f"citykg API on http://{host}:{port} (docs at http://{host}:{port}/docs)")
    run_server(host, port, workers or default_workers())


if __name__ == "__main__":
    app()
