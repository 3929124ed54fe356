"""`/reconcile`: the W3C Reconciliation Service API 0.2 (what OpenRefine speaks), so that a
spreadsheet of city names can be reconciled against citykg.

- `GET /reconcile`: the manifest (service metadata);
- `GET|POST /reconcile` with `queries={"q0": {"query": "横浜市", "type": "City", "limit": 3,
  "properties": [{"pid": "country", "v": "Japan"}]}, …}`: a batch of reconciliation
  queries, answered `{"q0": {"result": [{"id", "name", "type", "score", "match"}]}, …}`;
  `query=` (one query, JSON or plain text) is answered `{"result": […]}`;
- `GET|POST /reconcile` with `extend={"ids": […], "properties": [{"id": "country"}]}`: data
  extension (country, wikidata, partners, label_ja, label_en, code);
- `GET /reconcile/suggest/entity|type|property?prefix=`, `GET /reconcile/preview?id=`,
  `GET /reconcile/view?id=`, `GET /reconcile/properties?type=` (properties to extend with).

Identifiers are the entity IRIs without `https://w3id.org/citykg/id/` (the manifest's
identifierSpace): `city/jp/14100`, `city/ua/odesa`, `country/jp`. Types are the ontology's
classes without `https://w3id.org/citykg/ontology#` (schemaSpace): City, Ward, Country,
Organization. Names are searched as `/cities?q=` searches them (citykg.api.search: NFKC, case,
kana, with or without 市), so Yokohama, 横浜市, よこはま, オデーサ and 上海市 resolve; a
candidate scores 0–100 (exact name 90, start of a name 70, inside a name 50; +6 for a city
with relations, +4 for a city rather than a town or ward; property values ±) and is a `match`
when it is exact, scores 95 or more and leads the next candidate by 5.

A batch holds at most MAX_QUERIES queries (data extension: MAX_IDS ids), else 413; each batch
runs under the time limit and stops between queries once it is past it (runner.py). URLs in
the manifest and the view redirect start with the configured public URL (deps.public_base).
"""
from __future__ import annotations

import html
import json
import math
import re
from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from citykg import sparql
from citykg.api.cache import OrjsonResponse
from citykg.api.deps import get_holder, get_runner, public_base
from citykg.api.lookup import index_of
from citykg.api.models import Error
from citykg.api.relations import relations
from citykg.api.runner import check_deadline
from citykg.api.search import CityIndex, query_forms
from citykg.core.entities import describe
from citykg.core.terms import CKG, ID
from citykg.core.text import fold

router = APIRouter(prefix="/reconcile", tags=["reconcile"])
IDENTIFIER_SPACE = str(ID)
WIKIDATA_ONLY = str(ID["wd/"])  # cities `citykg link` minted from Wikidata's twinnings
SCHEMA_SPACE = str(CKG)
TYPES = {"City": "city / municipality (都市・市区町村)", "Ward": "ward (区)",
         "Country": "country (国)",
         "Organization": "city network or organisation (都市ネットワーク・国際機関)"}
PROPERTIES = {"country": "country (国)", "wikidata": "Wikidata id",
              "partners": "partner cities (姉妹・友好都市)", "label_ja": "name in Japanese",
              "label_en": "name in English", "code": "local-government code (団体コード)"}
MAX_QUERIES, MAX_TEXT, MAX_IDS = 100, 500, 100  # OpenRefine sends batches of 10
MAX_BODY = 4 << 20
MAX_DEPTH = 16  # JSON levels: a query is {"properties": [{"v": [{"id": …}]}]} at most
ORIGINS = ("any", "document", "wikidata")
DEFAULT_LIMIT = 5
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
KIND_TYPE = {"City": "City", "Ward": "Ward", "Country": "Country", "Prefecture": "City",
             "CityNetwork": "Organization", "InternationalOrganization": "Organization",
             "Association": "Organization"}


URL_NOTE = ("JSON; the whole URL stays under 64 KB, percent-encoded UTF-8 (the HTTP server "
            "answers 400 past that): POST larger batches")
BAD = {400: {"model": Error, "description": "a parameter that is not the JSON it should be, "
             "or a bad callback"},
       413: {"model": Error, "description": "too many queries, or too long a form"}}
NO_ENTITY = {404: {"description": "no such entity", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Error"}}}}}


class BadRequest(HTTPException):
    def __init__(self, message: str):
        super().__init__(400, message)


class TooMany(HTTPException):
    def __init__(self, field: str, limit: int, count: int, what: str):
        super().__init__(413, f"`{field}` holds {count} {what}; a batch holds at most {limit} "
                              "(send several batches)")


# the manifest -------------------------------------------------------------------------------
def manifest(base: str) -> dict:
    return {
        "versions": ["0.2"],
        "name": "citykg: cities, countries and city networks (都市間国際関係ナレッジグラフ)",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": f"{base}/docs#/reconcile",
        "serviceVersion": "0.1.0",
        "defaultTypes": [{"id": k, "name": v} for k, v in TYPES.items()],
        "view": {"url": f"{base}/reconcile/view?id={{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420,
                    "height": 180},
        "suggest": {k: {"service_url": base, "service_path": f"/reconcile/suggest/{k}"}
                    for k in ("entity", "type", "property")},
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
            "property_settings": [{
                "name": "origin", "label": "Partners from", "type": "select", "default": "any",
                "help_text": "partner cities the documents state, Wikidata's, or both",
                "choices": [{"value": "any", "name": "documents and Wikidata"},
                            {"value": "document", "name": "documents only"},
                            {"value": "wikidata", "name": "Wikidata only"}]}]},
    }


async def _run(request: Request, fn):
    """Our own lookups, in a thread under the time limit (they end by themselves)."""
    return await get_runner(request).run(fn, "reconciliation", untrusted=False)


@router.get("", summary="Reconciliation service: manifest, queries, data extension", responses=BAD,
            description="Without parameters: the service manifest. With `queries` (a JSON batch "
                        "of reconciliation queries) or `query` (one): candidates from citykg's "
                        "cities, countries and organisations. With `extend` (JSON): property "
                        "values for reconciled ids. W3C Reconciliation Service API 0.2.")
async def reconcile_get(
        request: Request,
        # in a URL, which the HTTP server reads up to 64 KB (percent-encoded UTF-8): larger
        # batches are POSTed
        queries: Annotated[str | None, Query(max_length=4_000, description=URL_NOTE)] = None,
        query: Annotated[str | None, Query(max_length=2_000, description=URL_NOTE)] = None,
        extend: Annotated[str | None, Query(max_length=4_000, description=URL_NOTE)] = None,
        callback: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    return await _answer(request, queries, query, extend, callback)


@router.post("", summary="Reconciliation queries or data extension (form POST)",
             responses={**BAD, 415: {"model": Error, "description": "not a form"}})
async def reconcile_post(request: Request) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/x-www-form-urlencoded", ""):
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, f"the form is longer than {MAX_BODY} bytes")
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"not a URL-encoded form: {exc}") from None
    values = {k: (form.get(k) or [None])[0] for k in ("queries", "query", "extend", "callback")}
    return await _answer(request, *values.values())


async def _answer(request: Request, queries, query, extend, callback) -> Response:
    if callback is not None and not CALLBACK.match(callback):
        raise BadRequest("callback must be a JavaScript identifier")
    if queries is not None:
        batch = _json("queries", queries)
        if not isinstance(batch, dict):
            raise BadRequest("queries must be a JSON object of queries")
        if len(batch) > MAX_QUERIES:
            raise TooMany("queries", MAX_QUERIES, len(batch), "queries")
        checked = {k: _query(k, q) for k, q in batch.items()}
        body = await _run(request, lambda: {k: {"result": _reconcile(request, q)}
                                            for k, q in checked.items()})
    elif query is not None:
        q = _json("query", query) if query.lstrip().startswith("{") else {"query": query}
        one = _query("query", q)
        body = await _run(request, lambda: {"result": _reconcile(request, one)})
    elif extend is not None:
        spec = _extension(_json("extend", extend))
        body = await _run(request, lambda: _extend(request, spec))
    else:
        body = manifest(public_base(request))
    return _respond(body, callback)


def _respond(body: dict, callback: str | None) -> Response:
    if callback:
        text = f"{callback}({json.dumps(body, ensure_ascii=False)})"
        return Response(text, media_type="application/javascript")
    return OrjsonResponse(body)


def _json(name: str, text: str):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"{name} is not JSON: {exc}") from None
    except RecursionError:
        value = None  # nested past the parser's own limit
    else:
        if _depth(value) <= MAX_DEPTH:
            return value
    raise BadRequest(f"{name} is nested deeper than {MAX_DEPTH} levels")


def _depth(value) -> int:
    """How deeply lists and objects nest in `value`, without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                todo.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict)
                                                     else item))
    return deepest


def _query(key: str, q) -> dict:
    if not isinstance(q, dict):
        raise BadRequest(f"query {key!r} must be an object")
    text = q.get("query", "")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise BadRequest(f"query {key!r}: `query` must be a string of at most {MAX_TEXT} "
                         "characters")
    types = q.get("type") or []
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise BadRequest(f"query {key!r}: `type` must be a string or a list of strings")
    limit = q.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int | float) or isinstance(limit, bool) or \
            not math.isfinite(limit):
        raise BadRequest(f"query {key!r}: `limit` must be a finite number, not {limit!r}")
    props = q.get("properties") or []
    if not isinstance(props, list) or not all(isinstance(p, dict) and "pid" in p for p in props):
        raise BadRequest(f"query {key!r}: `properties` must be a list of {{pid, v}}")
    return {"query": text.strip(), "types": [t.rsplit("#", 1)[-1] for t in types],
            "limit": max(1, min(int(limit), 100)), "properties": props}


# searching ------------------------------------------------------------------------------------
def _reconcile(request: Request, q: dict) -> list[dict]:
    check_deadline()
    candidates = _candidates(request, q["query"], q["types"], q["limit"] * 4 + 10)
    for c in candidates:
        _apply_properties(request, c, q["properties"])
    candidates.sort(key=lambda c: (-c["score"], c["name"]))
    out = candidates[:q["limit"]]
    if out and out[0].pop("_exact") and out[0]["score"] >= 95 and (
            len(candidates) == 1 or out[0]["score"] - candidates[1]["score"] >= 5):
        out[0]["match"] = True
    for c in out:
        c.pop("_exact", None)
        c.pop("_country", None)
        c.pop("_wikidata", None)
        c.setdefault("match", False)
    return out


def _candidates(request: Request, text: str, types: list[str], limit: int) -> list[dict]:
    if not text:
        return []
    wanted = set(types) or set(TYPES)
    out: list[dict] = []
    index = index_of(request)
    if wanted & {"City", "Ward"}:
        for c in index.search(text, limit):
            if c.kind == "ward" and "Ward" not in wanted and types:
                continue
            if c.kind == "city" and "City" not in wanted:
                continue
            tier = _tier(text, CityIndex._names(c))
            town = bool(c.code and not (c.label_ja or "").endswith("市"))
            if c.iri.startswith(WIKIDATA_ONLY):  # a partner only Wikidata knows
                score = (90, 70, 50)[tier] - 10
            else:
                score = (90, 70, 50)[tier] + (6 if c.relations else 0) + \
                    (4 if c.kind == "city" and not town else 0)
            hit = index.hit(c)
            country = hit.get("country") or {}
            out.append(_candidate(c.iri, c.label_ja, c.label_en or (c.aliases or [None])[0],
                                  "Ward" if c.kind == "ward" else "City", score, tier == 0,
                                  _describe_city(hit), country.get("iri"), c.wikidata))
    if "Country" in wanted:
        for iri, info in index.countries.items():
            tier = _tier(text, info["names"])
            if tier is not None:
                out.append(_candidate(iri, info.get("label_ja"), info.get("label_en"), "Country",
                                      (90, 70, 50)[tier] + 5, tier == 0, "country",
                                      iri, None))
    if "Organization" in wanted:
        for iri, info in _orgs(request).items():
            tier = _tier(text, info["names"])
            if tier is not None:
                out.append(_candidate(iri, info.get("label_ja"), info.get("label_en"),
                                      "Organization", (90, 70, 50)[tier] + 5, tier == 0,
                                      "city network or organisation", None, None))
    return out


def _tier(text: str, names) -> int | None:
    """0: a name equals the text, 1: a name starts with it, 2: a name contains it."""
    forms = query_forms(text)
    if any(f in names for f in forms):
        return 0
    if any(n.startswith(f) for f in forms for n in names):
        return 1
    if forms and len(forms[0]) >= 2 and any(forms[0] in n for n in names):
        return 2
    return None


def _candidate(iri, label_ja, label_en, type_, score, exact, description, country, qid) -> dict:
    return {"id": _id(iri), "name": _name(label_ja, label_en, iri), "description": description,
            "type": [{"id": type_, "name": TYPES[type_]}], "score": float(min(score, 100)),
            "_exact": exact, "_country": country, "_wikidata": qid}


def _describe_city(hit: dict) -> str:
    parts = [(hit.get("country") or {}).get("label_en") or ""]
    if hit.get("code"):
        parts.append(f"code {hit['code']}")
    if hit.get("wikidata"):
        parts.append(hit["wikidata"])
    if hit.get("relations"):
        parts.append(f"{hit['relations']} relations")
    return ", ".join(p for p in parts if p) or "city"


def _apply_properties(request: Request, c: dict, props: list[dict]) -> None:
    for p in props:
        values = p.get("v")
        values = values if isinstance(values, list) else [values]
        texts = [str(v.get("id") or v.get("name") or "") if isinstance(v, dict) else str(v)
                 for v in values if v is not None]
        texts = [t for t in texts if t.strip()]
        if not texts:
            continue
        pid = str(p.get("pid", "")).rsplit("#", 1)[-1]
        if pid == "country":
            iri = c.get("_country") if c["type"][0]["id"] != "Country" else \
                IDENTIFIER_SPACE + c["id"]
            if not iri:
                continue
            ok = any(_same_country(request, iri, t) for t in texts)
            c["score"] = float(max(0, min(100, c["score"] + (5 if ok else -30))))
        elif pid == "wikidata" and c.get("_wikidata"):
            ok = any(t.strip().upper().rsplit("/", 1)[-1] == c["_wikidata"] for t in texts)
            c["score"] = float(max(0, min(100, c["score"] + (10 if ok else -50))))


def _same_country(request: Request, iri: str, text: str) -> bool:
    index = index_of(request)
    text = text.strip()
    if text.startswith(("country/", IDENTIFIER_SPACE)):
        return _iri(text) == iri
    return index.country(text) == iri


def organisations(backend, version: str) -> dict[str, dict]:
    """Every organisation's folded names and labels, for a store version (app.state.reconcile_orgs)."""
    orgs: dict[str, dict] = {}
    for r in backend.select(sparql.text("organisation-names")):
        info = orgs.setdefault(r["e"].value, {"names": set()})
        info["names"].add(fold(r["l"].value))
        lang = getattr(r["l"], "language", None)
        if lang in ("ja", "en"):
            info.setdefault(f"label_{lang}", r["l"].value)
    return orgs


def _orgs(request: Request) -> dict[str, dict]:
    return request.app.state.reconcile_orgs.get(get_holder(request))


def _id(iri: str) -> str:
    return iri[len(IDENTIFIER_SPACE):] if iri.startswith(IDENTIFIER_SPACE) else iri


def _iri(ident: str) -> str:
    ident = ident.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", ident):
        return ident
    return IDENTIFIER_SPACE + ident.lstrip("/")


def _name(label_ja: str | None, label_en: str | None, iri: str) -> str:
    if label_ja and label_en and label_ja != label_en:
        return f"{label_ja} ({label_en})"
    return label_ja or label_en or _id(iri)


# suggest, preview, view -----------------------------------------------------------------------
@router.get("/suggest/entity", summary="Entity suggest (auto-complete)")
async def suggest_entity(request: Request,
                         prefix: Annotated[str, Query(max_length=MAX_TEXT)] = "",
                         type: Annotated[str | None, Query(max_length=100)] = None,
                         cursor: Annotated[int, Query(ge=0, le=10_000)] = 0) -> OrjsonResponse:
    def run() -> dict:
        types = [type.rsplit("#", 1)[-1]] if type else []
        found = _candidates(request, prefix.strip(), types, cursor + 20)
        found.sort(key=lambda c: (-c["score"], c["name"]))
        return {"result": [{"id": c["id"], "name": c["name"], "description": c["description"],
                            "notable": c["type"]} for c in found[cursor:cursor + 10]]}
    return OrjsonResponse(await _run(request, run))


@router.get("/suggest/type", summary="Type suggest")
async def suggest_type(prefix: Annotated[str, Query(max_length=MAX_TEXT)] = "") -> OrjsonResponse:
    p = fold(prefix)
    return OrjsonResponse({"result": [{"id": k, "name": v} for k, v in TYPES.items()
                                      if p in fold(k) or p in fold(v)]})


@router.get("/suggest/property", summary="Property suggest")
async def suggest_property(prefix: Annotated[str, Query(max_length=MAX_TEXT)] = ""
                           ) -> OrjsonResponse:
    p = fold(prefix)
    return OrjsonResponse({"result": [{"id": k, "name": v} for k, v in PROPERTIES.items()
                                      if p in fold(k) or p in fold(v)]})


@router.get("/properties", summary="Properties to extend with (data extension proposals)")
async def propose_properties(type: Annotated[str | None, Query(max_length=100)] = None,
                             limit: Annotated[int, Query(ge=1, le=100)] = 10) -> OrjsonResponse:
    kind = (type or "City").rsplit("#", 1)[-1]
    props = list(PROPERTIES) if kind in ("City", "Ward") else ["country", "wikidata",
                                                               "label_ja", "label_en"]
    if kind == "Country":
        props = ["wikidata", "label_ja", "label_en"]
    return OrjsonResponse({"type": kind, "limit": limit,
                           "properties": [{"id": p, "name": PROPERTIES[p]} for p in props][:limit]})


@router.get("/preview", response_class=HTMLResponse, summary="An entity's HTML preview",
            responses=NO_ENTITY)
async def preview(request: Request, id: Annotated[str, Query(min_length=1, max_length=2048)]
                  ) -> HTMLResponse:
    info = await _run(request, lambda: _entities(request, [id], partners=True))
    e = info.get(id)
    if e is None:
        raise HTTPException(404, f"no entity {id}")
    rows = [("country", e["country_name"]), ("Wikidata", e["wikidata"]),
            ("code", e["code"]), ("partners", ", ".join(p["name"] for p in e["partners"][:8]))]
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v or '')}</td></tr>"
                    for k, v in rows if v)
    style = html.escape(f"{public_base(request)}/static/css/preview.css")
    page = (f"<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(e['name'])}</title><link rel=\"stylesheet\" href=\"{style}\">"
            f"</head><body><strong>{html.escape(e['name'])}</strong> "
            f"<small>{html.escape(e['type'])}</small><table>{cells}</table></body></html>")
    return HTMLResponse(page)


@router.get("/view", summary="An entity's page (its city page, or its preview)",
            responses=NO_ENTITY)
async def view(request: Request, id: Annotated[str, Query(min_length=1, max_length=2048)]
               ) -> Response:
    iri = _iri(id)
    city = await _run(request, lambda: index_of(request).cities.get(iri))
    if city is not None and city.id and "/" not in city.id:
        return RedirectResponse(f"{public_base(request)}/cities/{city.id}", status_code=303)
    return await preview(request, id)


# data extension -------------------------------------------------------------------------------
def _extension(spec) -> dict:
    """The `extend` request checked: {ids, props, origin}; 400 naming the field at fault."""
    if not isinstance(spec, dict) or not isinstance(spec.get("ids"), list) or \
            not isinstance(spec.get("properties"), list):
        raise BadRequest("extend must be {\"ids\": [...], \"properties\": [{\"id\": ...}]}")
    if len(spec["ids"]) > MAX_IDS:
        raise TooMany("extend.ids", MAX_IDS, len(spec["ids"]), "ids")
    if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in spec["ids"]):
        raise BadRequest("extend.ids must be a list of ids (strings)")
    if not all(isinstance(p, dict) for p in spec["properties"]):
        raise BadRequest("extend.properties must be a list of objects {\"id\": ...}")
    props = [p for p in spec["properties"] if p.get("id") in PROPERTIES]
    origin = "any"
    for p in props:
        settings = p.get("settings", {})
        if settings is None:
            continue
        if not isinstance(settings, dict):
            raise BadRequest(f"extend.properties[{p['id']}].settings must be an object, not "
                             f"{type(settings).__name__}")
        origin = settings.get("origin", origin)
        if origin not in ORIGINS:
            raise BadRequest(f"extend.properties[{p['id']}].settings.origin must be one of "
                             f"{', '.join(ORIGINS)}, not {origin!r}")
    return {"ids": [str(i) for i in spec["ids"]], "props": props, "origin": origin}


def _extend(request: Request, spec: dict) -> dict:
    ids, props, origin = spec["ids"], spec["props"], spec["origin"]
    info = _entities(request, ids, partners=any(p["id"] == "partners" for p in props),
                     origin=origin)
    rows = {}
    for ident in ids:
        e = info.get(ident)
        row = {}
        for p in props:
            pid = p["id"]
            if e is None:
                row[pid] = []
            elif pid == "country":
                row[pid] = [{"id": _id(e["country"]), "name": e["country_name"] or _id(e["country"])}
                            ] if e["country"] else []
            elif pid == "partners":
                row[pid] = [{"id": x["id"], "name": x["name"]} for x in e["partners"]]
            else:
                row[pid] = [{"str": e[pid]}] if e.get(pid) else []
        rows[ident] = row
    meta = []
    for p in props:
        m = {"id": p["id"], "name": PROPERTIES[p["id"]]}
        if p["id"] == "country":
            m["type"] = {"id": "Country", "name": TYPES["Country"]}
        elif p["id"] == "partners":
            m["type"] = {"id": "City", "name": TYPES["City"]}
        meta.append(m)
    return {"meta": meta, "rows": rows}


def _entities(request: Request, ids: list[str], partners: bool = False,
              origin: str = "any") -> dict[str, dict]:
    """{id: {name, type, label_ja, label_en, wikidata, code, country, country_name, partners}}."""
    holder = get_holder(request)
    iris = {}
    for ident in ids:
        try:
            iris[ident] = ox.NamedNode(_iri(ident)).value
        except ValueError:
            continue
    if not iris:
        return {}
    info = describe(holder.backend, sorted(set(iris.values())))
    kinds: dict[str, str] = {}
    countries: dict[str, str] = {}
    rows = holder.backend.select(sparql.text("reconcile-info",
                                                e=[ox.NamedNode(i) for i in set(iris.values())]))
    for r in rows:
        iri = r["e"].value
        if "cls" in r:
            kind = r["cls"].value.rsplit("#", 1)[-1]
            if iri not in kinds or kind in ("City", "Ward", "Country"):
                kinds[iri] = kind
        if "country" in r:
            countries.setdefault(iri, r["country"].value)
    out = {}
    for ident, iri in iris.items():
        if iri not in kinds:
            continue
        d = info.get(iri, {})
        kind = kinds[iri]
        country = iri if kind == "Country" else countries.get(iri)
        cinfo = index_of(request).country_info(country) if country else None
        e = {"name": _name(d.get("label_ja"), d.get("label_en"), iri),
             "type": TYPES[KIND_TYPE[kind]], "label_ja": d.get("label_ja"),
             "label_en": d.get("label_en"), "wikidata": d.get("wikidata"),
             "code": d.get("code"), "country": country if kind != "Country" else None,
             "country_name": _name((cinfo or {}).get("label_ja"), (cinfo or {}).get("label_en"),
                                   country) if country and kind != "Country" else None,
             "partners": []}
        if partners and kind in ("City", "Ward"):
            check_deadline()
            e["partners"] = _partners(holder.backend, iri, origin)
        out[ident] = e
    return out


def _partners(backend, iri: str, origin: str) -> list[dict]:
    seen, out = set(), []
    for rel in relations(backend, iri)["relations"]:
        if rel["type"] not in ("sister", "friendship", "partner", "twinning", "cooperation"):
            continue
        if origin in ("document", "wikidata") and rel.get("origin") != origin:
            continue
        p = rel["partner"]
        if p["iri"] in seen:
            continue
        seen.add(p["iri"])
        out.append({"id": _id(p["iri"]), "name": _name(p.get("label_ja"), p.get("label_en"),
                                                       p["iri"])})
    return out
