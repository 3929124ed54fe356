"""The canned queries in sparql/*.rq: their headers, how values are bound (as data, never as
query text), and each one run with its defaults on the seed store through the API."""
from __future__ import annotations

import csv
import io
import re
import unicodedata

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from citykg.api.app import create_app
from citykg.api.canned import Param, ParamError, load_queries, parse_header, projection
from citykg.api.models import QueryList, Rows
from citykg.api.routers.queries import NO_SERVICE_GRAPH, SILENT_SERVICE
from citykg.core.paths import SPARQL_DIR
from citykg.core.store import GraphStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
QUERIES = load_queries(SPARQL_DIR)
NAMES = [q.name for q in QUERIES]
HOSTILE = ["'", '"', "\\", "} UNION { ?s ?p ?o }", "x' . } #", "<http://127.0.0.1:9/>",
           "\n}\nSELECT * WHERE {?s ?p ?o}", "a" * 20000, "\u202e横浜", "\x00", "%00",
           "' ; DROP ALL ;", "\"\"\" } #", "@en", "^^<http://x>"]


class Recording:
    """A backend that keeps the text of every query it runs."""

    def __init__(self, store):
        self.store, self.seen = store, []

    def select(self, sparql):
        self.seen.append(sparql)
        return self.store.select(sparql)

    def ask(self, sparql):
        return self.store.ask(sparql)

    def version(self):
        return self.store.version()


@pytest.fixture(scope="module")
def backend(seed_store):
    return Recording(GraphStore(seed_store, read_only=True))


@pytest.fixture(scope="module")
def client(backend):
    with TestClient(create_app(backend=backend)) as c:
        yield c


# the files ---------------------------------------------------------------------------
def test_at_least_twelve_queries_with_headers():
    assert len(QUERIES) >= 12 and len(set(NAMES)) == len(NAMES)
    for q in QUERIES:
        assert q.summary and q.description and q.tags, q.name
        assert q.columns, f"{q.name}: no projected variables"
        assert "PREFIX" in q.text, f"{q.name} states no PREFIXes"


def test_header_parser():
    header = parse_header([
        "#+ summary: Partner cities", "#+ tags:", "#+   - relations", "#+   - cities",
        "#+ defaults:", "#+   - city: https://w3id.org/citykg/id/city/jp/14100",
        "#+   - name: \"\"", "#+ enumerate:", "#+   - type:", "#+     - sister",
        "#+     - friendship", "#+ pagination: 50", "#+ other: [a, b]"])
    assert header == {"summary": "Partner cities", "tags": ["relations", "cities"],
                      "defaults": [{"city": "https://w3id.org/citykg/id/city/jp/14100"},
                                   {"name": ""}],
                      "enumerate": [{"type": ["sister", "friendship"]}], "pagination": "50",
                      "other": ["a", "b"]}


def test_parameter_types_from_variable_names():
    by_name = {q.name: {p.name: p for p in q.params} for q in QUERIES}
    budgets = by_name["city-budgets"]
    assert budgets["city"].type == "iri" and budgets["fiscal_year"].type == "integer"
    assert budgets["fiscal_year"].default == "2023" and not budgets["city"].required
    assert by_name["pillar-programs"]["pillar"].type_name == "string@ja"
    assert by_name["city-partners"]["type"].enum == ["sister", "friendship", "partner", "twinning",
                                                     "cooperation"]
    assert by_name["shared-partners"]["city"].default is None  # ?__city_iri: optional


def test_projection():
    assert projection("SELECT DISTINCT ?a (MIN(?b) AS ?c) (COUNT(*) AS ?n) ?d WHERE {") == \
        ["a", "c", "n", "d"]
    assert projection("SELECT * WHERE {") == []


@pytest.mark.parametrize("value", HOSTILE)
def test_values_are_bound_as_data(value):
    """Whatever a value holds, the term pyoxigraph writes carries exactly that value; the API
    refuses control characters (newlines, NUL) and values over 500 characters outright."""
    for term in (str(ox.Literal(value)), str(ox.Literal(value, language="ja"))):
        rows = list(ox.Store().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {term} }} }}"))
        assert len(rows) == 1 and rows[0]["x"].value == value
    for param in (Param("x", "_x", "string"), Param("x", "_x_ja", "lang", "ja")):
        try:
            assert param.term(value) in (str(ox.Literal(value)),
                                         str(ox.Literal(value, language="ja")))
        except ParamError as exc:
            assert exc.name == "x"
            assert len(value) > 500 or any(unicodedata.category(c) == "Cc" for c in value)


def test_bad_values_name_the_parameter():
    iri, number = Param("city", "_city_iri", "iri"), Param("year", "_year_xsd_integer", "integer")
    for bad in ("} UNION {", "http://x y", "no scheme", "http://x/>"):
        with pytest.raises(ParamError) as exc:
            iri.term(bad)
        assert exc.value.name == "city"
    for bad in ("1.5", "x", "1; DROP"):
        with pytest.raises(ParamError):
            number.term(bad)
    assert number.term(" 42 ") == '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert iri.term("<urn:x>") == "<urn:x>"


# through the API -----------------------------------------------------------------------
def test_listing(client):
    listing = QueryList.model_validate(client.get("/queries").json())
    assert [q.name for q in listing.queries] == NAMES
    city = next(q for q in listing.queries if q.name == "city-budgets").parameters
    assert {p.name: (p.type, p.required, p.default) for p in city} == {
        "city": ("iri", False, "https://w3id.org/citykg/id/city/jp/14100"),
        "fiscal_year": ("integer", False, "2023")}


@pytest.mark.parametrize("name", NAMES)
def test_every_query_answers_rows_with_its_defaults(client, name):
    r = client.get(f"/queries/{name}")
    assert r.status_code == 200, r.text
    page = Rows.model_validate(r.json())
    assert page.rows, f"{name} returns no rows with its defaults on the seed store"
    assert list(page.rows[0]) == page.columns and page.page == 1


@pytest.mark.parametrize("name", NAMES)
def test_formats(client, name):
    rows = client.get(f"/queries/{name}").json()["rows"]
    sj = client.get(f"/queries/{name}", headers={"Accept": "application/sparql-results+json"})
    assert sj.headers["content-type"].startswith("application/sparql-results+json")
    assert len(sj.json()["results"]["bindings"]) == len(rows)
    assert set(sj.json()["head"]["vars"]) >= set(rows[0])
    text = client.get(f"/queries/{name}?format=csv").text
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == list(rows[0]) and len(table) == len(rows) + 1


def test_pagination(client):
    first = client.get("/queries/city-budgets?page_size=2").json()
    second = client.get("/queries/city-budgets?page_size=2&page=2").json()
    assert len(first["rows"]) == 2 and first["has_more"] and first["rows"] != second["rows"]
    everything = client.get("/queries/city-budgets?page_size=1000").json()
    assert everything["rows"][2:4] == second["rows"] and not everything["has_more"]
    for bad in ("page=0", "page_size=0", "page_size=1001", "page=x", "format=xml"):
        assert client.get(f"/queries/city-budgets?{bad}").status_code == 422, bad


def test_city_parameter_takes_any_name(client):
    iri = client.get("/queries/city-budgets").json()
    for name in ("yokohama", "横浜市", "14100", "ヨコハマ"):
        assert client.get("/queries/city-budgets", params={"city": name}).json() == iri
    r = client.get("/queries/city-budgets", params={"city": "Atlantis"})
    assert r.status_code == 404 and "Atlantis" in r.json()["detail"]


def test_invalid_values_give_422_naming_the_parameter(client):
    cases = {"fiscal_year": "twenty", "type": "enemy"}
    for name, value in cases.items():
        query = "city-partners" if name == "type" else "city-budgets"
        r = client.get(f"/queries/{query}", params={name: value})
        assert r.status_code == 422, (name, r.text)
        assert name in str(r.json()["detail"])
    # a city parameter takes names too (as /docs says, with no pattern): a text that is not a
    # valid IRI is no city's name either
    r = client.get("/queries/city-budgets", params={"city": "http://x y"})
    assert r.status_code == 404 and "city" in r.json()["detail"] and "IRI" in r.json()["detail"]
    r = client.get("/queries/events", params={"name": "x" * 501})
    assert r.status_code == 422 and "name" in str(r.json()["detail"])


def test_hostile_values_never_change_the_query(client, backend):
    """Every parameter of every query, hostile values: 4xx or an empty result, and the text
    the store runs is the file's text plus VALUES clauses that hold exactly the values."""
    by_name = {q.name: q for q in QUERIES}
    for q in QUERIES:
        for p in q.params:
            for value in HOSTILE:
                backend.seen.clear()
                r = client.get(f"/queries/{q.name}", params={p.name: value})
                assert r.status_code in (200, 404, 422), (q.name, p.name, value[:30], r.text)
                if r.status_code != 200:
                    continue
                assert r.json()["rows"] == [], (q.name, p.name, value[:30])
                ran = [s for s in backend.seen if s.startswith(by_name[q.name].head)]
                assert len(ran) == 1
                values = ran[0][len(q.head):ran[0].index(SILENT_SERVICE.sub(f"GRAPH {NO_SERVICE_GRAPH}", q.body))]
                assert re.fullmatch(r"(\n  VALUES \?\w+ \{ .+ \})*", values, re.DOTALL)
                bound = list(ox.Store().query(f"SELECT * WHERE {{ {values} }}"))
                assert len(bound) == 1
                assert bound[0][p.var].value == value.strip().strip("<>") if p.type == "iri" \
                    else bound[0][p.var].value == value


@pytest.mark.parametrize("name", ["city-partners", "agreements-timeline"])
def test_booleans_are_json_booleans(client, name):
    rows = client.get(f"/queries/{name}", params={"page_size": 1000}).json()["rows"]
    derived = {r["start_derived"] for r in rows}
    assert derived <= {True, False, None} and {True, False} <= derived, derived
