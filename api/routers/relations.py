"""`GET /relations` (a city's relations, the JSON of `citykg relations`) and `GET /paths`
(the shortest chains of relations between two cities)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from citykg.api.cache import OrjsonResponse, cached
from citykg.api.canned import NO_CONTROL
from citykg.api.deps import Holder, get_holder
from citykg.api.lookup import city_iri, graph_of, index_of
from citykg.api.models import Error, Paths, Relations
from citykg.api.relations import RELATION_TYPES, describe, relations

router = APIRouter(tags=["relations"])
RelationType = Literal.__getitem__(RELATION_TYPES)
CITY = ("a city: its name in Japanese or English (横浜市, Yokohama, よこはま), slug (yokohama), "
        "Wikidata id (Q38283), local-government code (14100) or IRI")
NOT_FOUND = {404: {"model": Error, "description": "no such city"}}
With = Annotated[str | None, Query(alias="with", max_length=500, examples=["Odesa"],
                                   json_schema_extra=NO_CONTROL,
                                   description="only the relations with this other city")]
Type = Annotated[RelationType | None, Query(alias="type", examples=["sister"],
                                            description="only relations of this type")]
Since = Annotated[int | None, Query(ge=0, le=9999, examples=[1960], description="only "
                                    "relations that started in or after this year")]


def lookup(request: Request, city: str, with_: str | None, type_: str | None,
           since: int | None) -> OrjsonResponse:
    holder, index = get_holder(request), index_of(request)
    iri = city_iri(index, city, "city")
    other = city_iri(index, with_, "with") if with_ else None
    return OrjsonResponse(relations(holder.backend, iri, with_=other, type_=type_, since=since))


@router.get("/relations", response_model=Relations, responses=NOT_FOUND,
            summary="A city's relations, with types, years and sources",
            description="Agreements (sister, friendship, partner, cooperation), overseas "
                        "offices, network memberships and aid, in both directions, each with its "
                        "start date (and whether it was derived), status and the document lines "
                        "it comes from.")
async def get_relations(
        request: Request, holder: Holder,
        city: Annotated[str, Query(max_length=500, description=CITY, examples=["横浜市"],
                                   json_schema_extra=NO_CONTROL)],
        with_: With = None, type_: Type = None, since: Since = None) -> OrjsonResponse:
    return await cached(request, holder,
                        lambda: lookup(request, city, with_, type_, since))


@router.get("/paths", response_model=Paths, responses=NOT_FOUND,
            summary="The shortest chains of relations between two cities",
            description="Breadth-first over agreements, twinnings and aid, in both directions: "
                        "every shortest chain (up to 25) of at most `max` relations. Each path "
                        "lists its cities, each with the relation that leads to it.")
async def get_paths(
        request: Request, holder: Holder,
        from_: Annotated[str, Query(alias="from", max_length=500, description=CITY,
                                    json_schema_extra=NO_CONTROL,
                                    examples=["横浜市"])],
        to: Annotated[str, Query(max_length=500, description=CITY, examples=["San Diego"],
                                 json_schema_extra=NO_CONTROL)],
        max_: Annotated[int, Query(alias="max", ge=1, le=4, description="at most this many "
                                   "relations in a chain (1 to 4)")] = 3) -> OrjsonResponse:
    return await cached(request, holder,
                        lambda: paths(request, from_, to, max_))


def paths(request: Request, start: str, goal: str, max_hops: int) -> OrjsonResponse:
    holder, index = get_holder(request), index_of(request)
    a, b = city_iri(index, start, "from"), city_iri(index, goal, "to")
    chains = graph_of(request).shortest(a, b, max_hops)
    cities = {iri for chain in chains for iri, _ in chain} | {a, b}
    missing = [iri for iri in cities if iri not in index.cities]
    extra = describe(holder.backend, missing)

    def ref(iri: str) -> dict:
        info = index.ref(iri) or extra.get(iri) or {"id": iri.rsplit("/", 1)[-1], "iri": iri}
        return {k: info.get(k) for k in ("id", "label_ja", "label_en", "wikidata", "iri")}

    return OrjsonResponse({"from": ref(a), "to": ref(b), "max": max_hops,
                           "paths": [[{"city": ref(iri), "type": kind} for iri, kind in chain]
                                     for chain in chains]})
