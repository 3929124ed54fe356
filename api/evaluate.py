"""Evaluating a /sparql query on a pyoxigraph store and serializing its result under the
row and byte caps (also used for results parsed from a remote endpoint). Blocking: callers run
it through the QueryRunner, which bounds it in time (runner.py)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from citykg.core.terms import CKG, ID, WD

PREFIXES = {"ckg": str(CKG._NS), "id": str(ID), "rdf": str(RDF), "rdfs": str(RDFS),
            "owl": str(OWL), "xsd": str(XSD), "prov": str(PROV), "skos": str(SKOS),
            "wd": str(WD)}
_RESULTS = (ox.QuerySolutions, ox.QueryBoolean)


class QueryFailed(Exception):
    """A query that gets no results: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@dataclass
class Reply:
    media_type: str
    body: bytes


# ---------------------------------------------------------------- serializing (both sides) ----
class _Capped:
    """A writer for pyoxigraph's serializers that gives up past `limit` bytes."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size = limit, [], 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise QueryFailed(413, f"the result is larger than {self.limit} bytes; "
                                   "add a LIMIT or select fewer variables")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


@cache
def _format(kind, name: str) -> tuple:
    """(pyoxigraph format, media type) for a format's name; looked up once."""
    fmt = getattr(kind, name)
    mt = fmt.media_type
    return fmt, mt if "charset" in mt or not mt.startswith("text/") else mt + "; charset=utf-8"


def serialize_result(result, results_format: str | None, graph_format: str | None,
                     max_rows: int, max_bytes: int) -> Reply:
    """Serialize a pyoxigraph query result (from a store or parsed from a remote endpoint)
    into the negotiated format, refusing more than `max_rows` rows/triples or `max_bytes`."""
    if isinstance(result, _RESULTS):
        if results_format is None:
            raise QueryFailed(406, "a SELECT/ASK result cannot be given in the requested type; "
                                   "use JSON, XML, CSV or TSV results")
        fmt, media = _format(ox.QueryResultsFormat, results_format)
        out = _Capped(max_bytes)
        result.serialize(out, format=fmt)
        body = b"".join(out.parts)
        # a row takes at least one byte, so only a body this long can hold too many rows
        if isinstance(result, ox.QuerySolutions) and len(body) > max_rows:
            rows = sum(1 for _ in ox.parse_query_results(body, format=fmt))
            if rows > max_rows:
                raise QueryFailed(413, f"the result has more than {max_rows} rows; add a LIMIT")
        return Reply(media, body)
    if graph_format is None:
        raise QueryFailed(406, "a CONSTRUCT/DESCRIBE result cannot be given in the requested "
                               "type; use Turtle, N-Triples, JSON-LD or RDF/XML")
    fmt, media = _format(ox.RdfFormat, graph_format)
    triples = list(itertools.islice(result, max_rows + 1))
    if len(triples) > max_rows:
        raise QueryFailed(413, f"the result has more than {max_rows} triples; add a LIMIT")
    out = _Capped(max_bytes)
    kwargs = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
    ox.serialize(triples, out, format=fmt, **kwargs)
    return Reply(media, b"".join(out.parts))


def syntax_error(exc: BaseException) -> QueryFailed:
    """pyoxigraph says 'error at 1:25: expected …': name the line and column."""
    text = str(exc)
    head, sep, rest = text.partition(": ")
    pos = head.rsplit(" ", 1)[-1]
    line, _, col = pos.partition(":")
    if sep and line.isdigit() and col.isdigit():
        return QueryFailed(400, f"SPARQL syntax error at line {line}, column {col}: {rest}",
                           line=int(line), column=int(col))
    return QueryFailed(400, f"SPARQL syntax error: {text}")


def evaluate(store, query: str, results_format: str | None, graph_format: str | None,
             default_graphs: list[str], named_graphs: list[str], max_rows: int,
             max_bytes: int) -> Reply:
    """Run `query` on the store (the union of its graphs as the default graph unless
    `default_graphs` names some) and serialize the result."""
    result = None
    try:
        kwargs = {"default_graph": [ox.NamedNode(g) for g in default_graphs]} \
            if default_graphs else {"use_default_graph_as_union": True}
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        result = store.query(query, **kwargs)
        return serialize_result(result, results_format, graph_format, max_rows, max_bytes)
    except QueryFailed as exc:
        failure = exc
    except SyntaxError as exc:
        failure = syntax_error(exc)
    except (ValueError, TypeError) as exc:
        failure = QueryFailed(400, f"query failed: {exc}")
    except OSError as exc:
        failure = QueryFailed(500, f"query evaluation failed: {exc}")
    finally:
        del result
    # pyoxigraph's results must be dropped by the thread that made them: a traceback would
    # carry them (in its frames) to the thread that handles the error
    failure.__traceback__ = failure.__context__ = None
    raise failure
