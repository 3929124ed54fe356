"""`citykg link` offline: linking, enrichment, the compare report and QuickStatements, from the
2016 P190 crawl in ../shared/data/wikidata_p190_2016 (skipped when ../shared is absent) and
from the bundled snapshot; and every Q-id the repo ships checked against the crawl."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citykg.api.relations import relations
from citykg.commands.build import build
from citykg.commands.cli import app
from citykg.core.store import GraphStore
from citykg.wikidata import WIKIDATA_GRAPH
from citykg.wikidata import quickstatements as qs
from citykg.wikidata.compare import compare
from citykg.wikidata.link import link
from citykg.wikidata.local import Local
from citykg.wikidata.names import consistent
from citykg.wikidata.run import run
from citykg.wikidata.snapshot import Item, Snapshot, SnapshotError, Twin, load, save

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CRAWL = SHARED / "data" / "wikidata_p190_2016"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
SENDAI = "仙台市の国際姉妹都市\n- アカプルコ市(メキシコ)-1973(昭和48)年10月23日締結\n"
TODAY = dt.date(2025, 1, 31)
needs_shared = pytest.mark.skipif(not CRAWL.exists() or not SEEDS,
                                  reason=f"the 2016 crawl and the seeds are not under {SHARED}")


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A store of the seeds plus a Sendai document (a twinning the crawl lacks), linked from
    the crawl with --report and --quickstatements."""
    if not CRAWL.exists() or not SEEDS:
        pytest.skip(f"the 2016 crawl and the seeds are not under {SHARED}")
    tmp = tmp_path_factory.mktemp("wikidata")
    doc = tmp / "sendai.txt"
    doc.write_text(SENDAI, encoding="utf-8")
    store = tmp / "store"
    build(store, [*SEEDS, doc], validate=False)
    result = run(store, CRAWL, report=True, quickstatements=tmp / "qs.txt", today=TODAY)
    return {"store": store, "result": result, "qs": tmp / "qs.txt", "tmp": tmp}


def rels(linked, city: str) -> dict:
    return relations(GraphStore(linked["store"], read_only=True), city)


def by_qid(data: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in data["relations"]:
        out.setdefault(r["partner"].get("wikidata"), []).append(r)
    return out


# linking ----------------------------------------------------------------------------------
def test_a_pair_both_state_is_one_relation_with_both_values(seed_store, tmp_path):
    """Odesa: the report's sister city since 1965, Wikidata's (here) since 1966; Shanghai: the
    report's friendship city, Wikidata's twin. One relation each, every differing value
    with its origin and sources."""
    import shutil

    snap = load()
    snap.twins = [Twin(t.qid, t.twin, "1966-03" if {t.qid, t.twin} == {"Q38283", "Q1874"}
                       else t.start, t.end) for t in snap.twins]
    save(snap, tmp_path / "snap")
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    run(store, tmp_path / "snap", today=TODAY)
    data = relations(GraphStore(store, read_only=True), "横浜市")
    partners = by_qid(data)
    (odesa,) = [r for r in partners["Q1874"] if r["type"] == "sister"]
    assert odesa["origins"] == ["document", "wikidata"] and odesa["start"] == "1965"
    assert odesa["start_derived"] is False
    wikidata = {"document": "Wikidata", "lines": None, "url": "https://www.wikidata.org/wiki/Q1874"}
    assert wikidata in odesa["sources"] and any(s["lines"] for s in odesa["sources"])
    document, other = odesa["differences"]["start"]
    assert (document["value"], document["origin"]) == ("1965", "document")
    assert document["sources"] and all(s["lines"] for s in document["sources"])
    assert (other["value"], other["origin"]) == ("1966-03", "wikidata")
    assert wikidata in other["sources"]
    assert "type" not in odesa["differences"]
    (shanghai,) = [r for r in partners["Q8686"] if r["type"] in ("sister", "friendship")]
    assert shanghai["type"] == "friendship" and shanghai["origins"] == ["document", "wikidata"]
    assert [(v["value"], v["origin"]) for v in shanghai["differences"]["type"]] == \
        [("friendship", "document"), ("sister", "wikidata")]
    # a pair only Wikidata states stays a relation of its own
    (lyon,) = partners["Q456"]
    assert lyon["origin"] == "wikidata" and lyon["origins"] == ["wikidata"]
    assert "differences" not in lyon



@needs_shared
def test_yokohama_and_its_partners(linked):
    data = rels(linked, "横浜市")
    assert data["city"]["wikidata"] == "Q38283"
    partners = by_qid(data)
    for qid in ("Q1874", "Q8686", "Q16552", "Q79808"):  # the report's, and Wikidata's too
        agreements = [r for r in partners[qid] if r["type"] in ("sister", "friendship")]
        (rel,) = agreements  # one relation, both sources
        assert rel["origin"] == "document" and rel["origins"] == ["document", "wikidata"], qid
        documents = {s["document"] for s in rel["sources"]}
        assert "Wikidata" in documents and len(documents) > 1, (qid, documents)
    for qid, name in (("Q456", "Lyon"), ("Q1156", "Mumbai"), ("Q1461", "Manila"),
                      ("Q24639", "Vancouver")):
        (rel,) = partners[qid]
        assert rel["origin"] == "wikidata" and rel["type"] == "sister"
        assert rel["partner"]["label_en"] == name
        urls = {s["url"] for s in rel["sources"]}
        assert urls == {"https://www.wikidata.org/wiki/Q38283",
                        f"https://www.wikidata.org/wiki/{qid}"}
        assert all(s["document"] == "Wikidata" and s["lines"] is None for s in rel["sources"])
    for rel in data["relations"]:
        if rel["origins"] == ["document"]:
            assert all(s["document"] != "Wikidata" for s in rel["sources"])


@needs_shared
def test_sapporo_twins_from_wikidata(linked):
    data = rels(linked, "札幌市")
    assert data["city"]["wikidata"] == "Q37951"
    partners = by_qid(data)
    for qid in ("Q6106", "Q1726", "Q11720", "Q883", "Q20921", "Q38545"):
        assert [r["origin"] for r in partners[qid]] == ["wikidata"], qid
    # Munich is the gazetteer's city; Adana, which our gazetteer lacks, a city of its own
    assert partners["Q1726"][0]["partner"]["iri"] == "https://w3id.org/citykg/id/city/de/munich"
    adana = partners["Q38545"][0]["partner"]
    assert adana["iri"] == "https://w3id.org/citykg/id/wd/Q38545" and adana["label_en"] == "Adana"


@needs_shared
def test_decisions(linked):
    by_iri = {d.entity.iri: d for d in linked["result"].decisions}

    def city(code):
        return by_iri[f"https://w3id.org/citykg/id/city/jp/{code}"]

    assert (city("14100").status, city("14100").qid) == ("curated", "Q38283")
    assert (city("04100").status, city("04100").qid) == ("curated", "Q46747")
    # a unique name in the crawl, no namesake among ours: linked, with a score
    assert (city("40100").status, city("40100").qid) == ("linked", "Q188806")
    assert 0.9 <= city("40100").score <= 1
    # namesakes are listed for a person, never guessed
    for code in ("27204", "01644", "07201", "02201", "02000"):
        d = by_iri.get(f"https://w3id.org/citykg/id/city/jp/{code}") or \
            by_iri[f"https://w3id.org/citykg/id/region/jp/{code}"]
        assert d.status == "ambiguous" and d.qid is None and d.candidates, (code, d.status)
    # the town of Yokohama (Aomori) does not take the city's item
    assert city("02406").qid is None
    # a Q-id the gazetteer ships is checked against the crawl
    odesa = by_iri["https://w3id.org/citykg/id/city/ua/odesa"]
    assert (odesa.status, odesa.qid, odesa.source) == ("confirmed", "Q1874", "gazetteer")
    assert not [d for d in linked["result"].decisions if d.status == "mismatch"]
    store = GraphStore(linked["store"], read_only=True)
    assert not store.ask(f"ASK {{ GRAPH <{WIKIDATA_GRAPH}> {{ <https://w3id.org/citykg/id/city/jp/27204> "
                         "<http://www.w3.org/2004/02/skos/core#exactMatch> ?x } }")


def test_a_wrong_qid_is_reported():
    snap = Snapshot({"Q1": Item("Q1", label="Lyon"), "Q2": Item("Q2", "organization", "Yokohama")})
    ours = {"a": Local("a", "city", "オデーサ市", "Odesa", qid="Q1"),
            "b": Local("b", "city", "横浜市", "Yokohama", qid="Q2"),
            "c": Local("c", "city", "リヨン市", "Lyon")}
    decisions = {d.entity.iri: d for d in link(ours, snap, curated={})}
    assert decisions["a"].status == "mismatch" and "Lyon" in decisions["a"].note
    assert decisions["b"].status == "mismatch" and "organization" in decisions["b"].note
    assert decisions["c"].status == "none"  # Q1 is taken (wrongly) by Odesa: reported, not reused


def test_scores_and_evidence():
    snap = Snapshot({"Q1": Item("Q1", label="Springfield"), "Q2": Item("Q2", label="Springfield"),
                     "Q3": Item("Q3", label="Paris"), "Q9": Item("Q9", label="Partner")},
                    [Twin("Q2", "Q9")])
    ours = {"a": Local("a", "city", "", "Springfield"), "p": Local("p", "city", "", "Partner",
                                                                   qid="Q9")}
    from citykg.wikidata.local import Agreement
    alone = {d.entity.iri: d for d in link(ours, snap, curated={})}
    assert alone["a"].status == "ambiguous" and {c.qid for c in alone["a"].candidates} == {"Q1", "Q2"}
    twinned = [Agreement("r", "sister", "a", "p", None, None, False, "g")]
    decided = {d.entity.iri: d for d in link(ours, snap, twinned, curated={})}
    assert (decided["a"].status, decided["a"].qid) == ("linked", "Q2")
    assert any("twinned" in r for r in decided["a"].candidates[0].reasons)


def test_name_consistency():
    for ours, theirs in (("Kōbe", "Kobe"), ("Munich", "München"), ("Hong Kong", "Hongkong"),
                         ("Cuba", "Kuba"), ("Tokyo", "Präfektur Tokio"),
                         ("St. Petersburg", "Saint Petersburg"), ("Gaza City", "Gaza")):
        assert consistent([ours, *(["München"] if ours == "Munich" else [])], [theirs]), ours
    for ours, theirs in (("Kyoto", "Tokyo"), ("Lyon", "Mumbai"), ("Kushiro", "Kushimoto")):
        assert not consistent([ours], [theirs]), ours


# the graph -------------------------------------------------------------------------------
@needs_shared
def test_graph_is_replaced_in_one_go(linked, tmp_path):
    store = GraphStore(linked["store"], read_only=True)
    before = store.count(WIKIDATA_GRAPH)
    assert before > 0
    statement = (f"ASK {{ GRAPH <{WIKIDATA_GRAPH}> {{ ?s a <https://w3id.org/citykg/ontology#Agreement> ; "
                 "<http://www.w3.org/ns/prov#wasDerivedFrom> <http://www.wikidata.org/entity/Q38283> ; "
                 "<https://w3id.org/citykg/ontology#party> <https://w3id.org/citykg/id/city/fr/lyon> } }")
    assert store.ask(statement)
    # a second run from a one-item snapshot replaces the graph: no Lyon left
    tiny = tmp_path / "tiny"
    save(Snapshot({"Q38283": Item("Q38283", "city", "Yokohama", "横浜市")}), tiny)
    run(linked["store"], tiny)
    after = GraphStore(linked["store"], read_only=True)
    assert not after.ask(statement) and after.count(WIKIDATA_GRAPH) < before
    run(linked["store"], CRAWL, report=True, quickstatements=linked["qs"], today=TODAY)
    assert GraphStore(linked["store"], read_only=True).count(WIKIDATA_GRAPH) == before


@needs_shared
def test_bundled_snapshot_links_out_of_the_box(tmp_path):
    store = tmp_path / "store"
    build(store, SEEDS, validate=False)
    result = run(store)
    assert result.snapshot.format == "citykg" and not result.counts.get("mismatch")
    data = relations(GraphStore(store, read_only=True), "横浜市")
    assert data["city"]["wikidata"] == "Q38283"
    assert any(r["origin"] == "wikidata" and r["partner"].get("wikidata") == "Q456"
               for r in data["relations"])


# compare and give back ---------------------------------------------------------------------
@needs_shared
def test_compare_report(linked):
    pairs = compare(GraphStore(linked["store"], read_only=True))
    table = {(p.city["label_en"], p.partner.get("wikidata")): p for p in pairs}
    for qid in ("Q1874", "Q8686", "Q16552", "Q79808"):
        p = table[("Yokohama", qid)]
        assert p.status == "agree" and p.wd_directions == ["city→partner", "partner→city"]
        assert p.sources and not p.missing_directions
    assert table[("Yokohama", "Q8686")].doc_types == ["friendship"]
    for qid in ("Q456", "Q1156", "Q1461", "Q24639", "Q1794", "Q24879", "Q518431"):
        assert table[("Yokohama", qid)].status == "wikidata_only"
    assert {q for (c, q), p in table.items() if c == "Sapporo"} == \
        {"Q6106", "Q1726", "Q11720", "Q883", "Q20921", "Q38545"}
    assert all(p.status == "wikidata_only" for (c, _), p in table.items() if c == "Sapporo")
    acapulco = table[("Sendai", "Q81398")]
    assert acapulco.status == "document_only" and acapulco.doc_start == "1973-10-23"
    assert acapulco.missing_directions == ["city→partner", "partner→city"]


def test_conflicts_are_found():
    from citykg.wikidata.compare import Pair, _judge

    p = Pair({"wikidata": "Q1"}, {"wikidata": "Q2"}, doc_types=["sister"], doc_start="1965",
             wd_directions=["city→partner"], wd_start="1966-05-01")
    _judge(p)
    assert p.status == "conflict" and "1965" in p.conflicts[0] and "1966" in p.conflicts[0]
    assert p.missing_directions == ["partner→city"]
    q = Pair({"wikidata": "Q1"}, {"wikidata": "Q2"}, doc_types=["cooperation"],
             wd_directions=["city→partner", "partner→city"])
    _judge(q)
    assert q.status == "conflict" and "type" in q.conflicts[0] and not q.missing_directions


@needs_shared
def test_quickstatements_for_sendai_acapulco(linked):
    lines = linked["qs"].read_text(encoding="utf-8").splitlines()
    ours = [ln.split("\t") for ln in lines if "Q46747" in ln and "Q81398" in ln]
    assert sorted((c[0], c[1], c[2]) for c in ours) == [("Q46747", "P190", "Q81398"),
                                                         ("Q81398", "P190", "Q46747")]
    for cols in ours:
        assert cols[3:5] == ["P580", "+1973-10-23T00:00:00Z/11"]
        assert cols[5] == "S854" and cols[6].startswith('"https://w3id.org/citykg/id/doc/')
        assert cols[7:] == ["S813", "+2025-01-31T00:00:00Z/11"]
    # nothing for what Wikidata already has
    assert not [ln for ln in lines if "Q38283" in ln]


def test_time_values_and_references():
    assert qs.time_value("1973-10-23", "day") == "+1973-10-23T00:00:00Z/11"
    assert qs.time_value("1973-10", "month") == "+1973-10-00T00:00:00Z/10"
    assert qs.time_value("1973", "year") == "+1973-00-00T00:00:00Z/9"
    assert qs.time_value("1973-10-23", "year") == "+1973-00-00T00:00:00Z/9"
    from citykg.wikidata.compare import Pair, Source

    stated = Pair({"wikidata": "Q1"}, {"wikidata": "Q2"}, "document_only", ["sister"], "1980",
                  "year", sources=[Source("a.txt", "urn:doc", "3", qid="Q77")])
    (line,) = qs.lines([Pair(**{**stated.__dict__, "wd_directions": ["partner→city"]})], TODAY)
    assert line.split("\t") == ["Q1", "P190", "Q2", "P580", "+1980-00-00T00:00:00Z/9",
                                "S248", "Q77", "S813", "+2025-01-31T00:00:00Z/11"]
    derived = Pair({"wikidata": "Q1"}, {"wikidata": "Q2"}, "document_only", ["sister"], "1980",
                   "year", True, [Source("a.txt", "urn:doc", "3", url="https://example.org/r.pdf")])
    first = qs.lines([derived], TODAY)[0].split("\t")
    assert "P580" not in first and first[3:5] == ["S854", '"https://example.org/r.pdf"']
    unlinked = Pair({"wikidata": "Q1"}, {"wikidata": None}, "document_only", ["sister"])
    assert qs.lines([unlinked], TODAY) == []
    ended = Pair({"wikidata": "Q1"}, {"wikidata": "Q2"}, "document_only", ["sister"], "1962-05",
                 "month", sources=[Source("a.txt", "urn:doc", "3", qid="Q77")], doc_end="2021")
    assert qs.lines([ended], TODAY)[0].split("\t")[3:7] == [
        "P580", "+1962-05-00T00:00:00Z/10", "P582", "+2021-00-00T00:00:00Z/9"]


# the command ------------------------------------------------------------------------------
@needs_shared
def test_command_formats(linked):
    runner = CliRunner()
    store = str(linked["store"])
    qs_file = linked["tmp"] / "qs-cli.txt"
    r = runner.invoke(app, ["link", "--store", store, "--snapshot", str(CRAWL), "--report",
                            "--format", "json", "--quickstatements", str(qs_file)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["graph"] == WIKIDATA_GRAPH and data["counts"]["curated"] >= 3
    assert {p["status"] for p in data["compare"]["pairs"]} >= {"agree", "wikidata_only",
                                                              "document_only"}
    assert data["quickstatements"]["lines"] == 2 and qs_file.exists()
    assert all(e["status"] in ("ambiguous", "weak", "mismatch") for e in data["review"])
    r = runner.invoke(app, ["link", "--store", store, "--snapshot", str(CRAWL), "--report",
                            "--format", "csv"])
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert r.exit_code == 0 and {"Yokohama", "Sapporo", "Sendai"} <= {x["city"] for x in rows}
    r = runner.invoke(app, ["link", "--store", store, "--snapshot", str(CRAWL), "--report"])
    assert r.exit_code == 0 and "documents and Wikidata" in r.stdout
    r = runner.invoke(app, ["link", "--store", store, "--snapshot", str(CRAWL), "--online"])
    assert r.exit_code == 1
    r = runner.invoke(app, ["link", "--store", str(linked["tmp"] / "nothing")])
    assert r.exit_code == 1 and "no store" in r.output


@needs_shared
def test_compare_endpoint(linked):
    from fastapi.testclient import TestClient

    from citykg.api.app import create_app

    with TestClient(create_app(store=linked["store"])) as client:
        r = client.get("/wikidata/compare", params={"city": "Sapporo"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["linked"] and body["summary"][0]["wikidata_only"] == 6
        r = client.get("/wikidata/compare", params={"city": "仙台市", "format": "csv"})
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(r.text.splitlines()))
        assert [x["status"] for x in rows if x["partner_wikidata"] == "Q81398"] == ["document_only"]
        assert client.get("/wikidata/compare", params={"city": "Atlantis"}).status_code == 404


# snapshots and the Q-ids we ship ------------------------------------------------------------
def test_snapshot_round_trip_and_errors(tmp_path):
    snap = Snapshot({"Q1": Item("Q1", "city", "A", "あ", "", ("a|b", "c"), "Q17", "35.5",
                                "139.6", "100")},
                    [Twin("Q1", "Q2", "1965-11", ""), Twin("Q2", "Q1")], source="test")
    back = load(save(snap, tmp_path / "s"))
    assert back.items["Q1"].aliases == ("a b", "c") and back.items["Q1"].population == "100"
    assert set(back.twins) == set(snap.twins) and back.partners("Q1") == {"Q2"}
    (tmp_path / "s" / "twins.tsv").write_text("qid\ttwin\tstart\tend\nQ1\tQ2\t1965-13\t\n")
    with pytest.raises(SnapshotError, match=r"twins.tsv:2"):
        load(tmp_path / "s")
    with pytest.raises(SnapshotError, match="no snapshot"):
        load(tmp_path)


@needs_shared
def test_the_crawl_is_read_as_it_is():
    snap = load(CRAWL)
    assert snap.format == "p190-crawl" and len(snap.items) == 10055
    assert len(snap.twins) == 34178 and not snap.problems
    assert snap.items["Q1726"].label == "München" and not snap.items["Q1726"].label_en
    assert {"Q1874", "Q456", "Q1156", "Q1461", "Q24639"} <= snap.partners("Q38283")


@needs_shared
def test_every_shipped_qid_agrees_with_the_crawl():
    """Every Q-id in data/gazetteer/*.csv and data/wikidata/* that the 2016 crawl knows has a
    label consistent with the crawl's (German, English, French… as the crawl has it)."""
    crawl = load(CRAWL)
    shipped: list[tuple[str, list[str], str]] = []
    for path in sorted((ROOT / "data" / "gazetteer").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("wikidata"):
                    names = [row.get("label_en", ""), row.get("label_ja", ""),
                             *(row.get("aliases") or "").split("|")]
                    shipped.append((row["wikidata"], names, f"{path.name}:{row.get('id') or row.get('code')}"))
    with (ROOT / "data" / "wikidata" / "jp_municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            shipped.append((row["wikidata"], [row["label"]], f"jp_municipalities.csv:{row['code']}"))
    checked, wrong = 0, []
    for qid, names, where in shipped:
        item = crawl.items.get(qid)
        if item is None:
            continue
        checked += 1
        if not consistent([n for n in names if n], item.names):
            wrong.append(f"{where}: {qid} is {item.label!r} in the crawl, we say {names[:2]}")
    assert checked > 700 and not wrong, wrong
    # the bundled snapshot: its English and Japanese labels are those of the Q-ids above, its
    # other labels and its pairs are the crawl's
    bundled = load(ROOT / "data" / "wikidata")
    ours = {q for q, _, _ in shipped}
    twins = set(crawl.twins)
    for qid, item in bundled.items.items():
        assert qid in ours or not (item.label_en or item.label_ja), qid
        if qid in crawl.items:
            assert item.label == crawl.items[qid].label, qid
    assert bundled.twins and all(t in twins for t in bundled.twins)
