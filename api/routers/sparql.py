"""`/sparql`: the SPARQL 1.1 Protocol endpoint, read-only.

GET `?query=`, POST a form (`query=`) or a `application/sparql-query` body. Results as the
Accept header (or `format=`/`output=`/`results=`, as SPARQLWrapper sends them) asks:
SELECT/ASK as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (default),
N-Triples, JSON-LD or RDF/XML. Before a query reaches any store, updates are refused, so are
queries past a nesting limit, and so is SERVICE unless its target is allow-listed
(sparql_guard); a federated query that fails gets a 502 (504 past
the time limit) that does not pass on the remote's
words. Embedded, queries run on the app's store under the query runner's time limit
(runner.py) and result caps; remote, they are forwarded to the endpoint under the same guards,
limits and a check that the answer is complete. Errors are JSON: {"error": "…"}.
GET requests skip FastAPI's routing (`FastPath`): it cost a third of a point lookup's time.

Environment: CITYKG_QUERY_TIMEOUT (s, default 10), CITYKG_MAX_RESULTS (rows, 100000),
CITYKG_MAX_RESULT_BYTES (default 100 MiB), CITYKG_SERVICE_ALLOW (comma-separated `host`,
`host:port` or `scheme://host[:port]`, empty by default).
"""
from __future__ import annotations

import asyncio
import threading
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from citykg.api import sparql_guard as guard
from citykg.api.deps import BackendHolder, Settings
from citykg.api.evaluate import QueryFailed, Reply, evaluate, serialize_result, syntax_error
from citykg.api.models import Error
from citykg.api.runner import QueryRunner
from citykg.core.remote import ACCEPT, RemoteBackend, RemoteError, parse_body

router = APIRouter(tags=["sparql"])
MAX_QUERY = 512 * 1024
# a GET's query rides in the request line, which the HTTP server caps at ~64 KB: longer, POST it
MAX_GET_QUERY = 32 * 1024
RESULTS = {"application/sparql-results+json": "JSON", "application/json": "JSON",
           "application/sparql-results+xml": "XML", "application/xml": "XML",
           "text/xml": "XML", "text/csv": "CSV", "text/tab-separated-values": "TSV"}
# N3 is asked for as Turtle (Turtle is N3's subset: an N3 parser reads it)
GRAPHS = {"text/turtle": "TURTLE", "application/x-turtle": "TURTLE",
          "application/turtle": "TURTLE", "text/n3": "TURTLE", "text/rdf+n3": "TURTLE",
          "application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES",
          "application/ld+json": "JSON_LD", "application/x-json+ld": "JSON_LD",
          "application/json": "JSON_LD", "application/rdf+xml": "RDF_XML",
          "application/xml": "RDF_XML", "text/xml": "RDF_XML"}
# format names, as SPARQLWrapper, Virtuoso, Fuseki and others send them
FORMATS = {"json": ("JSON", "JSON_LD"), "xml": ("XML", "RDF_XML"), "csv": ("CSV", None),
           "tsv": ("TSV", None), "turtle": (None, "TURTLE"), "ttl": (None, "TURTLE"),
           "n3": (None, "TURTLE"), "nt": (None, "N_TRIPLES"), "ntriples": (None, "N_TRIPLES"),
           "n-triples": (None, "N_TRIPLES"), "jsonld": (None, "JSON_LD"),
           "json-ld": (None, "JSON_LD"), "rdfxml": (None, "RDF_XML"), "rdf": (None, "RDF_XML"),
           "rdf+xml": (None, "RDF_XML")}
FORMAT_PARAMS = ("format", "output", "results")  # the names clients use for one choice
DEFAULTS = ("JSON", "TURTLE")
_lock = threading.Lock()


def error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, "detail": message, **extra}, status_code=status)


# ------------------------------------------------------------------- negotiation ----
def negotiate(accept: str | None, formats: list[str] = ()) -> tuple[str, str]:
    """(results format, graph format): the first of the `format=`/`output=`/`results=` values
    that names one, else the Accept header's, else the default. A value naming a format of
    the other query form only (`format=turtle` with a SELECT) leaves that form to Accept;
    unknown values are passed over (clients send several, some meant for other servers)."""
    named = [f for f in map(_named, formats) if f]
    rf = next((r for r, _ in named if r), None)
    gf = next((g for _, g in named if g), None)
    if rf and gf:
        return rf, gf
    try:
        accepted = _accepted(accept)
    except QueryFailed:
        if not named:
            raise
        accepted = DEFAULTS
    return rf or accepted[0], gf or accepted[1]


def _named(value: str) -> tuple[str | None, str | None] | None:
    """What one format value names: a format's name or a list of media types (SPARQLWrapper
    repeats its Accept header in `format=`)."""
    key = value.strip().lower()
    if key in FORMATS:
        return FORMATS[key]
    media = [m.split(";")[0].strip() for m in key.split(",")]
    found = (next((RESULTS[m] for m in media if m in RESULTS), None),
             next((GRAPHS[m] for m in media if m in GRAPHS), None))
    return found if found != (None, None) else None


def _accepted(accept: str | None) -> tuple[str, str]:
    ranges = []
    for i, part in enumerate((accept or "").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media.lower()))
    if not ranges:
        return DEFAULTS
    found = []
    for table, default in ((RESULTS, DEFAULTS[0]), (GRAPHS, DEFAULTS[1])):
        pick = None
        for _, _, media in sorted(ranges):
            pick = table.get(media) or _wildcard(media, table, default)
            if pick:
                break
        found.append(pick)
    if found == [None, None]:
        raise QueryFailed(406, "none of the accepted types can be served; SELECT/ASK: "
                               + ", ".join(RESULTS) + "; CONSTRUCT/DESCRIBE: " + ", ".join(GRAPHS))
    # a client that accepts only results types may still send a CONSTRUCT (rdflib does): it
    # gets the default RDF type rather than a 406, and the other way round
    return found[0] or DEFAULTS[0], found[1] or DEFAULTS[1]


def _wildcard(media: str, table: dict, default: str) -> str | None:
    if media == "*/*":
        return default
    if not media.endswith("/*"):
        return None
    fits = [v for m, v in table.items() if m.startswith(media[:-1])]
    return default if default in fits else (fits[0] if fits else None)


# ---------------------------------------------------------------------- service ----
class SparqlService:
    """Runs guarded queries: on the holder's store, or on a remote endpoint. The caps and the
    SERVICE allow-list are the app's settings (without them, the environment's)."""

    def __init__(self, runner: QueryRunner, holder: BackendHolder | None = None,
                 endpoint: str | None = None, remote: RemoteBackend | None = None,
                 settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.runner, self.holder, self.timeout = runner, holder, runner.timeout
        self.max_rows, self.max_bytes = settings.max_results, settings.max_result_bytes
        self.allow = list(settings.service_allow)
        self.remote = remote or (RemoteBackend(endpoint, timeout=self.timeout) if endpoint
                                 else None)

    async def run(self, query: str, rf: str | None, gf: str | None,
                  dg: list[str], ng: list[str]) -> Reply:
        verdict = await guard.check(query, self.allow)
        try:
            return await self._run(query, rf, gf, dg, ng)
        except (QueryFailed, RemoteError, OSError, RuntimeError, ValueError) as exc:
            # a federated query's failure is the remote's: its words are not passed on
            status = getattr(exc, "status", 500)
            if not verdict.services or status in (406, 413) \
                    or str(exc).startswith(("SPARQL syntax", "error at ")) \
                    or status == 503 and "time limit" not in str(exc):
                raise
            raise QueryFailed(*guard.failed(verdict, late=status in (503, 504))) from None

    async def _run(self, query: str, rf: str | None, gf: str | None,
                   dg: list[str], ng: list[str]) -> Reply:
        if self.remote is None:
            store = self.holder.backend.raw
            return await self.runner.run(lambda: evaluate(store, query, rf, gf, dg, ng,
                                                          self.max_rows, self.max_bytes))
        ctype, body = await self.remote.fetch(query, ACCEPT, self.max_bytes, dg, ng,
                                              self.timeout)

        def convert() -> Reply:
            result = parse_body(ctype, body, self.remote.endpoint_url)
            return serialize_result(result, rf, gf, self.max_rows, self.max_bytes)

        return convert() if len(body) < 256 * 1024 else await asyncio.to_thread(convert)


def service(request: Request) -> SparqlService:
    """The app's service, made on first use from the app's settings."""
    state = request.app.state
    svc = getattr(state, "sparql_service", None)
    if svc is None:
        with _lock:
            svc = getattr(state, "sparql_service", None)
            if svc is None:
                svc = state.sparql_service = _from_state(state)
    return svc


def _from_state(state) -> SparqlService:
    settings, holder, runner = state.settings, state.holder, state.runner
    backend = holder.backend
    if isinstance(backend, RemoteBackend):
        return SparqlService(runner, remote=backend, settings=settings)
    if settings.endpoint:
        return SparqlService(runner, endpoint=settings.endpoint, settings=settings)
    return SparqlService(runner, holder, settings=settings)


# --------------------------------------------------------------------- endpoints ----
async def answer_fields(request: Request, fields: dict[str, list[str]]) -> Response:
    """GET's query string and POST's form (or POST's query string) are read alike: repeated
    format values are tried in turn, graphs are lists, and one `query`."""
    if "update" in fields:
        return error(403, guard.READ_ONLY)
    if len(fields.get("query", [])) > 1:
        return error(400, "give one `query` parameter")
    formats = [v for name in FORMAT_PARAMS for v in fields.get(name, [])]
    return await answer(request, (fields.get("query") or [None])[0], formats,
                        fields.get("default-graph-uri", []), fields.get("named-graph-uri", []))


async def answer(request: Request, query: str | None, formats: list[str],
                 dg: list[str], ng: list[str]) -> Response:
    if not query or not query.strip():
        return error(400, "missing the `query` parameter (a SPARQL query)")
    if len(query) > MAX_QUERY:
        return error(413, f"the query is longer than {MAX_QUERY} characters")
    try:
        rf, gf = negotiate(request.headers.get("accept"), formats)
        svc = service(request)
        cache, key = getattr(request.app.state, "cache", None), None
        holder = getattr(request.app.state, "holder", None)
        if cache is not None and holder is not None:
            key = ("/sparql", query, rf, gf, tuple(dg), tuple(ng), holder.version)
            hit = cache.get(key)
            if hit is not None:
                return hit
        reply = await svc.run(query, rf, gf, dg, ng)
    except guard.Refused as exc:
        return error(exc.status, exc.message)
    except QueryFailed as exc:
        return error(exc.status, exc.message, **exc.extra)
    except RemoteError as exc:
        if exc.status == 400 and str(exc).startswith("error at "):  # oxigraph's syntax error
            exc = syntax_error(str(exc))
            return error(400, exc.message, **exc.extra)
        return error(exc.status, str(exc))
    response = Response(reply.body, media_type=reply.media_type, headers={"Vary": "Accept"})
    if key is not None:
        cache.put(key, response)
    return response


DOC = {200: {"description": "results", "content": {m: {} for m in {**RESULTS, **GRAPHS}}},
       400: {"model": Error, "description": "a syntax error (with line and column), a graph "
             "IRI that is not one, or a bad request"},
       403: {"model": Error, "description": "an update, or SERVICE to a host not allowed"},
       406: {"model": Error, "description": "none of the accepted types can be served"},
       413: {"model": Error, "description": "the query, or its result, exceeds a cap"},
       503: {"model": Error, "description": "the query exceeded the time limit"}}
QUERY = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY,
         "description": "a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)"}
GET_QUERY = {**QUERY, "maxLength": MAX_GET_QUERY, "description": QUERY["description"] + "; the "
             "whole URL stays under 64 KB, percent-encoded UTF-8 (the HTTP server answers 400 "
             "past that): POST longer queries"}
FORMAT = {"type": "string", "description": "json, xml, csv, tsv, turtle, n3, nt, jsonld, rdfxml "
          "or media types; overrides the Accept header (also as `output` or `results`); values "
          "that name no format are passed over"}
GRAPH_URIS = {"type": "array", "items": {"type": "string"}}
GET_PARAMS = {"parameters": [
    {"name": "query", "in": "query", "required": True, "schema": GET_QUERY},
    {"name": "format", "in": "query", "required": False, "schema": FORMAT},
    {"name": "default-graph-uri", "in": "query", "required": False, "schema": GRAPH_URIS},
    {"name": "named-graph-uri", "in": "query", "required": False, "schema": GRAPH_URIS}]}


# The parameters are read from the request, not declared to FastAPI: its parameter handling
# costs ~0.2 ms a request, a third of a short query's time (documented via openapi_extra).
@router.get("/sparql", summary="SPARQL 1.1 query endpoint (read-only)",
            responses={**DOC, 414: {"model": Error, "description": "a query too long for a GET"}},
            openapi_extra=GET_PARAMS)
async def sparql_get(request: Request):
    params = request.query_params
    if any(len(q) > MAX_GET_QUERY for q in params.getlist("query")):
        return error(414, f"a GET query is at most {MAX_GET_QUERY} characters: POST a longer one")
    return await answer_fields(request, {k: params.getlist(k) for k in params})


class FastPath:
    """ASGI middleware: GET /sparql goes straight to its handler, past FastAPI's routing and
    parameter handling (same handler, same answers; the route stays for /docs and POST)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/sparql" and scope["method"] == "GET":
            response = await sparql_get(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)


POST_BODY = {"requestBody": {"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "query": QUERY, "format": FORMAT, "default-graph-uri": GRAPH_URIS,
        "named-graph-uri": GRAPH_URIS}, "required": ["query"]}},
    "application/sparql-query": {"schema": {"type": "string", "minLength": 1}}}}}
POST_DOC = {**DOC, 415: {"model": Error, "description": "a body that is neither a form nor a "
                         "query"}}


@router.post("/sparql", summary="SPARQL 1.1 query endpoint (read-only)", responses=POST_DOC,
             openapi_extra=POST_BODY)
async def sparql_post(request: Request):
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        return error(403, guard.READ_ONLY)
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        return error(415, "POST a form (application/x-www-form-urlencoded, query=…) or a "
                          "query (application/sparql-query)")
    body = await _body(request, MAX_QUERY * 2)
    if body is None:
        return error(413, f"the request body is longer than {MAX_QUERY * 2} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return error(400, "the request body is not UTF-8")
    params = request.query_params
    fields = {k: params.getlist(k) for k in params}
    if media == "application/sparql-query":
        fields["query"] = [text]
    else:
        for k, v in parse_qs(text, keep_blank_values=True).items():
            fields.setdefault(k, []).extend(v)
    return await answer_fields(request, fields)


async def _body(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
