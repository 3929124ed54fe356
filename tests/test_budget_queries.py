"""The budget queries on a small hand-made graph: the year before as the report states it or
as recorded, the nearest policy pillar, the source lines. They are written so that the store
looks these up per program (see the comments in the .rq files); this checks the answers."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from citykg.api.canned import load_queries
from citykg.core.paths import SPARQL_DIR

QUERIES = {q.name: q for q in load_queries(SPARQL_DIR)}
CITY = "https://w3id.org/citykg/id/city/test/1"
GRAPH = """
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/> .
@prefix city: <https://w3id.org/citykg/id/city/test/> .

:head ckg:runBy city:1 ; rdfs:label "総務費"@ja ; ckg:implements :pillarA .
:pillarA rdfs:label "交流"@ja , "Exchange"@en .
:pillarB rdfs:label "協力"@ja , "Cooperation"@en .
:sub ckg:partOf :head .
# recorded the year before, pillar two heads up
:p1 ckg:runBy city:1 ; rdfs:label "事業一"@ja , "Program one"@en ; ckg:partOf :sub .
:b1 ckg:budgetOf :p1 ; ckg:fiscalYear "2023"^^xsd:gYear ; ckg:amount 1200 ;
    prov:wasDerivedFrom :s1 .
:s1 ckg:firstLine 10 ; ckg:lastLine 12 ; ckg:inDocument :doc .
:doc ckg:fileName "report.txt" .
:b1old ckg:budgetOf :p1 ; ckg:fiscalYear "2022"^^xsd:gYear ; ckg:amount 1000 .
:b1older ckg:budgetOf :p1 ; ckg:fiscalYear "2021"^^xsd:gYear ; ckg:amount 1 .
# stated by the report, which wins over the recorded one; its own pillar is the nearest
:p2 ckg:runBy city:1 ; rdfs:label "事業二"@ja ; ckg:partOf :head ; ckg:implements :pillarB .
:b2 ckg:budgetOf :p2 ; ckg:fiscalYear "2023"^^xsd:gYear ; ckg:amount 500 ;
    ckg:previousAmount 400 .
:b2old ckg:budgetOf :p2 ; ckg:fiscalYear "2022"^^xsd:gYear ; ckg:amount 999 .
# nothing the year before, no pillar
:p3 ckg:runBy city:1 ; rdfs:label "事業三"@ja .
:b3 ckg:budgetOf :p3 ; ckg:fiscalYear "2023"^^xsd:gYear ; ckg:amount 70 .
# another city's program in the same years
:p4 ckg:runBy city:2 ; ckg:partOf :head .
:b4 ckg:budgetOf :p4 ; ckg:fiscalYear "2022"^^xsd:gYear ; ckg:amount 5 .
"""


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    s.load(GRAPH.encode(), ox.RdfFormat.TURTLE)
    return s


def run(store, name: str, **values) -> dict[str, dict]:
    query = QUERIES[name]
    params = {p.name: p for p in query.params}
    terms = {params[k].var: params[k].term(v) for k, v in values.items()}
    rows = store.query(query.page(terms, 1, 100))
    return {r["program"].value.rsplit("/", 1)[1] + ":" + r["amount"].value:
            {v.value: (r[v].value if r[v] is not None else None) for v in rows.variables}
            for r in rows}


def test_city_budgets_previous_year_stated_recorded_or_none(store):
    rows = run(store, "city-budgets", city=CITY, fiscal_year="2023")
    assert set(rows) == {"p1:1200", "p2:500", "p3:70"}
    assert (rows["p1:1200"]["previous"], rows["p1:1200"]["change"],
            rows["p1:1200"]["change_pct"]) == ("1000", "200", "20")
    assert rows["p2:500"]["previous"] == "400" and rows["p2:500"]["change"] == "100"
    assert rows["p3:70"]["previous"] is None and rows["p3:70"]["change"] is None
    assert rows["p1:1200"]["program_en"] == "Program one"
    older = run(store, "city-budgets", city=CITY, fiscal_year="2022")
    assert older["p1:1000"]["previous"] == "1" and "p4:5" not in older


def test_city_program_budgets_pillar_previous_and_source(store):
    rows = run(store, "city-program-budgets", city=CITY)
    assert set(rows) == {"p1:1200", "p1:1000", "p1:1", "p2:500", "p2:999", "p3:70"}
    one, two, three = rows["p1:1200"], rows["p2:500"], rows["p3:70"]
    assert (one["previous"], one["pillar_ja"], one["pillar_en"]) == ("1000", "交流", "Exchange")
    assert (one["document"], one["lines"], one["fiscal_year"]) == ("report.txt", "10-12", "2023")
    assert (two["previous"], two["pillar_ja"], two["parent_ja"]) == ("400", "協力", "総務費")
    assert three["pillar"] is None and three["previous"] is None and three["lines"] is None
    assert rows["p1:1000"]["previous"] == "1" and rows["p1:1"]["previous"] is None
    only = run(store, "city-program-budgets", city=CITY, fiscal_year="2022")
    assert set(only) == {"p1:1000", "p2:999"}
