"""`GET /queries` and one `GET /queries/{name}` per file in sparql/, generated from the
files' headers: typed parameters with defaults and examples, pagination, three formats."""
from __future__ import annotations

import datetime as dt
import inspect
import re
from functools import lru_cache
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from citykg.api import sparql_guard as guard
from citykg.api.cache import OrjsonResponse, cached
from citykg.api.canned import MAX_IRI, MAX_TEXT, NO_CONTROL, CannedQuery, Param, ParamError
from citykg.api.deps import AppSettings, BackendHolder, Holder, Settings, get_runner
from citykg.api.lookup import index_of, invalid, place_value
from citykg.api.models import Error, QueryList, Rows
from citykg.api.results import columns_of, negotiate, render

Format = Literal["json", "sparql-json", "csv"]
PYTHON_TYPES = {"integer": int, "date": dt.date, "boolean": bool}
TYPE_NOTES = {"iri": "an IRI", "string": "a string", "integer": "an integer",
              "decimal": "a decimal number", "date": "a date (YYYY-MM-DD)",
              "boolean": "true or false"}


def info(q: CannedQuery) -> dict:
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": q.tags,
            "precomputed": q.precompute,
            "parameters": [{"name": p.name, "type": p.type_name, "required": p.required,
                            "default": p.default, "enum": p.enum} for p in q.params]}


def build_router(queries: list[CannedQuery]) -> APIRouter:
    router = APIRouter(tags=["queries"])
    listing = {"queries": [info(q) for q in queries]}

    @router.get("/queries", response_model=QueryList, summary="The canned queries",
                description="Every canned query, with its parameters (name, type, whether "
                            "required, default, allowed values). Run one at `/queries/{name}`.")
    async def list_queries() -> OrjsonResponse:
        return OrjsonResponse(listing)

    for q in queries:
        router.add_api_route(
            f"/queries/{q.name}", endpoint(q), methods=["GET"], summary=q.summary,
            description=describe(q), response_model=Rows, tags=["queries", *q.tags],
            operation_id="query_" + q.name.replace("-", "_"),
            responses={200: {"content": {"application/sparql-results+json": {},
                                         "text/csv": {}}},
                       404: {"model": Error, "description": "a city or country not found"}})
    return router


def describe(q: CannedQuery) -> str:
    columns = ", ".join(f"`{c}`" for c in q.columns) or "(as the query selects)"
    return (f"{q.description}\n\n**Columns:** {columns}\n\nFormats: `?format=json` (rows), "
            "`sparql-json` (W3C SPARQL results JSON) or `csv`, or by the Accept header. "
            f"Pages of `page_size` rows (default {q.page_size}, at most 1000).\n\n"
            f"```sparql\n{q.text.strip()}\n```")


def endpoint(q: CannedQuery):
    async def run(request: Request, holder: Holder, settings: AppSettings, **kwargs: Any):
        fmt = negotiate(kwargs.pop("format_"), request.headers.get("accept"))
        page, size = kwargs.pop("page"), kwargs.pop("page_size")
        values = {p.name: kwargs.get("p_" + p.name) for p in q.params}
        return await cached(request, holder, lambda: execute(
            q, request, holder, settings, values, page, size, fmt), variant=fmt)

    params = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind)
              for name, kind in (("request", Request), ("holder", Holder), ("settings", AppSettings))]
    params += [inspect.Parameter("p_" + p.name, inspect.Parameter.KEYWORD_ONLY,
                                 default=query_param(p), annotation=annotation(p))
               for p in q.params]
    params += [
        inspect.Parameter("page", inspect.Parameter.KEYWORD_ONLY, annotation=int,
                          default=Query(1, ge=1, le=1_000_000, description="page number")),
        inspect.Parameter("page_size", inspect.Parameter.KEYWORD_ONLY, annotation=int,
                          default=Query(q.page_size, ge=1, le=1000, description="rows a page")),
        inspect.Parameter("format_", inspect.Parameter.KEYWORD_ONLY, annotation=Format | None,
                          default=Query(None, alias="format", description="json (default), "
                                        "sparql-json or csv; else from the Accept header"))]
    run.__signature__ = inspect.Signature(params)
    run.__name__ = "query_" + q.name.replace("-", "_")
    return run


def annotation(p: Param):
    if p.enum:
        base = Literal.__getitem__(tuple(p.enum))
    else:
        base = PYTHON_TYPES.get(p.type, str)
    return base if p.required else base | None


def query_param(p: Param):
    default = ... if p.required else typed(p, p.default)
    note = "one of the values listed" if p.enum else \
        TYPE_NOTES.get(p.type, f"a string, taken as @{p.lang}")
    examples = {}
    if p.default is not None or p.enum:
        examples["default"] = {"summary": "the default" if p.default is not None else p.enum[0],
                               "value": p.default if p.default is not None else p.enum[0]}
    if p.type == "iri" and "city" in p.name:
        note += ", or a city's slug, Wikidata id, local-government code or name"
        examples |= {"slug": {"summary": "a slug", "value": "yokohama"},
                     "name": {"summary": "a name", "value": "横浜市"}}
    elif p.type == "iri" and "country" in p.name:
        note += ", or a country's ISO code or name"
        examples |= {"code": {"summary": "an ISO code", "value": "us"}}
    extra = {"max_length": MAX_IRI if p.type == "iri" else MAX_TEXT,
             "json_schema_extra": NO_CONTROL} \
        if p.type in ("iri", "string", "lang", "decimal") and not p.enum else {}
    return Query(default, alias=p.name, description=f"{p.name}: {note}",
                 openapi_examples=examples or None, **extra)


def typed(p: Param, value: str | None):
    if value is None or p.type not in PYTHON_TYPES:
        return value
    if p.type == "boolean":
        return value.lower() in ("true", "1")
    return PYTHON_TYPES[p.type](value) if p.type != "date" else dt.date.fromisoformat(value)


SILENT_SERVICE = re.compile(r"SERVICE\s+SILENT\s*<([^>\s]*)>", re.IGNORECASE)
NO_SERVICE_GRAPH = "<urn:citykg:service-not-allowed>"


def without_forbidden_services(query: str, template: str | None = None,
                               allow: tuple[str, ...] | None = None) -> str:
    """A canned query may join Wikidata through SERVICE SILENT: where that host is not on
    CITYKG_SERVICE_ALLOW, the pattern is read from an empty graph instead, so the query answers
    its local part and the server fetches nothing. Any other SERVICE is refused. `template`:
    the query's file text, whose SERVICE targets are those of the query (values are terms).
    `allow`: the app's settings' hosts (without an app, the environment's)."""
    if allow is None:
        allow = Settings.from_env().service_allow

    def rewritten(text: str) -> str:
        return SILENT_SERVICE.sub(lambda m: m.group(0) if guard.allowed(m.group(1), allow)
                                  else f"GRAPH {NO_SERVICE_GRAPH}", text)

    if _refuses(rewritten(template or query), allow):
        raise HTTPException(403, "this canned query needs SERVICE to a host not on CITYKG_SERVICE_ALLOW")
    return rewritten(query)


@lru_cache(maxsize=256)
def _refuses(query: str, allow: tuple[str, ...]) -> bool:
    # parsed once per file and allow-list: parsing costs ~80 ms
    return "SERVICE" in query.upper() and any(not guard.allowed(t, allow)
                                              for t in guard.service_targets(query))


def execute(q: CannedQuery, request: Request, holder: BackendHolder, settings: Settings, values: dict,
            page: int, size: int, fmt: str):
    terms = {}
    for p in q.params:
        value = values.get(p.name)
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if p.type == "iri":
            text = place_value(lambda: index_of(request), p.name, text)
        try:
            terms[p.var] = p.term(text)
        except ParamError as exc:
            raise invalid(p.name, str(exc), text) from None
    precomputed = request.app.state.precomputed
    kept = precomputed.rows(holder, q, terms, get_runner(request).timeout / 2)
    rows = precomputed.page(kept, page, size) if kept is not None else None
    if rows is None:  # not precomputed, not yet, or a page past the kept rows: run it live
        rows = holder.backend.select(without_forbidden_services(q.page(terms, page, size), q.text,
                                                                 settings.service_allow))
    more = len(rows) > size
    rows = rows[:size]
    return render(fmt, q.name, columns_of(q.columns, rows), rows, page, size, more)
