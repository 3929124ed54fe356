"""The `citykg` command as a user runs it: a real process, a real store on disk."""
import json
import subprocess
import sys

import pytest
import rdflib
from conftest import YOKOHAMA


def citykg(*args, check=True):
    r = subprocess.run([sys.executable, "-m", "citykg.commands.cli", *map(str, args)],
                       capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"citykg {args[0]} failed: {r.stderr[-2000:]}")
    return r


@pytest.fixture(scope="module")
def store(tmp_path_factory, seeds):
    path = tmp_path_factory.mktemp("cli") / "store"
    r = citykg("build", *seeds, "--store", path)
    assert "SHACL: conforms" in r.stderr
    return path


def by_partner(data):
    return {(r["type"], r["partner"]["label_en"]): r for r in data["relations"]}


def test_relations_of_yokohama(store):
    data = json.loads(citykg("relations", "横浜市", "--store", store, "--format", "json").stdout)
    assert data["city"]["label_en"] == "Yokohama" and data["city"]["id"] == "yokohama"
    rels = by_partner(data)
    assert rels[("sister", "Odesa")]["start"] == "1965"
    assert rels[("sister", "Odesa")]["start_derived"] is False
    assert rels[("friendship", "Shanghai")]["start"] == "1973"
    assert rels[("friendship", "Shanghai")]["start_derived"] is True
    assert ("sister", "San Diego") in rels and ("sister", "Constanța") in rels
    assert {"document": YOKOHAMA.name, "lines": "640"} in rels[("sister", "Odesa")]["sources"]
    assert rels[("sister", "Odesa")]["partner"]["country"]["label_en"] == "Ukraine"


@pytest.mark.parametrize("name", ["yokohama", "Yokohama", "横浜", "YOKOHAMA CITY", "14100"])
def test_a_city_by_any_of_its_names(store, name):
    data = json.loads(citykg("relations", name, "--store", store, "--format", "json").stdout)
    assert data["city"]["label_ja"] == "横浜市"


def test_unknown_city_is_a_clear_error(store):
    r = citykg("relations", "Atlantis", "--store", store, check=False)
    assert r.returncode == 1 and "Atlantis" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(("name", "city"), [("よこはま", "横浜市"), ("ヨコハマ", "横浜市"),
                                           ("さっぽろ", "札幌市")])
def test_the_cli_resolves_names_as_the_api_does(store, name, city):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    data = json.loads(citykg("relations", name, "--store", store, "--format", "json").stdout)
    assert data["city"]["label_ja"] == city
    with TestClient(create_app(store=store)) as client:
        api = client.get("/relations", params={"city": name}).json()
    assert api["city"]["iri"] == data["city"]["iri"]


def test_json_errors_are_json(store):
    for args in (("relations", "Atlantis"), ("cities", "--prefecture", "Atlantis"),
                 ("query", "SELECT * WHERE {")):
        r = citykg(*args, "--store", store, "--format", "json", check=False)
        assert r.returncode == 1, r.stdout
        error = json.loads(r.stdout)["error"]
        assert "Atlantis" in error or "syntax" in error, error


def test_cities_prints_a_table_with_a_header_on_a_terminal(store):
    import os
    import pty

    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "citykg.commands.cli", "cities", "--store", str(store)],
                            stdout=child, stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="200"))
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(60) == 0, proc.stderr.read()
    os.close(main)
    lines = [line for line in b"".join(chunks).decode().splitlines() if line.strip()]
    header = next(line for line in lines if "name_en" in line)
    assert all(col in header for col in ("id", "name", "country", "wikidata")), lines[:4]
    assert any("Yokohama" in line and "│" in line for line in lines)
    # piped, the rows stay tab-separated lines without a header (for scripts)
    piped = citykg("cities", "--store", store).stdout.splitlines()
    assert "\t" in piped[0] and "name_en" not in piped[0]


def test_extract_prints_parseable_rdf(seeds):
    for fmt, parser in (("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")):
        out = citykg("extract", YOKOHAMA, "--format", fmt).stdout
        graph = rdflib.Graph().parse(data=out, format=parser)
        assert len(graph) > 1000


def test_query_formats(store):
    q = "SELECT ?s WHERE { ?s a <https://w3id.org/citykg/ontology#OverseasOffice> }"
    rows = [line for line in citykg("query", q, "--store", store, "--format", "csv").stdout.splitlines()
            if line]
    assert rows[0] == "s" and len(rows) == 5
    js = json.loads(citykg("query", q, "--store", store, "--format", "json").stdout)
    assert len(js["results"]["bindings"]) == 4
    bad = citykg("query", "SELECT WHERE {", "--store", store, check=False)
    assert bad.returncode == 1 and "syntax" in bad.stderr.lower()


def test_bad_input_changes_nothing(store, tmp_path):
    before = citykg("stats", "--store", store).stdout
    for name, data in (("empty.txt", b""), ("binary.txt", bytes(range(256)) * 10)):
        path = tmp_path / name
        path.write_bytes(data)
        r = citykg("build", path, "--store", store, check=False)
        assert r.returncode == 1 and name in r.stderr and "Traceback" not in r.stderr
    assert citykg("stats", "--store", store).stdout == before


def test_validate(store):
    r = citykg("validate", "--store", store)
    assert "SHACL: conforms" in r.stdout and "OWL: consistent" in r.stdout


def test_every_japanese_local_government_is_listed_by_code(store):
    rows = [line.split("\t") for line in citykg("cities", "--jp", "--store", store).stdout.splitlines()]
    assert len([r for r in rows if r[4] == "city"]) >= 1700
    by_code = {r[0]: r for r in rows}
    assert by_code["14100"][1] == "横浜市" and by_code["14100"][3] == "Yokohama"
    assert by_code["14104"][1] == "中区" and by_code["14104"][6] == "横浜市"
    kanagawa = citykg("cities", "--jp", "--prefecture", "神奈川県", "--store", store).stdout.splitlines()
    assert all("\t神奈川県\t" in line for line in kanagawa) and len(kanagawa) > 50


def test_facilities_sit_in_the_publishers_wards(store):
    q = ("SELECT ?code WHERE { ?f a <https://w3id.org/citykg/ontology#PassportCentre> ; "
         "<https://w3id.org/citykg/ontology#locatedIn>/<https://w3id.org/citykg/ontology#localGovernmentCode> ?code }")
    codes = {line.strip() for line in citykg("query", q, "--store", store, "--format", "csv").stdout.splitlines()[1:]}
    assert {"14104", "14118"} <= codes
