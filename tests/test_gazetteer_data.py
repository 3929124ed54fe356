"""The bundled world gazetteer (data/gazetteer/*.csv) and its Natural Earth / GeoNames importer."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from citykg.loaders.gazetteer_import import (
    BASE_FIELDS,
    import_geonames,
    import_natural_earth,
    norm_name,
)

ROOT = Path(__file__).resolve().parents[1]
GAZ = ROOT / "data" / "gazetteer"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NE_CSV = SHARED / "data" / "ne_50m_populated_places_wikidata.csv"
P190_NAMES = SHARED / "data" / "wikidata_p190_2016" / "names.tsv"
QID = re.compile(r"^Q\d+$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

HEADERS = {
    "countries.csv": ["code", "label_en", "label_ja", "aliases", "wikidata"],
    "regions.csv": ["id", "label_en", "label_ja", "aliases", "wikidata"],
    "cities.csv": ["id", "country", "label_en", "label_ja", "aliases", "wikidata", "kind"],
    "networks.csv": ["id", "kind", "label_en", "label_ja", "aliases", "wikidata"],
}


def read(name: str) -> list[dict[str, str]]:
    with (GAZ / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def aliases(row: dict[str, str]) -> list[str]:
    return row["aliases"].split("|") if row["aliases"] else []


def names_of(row: dict[str, str]) -> list[str]:
    return [row["label_en"], row["label_ja"], *aliases(row)]


@pytest.fixture(scope="module")
def cities() -> list[dict[str, str]]:
    return read("cities.csv")


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    return read("countries.csv")


@pytest.fixture(scope="module")
def city_by_id(cities) -> dict[str, dict[str, str]]:
    return {c["id"]: c for c in cities}


# --- the data -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(HEADERS))
def test_header_and_shape(name):
    with (GAZ / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADERS[name]
    bad = [i for i, r in enumerate(rows, 1) if len(r) != len(HEADERS[name])]
    assert not bad, f"{name}: rows with the wrong number of fields at lines {bad}"


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_ids_unique_labels_present_wikidata_wellformed(name):
    rows = read(name)
    key = "code" if name == "countries.csv" else "id"
    dupes = [k for k, n in Counter(r[key] for r in rows).items() if n > 1]
    assert not dupes, f"{name}: duplicate ids {dupes}"
    assert all(SLUG.match(r[key]) for r in rows), [r[key] for r in rows if not SLUG.match(r[key])]
    missing = [r[key] for r in rows if not r["label_en"].strip() or not r["label_ja"].strip()]
    assert not missing, f"{name}: rows without label_en or label_ja: {missing}"
    bad = [(r[key], r["wikidata"]) for r in rows if r["wikidata"] and not QID.match(r["wikidata"])]
    assert not bad, f"{name}: malformed Wikidata ids {bad}"
    qids = Counter(r["wikidata"] for r in rows if r["wikidata"])
    assert not [q for q, n in qids.items() if n > 1], f"{name}: a Wikidata id used twice"


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_aliases_are_clean(name):
    for row in read(name):
        parts = aliases(row)
        assert all(p and p == p.strip() for p in parts), (row, "empty or padded alias")
        assert len(parts) == len(set(parts)), (row, "alias repeated")
        assert all(len(p) >= 2 for p in parts), (row, "one-character alias")


def test_counts(cities, countries):
    assert len(cities) >= 600
    assert len(countries) >= 190
    assert len(read("regions.csv")) >= 12
    assert len(read("networks.csv")) >= 25


def test_countries(countries):
    codes = {c["code"]: c for c in countries}
    assert all(re.fullmatch(r"[a-z]{2}", c) for c in codes)
    for code in ("tw", "hk", "mo", "ps", "xk", "jp", "us", "kr", "cn", "gb", "ua", "cz"):
        assert code in codes, code
    expected = {"jp": "Q17", "us": "Q30", "cn": "Q148", "ua": "Q212", "ro": "Q218",
                "de": "Q183", "fr": "Q142", "gb": "Q145", "kr": "Q884"}
    assert {c: codes[c]["wikidata"] for c in expected} == expected
    assert {"アメリカ", "米国", "USA"} <= set(aliases(codes["us"]))
    assert {"韓国", "大韓民国"} <= set(names_of(codes["kr"]))
    assert {"イギリス", "英国", "UK"} <= set(names_of(codes["gb"]))
    assert "Czechia" in aliases(codes["cz"])


def test_every_city_country_exists_and_none_is_japanese(cities, countries):
    codes = {c["code"] for c in countries}
    assert not [c["id"] for c in cities if c["country"] not in codes]
    assert not [c["id"] for c in cities if c["country"] == "jp"], "Japan is not in this file"


def test_city_kinds(cities):
    kinds = Counter(c["kind"] for c in cities)
    assert set(kinds) <= {"city", "state", "province"}
    assert kinds["state"] + kinds["province"] < len(cities) / 10, "sub-national rows: sparingly"


def test_no_duplicate_wikidata_among_cities(cities):
    qids = Counter(c["wikidata"] for c in cities if c["wikidata"])
    assert not [q for q, n in qids.items() if n > 1]


def _collisions(cities) -> dict[tuple[str, str], set[str]]:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in cities:
        for n in names_of(c):
            owners[(c["country"], unicodedata.normalize("NFKC", n).casefold())].add(c["id"])
    return {k: v for k, v in owners.items() if len(v) > 1}


def test_names_do_not_collide_within_a_country(cities):
    assert not _collisions(cities)


def test_names_shared_across_countries_are_listed(cities):
    owners: dict[str, set[str]] = defaultdict(set)
    for c in cities:
        for n in names_of(c):
            owners[unicodedata.normalize("NFKC", n).casefold()].add(f"{c['id']}/{c['country']}")
    shared = {n: sorted(v) for n, v in owners.items() if len(v) > 1}
    print(f"\n{len(shared)} names shared by cities in different countries (allowed):")
    for name, ids in sorted(shared.items()):
        print(f"  {name}: {', '.join(ids)}")
    # allowed, but a gazetteer where most names clash would be useless
    assert len(shared) < len(cities) / 5


@pytest.mark.parametrize("slug,country,label_ja,qid", [
    ("odesa", "ua", "オデーサ市", "Q1874"),
    ("shanghai", "cn", "上海市", "Q8686"),
    ("san-diego", "us", "サンディエゴ市", "Q16552"),
    ("constanta", "ro", "コンスタンツァ市", "Q79808"),
    ("lyon", "fr", "リヨン市", "Q456"),
    ("mumbai", "in", "ムンバイ市", "Q1156"),
    ("manila", "ph", "マニラ市", "Q1461"),
    ("vancouver", "ca", "バンクーバー市", "Q24639"),
    ("frankfurt", "de", "フランクフルト市", "Q1794"),
    ("acapulco", "mx", "アカプルコ市", "Q81398"),
    ("portland", "us", "ポートランド市", "Q6106"),
    ("munich", "de", "ミュンヘン市", "Q1726"),
    ("shenyang", "cn", "瀋陽市", "Q11720"),
    ("daejeon", "kr", "大田広域市", "Q20921"),
    ("novosibirsk", "ru", "ノボシビルスク市", "Q883"),
    ("bangkok", "th", "バンコク都", "Q1861"),
    ("seoul", "kr", "ソウル特別市", "Q8684"),
])
def test_known_cities(city_by_id, slug, country, label_ja, qid):
    row = city_by_id[slug]
    assert (row["country"], row["label_ja"], row["wikidata"]) == (country, label_ja, qid)


def test_aliases_cover_spellings(city_by_id):
    assert {"オデーサ", "オデッサ", "Odessa"} <= set(aliases(city_by_id["odesa"]))
    assert {"Constanta", "Constantza"} <= set(aliases(city_by_id["constanta"]))
    assert {"キーウ", "キエフ", "Kiev"} <= set(aliases(city_by_id["kyiv"]))
    assert "München" in aliases(city_by_id["munich"])
    assert {"釜山", "釜山市", "プサン"} <= set(aliases(city_by_id["busan"]))
    assert {"ソウル", "ソウル市"} <= set(aliases(city_by_id["seoul"]))


# Foreign partners of Japan's designated cities (and a few capitals' and wards'): all present.
PARTNERS = {
    "sapporo": "portland munich shenyang novosibirsk daejeon",
    "sendai": "riverside rennes minsk acapulco changchun dallas gwangju tainan",
    "saitama": "toluca pittsburgh hamilton-nz nanaimo zhengzhou",
    "chiba": "houston quezon-city tianjin asuncion montreux wuxi north-vancouver",
    "kawasaki": "baltimore salzburg sheffield wollongong lubeck shenyang bucheon rijeka",
    "yokohama": "san-diego lyon odesa vancouver manila mumbai constanta shanghai frankfurt",
    "sagamihara": "toronto trail wuxi",
    "niigata": "galveston khabarovsk harbin vladivostok nantes birobidzhan",
    "shizuoka": "omaha cannes stockton shaoxing",
    "hamamatsu": "rochester camas porterville chehalis warsaw hangzhou",
    "nagoya": "los-angeles mexico-city nanjing sydney turin reims",
    "kyoto": "paris boston cologne florence kyiv xian guadalajara zagreb prague jinju",
    "osaka": "shanghai san-francisco chicago melbourne milan saint-petersburg hamburg",
    "sakai": "berkeley wellington lianyungang",
    "kobe": "seattle marseille rio-de-janeiro riga brisbane barcelona tianjin incheon",
    "okayama": "san-jose-cr san-jose plovdiv luoyang bucheon hsinchu",
    "hiroshima": "honolulu volgograd hanover chongqing daegu montreal",
    "kitakyushu": "norfolk tacoma dalian incheon",
    "fukuoka": "oakland guangzhou bordeaux busan auckland atlanta ipoh yangon",
    "kumamoto": "san-antonio guilin heidelberg ulsan",
    "tokyo": "new-york beijing paris berlin rome seoul moscow london jakarta sao-paulo-state "
             "cairo new-south-wales",
    "hyogo": "washington-state western-australia guangdong",
}


@pytest.mark.parametrize("japanese_city", sorted(PARTNERS))
def test_sister_cities_present(city_by_id, japanese_city):
    missing = [s for s in PARTNERS[japanese_city].split() if s not in city_by_id]
    assert not missing


def test_regions_and_networks():
    regions = {r["id"]: r for r in read("regions.csv")}
    for rid in ("europe", "americas", "north-america", "latin-america", "asia", "east-asia",
                "southeast-asia", "south-asia", "middle-east", "africa", "oceania",
                "asia-pacific"):
        assert rid in regions, rid
    assert "ヨーロッパ" in aliases(regions["europe"])
    assert "オセアニア" in names_of(regions["oceania"])
    networks = {r["id"]: r for r in read("networks.csv")}
    assert {r["kind"] for r in networks.values()} == {"network", "intl_org"}
    for nid in ("citynet", "wwcam", "iclei", "uclg", "metropolis", "c40", "anmc21",
                "mayors-for-peace", "near", "sister-cities-international"):
        assert networks[nid]["kind"] == "network", nid
    for nid in ("jica", "un", "undp", "unicef", "unhcr", "itto", "wfp", "fao", "iom", "adb",
                "world-bank", "oecd", "jetro", "clair"):
        assert networks[nid]["kind"] == "intl_org", nid
    assert networks["citynet"]["label_ja"] == "シティネット"
    assert "国連難民高等弁務官事務所" in names_of(networks["unhcr"])


# --- cross-checks against the shared reference data ------------------------------------------

def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (../shared is absent)")


def _loose(name: str) -> str:
    name = re.sub(r"\(.*?\)", "", name)
    key = norm_name(name)
    return re.sub(r"(stadt|city|state|atoll)$", "", key)


def test_wikidata_ids_agree_with_p190_labels(cities):
    """Every city id that the 2016 twinning crawl knows carries a name of that city there
    (its labels are mostly German: the German forms are among our aliases)."""
    needs(P190_NAMES)
    labels = dict(line.rstrip("\n").split("\t", 1)
                  for line in P190_NAMES.open(encoding="utf-8") if "\t" in line)
    mismatches = []
    for c in cities:
        label = labels.get(c["wikidata"])
        if label is None:
            continue
        mine = {_loose(n) for n in names_of(c)}
        theirs = _loose(label)
        if theirs not in mine and not any(m and (m.startswith(theirs) or theirs.startswith(m))
                                          for m in mine):
            mismatches.append((c["id"], c["wikidata"], label))
    assert not mismatches


def test_wikidata_ids_agree_with_natural_earth(cities):
    needs(NE_CSV)
    with NE_CSV.open(encoding="utf-8", newline="") as fh:
        ne = {r["wikidataid"]: r for r in csv.DictReader(fh) if r["wikidataid"]}
    wrong = [(c["id"], c["wikidata"], ne[c["wikidata"]]["name_en"])
             for c in cities if c["wikidata"] in ne
             and ne[c["wikidata"]]["iso_a2"] not in ("-99", c["country"].upper())]
    assert not wrong


# --- the importer ----------------------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ne_import(tmp_path_factory):
    needs(NE_CSV)
    out = tmp_path_factory.mktemp("gaz") / "cities.csv"
    report = import_natural_earth(NE_CSV, out)
    return out, report


def test_import_adds_and_enriches(ne_import, cities):
    out, report = ne_import
    rows = _rows(out)
    assert list(rows[0])[:7] == BASE_FIELDS
    assert report.added > 100 and report.matched > 300
    assert report.rows == report.matched + report.added + report.skipped
    assert len(rows) == len(cities) + report.added
    by_id = {r["id"]: r for r in rows}
    # the bundled rows are all kept, under their ids
    for c in cities:
        assert by_id[c["id"]]["country"] == c["country"]
        assert by_id[c["id"]]["label_ja"] == c["label_ja"]
    # enriched: coordinates and population filled, Natural Earth's Japanese name kept as alias
    kyiv = by_id["kyiv"]
    assert kyiv["latitude"] and kyiv["longitude"] and int(kyiv["population"]) > 1_000_000
    assert "ケベック・シティー" in by_id["quebec-city"]["aliases"].split("|")
    # added: new places, slugs unique, no Japan
    assert len(by_id) == len(rows)
    assert all(SLUG.match(i) for i in by_id)
    assert not [r for r in rows if r["country"] == "jp"]
    assert report.skipped_japan == 18
    qids = Counter(r["wikidata"] for r in rows if r["wikidata"])
    assert not [q for q, n in qids.items() if n > 1]
    added = [by_id[i] for i in report.added_ids]
    assert any(r["label_en"] == "Ouagadougou" or r["label_en"] == "Lhasa" for r in rows)
    assert all(r["kind"] == "city" and r["label_en"] for r in added)
    # two different Suzhous in China: both kept, the second under a suffixed slug
    suzhous = [r for r in rows if r["country"] == "cn" and r["label_en"] == "Suzhou"]
    assert len(suzhous) == 2 and len({r["wikidata"] for r in suzhous}) == 2


def test_import_matches_by_name_and_fills_wikidata(tmp_path, cities):
    """Rows without an id are found by country + English name (label or alias) and get one."""
    needs(NE_CSV)
    base = tmp_path / "base.csv"
    blanked = {"kyiv", "odesa", "munich", "sao-paulo"}
    with base.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS["cities.csv"], lineterminator="\n")
        writer.writeheader()
        for c in cities:
            writer.writerow({**c, "wikidata": "" if c["id"] in blanked else c["wikidata"]})
    out = tmp_path / "cities.csv"
    import_natural_earth(NE_CSV, out, base_csv=base)
    rows = _rows(out)
    by_id = {r["id"]: r for r in rows}
    assert {i: by_id[i]["wikidata"] for i in sorted(blanked)} == {
        "kyiv": "Q1899", "munich": "Q1726", "odesa": "Q1874", "sao-paulo": "Q174"}
    # matched, not added again: NE's "Odessa" is an alias of odesa, "Munich" its label
    assert sum(r["label_en"] in ("Odessa", "Odesa") for r in rows) == 1
    assert sum(r["wikidata"] == "Q1726" for r in rows) == 1


def test_import_reports_rows_it_cannot_use(ne_import):
    _, report = ne_import
    with NE_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        no_qid = []
        for r in reader:
            if not r["wikidataid"]:
                no_qid.append(reader.line_num)
    assert len(no_qid) == 7
    assert sorted(p.line for p in report.no_wikidata) == no_qid
    names = {p.name for p in report.no_wikidata}
    assert {"Santa Cruz", "Lianshan", "Elephant Island"} <= names
    unusable = {p.name: p for p in report.unusable}
    # Somaliland has no ISO code (-99) and is no country of ours
    assert "-99" in unusable["Hargeisa"].reason and unusable["Hargeisa"].line > 1
    assert "Berbera" in unusable
    # Kosovo's -99 is resolved from the country name
    assert "Pristina" not in unusable
    # Antarctic stations: no country
    assert "aq" in unusable["McMurdo Station"].reason
    assert all(str(p.line) in str(p) for p in report.unusable)


def test_reimport_is_idempotent(ne_import):
    out, _ = ne_import
    before = out.read_text(encoding="utf-8")
    report = import_natural_earth(NE_CSV, out)
    assert report.added == 0 and report.enriched == 0
    assert out.read_text(encoding="utf-8") == before


def test_import_accepts_upper_case_headers(tmp_path):
    src = tmp_path / "ne.csv"
    src.write_text(
        "WIKIDATAID,NAME,NAME_EN,NAME_JA,ADM0NAME,ISO_A2,LATITUDE,LONGITUDE,POP_MAX\n"
        "Q1874,Odesa,Odessa,オデッサ,Ukraine,UA,46.49,30.71,991000\n"
        "Q999999999,Nowhere,Nowhere,ノーウェア,Ukraine,UA,1,2,3\n"
        ",,,,Ukraine,UA,1,2,3\n"
        "Q35765,Osaka,Osaka,大阪市,Japan,JP,34.7,135.5,11294000\n",
        encoding="utf-8")
    out = tmp_path / "cities.csv"
    report = import_natural_earth(src, out)
    assert (report.matched, report.added, report.skipped_japan) == (1, 1, 1)
    assert [(p.line, p.reason) for p in report.unusable] == [(4, "no name")]
    rows = {r["id"]: r for r in _rows(out)}
    assert rows["odesa"]["latitude"] == "46.49"
    assert rows["nowhere"]["wikidata"] == "Q999999999"


def test_geonames_import(tmp_path):
    src = tmp_path / "cities15000.txt"
    cols = ["698740", "Odesa", "Odesa", "Odessa,オデッサ,敖德萨", "46.47747", "30.73262", "P",
            "PPLA", "UA", "", "17", "", "", "", "1001558", "", "", "Europe/Kiev", "2023-01-01"]
    new = ["1", "Testville", "Testville", "テストビル", "1.0", "2.0", "P", "PPL", "US", "", "",
           "", "", "", "20000", "", "", "", ""]
    jp = ["2", "Kawasaki", "Kawasaki", "川崎市", "35.5", "139.7", "P", "PPL", "JP", "", "", "",
          "", "", "1500000", "", "", "", ""]
    src.write_text("\n".join("\t".join(r) for r in (cols, new, jp)) + "\n", encoding="utf-8")
    out = tmp_path / "cities.csv"
    report = import_geonames(src, out)
    assert (report.matched, report.added, report.skipped_japan) == (1, 1, 1)
    rows = {r["id"]: r for r in _rows(out)}
    assert rows["testville"]["label_ja"] == "テストビル"
    assert rows["odesa"]["population"] == "1001558"
    assert import_geonames(src, out).added == 0
