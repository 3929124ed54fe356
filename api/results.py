"""SELECT results as the API answers them: rows of plain JSON values, W3C SPARQL results
JSON, or CSV. Works from the rows any backend's `select` returns (pyoxigraph terms)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import orjson
import pyoxigraph as ox
from fastapi import Response
from rdflib.namespace import XSD

from citykg.api.cache import OrjsonResponse

FORMATS = {"json": "application/json", "sparql-json": "application/sparql-results+json",
           "csv": "text/csv; charset=utf-8"}
INTEGERS = {str(XSD[t]) for t in ("integer", "int", "long", "short", "nonNegativeInteger",
                                  "positiveInteger", "unsignedInt", "unsignedLong")}
FLOATS = {str(XSD.double), str(XSD.float)}


def negotiate(fmt: str | None, accept: str | None) -> str:
    """The format asked for: `?format=` first, then the Accept header, else json."""
    if fmt:
        return fmt
    accept = (accept or "").lower()
    if "application/sparql-results+json" in accept:
        return "sparql-json"
    if "text/csv" in accept:
        return "csv"
    return "json"


def plain(term):
    """A term as a JSON value: numbers as numbers, booleans as booleans, the rest as text."""
    if not isinstance(term, ox.Literal):
        return term.value
    dt, value = term.datatype.value, term.value
    try:
        if dt in INTEGERS:
            return int(value)
        if dt == str(XSD.decimal):
            d = Decimal(value)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in FLOATS:
            return float(value)
        if dt == str(XSD.boolean):
            return value in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return value


def binding(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != str(XSD.string):
        out["datatype"] = term.datatype.value
    return out


def columns_of(declared: list[str], rows: list[dict]) -> list[str]:
    if declared:
        return declared
    seen: dict[str, None] = {}
    for r in rows:
        seen.update(dict.fromkeys(r))
    return list(seen)


def render(fmt: str, name: str, columns: list[str], rows: list[dict], page: int, size: int,
           more: bool) -> Response:
    headers = {"X-Page": str(page), "X-Page-Size": str(size), "X-Has-More": str(more).lower()}
    if fmt == "sparql-json":
        body = {"head": {"vars": columns},
                "results": {"bindings": [{k: binding(v) for k, v in r.items()} for r in rows]}}
        return Response(orjson.dumps(body), media_type=FORMATS[fmt], headers=headers)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([r[c].value if c in r else "" for c in columns])
        return Response(out.getvalue().encode("utf-8"), media_type=FORMATS[fmt], headers=headers)
    return OrjsonResponse({"query": name, "columns": columns,
                           "rows": [{c: plain(r[c]) if c in r else None for c in columns}
                                    for r in rows],
                           "page": page, "page_size": size, "has_more": more}, headers=headers)
