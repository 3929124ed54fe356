"""`GET /wikidata/compare?city=…`: a city's relations as the documents state them against
Wikidata's P190 twinnings (the graph `citykg link` writes): agree, conflict (type or start
year), document_only (Wikidata lacks it), wikidata_only (no document states it). Without
`city`, every document's publisher. JSON (default) or CSV (`format=csv`)."""
from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response

from citykg import sparql
from citykg.api.cache import OrjsonResponse, cached
from citykg.api.canned import NO_CONTROL
from citykg.api.deps import Holder, get_holder
from citykg.api.lookup import city_iri, index_of
from citykg.api.models import Error
from citykg.wikidata import WIKIDATA_GRAPH
from citykg.wikidata.compare import compare, summary
from citykg.wikidata.report import PAIR_COLUMNS, pair_row

router = APIRouter(prefix="/wikidata", tags=["wikidata"])


@router.get("/compare", summary="Documents against Wikidata, per city and partner",
            responses={404: {"model": Error, "description": "no such city"},
                       200: {"content": {"text/csv": {}}}},
            description="For each partner of the city: `agree` (a document and Wikidata's P190 "
                        "both have it), `conflict` (the type or the start year differs), "
                        "`document_only` (Wikidata lacks it: `missing` names the P190 "
                        "directions to add), `wikidata_only` (no document states it); with the "
                        "documents' lines and the Wikidata items. Needs `citykg link` to have "
                        "run (`linked` says whether it has).")
async def get_compare(
        request: Request, holder: Holder,
        city: Annotated[str | None, Query(max_length=500, examples=["横浜市"],
                                          json_schema_extra=NO_CONTROL,
                                          description="a city (name, slug, code, Q-id or IRI); "
                                                      "default: every document's publisher")] = None,
        format: Annotated[Literal["json", "csv"], Query()] = "json") -> Response:
    return await cached(request, holder,
                        lambda: _compare(request, city, format), variant=format)


def _compare(request: Request, city: str | None, fmt: str) -> Response:
    holder = get_holder(request)
    cities = [city_iri(index_of(request), city, "city")] if city else None
    pairs = compare(holder.backend, cities)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, PAIR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(pair_row(p) for p in pairs)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8")
    linked = holder.backend.ask(sparql.text("graph-exists", g=ox.NamedNode(WIKIDATA_GRAPH)))
    return OrjsonResponse({
        "city": cities[0] if cities else None, "graph": WIKIDATA_GRAPH, "linked": linked,
        "note": None if linked else "no Wikidata graph in the store: run `citykg link`",
        "summary": summary(pairs), "pairs": [p.as_dict() for p in pairs]})
