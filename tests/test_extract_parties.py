"""Which entity a place name resolves to: the city, not its state; a district, not its city;
foreign first-level divisions as parties of prefectures; words that are not places."""
from citykg.core.gazetteer import world
from citykg.loaders.pipeline import extract_document, resolve_publisher


def extract(tmp_path, text: str, publisher: str | None = None):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    _, extraction = extract_document(path, resolve_publisher(publisher) if publisher else None)
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


def test_a_domestic_partner_dated_in_its_profile(tmp_path):
    """A profile heading naming a municipality (its prefecture in brackets), prose about it whose
    "…県となり" is no agreement, and the agreement's date in a later sentence."""
    found = partners(extract(tmp_path, "浜松市の国内姉妹都市\n\n姉妹都市 遠野市(岩手県)\n\n"
                             "遠野市は城下町として栄えました。明治9年に岩手県となり、のちに市制を施行しました。\n\n"
                             "姉妹都市提携は昭和50年\n\n両市は昭和50年4月1日に姉妹都市提携の盟約を結びました。\n",
                             "浜松市"))
    assert set(found) == {"遠野市"}
    assert found["遠野市"].data["partner"].code == "03208"
    assert found["遠野市"].data["start"].year == 1975


def test_the_prefecture_before_a_domestic_partner_only_locates_it(tmp_path):
    """"岩手県遠野市は、…姉妹都市縁組を提携": the agreement is the publisher's, not the
    prefecture's; "北海道虻田郡真狩村" opens an entry as one name."""
    found = partners(extract(tmp_path, "浜松市の姉妹都市交流\n\n岩手県遠野市\n\n"
                             "岩手県遠野市は、ある詩人の縁で、昭和57年10月22日姉妹都市縁組を提携しました。\n\n"
                             "北海道虻田郡真狩村\n\n平成3年10月19日提携\n", "浜松市"))
    assert {name: f.data["start"].iso() for name, f in found.items()} == {
        "遠野市": "1982-10-22", "真狩村": "1991-10-19"}


def test_a_domestic_city_beside_a_foreign_one_is_not_the_partner(tmp_path):
    found = partners(extract(tmp_path, "浜松市の姉妹都市\n\n"
                             "国内で最初の姉妹都市提携は、長崎市とアメリカのセントポール市の間で結ばれました。\n",
                             "浜松市"))
    assert "長崎市" not in found


def test_a_shared_municipal_name_told_apart_by_its_prefecture(tmp_path):
    found = partners(extract(tmp_path, "浜松市の国内友好都市\n\n"
                             "・福島県伊達市 平成元年5月1日友好都市提携\n・府中市(東京都) 平成2年6月1日友好都市提携\n",
                             "浜松市"))
    assert {f.data["partner"].code for f in found.values()} == {"07213", "13206"}


def test_records_whose_fields_are_keys_on_their_own_lines(tmp_path):
    """Under each kind's heading, "まちの名前" and "いつから" are a record's keys, not headings
    that end the kind; a town the gazetteer lacks right after its country ("カナダ国…町")."""
    found = partners(extract(tmp_path, "浜松市の姉妹都市\n\nふるさと姉妹都市\n\n縁のある町と宣言しました。\n\n"
                             "まちの名前\n\nいつから\n\n  • 岩手県遠野市  昭和60年(1985年)4月\n\n"
                             "姉妹都市\n\n交流が始まったのは紹介がきっかけです。\n\nまちの名前\n\nカナダ国ミルベイ町\n\n"
                             "いつから\n\n平成2年(1990年)10月\n", "浜松市"))
    assert {name: (f.data["type"], f.data["start"].iso()) for name, f in found.items()} == {
        "遠野市": ("sister", "1985-04"), "ミルベイ町": ("sister", "1990-10")}
    assert found["ミルベイ町"].data["partner"].country == "ca"


def test_a_proposal_is_not_the_agreement(tmp_path):
    found = partners(extract(tmp_path, "浜松市の友好都市\n\n"
                             "昭和60年、蘇州市から友好都市提携をしたいとの申し出があり、"
                             "昭和62年5月1日に両市は友好都市提携を結びました。\n", "浜松市"))
    assert found["蘇州市"].data["start"].year == 1987


def test_an_english_record_dated_since(tmp_path):
    """"Affiliated as a Sister City since:" is a record's date field (its value on the next
    line), not a title that ends the list."""
    found = partners(extract(tmp_path, "URL: https://www.city.hamamatsu.shizuoka.jp/en/sister.html\n\n"
                             "Sister Cities\n\nLyon (France)\n\n\n"
                             "Lyon lies where two rivers meet and has a long history.\n"
                             "Population: 500,000\nArea: 47.9km2\n"
                             "Affiliated as a Sister City since:\nApril 2nd, 1990\n\n"
                             "Suzhou(People's Republic of China, Jiangsu Province)\n\n\n"
                             "Suzhou lies west of a large port city and is known for its gardens.\n"
                             "Population: 1,000,000\nAffiliated as a Sister City since:\nJune 5th, 1995\n", "浜松市"))
    assert {f.data["partner"].key: f.data["start"].iso() for f in found.values()} == {
        "lyon": "1990-04-02", "suzhou": "1995-06-05"}
