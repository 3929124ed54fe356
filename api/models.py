"""The JSON every endpoint answers, as pydantic models (they document the API in /docs and the
tests validate responses against them). Models allow extra fields: fields may be added to a
response, never removed or renamed."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Health(Open):
    status: str = Field(examples=["ok"])
    store_version: str = Field(examples=["1763890000000000000"])


class Error(Open):
    detail: Any = Field(examples=["no city called 'Atlantis'"])


# canned queries ------------------------------------------------------------------
class QueryParameter(Open):
    name: str = Field(examples=["city"])
    type: str = Field(examples=["iri"], description="string, iri, integer, decimal, date, "
                      "boolean, or a language-tagged string: string@ja, string@en")
    required: bool
    default: Any = Field(None, examples=["https://w3id.org/citykg/id/city/jp/14100"])
    enum: list[str] | None = None


class QueryInfo(Open):
    name: str = Field(examples=["city-partners"])
    summary: str
    description: str
    tags: list[str]
    precomputed: bool = Field(False, description="computed once per store version, when the "
                              "server loads it (`#+ precompute: true`)")
    parameters: list[QueryParameter]


class QueryList(Open):
    queries: list[QueryInfo]


class Rows(Open):
    query: str = Field(examples=["city-partners"])
    columns: list[str]
    rows: list[dict[str, Any]]
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[100])
    has_more: bool


# cities and relations --------------------------------------------------------------
class Country(Open):
    label_ja: str | None = None
    label_en: str | None = None


class CityRef(Open):
    id: str = Field(examples=["yokohama"])
    label_ja: str | None = Field(None, examples=["横浜市"])
    label_en: str | None = Field(None, examples=["Yokohama"])
    wikidata: str | None = Field(None, examples=["Q38283"])


class Partner(CityRef):
    country: Country | None = None


class Source(Open):
    document: str = Field(examples=["004_1f68e00701a21ecf.txt"])
    lines: str | None = Field(examples=["640"])
    page: int | None = Field(None, examples=[425], description="the page of a PDF the lines "
                             "begin on, 1-based as a viewer counts")
    sheet: str | None = Field(None, description="a spreadsheet's sheet the lines begin on")
    row: int | None = Field(None, description="… or a spreadsheet's or CSV file's row")
    column: int | None = Field(None, description="… and the column of the cell, 1-based "
                               "(1 is column A)")


class Stated(Open):
    value: str | None = Field(examples=["1965"])
    origin: str = Field(examples=["document"], description="document or wikidata")
    sources: list[Source]


class Relation(Open):
    type: str = Field(examples=["sister"])
    partner: Partner
    start: str | None = Field(examples=["1965"])
    start_derived: bool
    end: str | None = Field(None, examples=["2021"])
    status: str = Field(examples=["active"])
    sources: list[Source]
    origin: str = Field(examples=["document"], description="document when a document states "
                        "it, else wikidata")
    origins: list[str] = Field(examples=[["document", "wikidata"]])
    differences: dict[str, list[Stated]] | None = Field(
        None, description="where the documents and Wikidata differ (type, start, end): each "
        "value with its origin and sources")


class Relations(Open):
    city: CityRef
    relations: list[Relation]


class CityHit(CityRef):
    code: str | None = Field(None, examples=["14100"])
    country: Country | None = None
    iri: str = Field(examples=["https://w3id.org/citykg/id/city/jp/14100"])


class CitySearch(Open):
    query: str = Field(examples=["よこはま"])
    results: list[CityHit]


class PlaceRef(Open):
    iri: str
    label_ja: str | None = None
    label_en: str | None = None


class CityDetail(CityHit):
    aliases: list[str]
    kind: str = Field(examples=["city"])
    prefecture: PlaceRef | None = None
    parent_city: PlaceRef | None = None
    relation_counts: dict[str, int] = Field(examples=[{"sister": 3, "friendship": 1}])


class PathStep(Open):
    city: CityRef
    type: str | None = Field(None, description="the relation that leads to this city from the "
                             "one before; null on the first step", examples=["sister"])


class Paths(Open):
    from_: CityRef = Field(alias="from")
    to: CityRef
    max: int
    paths: list[list[PathStep]]
