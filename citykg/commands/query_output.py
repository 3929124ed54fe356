"""Printing SPARQL results: a terminal table, SPARQL results JSON, or CSV."""
from __future__ import annotations

import sys

import pyoxigraph as ox
from rich.table import Table


def print_results(result, fmt: str, console) -> None:
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            console.print(str(bool(result)).lower())
        else:
            form = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.CSV
            sys.stdout.write(result.serialize(format=form).decode() + "\n")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.buffer.write(ox.serialize(result, format=ox.RdfFormat.TURTLE))
        return
    if fmt in ("json", "csv"):
        form = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.CSV
        sys.stdout.buffer.write(result.serialize(format=form))
        sys.stdout.write("\n")
        return
    names = [v.value for v in result.variables]
    table = Table(*names)
    for row in result:
        table.add_row(*(_short(row[n]) for n in names))
    console.print(table)


def _short(term) -> str:
    return "" if term is None else term.value
