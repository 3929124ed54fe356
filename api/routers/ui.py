"""The explorer: `/` serves the page (`api/static/index.html`), `/static/…` its ES modules, CSS
and vendored libraries (no build step), and two small endpoints the page needs:

- `GET /sources?document=…&lines=…`: the text of the source spans at those lines of a
  document (what every "document:line" link on the page opens);
- `GET /places?iri=…&iri=…`: for each entity, its coordinates when the graph has them, its
  country's ISO code, and its kind (City, Country, CityNetwork…), for the map.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import Field

from citykg.api.cache import OrjsonResponse, cached
from citykg.api.canned import NO_CONTROL
from citykg.api.lookup import checked, invalid
from citykg.api.models import Error, Open
from citykg.relations import PREFIXES

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
MAX_PLACES, MAX_PLACE_IRI = 300, 150  # 300 IRIs in one URL (the server reads ~64 KB)
# a line or a range of lines (13-14); the OpenAPI document declares the same pattern
LINES_PATTERN = r"^ *([0-9]{1,7}) *(?:[-–] *([0-9]{1,7}) *)?$"
LINES = re.compile(LINES_PATTERN)
# the most specific of these classes names an entity's kind (first wins)
KINDS = ("Ward", "City", "Country", "Prefecture", "WorldRegion", "Region", "CityNetwork",
         "InternationalOrganization", "Association", "OverseasOffice", "Organization", "Place")

router = APIRouter(tags=["explorer"])
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

SOURCES = PREFIXES + """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?file ?title ?span ?first ?last ?text ?page ?line_on_page ?source_line ?sheet ?row ?column
WHERE {
  %(document)s
  ?span ckg:inDocument ?doc ; ckg:firstLine ?first ; ckg:lastLine ?last .
  FILTER(?first <= %(last)d && ?last >= %(first)d)
  OPTIONAL { ?span ckg:text ?text }
  OPTIONAL { ?span ckg:page ?page OPTIONAL { ?span ckg:lineOnPage ?line_on_page } }
  OPTIONAL { ?span ckg:sourceLine ?source_line }
  OPTIONAL { ?span ckg:sheet ?sheet }
  OPTIONAL { ?span ckg:row ?row }
  OPTIONAL { ?span ckg:column ?column }
  OPTIONAL { ?doc ckg:fileName ?file }
  OPTIONAL { ?doc dcterms:title ?title }
}"""
ORIGIN_KEYS = ("page", "line_on_page", "source_line", "sheet", "row", "column")
BY_FILE = "VALUES ?file_name { %s } ?doc ckg:fileName ?file_name ."
BY_IRI = "{ VALUES ?doc { %(iri)s } } UNION { GRAPH %(iri)s { ?doc a ckg:SourceDocument } }"

PLACES = PREFIXES + """SELECT ?e ?lat ?lon ?cc ?cls WHERE {
  VALUES ?e { %s }
  OPTIONAL { ?e ckg:latitude ?lat ; ckg:longitude ?lon }
  OPTIONAL { { ?e ckg:countryCode ?cc } UNION { ?e ckg:country/ckg:countryCode ?cc }
             UNION { ?e ckg:parentCity/ckg:country/ckg:countryCode ?cc }
             UNION { ?e ckg:hostCity/ckg:country/ckg:countryCode ?cc } }
  OPTIONAL { ?e a ?cls FILTER(STRSTARTS(STR(?cls), STR(ckg:))) }
}"""


class Span(Open):
    document: str = Field(examples=["004_1f68e00701a21ecf.txt"])
    document_iri: str
    title: str | None = Field(None, examples=["令和5年度 事業概要"])
    first_line: int = Field(examples=[640])
    last_line: int = Field(examples=[640])
    text: str | None = Field(None, examples=["姉妹都市オデーサ市への支援"])
    span: str
    # where the first line is in the file a person opens (PDF, HTML page, spreadsheet)
    page: int | None = Field(None, examples=[425], description="a PDF's page, 1-based")
    line_on_page: int | None = Field(None, examples=[8], description="the line on that page")
    source_line: int | None = Field(None, description="an HTML page's source line of the element")
    sheet: str | None = Field(None, description="a spreadsheet's sheet")
    row: int | None = Field(None, description="a spreadsheet's or CSV file's row")
    column: int | None = Field(None, description="… and the column of the cell the span starts "
                               "at, 1-based (1 is column A)")


class Sources(Open):
    document: str
    lines: str = Field(examples=["640"])
    spans: list[Span] = Field(description="the spans at those lines, the exact match first, "
                                          "then the others that overlap, in line order")


class Place(Open):
    lat: float | None = None
    lon: float | None = None
    country: str | None = Field(None, examples=["ua"], description="ISO 3166-1 alpha-2, "
                                "lower case: the entity's country, or its own code")
    kind: str | None = Field(None, examples=["City"])


class Places(Open):
    places: dict[str, Place]


@router.get("/", include_in_schema=False)
async def explorer() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html",
                        headers={"Cache-Control": "no-cache"})


@router.get("/sources", response_model=Sources, summary="The text of a document's lines",
            responses={404: {"model": Error, "description": "no span at those lines"}},
            description="The source spans at `lines` (`640` or `13-14`) of `document` (its file "
                        "name as `/relations` gives it, or the document's IRI), with their text: "
                        "what a fact was read from. The span that matches the lines exactly "
                        "comes first, then every other span that overlaps them.")
async def sources(
        request: Request,
        document: Annotated[str, Query(min_length=1, max_length=500, json_schema_extra=NO_CONTROL,
                                       examples=["004_1f68e00701a21ecf.txt"])],
        lines: Annotated[str, Query(min_length=1, max_length=20, examples=["640", "13-14"],
                                    json_schema_extra={"pattern": LINES_PATTERN})]
) -> OrjsonResponse:
    return await cached(request, request.app.state.holder,
                        lambda: _sources(request, document, lines))


def _sources(request: Request, document: str, lines: str) -> OrjsonResponse:
    document = checked("document", document).strip()
    m = LINES.fullmatch(lines)
    if not m:
        raise invalid("lines", "expected a line number or a range such as 13-14", lines)
    # a range that ends before it starts holds no span: the 404 below says so
    first, last = int(m[1]), int(m[2] or m[1])
    node = _iri(document) if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", document) else None
    if node is not None:
        pattern = BY_IRI % {"iri": node}
    else:
        pattern = BY_FILE % ox.Literal(document)
    rows = request.app.state.holder.backend.select(
        SOURCES % {"document": pattern, "first": first, "last": last})
    spans: dict[str, dict] = {}
    for r in rows:
        span = spans.setdefault(r["span"].value, {
            "document": r["file"].value if "file" in r else document,
            "document_iri": r["doc"].value,
            "title": r["title"].value if "title" in r else None,
            "first_line": int(r["first"].value), "last_line": int(r["last"].value),
            "text": None, "span": r["span"].value,
            **{k: (r[k].value if k == "sheet" else int(r[k].value)) if k in r else None
               for k in ORIGIN_KEYS}})
        if "text" in r and not span["text"]:
            span["text"] = r["text"].value
    if not spans:
        raise HTTPException(404, f"no source span at lines {lines} of {document}")
    ordered = sorted(spans.values(), key=lambda s: (
        (s["first_line"], s["last_line"]) != (first, last), s["first_line"], s["last_line"]))
    return OrjsonResponse({"document": document, "lines": lines.strip(), "spans": ordered})


@router.get("/places", response_model=Places, summary="Coordinates and countries of entities",
            description="For each IRI given (`iri` repeated, at most 300): latitude and "
                        "longitude when the graph has them, the ISO code of its country (or its "
                        "own, for a country; a ward's through its city, an office's through its "
                        "host city) and its kind. The explorer's map places what has no "
                        "coordinates by its country. IRIs the graph does not know are left out.")
async def places(
        request: Request,
        iri: Annotated[list[str], Query(min_length=1, max_length=MAX_PLACES,
                                        json_schema_extra={"items": {"type": "string", "maxLength": MAX_PLACE_IRI,
                                                                     **NO_CONTROL}},
                                        examples=[["https://w3id.org/citykg/id/city/ua/odesa"]])]
) -> OrjsonResponse:
    return await cached(request, request.app.state.holder, lambda: _places(request, iri))


def _iri(text: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


def _places(request: Request, iris: list[str]) -> OrjsonResponse:
    # what is not an IRI the graph could know is left out, like an IRI it does not know
    nodes = [str(node) for node in (_iri(checked("iri", v, MAX_PLACE_IRI).strip()) for v in dict.fromkeys(iris))
             if node is not None]
    if not nodes:
        return OrjsonResponse({"places": {}})
    rows = request.app.state.holder.backend.select(PLACES % " ".join(nodes))
    out: dict[str, dict] = {}
    kinds: dict[str, set] = {}
    for r in rows:
        iri = r["e"].value
        place = out.setdefault(iri, {"lat": None, "lon": None, "country": None, "kind": None})
        if "lat" in r and place["lat"] is None:
            try:
                place["lat"], place["lon"] = float(r["lat"].value), float(r["lon"].value)
            except ValueError:
                pass
        if "cc" in r and not place["country"]:
            place["country"] = r["cc"].value.lower()
        if "cls" in r:
            kinds.setdefault(iri, set()).add(r["cls"].value.rsplit("#", 1)[-1])
    for iri, place in out.items():
        place["kind"] = next((k for k in KINDS if k in kinds.get(iri, ())), None)
    known = {iri: p for iri, p in out.items() if p["kind"] or p["country"] or p["lat"] is not None}
    return OrjsonResponse({"places": known})
