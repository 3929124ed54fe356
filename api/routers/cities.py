"""`GET /cities?q=` (search by name in either script, kana, romaji), `GET /cities/{id}` (JSON,
or JSON-LD on `Accept: application/ld+json`) and `GET /cities/{id}/relations`."""
from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

import orjson
import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request, Response

from citykg import sparql
from citykg.api import jsonld
from citykg.api.cache import OrjsonResponse, cached
from citykg.api.canned import NO_CONTROL
from citykg.api.deps import Holder, get_holder
from citykg.api.lookup import checked, city_iri, index_of
from citykg.api.models import CityDetail, CitySearch, Error, Relations
from citykg.api.relations import relations
from citykg.api.routers.relations import CITY, Since, Type, With, lookup

router = APIRouter(tags=["cities"])
NOT_FOUND = {404: {"model": Error, "description": "no such city"}}
Id = Annotated[str, Path(max_length=500, description=CITY, examples=["yokohama"],
                         json_schema_extra=NO_CONTROL)]


@router.get("/cities", response_model=CitySearch, summary="Find cities by name",
            description="Searches the names and aliases of every city and ward, in Japanese "
                        "and English, ignoring case and full/half width, with or without 市, in "
                        "kanji, hiragana, katakana or romaji (横浜, よこはま, ヨコハマシ, "
                        "ＹＯＫＯＨＡＭＡ and yokohama all find 横浜市). Exact matches first, "
                        "then names starting with the text, then names containing it; cities with "
                        "relations before towns and wards.")
async def search_cities(
        request: Request, holder: Holder,
        q: Annotated[str, Query(min_length=1, max_length=200, examples=["よこはま"],
                                json_schema_extra=NO_CONTROL,
                                description="a name, alias, slug, code or Wikidata id")],
        limit: Annotated[int, Query(ge=1, le=100, description="at most this many results")] = 20
) -> OrjsonResponse:
    return await cached(request, holder, lambda: _search(request, q, limit))


def _search(request: Request, q: str, limit: int) -> OrjsonResponse:
    q = checked("q", q, 200)
    index = index_of(request)
    return OrjsonResponse({"query": q, "results": [index.hit(c) for c in index.search(q, limit)]})


@router.get("/cities/{id}", response_model=CityDetail, summary="One city",
            responses={**NOT_FOUND, 200: {"content": {jsonld.MEDIA_TYPE: {}}}},
            description="Labels, aliases, country, Wikidata id, local-government code, "
                        "prefecture, parent city (for wards) and the number of relations of each "
                        "type. JSON-LD with `Accept: application/ld+json` or `?format=jsonld`.")
async def get_city(request: Request, holder: Holder, id: Id,
                   format: Annotated[Literal["json", "jsonld"] | None, Query()] = None
                   ) -> Response:
    ld = format == "jsonld" or (format is None and
                                jsonld.MEDIA_TYPE in request.headers.get("accept", ""))
    return await cached(request, holder, lambda: _city(request, id, ld),
                        variant="ld" if ld else "json")


def _city(request: Request, ident: str, ld: bool) -> Response:
    holder, index = get_holder(request), index_of(request)
    iri = city_iri(index, ident, "id")
    node = ox.NamedNode(iri)
    if ld:
        rows = holder.backend.select(sparql.text("node-statements", e=node))
        return Response(orjson.dumps(jsonld.node(iri, rows)), media_type=jsonld.MEDIA_TYPE)
    city = index.cities[iri]
    pref: dict = {}
    for r in holder.backend.select(sparql.text("prefecture", e=node)):
        pref.setdefault("iri", r["pref"].value)
        pref.setdefault(f"label_{r['l'].language}", r["l"].value)
    counts = Counter(r["type"] for r in relations(holder.backend, iri)["relations"])
    return OrjsonResponse({**index.hit(city), "prefecture": pref or None,
                           "relation_counts": dict(counts)})


@router.get("/cities/{id}/relations", response_model=Relations, responses=NOT_FOUND,
            summary="A city's relations (as /relations?city=…)")
async def city_relations(request: Request, holder: Holder, id: Id, with_: With = None, type_: Type = None,
                         since: Since = None) -> OrjsonResponse:
    return await cached(request, holder,
                        lambda: lookup(request, id, with_, type_, since))
