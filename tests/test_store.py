import pyoxigraph as ox
import pytest

from citykg.commands.build import build
from citykg.core.store import GraphStore, StoreError
from citykg.loaders.read import LoadError

G1, G2 = "https://example.org/g1", "https://example.org/g2"


def triples(n: int, tag: str) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(f"https://example.org/{tag}/{i}"),
                      ox.NamedNode("https://example.org/p"), ox.Literal(f"{tag} {i} \"q\" }}"))
            for i in range(n)]


def test_replace_graphs_replaces_not_appends(tmp_path):
    store = GraphStore(tmp_path / "s")
    store.replace_graphs({G1: triples(5, "a"), G2: triples(3, "b")})
    v1 = store.version()
    store.replace_graphs({G1: triples(2, "c")})
    assert store.count(G1) == 2 and store.count(G2) == 3
    assert store.version() != v1


def test_a_reader_sees_the_old_or_the_new_graph(tmp_path):
    path = tmp_path / "s"
    writer = GraphStore(path)
    writer.replace_graphs({G1: triples(4, "old")})
    writer.flush()
    reader = GraphStore(path, read_only=True)
    writer.replace_graphs({G1: triples(7, "new")})
    assert reader.count(G1) == 4  # a read-only view keeps the data as of its opening
    del writer  # the build process ends
    assert GraphStore(path, read_only=True).count(G1) == 7


def test_read_only_store_refuses_writes_and_missing_store_is_clear(tmp_path):
    GraphStore(tmp_path / "s").replace_graphs({G1: triples(1, "x")})
    with pytest.raises(StoreError, match="read-only"):
        GraphStore(tmp_path / "s", read_only=True).replace_graphs({G1: []})
    with pytest.raises(StoreError, match="no store"):
        GraphStore(tmp_path / "missing", read_only=True)


def test_failed_build_leaves_the_store_as_it_was(tmp_path, seeds):
    path = tmp_path / "store"
    build(path, seeds, validate=False)
    before = GraphStore(path, read_only=True)
    count, graphs = before.count(), before.graphs()
    bad = tmp_path / "corrupt.txt"
    bad.write_bytes(b"\x00\x01binary" * 100)
    with pytest.raises(LoadError, match="corrupt.txt"):
        build(path, [*seeds, bad], validate=False)
    after = GraphStore(path, read_only=True)
    assert after.count() == count and after.graphs() == graphs


def test_rebuild_is_idempotent(tmp_path, seeds):
    path = tmp_path / "store"
    build(path, seeds, validate=False)
    first = GraphStore(path, read_only=True).count()
    build(path, seeds, validate=False)
    assert GraphStore(path, read_only=True).count() == first


def test_two_reports_stating_one_agreement_differently(tmp_path):
    """Yearly reports restate the same agreement, one with the year, one with the day: each
    document conforms, the build notes where they differ, and the relation is one, with the
    more precise start and both reports as its sources. Where they differ on its status, the
    later fiscal year's report says what it is now."""
    from citykg.api.relations import relations

    reports = {"a.txt": ("FY2022", "Munich (Germany) - 1972\nShenyang (China) - 1980\n\n"
                                   "Exchanges with Shenyang were suspended in 2020."),
               "b.txt": ("FY2023", "ミュンヘン市 ドイツ 1972年8月28日\n瀋陽市 中国 1980年11月18日\n\n"
                                   "ミュンヘン市とは2023年から交流を休止している。")}
    docs = []
    for name, (year, entries) in reports.items():
        (tmp_path / name).write_text(f"City of Sapporo International Relations Report {year}\n\n"
                                     f"Sister Cities\n{entries}\n", encoding="utf-8")
        docs.append(tmp_path / name)
    report = build(tmp_path / "store", docs)
    assert report.shacl_conforms, report.shacl_text
    assert "documents differ" in report.shacl_text and "startDate" in report.shacl_text
    store = GraphStore(tmp_path / "store", read_only=True)
    found = {r["partner"]["label_en"]: r for r in relations(store, "札幌市")["relations"]}
    munich = [r for r in relations(store, "札幌市")["relations"]
              if r["partner"]["label_en"] == "Munich"]
    assert len(munich) == 1 and munich[0]["start"] == "1972-08-28"
    assert found["Munich"]["status"] == "suspended" and found["Shenyang"]["status"] == "active"
    assert {s["document"] for s in munich[0]["sources"]} == {"a.txt", "b.txt"}
