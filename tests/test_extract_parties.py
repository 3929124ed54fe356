"""Which entity a place name resolves to: the city, not its state; a district, not its city;
foreign first-level divisions as parties of prefectures; words that are not places."""
from citykg.core.gazetteer import world
from citykg.loaders.pipeline import extract_document


def extract(tmp_path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    _, extraction = extract_document(path)
    return extraction


def partners(extraction) -> dict[str, object]:
    return {f.data["partner"].label_ja: f for f in extraction.facts if f.kind == "relation"}


def test_the_city_not_its_state(tmp_path):
    found = partners(extract(tmp_path, "加古川市の姉妹都市\n\n"
                             "アメリカ合衆国オレゴン州ニューバーグ市(1980年4月1日姉妹都市締結)\n"
                             "人口 | 約2万人 |\n"))
    assert set(found) == {"ニューバーグ市"}
    assert found["ニューバーグ市"].data["partner"].country == "us"
    assert found["ニューバーグ市"].data["start"].iso() == "1980-04-01"


def test_a_district_is_its_own_party(tmp_path):
    found = partners(extract(tmp_path, "加古川市の友好都市\n\n"
                             "中華人民共和国北京市海淀区(2003年9月友好都市締結)\n"))
    assert set(found) == {"海淀区"}
    assert found["海淀区"].data["partner"].key == "haidian"
    assert found["海淀区"].data["partner"].country == "cn"


def test_a_province_before_its_city_only_locates_it(tmp_path):
    found = partners(extract(tmp_path, "加古川市の友好都市\n\n"
                             "中国江蘇省の蘇州市(1995年10月友好都市締結)\n"))
    assert set(found) == {"蘇州市"}


def test_words_that_pick_cities_out_are_not_cities(tmp_path):
    extraction = extract(tmp_path, "加古川市の友好都市\n\n"
                         "加古川市は江蘇省の蘇州市と友好都市を結んでいます。県内では他にも3市が江蘇省各市と"
                         "友好都市を結びました。\n")
    assert set(partners(extraction)) == {"蘇州市"}
    assert not any("各市" in p.message for p in extraction.problems)


def test_words_that_are_not_places(tmp_path):
    extraction = extract(tmp_path, "加古川市の友好都市\n\n"
                         "汕頭市(中国)とは1990年に友好都市を締結しました。汕頭市は中国の港町です。\n"
                         "ケーナ(ペルーの民族楽器)の演奏会を開き、友好都市の市民が参加しました。\n")
    assert set(partners(extraction)) == {"汕頭市"}
    assert not any("港町" in p.message or "ケーナ" in p.message for p in extraction.problems)


def test_foreign_divisions_have_japanese_names():
    for name, country, division in (("イリノイ州", "us", "state"), ("忠清南道", "kr", "province"),
                                    ("リオグランデドスル州", "br", "state"), ("湖北省", "cn", "province"),
                                    ("マニトバ州", "ca", "province")):
        found = world().lookup(name, "city")
        assert [(e.country, e.division) for e in found] == [(country, division)], name
    assert world().lookup("ニューヨーク")[0].division == ""  # the city keeps its name


def test_a_prefecture_twinned_with_a_province(tmp_path):
    found = partners(extract(tmp_path, "URL: https://www.pref.kumamoto.jp/kokusai/1.html\n"
                             "海外との交流\n\n熊本県は、1983年に韓国の忠清南道と姉妹提携を結びました。\n"))
    assert set(found) == {"忠清南道"}
    assert found["忠清南道"].data["start"].iso() == "1983"
