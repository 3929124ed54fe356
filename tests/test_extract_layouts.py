"""The same rules on report layouts the seeds do not have (documents written for these tests)."""
import pytest
from conftest import DOCUMENTS

from citykg.loaders.pipeline import extract_document, resolve_publisher
from citykg.loaders.read import LoadError


def relations(path, publisher=None):
    doc, extraction = extract_document(path, publisher)
    document = next(f for f in extraction.facts if f.kind == "document")
    rels = {(f.data["type"], f.data["partner"].key): f for f in extraction.facts
            if f.kind == "relation"}
    return document, rels, extraction


def report(tmp_path, name: str, text: str):
    """A report written for a test: `text` saved as `name`, UTF-8."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def starts(rels) -> dict:
    """{(type, partner): start} of the relations found."""
    return {k: f.data["start"].iso() for k, f in rels.items()}


def test_sister_city_list_with_era_dates():
    document, rels, _ = relations(DOCUMENTS / "sister_list_sendai.txt")
    assert document.data["publisher"].code == "04100"
    acapulco = rels[("sister", "acapulco")]
    assert acapulco.data["start"].iso() == "1973-10-23" and not acapulco.data["derived"]
    assert acapulco.data["partner"].wikidata == "Q81398"
    assert acapulco.span.first_line == 7
    assert rels[("friendship", "changchun")].data["start"].iso() == "1980-10-27"
    assert {t for t, _ in rels} == {"sister", "friendship"} and len(rels) == 8


def test_clair_key_value_records():
    document, rels, _ = relations(DOCUMENTS / "clair_record_hamamatsu.txt")
    assert document.data["publisher"].label_ja == "浜松市"
    assert rels[("sister", "rochester")].data["start"].iso() == "1996-11-18"
    assert rels[("sister", "rochester")].data["partner"].country == "us"
    assert rels[("friendship", "hangzhou")].data["start"].iso() == "2004-05-08"
    assert (rels[("friendship", "hangzhou")].span.first_line,
            rels[("friendship", "hangzhou")].span.last_line) == (10, 13)


def test_budget_table_in_millions_and_a_cooperation_agreement():
    _, rels, extraction = relations(DOCUMENTS / "budget_millions_fukuoka.txt")
    budgets = {(f.data["program"], f.data["fiscal_year"]): f.data["amount"]
               for f in extraction.facts if f.kind == "budget"}
    assert budgets[("国際交流推進費", 2024)] == 1_250_000_000
    assert budgets[("国際交流推進費", 2023)] == 1_180_000_000
    assert budgets[("多文化共生推進事業", 2024)] == 120_000_000
    assert rels[("cooperation", "busan")].data["start"].iso() == "2007"
    assert ("sister", "bordeaux") in rels


def test_anniversary_gives_a_derived_year_and_an_explicit_date_wins(tmp_path):
    doc = report(tmp_path, "kobe.txt",
                 "令和5年度 神戸市国際部 事業概要\n\n姉妹都市シアトル市との提携から66周年を迎える。\n\n"
                 "友好都市天津市との友好都市提携50周年を迎える。\n天津市とは1973年に友好都市提携を締結した。\n")
    _, rels, _ = relations(doc)
    seattle = rels[("sister", "seattle")]
    assert seattle.data["start"] is None or seattle.data["derived"]
    tianjin = rels[("friendship", "tianjin")]
    assert tianjin.data["start"].iso() == "1973" and not tianjin.data["derived"]


def test_an_upcoming_anniversary_alone_is_derived(tmp_path):
    doc = report(tmp_path, "osaka.txt",
                 "令和5年度 大阪市 国際交流の概要\n\n姉妹都市提携65周年を迎えるサンフランシスコ市との交流。\n")
    _, rels, _ = relations(doc)
    sf = rels[("sister", "san-francisco")]
    assert sf.data["start"].iso() == "1958" and sf.data["derived"]


def test_city_missing_from_the_gazetteer_is_kept_and_reported(tmp_path):
    doc = report(tmp_path, "town.txt", "北海道伊達市の姉妹都市\n- ポルトヴェーネレ市(イタリア)-2001(平成13)年5月締結\n")
    _, rels, extraction = relations(doc)
    (key, fact), = rels.items()
    assert key[0] == "sister" and fact.data["partner"].country == "it"
    assert fact.data["start"].iso() == "2001-05"
    assert any("not in the gazetteer" in p.message for p in extraction.problems)


def test_publisher_is_inferred_or_given(tmp_path):
    doc = report(tmp_path, "anon.txt", "姉妹都市\n- ミンスク市(ベラルーシ)-1973(昭和48)年4月19日締結\n")
    with pytest.raises(LoadError, match="anon.txt.*--publisher"):
        extract_document(doc)
    _, rels, _ = relations(doc, resolve_publisher("仙台市"))
    assert ("sister", "minsk") in rels


def test_shift_jis_document(tmp_path):
    doc = tmp_path / "sjis.txt"
    doc.write_bytes("横浜市の姉妹都市\n- オデーサ市(ウクライナ)-1965(昭和40)年7月締結\n".encode("cp932"))
    _, rels, _ = relations(doc)
    assert rels[("sister", "odesa")].data["start"].iso() == "1965-07"


def test_impossible_date_is_reported_not_guessed(tmp_path):
    doc = report(tmp_path, "bad-date.txt", "横浜市の姉妹都市\n- オデーサ市(ウクライナ)-令和5年13月締結\n")
    _, rels, extraction = relations(doc)
    assert rels[("sister", "odesa")].data["start"] is None
    assert any(p.line == 2 and "13" in p.message for p in extraction.problems)


def test_a_shared_municipality_name_needs_its_prefecture(tmp_path):
    doc = report(tmp_path, "date.txt", "伊達市の姉妹都市\n- ポルトヴェーネレ市(イタリア)-2001(平成13)年5月締結\n")
    with pytest.raises(LoadError, match="伊達市 names several municipalities"):
        extract_document(doc)
    doc.write_text("福島県伊達市の姉妹都市\n- ポルトヴェーネレ市(イタリア)-2001(平成13)年5月締結\n", encoding="utf-8")
    document, _, _ = relations(doc)
    assert document.data["publisher"].label_ja == "伊達市" and document.data["publisher"].parent == "07000"


def test_space_separated_budget_table_and_partners_told_apart_by_country(tmp_path):
    """Columns that PDF extraction separated by (full-width) spaces, amounts in thousands with
    △ for a decrease; a name two cities share, told apart by the country in brackets."""
    doc = report(tmp_path, "kitakyushu.txt", "令和6年度 北九州市 国際政策課 事業概要\n\n１ 姉妹都市\n"
                 "・オークランド市（アメリカ合衆国）　1962年（昭和37年）11月締結\n"
                 "・オークランド市（ニュージーランド）　1989年締結\n\n"
                 "２ 予算（単位：千円）\n"
                 "事業名　令和6年度　令和5年度　増減\n"
                 "国際交流推進事業　120,500　118,000　2,500\n"
                 "姉妹都市交流事業    45,300    50,100    △4,800\n")
    _, rels, extraction = relations(doc)
    assert rels[("sister", "oakland")].data["start"].iso() == "1962-11"
    assert rels[("sister", "auckland")].data["start"].iso() == "1989"
    budgets = {(f.data["program"], f.data["fiscal_year"]): (f.data["amount"], f.data["previous"])
               for f in extraction.facts if f.kind == "budget"}
    assert budgets[("国際交流推進事業", 2024)] == (120_500_000, 118_000_000)
    assert budgets[("姉妹都市交流事業", 2024)] == (45_300_000, 50_100_000)
    assert budgets[("姉妹都市交流事業", 2023)] == (50_100_000, None)


def test_a_name_several_cities_share_is_reported_not_guessed(tmp_path):
    doc = report(tmp_path, "kitakyushu.txt",
                 "令和6年度 北九州市 国際政策課 事業概要\n\nオークランド市と姉妹都市提携を結んでいる。\n")
    _, rels, extraction = relations(doc)
    assert not [k for k in rels if k[1] in ("oakland", "auckland")]
    assert any("オークランド" in p.message and "ambiguous" in p.message
               for p in extraction.problems)


def test_less_common_relation_words(tmp_path):
    doc = report(tmp_path, "kitakyushu.txt", "令和6年度 北九州市 国際政策課 事業概要\n\n"
                 "・兄弟都市 タコマ市（アメリカ合衆国）\n・友好親善都市 大連市（中華人民共和国）\n"
                 "・経済交流都市 仁川広域市（大韓民国）\n")
    _, rels, _ = relations(doc)
    assert {("sister", "tacoma"), ("friendship", "dalian"), ("partner", "incheon")} <= set(rels)


def test_enumerated_partners_memberships_and_a_spaced_budget_head(tmp_path):
    """A list of partners before a collective relation word (a partner stated elsewhere with
    its own type keeps that), networks the city joined (に加盟), and a budget head written as a
    "(1)" heading with its amounts spaced, each with its own unit."""
    doc = report(tmp_path, "nagoya.txt", "名古屋市国際交流課　令和５年度事業報告\n\n第１章　交流\n"
                 "本市は、メキシコ市、南京市、シドニー市、トリノ市と姉妹友好都市の関係にある。\n"
                 "南京市とは1978年12月21日に友好都市提携を結んだ。\n\n第２章　ネットワーク\n"
                 "本市は、シティネット及びメトロポリスに加盟している。\n\n第３章　予算\n"
                 "（１）国際交流事業費\n本年度予算額　　235,000千円\n前年度予算額　　210,000千円\n"
                 "財源内訳　一般財源　200,000千円\n")
    _, rels, extraction = relations(doc)
    # (姉妹友好都市 does not say which: a twinning of unstated type, issue 15)
    assert {("twinning", "mexico-city"), ("twinning", "sydney"), ("twinning", "turin"),
            ("friendship", "nanjing")} <= set(rels)
    assert ("sister", "nanjing") not in rels
    members = {f.data["network"].key: f.data["role_en"] for f in extraction.facts
               if f.kind == "membership"}
    assert members == {"citynet": "member", "metropolis": "member"}
    money = {(f.kind, f.data["fiscal_year"]): f.data["amount"] for f in extraction.facts
             if f.kind in ("budget", "funding") and f.data["program"] == "国際交流事業費"}
    assert money == {("budget", 2023): 235_000_000, ("budget", 2022): 210_000_000,
                     ("funding", 2023): 200_000_000}


def test_unbulleted_list_under_a_collective_heading(tmp_path):
    """Entries without bullets (a name, the country in brackets, a date in any notation) are
    list items, not one paragraph; an entry's own relation word wins over the heading's."""
    doc = report(tmp_path, "kobe.txt", "神戸市　国際部　令和５年度の主な取組\n\n１．姉妹・友好都市\n"
                 "シアトル市（アメリカ）　1957年10月21日提携\n"
                 "マルセイユ市（フランス）　S36.7.15提携\n"
                 "天津市（中国）　1973.6.24 友好都市提携\n")
    document, rels, _ = relations(doc)
    assert document.data["publisher"].code == "28100"  # not 津市 inside 天津市
    assert starts(rels) == {
        # under 姉妹・友好都市, an entry without a word of its own is a twinning of unstated type
        ("twinning", "seattle"): "1957-10-21", ("twinning", "marseille"): "1961-07-15",
        ("friendship", "tianjin"): "1973-06-24"}


def test_english_list_with_bare_years(tmp_path):
    doc = report(tmp_path, "sapporo.txt", "City of Sapporo International Relations Report FY2023\n\nSister Cities\n"
                 "Munich (Germany) - 1972\nShenyang (China) - 1980 (friendship city)\n")
    document, rels, _ = relations(doc)
    assert document.data["publisher"].code == "01100"
    assert starts(rels) == {
        ("sister", "munich"): "1972", ("friendship", "shenyang"): "1980"}


def test_partner_table_with_space_separated_columns(tmp_path):
    doc = report(tmp_path, "sapporo.txt", "令和5年度 札幌市の国際交流\n\n姉妹都市一覧\n都市名 国名 提携年月日\n"
                 "ミュンヘン市 ドイツ 1972年8月28日\nノボシビルスク市 ロシア 1990年6月13日\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {
        ("sister", "munich"): "1972-08-28", ("sister", "novosibirsk"): "1990-06-13"}


def test_colon_key_value_record_and_bracket_headings(tmp_path):
    doc = report(tmp_path, "sakai.txt", "令和5年度 堺市 国際交流の概要\n\n【姉妹都市】\n"
                 "バークレー市（米国）　昭和42年（1967年）10月提携\n\n【友好都市】\n"
                 "連雲港市（中華人民共和国）　1983年12月3日\n\n"
                 "姉妹都市：ダルエスサラーム市（タンザニア）\n提携日：1985年4月1日\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {
        ("sister", "berkeley"): "1967-10", ("friendship", "lianyungang"): "1983-12-03",
        ("sister", "dar-es-salaam"): "1985-04-01"}


def test_representative_office_host_city(tmp_path):
    doc = report(tmp_path, "kitakyushu.txt", "令和5年度 北九州市 国際政策の概要\n\n３ 海外拠点\n"
                 "北九州市は、大連事務所（中国）及びバンコク駐在員事務所（タイ）を設置している。\n")
    _, extraction = extract_document(doc)
    hosts = {f.data["name"]: f.data["host"].key for f in extraction.facts if f.kind == "office"}
    assert hosts == {"大連事務所": "dalian", "バンコク駐在員事務所": "bangkok"}


def test_a_quoted_festival_is_one_event_not_a_conference(tmp_path):
    doc = report(tmp_path, "okayama.txt", "令和5年度 岡山市 国際交流事業実績\n\n"
                 "「おかやま国際フェスティバル2023」を10月に開催し、約5,000人が来場した。\n")
    _, extraction = extract_document(doc)
    assert [f.data["name"] for f in extraction.facts if f.kind == "event"] == \
        ["おかやま国際フェスティバル2023"]


def test_numbered_entries_under_a_collective_heading(tmp_path):
    """"(1) …" entries read as sub-headings by the segmenter are still the list's entries when
    they date a partner; "姉妹都市等" does not say which kind each is, and that is reported."""
    doc = report(tmp_path, "niigata.txt", "令和5年度 新潟市国際交流事業実績\n\n姉妹都市等\n"
                 "(1) ガルベストン市（アメリカ合衆国） 昭和40年（1965年）10月14日締結\n"
                 "(2) ハルビン市（中華人民共和国） 昭和54年（1979年）12月18日締結\n"
                 "(3) ナント市（フランス共和国） 平成21年（2009年）10月23日 友好都市\n"
                 "(4) 市民交流の推進\n\n国際交流員を招致した。\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "galveston"): "1965-10-14",
                            ("sister", "harbin"): "1979-12-18",
                            ("friendship", "nantes"): "2009-10-23"}
    untyped = [p.text for p in extraction.problems if "not stated" in p.message]
    assert len(untyped) == 2 and "ナント" not in "".join(untyped)


def test_exchanges_suspended_or_ended_set_the_status(tmp_path):
    doc = report(tmp_path, "kitakyushu.txt",
                 "2023年度 北九州市 国際政策の概要\n\n■姉妹都市\n・ノーフォーク市（アメリカ）　1962年5月\n"
                 "・仁川広域市（韓国）　1988年\n・大連市（中国）　1979年5月1日\n\n"
                 "仁川広域市とは2015年に交流を休止している。\n"
                 "大連市とは2020年に交流を一時停止していたが、2023年に再開した。\n"
                 "ノーフォーク市との姉妹都市提携は2021年に解消した。\n"
                 "ハバロフスク市（ロシア）とは2022年以降交流を停止している。\n")
    _, rels, extraction = relations(doc)
    status = {k[1]: f.data.get("status", "active") for k, f in rels.items()}
    assert status == {"norfolk": "ended", "incheon": "suspended", "dalian": "active"}
    assert rels[("sister", "incheon")].data["status_span"].first_line == 8
    assert rels[("sister", "norfolk")].data["end"].iso() == "2021"
    assert "end" not in rels[("sister", "incheon")].data  # suspended, not ended
    assert any("ハバロフスク" in p.message and "no agreement" in p.message
               for p in extraction.problems)


def test_english_list_with_month_names_and_plural_headings(tmp_path):
    doc = report(tmp_path, "kyoto.txt", "Kyoto City International Relations Overview FY2023\n\nSister Cities\n"
                 "Paris (France) June 15, 1958\nBoston (U.S.A.) 24 June 1959\n\n"
                 "Partner Cities\nJinju (Republic of Korea), 1999\nQingdao (China), Sept. 2012\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "paris"): "1958-06-15", ("sister", "boston"): "1959-06-24",
                            ("partner", "jinju"): "1999", ("partner", "qingdao"): "2012-09"}


@pytest.mark.parametrize("separator", ["\t", "   "])
def test_table_with_a_column_for_the_kind(tmp_path, separator):
    """Numbered rows whose last column names the kind; with spaces for tabs the segmenter reads
    them as numbered headings. A city the gazetteer lacks takes its country from its column."""
    rows = [["No.", "都市名", "国名", "提携年月日", "区分"],
            ["1", "オマハ市", "アメリカ合衆国", "1965年5月24日", "姉妹都市"],
            ["2", "カンヌ市", "フランス共和国", "1991年11月13日", "姉妹都市"],
            ["3", "栄州市", "大韓民国", "1995年9月26日", "友好都市"]]
    doc = report(tmp_path, "shizuoka.txt", "令和5年度 国際交流の概要 (静岡市)\n\n"
                 + "".join(separator.join(r) + "\n" for r in rows))
    _, rels, extraction = relations(doc)
    assert {k: (f.data["start"].iso(), f.data["partner"].country) for k, f in rels.items()} == {
        ("sister", "omaha"): ("1965-05-24", "us"), ("sister", "cannes"): ("1991-11-13", "fr"),
        ("friendship", "yeongju"): ("1995-09-26", "kr")}
    assert any("栄州市" in p.message for p in extraction.problems)


def test_a_chinese_district_the_gazetteer_lacks_is_read_in_mandarin(tmp_path):
    doc = report(tmp_path, "shinjuku.txt", "新宿区 多文化共生・国際交流の取組 令和5年度\n\n新宿区の友好提携都市\n"
                 "・東城区（中国・北京市）　平成21年（2009年）9月 友好交流協議書\n")
    _, rels, _ = relations(doc)
    (key, fact), = rels.items()
    assert key == ("friendship", "dongcheng") and fact.data["partner"].label_en == "Dongcheng"
    assert fact.data["start"].iso() == "2009-09"


def test_narrative_with_an_opening_date_and_a_counted_list(tmp_path):
    """The date that opens the clause dates the partner; a list whose countries qualify each
    name and whose count stands before the relation words; joined relation words are a
    collective word, yielding to each partner's own type."""
    doc = report(tmp_path, "kanazawa.txt",
                 "令和５年度 金沢市の国際交流\n\n本市は、昭和37年にアメリカ合衆国のバッファロー市と姉妹都市提携を"
                 "結んだのを皮切りに、フランスのナンシー市、中国の蘇州市、韓国の全州市など、現在８都市と"
                 "姉妹都市・友好交流都市の関係にある。\n\n蘇州市とは友好都市提携40周年を迎えた。\n")
    _, rels, extraction = relations(doc)
    assert {k: f.data["start"] and f.data["start"].iso() for k, f in rels.items()} == {
        # "提携40周年を迎えた" in a FY2023 report: 1983, derived (issue 15's gold)
        ("sister", "buffalo"): "1962", ("twinning", "nancy"): None, ("twinning", "jeonju"): None,
        ("friendship", "suzhou"): "1983"}
    assert rels[("friendship", "suzhou")].data["derived"]
    untyped = [p.message for p in extraction.problems if "not stated" in p.message]
    assert len(untyped) == 2 and not any("蘇州" in m for m in untyped)


@pytest.mark.parametrize("separator, header", [
    ("\t", ["事業名", "令和5年度予算額", "令和4年度予算額", "増減"]),
    ("   ", ["事業名", "本年度予算額", "前年度予算額", "増減"]),
    ("\t", ["事業名", "R5年度当初予算(A)", "R4年度当初予算(B)", "増減(A-B)"])])
def test_budget_table_with_amount_columns_named_by_year(tmp_path, separator, header):
    rows = [header, ["国際交流推進事業", "12,345", "11,000", "1,345"],
            ["海外事務所運営事業", "8,500", "9,000", "△500"]]
    doc = report(tmp_path, "sagamihara.txt", "令和5年度 国際課 予算概要 （相模原市）\n\n（単位：千円）\n"
                 + "".join(separator.join(r) + "\n" for r in rows))
    _, extraction = extract_document(doc)
    budgets = {(f.data["program"], f.data["fiscal_year"]): f.data["amount"]
               for f in extraction.facts if f.kind == "budget"}
    assert budgets == {("国際交流推進事業", 2023): 12_345_000, ("国際交流推進事業", 2022): 11_000_000,
                       ("海外事務所運営事業", 2023): 8_500_000, ("海外事務所運営事業", 2022): 9_000_000}


def test_office_table_and_a_list_of_networks_the_city_belongs_to(tmp_path):
    """Offices named with the city's own name, listed under a heading further up; networks
    listed under a heading that says the city belongs to them."""
    doc = report(tmp_path, "fukuoka.txt", "令和5年度 福岡市の国際施策\n\n３ 海外事務所\n名称\t所在地\t設置年\n"
                 "福岡市釜山事務所\t大韓民国 釜山広域市\t2007年\n福岡市上海事務所\t中華人民共和国 上海市\t1998年\n\n"
                 "４ 加盟している国際ネットワーク\n・シティネット（CITYNET）\n・世界大都市気候先導グループ（C40）\n\n"
                 "５ 国際協力\n・シティネットの研修に職員を派遣した。\n")
    _, extraction = extract_document(doc)
    offices = {f.data["name"]: (f.data["host"].key, f.data["covers"])
               for f in extraction.facts if f.kind == "office"}
    assert offices == {"釜山事務所": ("busan", ("kr",)), "上海事務所": ("shanghai", ("cn",))}
    members = [(f.data["network"].key, f.span.first_line)
               for f in extraction.facts if f.kind == "membership"]
    assert members == [("citynet", 9), ("c40", 10)]


def test_partners_listed_after_the_relation_word(tmp_path):
    doc = report(tmp_path, "chiba.txt",
                 "令和５年度　千葉市国際交流の概要\n\n本市の姉妹都市は、ヒューストン市（アメリカ）、"
                 "モントルー市（スイス）、ケソン市（フィリピン）である。また、友好都市として天津市（中国）と交流している。\n\n"
                 "ロサンゼルス市（アメリカ）（姉妹都市）　１９５９年\n")
    _, rels, _ = relations(doc)
    assert {k: f.data["start"] and f.data["start"].iso() for k, f in rels.items()} == {
        ("sister", "houston"): None, ("sister", "montreux"): None, ("sister", "quezon-city"): None,
        ("friendship", "tianjin"): None, ("sister", "los-angeles"): "1959"}


def test_an_agreement_in_preparation_is_reported_not_recorded(tmp_path):
    doc = report(tmp_path, "okayama.txt",
                 "令和5年度 岡山市 国際交流の概要\n\nベトナムのダナン市との友好都市提携に向けた協議を開始した。\n"
                 "フエ市（ベトナム）と姉妹都市提携を検討している。\n\n"
                 "姉妹都市サンノゼ市との提携50周年に向けた記念事業を行った。\n")
    _, rels, extraction = relations(doc)
    assert set(rels) == {("sister", "san-jose")}
    assert len([p for p in extraction.problems if "in preparation" in p.message]) == 2


def test_a_city_the_gazetteer_lacks_qualified_by_its_country(tmp_path):
    doc = report(tmp_path, "otaru.txt",
                 "令和5年度 小樽市 国際交流\n\n1979年にアメリカ合衆国のボウマンビル市と姉妹都市提携を行った。\n")
    _, rels, extraction = relations(doc)
    (key, fact), = rels.items()
    assert key[0] == "sister" and fact.data["partner"].label_ja == "ボウマンビル市"
    assert fact.data["partner"].country == "us" and fact.data["start"].iso() == "1979"
    assert any("ボウマンビル市" in p.message for p in extraction.problems)
    doc.write_text("令和5年度 新潟市 国際交流\n\n2015年に中国の呉江区と交流協定を結んだ。東京都の港区とも交流した。\n",
                   encoding="utf-8")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("cooperation", "wujiang"): "2015"}


def test_pillars_as_headings_and_numbered_programs_with_amounts(tmp_path):
    doc = report(tmp_path, "sakai.txt", "令和5年度 国際施策の概要 堺市\n\n基本目標Ⅰ 多文化共生のまちづくり\n"
                 "（1）外国人市民への情報提供の充実　　5,200千円\n（2）日本語学習の支援　　3,100千円\n"
                 "基本目標Ⅱ 国際交流の推進\n（1）姉妹友好都市交流事業　　8,000千円\n\n"
                 "3 予算の概要\n（1）一般管理費　　9,000千円\n")
    _, extraction = extract_document(doc)
    facts = extraction.facts
    assert {(f.data["label"], f.data["number"]) for f in facts if f.kind == "pillar"} == {
        ("多文化共生のまちづくり", "1"), ("国際交流の推進", "2")}
    assert {f.data["program"]: f.data["amount"] for f in facts if f.kind == "budget"} == {
        "外国人市民への情報提供の充実": 5_200_000, "日本語学習の支援": 3_100_000,
        "姉妹友好都市交流事業": 8_000_000, "一般管理費": 9_000_000}
    assert {(f.data["program"], f.data["pillar"]) for f in facts if f.kind == "implements"} == {
        ("外国人市民への情報提供の充実", "多文化共生のまちづくり"), ("日本語学習の支援", "多文化共生のまちづくり"),
        ("姉妹友好都市交流事業", "国際交流の推進")}


def test_english_list_with_commas_membership_and_suspension(tmp_path):
    doc = report(tmp_path, "sapporo-en.txt", "City of Sapporo International Relations FY2023\n\nSister Cities\n"
                 "Munich, Germany (1972)\nNovosibirsk, Russia (1990)\n\nFriendship City\n"
                 "Daejeon, Republic of Korea (2010)\n\nSapporo has been a member of CITYNET since "
                 "2005. In 2022, exchanges with Novosibirsk were suspended.\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "munich"): "1972", ("sister", "novosibirsk"): "1990",
                            ("friendship", "daejeon"): "2010"}
    assert rels[("sister", "novosibirsk")].data["status"] == "suspended"
    assert [f.data["network"].key for f in extraction.facts if f.kind == "membership"] == ["citynet"]


def test_another_municipalitys_agreement_is_not_the_publishers(tmp_path):
    doc = report(tmp_path, "kobe.txt",
                 "令和5年度 神戸市 国際交流\n\n大阪市とシカゴ市は1973年に姉妹都市提携を結んでいる。"
                 "県内では、姫路市がフェニックス市と姉妹都市提携を結んでいる。神戸市はシアトル市と姉妹都市である。\n")
    _, rels, extraction = relations(doc)
    assert set(rels) == {("sister", "seattle")}
    assert len({p.message for p in extraction.problems if "not the publisher's" in p.message}) == 2


def test_bulleted_programs_with_their_amounts(tmp_path):
    """"・name amount (前年度 amount)": a program and its budget; an amount that is part of the
    first ("うち国費") is not the year before."""
    doc = report(tmp_path, "kawasaki.txt", "令和6年度 川崎市 国際施策 予算案の概要\n\n◆ 多文化共生の推進\n"
                 "・外国人市民代表者会議の運営　350万円（前年度 320万円）\n"
                 "・多言語情報発信の充実　1,200万円（うち国費 300万円）\n"
                 "・姉妹・友好都市との交流　2,500万円（新規）\n")
    _, extraction = extract_document(doc)
    assert {f.data["program"]: (f.data["fiscal_year"], f.data["amount"], f.data["previous"])
            for f in extraction.facts if f.kind == "budget"} == {
        "外国人市民代表者会議の運営": (2024, 3_500_000, 3_200_000),
        "多言語情報発信の充実": (2024, 12_000_000, None),
        "姉妹・友好都市との交流": (2024, 25_000_000, None)}


def test_a_table_dumped_one_cell_a_line(tmp_path):
    """PDF text extraction without layout puts each table cell on its own line."""
    doc = report(tmp_path, "kobe.txt",
                 "令和5年度 神戸市 国際交流\n\n姉妹都市\n都市名\n国名\n提携年月日\nシアトル市\nアメリカ\n"
                 "1957年10月21日\nマルセイユ市\nフランス\n1961年7月15日\n\n友好都市\n天津市\n中国\n1973年6月24日\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "seattle"): "1957-10-21", ("sister", "marseille"): "1961-07-15",
                            ("friendship", "tianjin"): "1973-06-24"}
    seattle = rels[("sister", "seattle")].span
    assert (seattle.first_line, seattle.last_line) == (7, 9)


def test_tabbed_table_with_a_kind_column_and_another_governments_table(tmp_path):
    """Rows of a typed table are rows, not key–value records (even when the first cell is a
    relation word, and with empty trailing cells); a table under a heading that names another
    local government ("(参考)千葉県の…") is that government's; a remark ends an agreement."""
    doc = report(tmp_path, "chiba.txt",
                 "千葉市 国際交流の概要（令和5年度）\n\n2 海外の姉妹・友好都市\n"
                 "区分\t都市名\t国名\t提携年月日\t備考\n"
                 "姉妹都市\tアスンシオン市\tパラグアイ共和国\t昭和45年10月23日\t\n"
                 "友好都市\t天津市\t中華人民共和国\t昭和61年5月7日\t\n"
                 "経済交流都市\t昆山市\t中華人民共和国\t平成24年9月14日\t覚書の期間満了により令和5年3月31日終了\n\n"
                 "(参考)千葉県の海外姉妹・友好提携先\n区分\t相手先\t国名\t提携年\n"
                 "姉妹州\tウィスコンシン州\tアメリカ合衆国\t平成2年\n\n"
                 "3 主な交流実績\n相手都市\t時期\t内容\t参加人数\n天津市\t令和5年10月\t実務者協議\t8\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "asuncion"): "1970-10-23",
                            ("friendship", "tianjin"): "1986-05-07",
                            ("partner", "kunshan"): "2012-09-14"}
    kunshan = rels[("partner", "kunshan")].data
    assert kunshan["status"] == "ended" and kunshan["end"].iso() == "2023-03-31"
    assert any("千葉県's agreement" in p.message for p in extraction.problems)


@pytest.mark.parametrize("note", [
    "※ 京都府の友好提携先（陝西省等）は本表に含まない。",
    "キーウ市の姉妹都市であるミュンヘン市等と連携した支援を行う。",
])
def test_a_partner_named_as_someone_elses_is_not_the_publishers(tmp_path, note):
    doc = report(tmp_path, "kyoto.txt", "令和5年度 京都市 国際交流\n\n姉妹都市\n"
                 "キーウ市（ウクライナ） 1971年10月5日\n\n" + note + "\n")
    _, rels, extraction = relations(doc)
    assert set(rels) == {("sister", "kyiv")}
    assert any("not the publisher's" in p.message for p in extraction.problems)


def test_narrative_with_a_former_city_as_subject_and_a_suspension_not_resumed(tmp_path):
    doc = report(tmp_path, "kitakyushu.txt",
                 "令和5年度 北九州市 国際政策の概要\n\n"
                 "本市の姉妹都市交流は、昭和34年に旧小倉市がアメリカ・ワシントン州のタコマ市と姉妹都市提携を"
                 "結んだことに始まる。\n平成3年に経済交流に関する協定を締結したロシアのウラジオストク市とは、"
                 "令和4年2月以降、すべての交流を停止しており、現在も再開の見通しは立っていない。\n"
                 "本市は、中国・大連市に「北九州市大連事務所」を設置している。\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "tacoma"): "1959", ("cooperation", "vladivostok"): "1991"}
    assert rels[("cooperation", "vladivostok")].data["status"] == "suspended"
    assert {f.data["name"] for f in extraction.facts if f.kind == "office"} == {"大連事務所"}


def test_a_record_keyed_by_its_kind_and_an_end_dated_in_its_own_sentence(tmp_path):
    doc = report(tmp_path, "sakai.txt", "堺市 国際交流の取組（令和5年度）\n\n"
                 "友好交流都市：ダナン市（ベトナム）\n提携日：2014年\n\n"
                 "なお、ダナン市（ベトナム）との友好都市提携は2020年に解消した。\n")
    _, rels, _ = relations(doc)
    danang = rels[("friendship", "da-nang")].data
    assert (danang["start"].iso(), danang["status"], danang["end"].iso()) == ("2014", "ended", "2020")


def test_english_numbered_headings_items_with_their_own_kind_and_notes(tmp_path):
    """"3. Sister Cities" is a heading; an item names its own kind; "has not been dissolved"
    changes nothing; a note on the prefecture's partners keeps them out."""
    doc = report(tmp_path, "hiroshima.txt",
                 "City of Hiroshima International Relations - Fiscal Year 2023\n\n"
                 "3. Sister and Friendship Cities\nThe City has relationships with these cities:\n\n"
                 "  * Honolulu, USA (June 15, 1959) - Sister City\n"
                 "  * Chongqing, China (October 1986) - Friendship City\n"
                 "  * Montreal, Canada - May 1998 (Sister City)\n\n"
                 "Exchanges with Honolulu were suspended in FY2022; the sister city agreement itself "
                 "has not been dissolved.\n\nNote: Hawaii (sister state) is a partner of Hiroshima "
                 "Prefecture, not of the City of Hiroshima.\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "honolulu"): "1959-06-15", ("friendship", "chongqing"): "1986-10",
                            ("sister", "montreal"): "1998-05"}
    assert rels[("sister", "honolulu")].data["status"] == "suspended"
    assert any("Hiroshima Prefecture's agreement" in p.message for p in extraction.problems)


def test_a_kind_cell_spans_the_rows_below_it(tmp_path):
    """Space-separated rows (longer than a short line once the padding is counted) where the
    kind is written once for its group."""
    pad = " " * 12
    doc = report(tmp_path, "kobe.txt", "令和5年度 神戸市 国際部 予算概要\n\n(参考2) 姉妹都市・友好都市・親善協力都市\n"
                 f"姉妹都市{pad}シアトル市{pad}アメリカ{pad}1957年(昭和32年)10月21日\n"
                 f"{pad}{pad}マルセイユ市{pad}フランス{pad}1961年(昭和36年)7月3日\n"
                 f"友好都市{pad}天津市{pad}中国{pad}1973年(昭和48年)6月24日\n"
                 f"親善協力都市{pad}フィラデルフィア市{pad}アメリカ{pad}1986年(昭和61年)10月14日\n"
                 f"{pad}{pad}バルセロナ市{pad}スペイン{pad}平成5年(1993年)\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "seattle"): "1957-10-21", ("sister", "marseille"): "1961-07-03",
                            ("friendship", "tianjin"): "1973-06-24",
                            ("partner", "philadelphia"): "1986-10-14", ("partner", "barcelona"): "1993"}


def test_a_table_dumped_one_cell_a_line_with_the_kind_last(tmp_path):
    doc = report(tmp_path, "kawasaki.txt", "令和5年度 川崎市の国際施策\n\n2 姉妹・友好都市\n"
                 "都市名\n国名\n提携年月日\n区分\nリエカ市\nクロアチア\n1977年4月1日\n姉妹都市\n"
                 "瀋陽市\n中国\n1981年8月18日\n友好都市\nウーロンゴン市\nオーストラリア\n1988年5月24日\n姉妹都市\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "rijeka"): "1977-04-01", ("friendship", "shenyang"): "1981-08-18",
                            ("sister", "wollongong"): "1988-05-24"}


def test_a_table_of_contents_entry_whose_note_wrapped_and_spaced_out_names(tmp_path):
    doc = report(tmp_path, "okayama.txt", "令和5年度 岡山市 国際交流事業報告書\n\n目 次\n\n"
                 "第1章 姉 妹 ・ 友 好 都 市 と の 交 流 ........ 3\n"
                 "  2  プ ロ ヴ デ ィ フ 市（ブルガリア共和国）\n     〔昭和47年 姉妹都市提携〕 . . . . . . . .  9\n"
                 "     (1) 中学生絵画交流展      10\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "plovdiv"): "1972"}


@pytest.mark.parametrize("text, networks", [
    ("4 国際的なネットワークへの参加\n・平和首長会議\n・ICLEI（持続可能性をめざす自治体協議会）\n",
     {"mayors-for-peace", "iclei"}),
    ("3 国際ネットワーク\n本市は以下の国際的な都市ネットワークに加盟しています。\n・世界遺産都市機構（OWHC）\n"
     "    2019年に加盟。\n・イクレイ－持続可能性をめざす自治体協議会（ICLEI）\n", {"world-heritage-cities", "iclei"}),
    ("本市は、シティネット（CITYNET）の正会員として研修に関わっている。また、持続可能性をめざす自治体協議会"
     "（ICLEI）にも加盟している。さらに東アジア経済交流推進機構には、創設メンバーとして参加している。\n",
     {"citynet", "iclei", "oeaed"}),
    ("目次\n3 国際的な都市ネットワークへの参加 ..... 46\n(1) メト口ポリス（世界大都市圏協会） ..... 46\n"
     "(2) イクレイ（持続可能性をめざす自治体協議会） ..... 47\n", {"metropolis", "iclei"}),
    ("5. Memberships in International Organizations\n  - Mayors for Peace\n  - CITYNET\n",
     {"mayors-for-peace", "citynet"}),
])
def test_networks_the_city_belongs_to(tmp_path, text, networks):
    doc = report(tmp_path, "city.txt", "令和5年度 千葉市 国際交流の概要\n\n" + text)
    _, extraction = extract_document(doc)
    assert {f.data["network"].key for f in extraction.facts if f.kind == "membership"} == networks


def budgets_of(path) -> dict:
    _, extraction = extract_document(path)
    return {(f.data["program"], f.data["fiscal_year"]): (f.data["amount"], f.data["previous"])
            for f in extraction.facts if f.kind == "budget"}


def test_program_lines_ending_in_a_bare_amount_under_a_unit_header(tmp_path):
    """"(1) name      12,340" under "(単位:千円)"; a name wrapped onto the next line; a "［新規］"
    mark is not part of the name; a pillar line with its amounts and a total line are not
    programs."""
    doc = report(tmp_path, "kobe.txt", "令和5年度 神戸市 国際部 予算概要\n\n2 主な事業\n"
                 "                                   (単位:千円)\n"
                 "  【施策の柱1】  国際交流・協力の推進                          19,140\n"
                 "    (1) 姉妹都市等との交流推進                                  12,340\n"
                 "        姉妹都市との行政・市民交流を推進する。\n"
                 "    (2) ［新規］青少年国際交流事業                               6,800\n"
                 "    (3) 海外事務所を活用した経済交流・都市プロモー\n"
                 "        ション推進事業                                          63,420\n"
                 "        シアトル事務所・天津事務所を拠点に、企業の海外展開を支援する。\n"
                 "                            柱1 計                              82,560\n")
    _, extraction = extract_document(doc)
    assert budgets_of(doc) == {("姉妹都市等との交流推進", 2023): (12_340_000, None),
                               ("青少年国際交流事業", 2023): (6_800_000, None),
                               ("海外事務所を活用した経済交流・都市プロモーション推進事業", 2023): (63_420_000, None)}
    assert {f.data["label"] for f in extraction.facts if f.kind == "pillar"} == {"国際交流・協力の推進"}
    assert {f.data["name"] for f in extraction.facts if f.kind == "office"} == {"シアトル事務所", "天津事務所"}


def test_amounts_on_the_line_after_the_name_and_in_running_text(tmp_path):
    doc = report(tmp_path, "kyoto.txt", "令和5年度 京都市 予算の概要\n\n(1) 姉妹都市交流の推進\n"
                 "ア 姉妹都市交流推進事業\n  予算額 12,345千円（前年度 11,000千円）\n  青少年の相互派遣を行う。\n"
                 "イ パリ市との友情盟約65周年記念事業\n  予算額 4,800千円（新規）\n\n"
                 "このほか、「海外事務所運営事業」に24,800千円、「東アジア経済交流推進機構負担金」に620万円を"
                 "計上し、国際交流センター管理運営事業として123,400千円を計上している。\n"
                 "① 姉妹・友好都市交流事業　　1.2百万円（前年度 0.9百万円）\n")
    assert budgets_of(doc) == {("姉妹都市交流推進事業", 2023): (12_345_000, 11_000_000),
                               ("パリ市との友情盟約65周年記念事業", 2023): (4_800_000, None),
                               ("海外事務所運営事業", 2023): (24_800_000, None),
                               ("東アジア経済交流推進機構負担金", 2023): (6_200_000, None),
                               ("国際交流センター管理運営事業", 2023): (123_400_000, None),
                               ("姉妹・友好都市交流事業", 2023): (1_200_000, 900_000)}


def test_budget_tables_in_english_and_dumped_one_cell_a_line(tmp_path):
    english = report(tmp_path, "hiroshima.txt", "City of Hiroshima International Relations - Fiscal Year 2023\n\n"
                     "Table 3: Budget (unit: thousand yen)\n\n  Program                     FY2023       FY2022\n"
                     "  --------------------------------------------------\n"
                     "  Mayors for Peace Promotion      58,240       55,100\n"
                     "  Sister City Exchange            21,730        9,860\n"
                     "  Total                           79,970       64,960\n")
    assert budgets_of(english) == {("Mayors for Peace Promotion", 2023): (58_240_000, 55_100_000),
                                   ("Mayors for Peace Promotion", 2022): (55_100_000, None),
                                   ("Sister City Exchange", 2023): (21_730_000, 9_860_000),
                                   ("Sister City Exchange", 2022): (9_860_000, None)}
    cells = report(tmp_path, "kawasaki.txt", "令和5年度 川崎市の国際施策\n\n6 国際施策関係予算\n(単位:千円)\n"
                   "事業名\n令和5年度\n令和4年度\n増減\n姉妹・友好都市交流事業\n18,420\n15,360\n3,060\n"
                   "国際ビジネス推進事業\n25,600\n27,300\n△1,700\n合計\n44,020\n42,660\n1,360\n")
    assert budgets_of(cells) == {("姉妹・友好都市交流事業", 2023): (18_420_000, 15_360_000),
                                 ("姉妹・友好都市交流事業", 2022): (15_360_000, None),
                                 ("国際ビジネス推進事業", 2023): (25_600_000, 27_300_000),
                                 ("国際ビジネス推進事業", 2022): (27_300_000, None)}


@pytest.mark.parametrize("text, pillars", [
    ("「国際ビジネスの推進」、「環境国際協力の推進」及び「多文化共生のまちづくり」の3つを施策の柱として位置づけている。\n",
     {"国際ビジネスの推進", "環境国際協力の推進", "多文化共生のまちづくり"}),
    ("施策の方向性1 国際交流を通じた都市魅力の向上\n姉妹都市との交流を通じて本市の魅力を発信する。\n\n"
     "施策の方向性2 多文化共生のまちづくり\n外国人市民が安心して暮らせる環境を整える。\n",
     {"国際交流を通じた都市魅力の向上", "多文化共生のまちづくり"}),
    ("2. Policy Goals\nGoal 1: Building a Peaceful World Free of Nuclear Weapons\n  - Holding A-bomb exhibitions\n"
     "Goal 2: Creating a Multicultural Community Where Everyone Can Thrive\n  - Multilingual consultation\n",
     {"Building a Peaceful World Free of Nuclear Weapons",
      "Creating a Multicultural Community Where Everyone Can Thrive"}),
])
def test_pillars_in_prose_in_paragraph_openings_and_in_english(tmp_path, text, pillars):
    doc = report(tmp_path, "city.txt", "令和5年度 堺市 国際交流の取組\n\n" + text)
    _, extraction = extract_document(doc)
    assert {f.data["label"] for f in extraction.facts if f.kind == "pillar"} == pillars


def test_entries_with_records_qualified_names_and_joint_partners(tmp_path):
    """An entry line with its record below ("提携年月日   …"), a status in the record; an
    entry opening with its country and state; two cities in one agreement; a state alone is
    a partner of its own; another government's office."""
    doc = report(tmp_path, "kanazawa.txt", "金沢市 国際交流の概要（令和5年度）\n\n第2章 姉妹都市\n\n"
                 "  1 バッファロー市（アメリカ合衆国 ニューヨーク州）\n      提携年月日   昭和37年12月19日\n"
                 "      人口         約27万人\n\n  2 イルクーツク市（ロシア連邦 イルクーツク州）\n"
                 "      提携年月日   昭和42年10月31日\n      交流の経緯   令和4年3月以降、全ての交流事業を"
                 "見合わせている。\n\n  3 ブルーミントン市・ノーマル市（アメリカ合衆国イリノイ州）\n"
                 "      提携   昭和37年\n\n"
                 "  ① 米国 テキサス州 サンアントニオ市（昭和62年10月）\n  ② カナダ アルバータ州（昭和55年）\n\n"
                 "本市職員1名を石川県上海事務所に駐在員として派遣している。\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "buffalo"): "1962-12-19", ("sister", "irkutsk"): "1967-10-31",
                            ("sister", "bloomington"): "1962", ("sister", "normal"): "1962",
                            ("sister", "san-antonio"): "1987-10", ("sister", "alberta"): "1980"}
    assert rels[("sister", "irkutsk")].data["status"] == "suspended"
    assert not [f for f in extraction.facts if f.kind == "office"]
    assert any("石川県's office" in p.message for p in extraction.problems)


def test_roman_numeral_sections_pillar_lines_and_an_accounts_table(tmp_path):
    """"Ⅴ 加盟団体" is a section; "柱1 …" lines in one paragraph are pillars; a table whose
    rows have descriptions indented under them; notes ("※ …決算見込額") are no programs."""
    doc = report(tmp_path, "kumamoto.txt", "令和5年度 当初予算の概要\n熊本市 国際交流振興課\n\nⅠ 施策の体系\n\n"
                 "    柱1 多文化共生のまちづくり\n    柱2 姉妹・友好都市等との交流推進\n\n"
                 "Ⅱ 歳出予算の概要\n                                   （単位：千円）\n"
                 "  事 業 名                          本年度          前年度          比較\n"
                 "  (1) 姉妹都市交流事業                8,450           7,980            470\n"
                 "      サンアントニオ市との青少年相互派遣等\n\n"
                 "  (2) 友好都市交流事業                3,620           3,100            520\n"
                 "      桂林市との行政職員相互派遣\n\n  ※ 令和4年度決算見込額は 55,918千円である。\n\n"
                 "Ⅴ 加盟団体\n\n  ・世界歴史都市連盟（平成6年加盟）\n")
    _, extraction = extract_document(doc)
    assert budgets_of(doc) == {("姉妹都市交流事業", 2023): (8_450_000, 7_980_000),
                               ("姉妹都市交流事業", 2022): (7_980_000, None),
                               ("友好都市交流事業", 2023): (3_620_000, 3_100_000),
                               ("友好都市交流事業", 2022): (3_100_000, None)}
    assert [f.data["label"] for f in extraction.facts if f.kind == "pillar"] == [
        "多文化共生のまちづくり", "姉妹・友好都市等との交流推進"]
    assert {f.data["network"].key for f in extraction.facts if f.kind == "membership"} == {
        "historical-cities"}


def test_pillars_announced_then_listed_and_rows_of_a_name_and_an_amount(tmp_path):
    doc = report(tmp_path, "asahikawa.txt", "令和5年度 旭川市 国際交流の概要\n\n1 基本方針\n  Basic Policy\n\n"
                 "  本市は、次の3つの柱に沿って国際交流を推進します。\n\n"
                 "    (1) 姉妹友好都市との市民交流の推進\n        Promoting citizen exchange\n"
                 "    (2) デザインを通じた世界とのつながりの創出\n        Creating global connections\n"
                 "    (3) 外国人住民が安心して暮らせる地域づくり\n\n"
                 "5 国際的なネットワーク\n  ・ユネスコ創造都市ネットワーク（デザイン分野）\n  ・世界冬の都市市長会\n\n"
                 "6 国際交流関係予算\n  姉妹都市交流推進費           12,340千円（前年度 11,800千円）\n"
                 "  合計                         12,340千円（前年度 11,800千円）\n")
    _, extraction = extract_document(doc)
    assert [f.data["label"] for f in extraction.facts if f.kind == "pillar"] == [
        "姉妹友好都市との市民交流の推進", "デザインを通じた世界とのつながりの創出",
        "外国人住民が安心して暮らせる地域づくり"]
    assert {f.data["network"].key for f in extraction.facts if f.kind == "membership"} == {
        "unesco-creative-cities", "wwcam"}
    assert budgets_of(doc) == {("姉妹都市交流推進費", 2023): (12_340_000, 11_800_000)}


def test_a_spreadsheet_saved_as_csv(tmp_path):
    """Excel's CSV: rows padded with empty cells, quoted amounts with their commas, era
    abbreviations (S54.5.2), a kind with a note in brackets, the unit in a column's header,
    a table of pillars and one of networks."""
    doc = report(tmp_path, "fukuoka.csv", "令和6年度 国際部 事業概要,,,\n福岡市 総務企画局 国際部,,,\n,,,\n"
                 "1 姉妹都市・友好都市等一覧,,,\n区分,都市名,国名,締結日\n"
                 "姉妹都市,ボルドー市,フランス,1982/11/8\n友好都市,広州市,中華人民共和国,S54.5.2\n"
                 "連携協定（スタートアップ分野）,ヘルシンキ市,フィンランド,R5.4.1\n,,,\n"
                 "4 令和6年度 国際部関係予算,,,\n事業名,令和6年度予算額(千円),令和5年度予算額(千円),増減\n"
                 '姉妹都市交流推進事業,"12,340","11,800",540\n合計,"12,340","11,800",540\n,,,\n'
                 "5 施策の柱,,,\n番号,施策の柱,,\n1,姉妹都市等との多様な交流の推進,,\n2,多文化共生のまちづくり,,\n,,,\n"
                 "6 加盟している国際的な都市間ネットワーク,,,\n団体名,加盟年,役割,\nシティネット,2019,準会員,\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "bordeaux"): "1982-11-08", ("friendship", "guangzhou"): "1979-05-02",
                            ("cooperation", "helsinki"): "2023-04-01"}
    assert budgets_of(doc) == {("姉妹都市交流推進事業", 2024): (12_340_000, 11_800_000),
                               ("姉妹都市交流推進事業", 2023): (11_800_000, None)}
    assert [f.data["label"] for f in extraction.facts if f.kind == "pillar"] == [
        "姉妹都市等との多様な交流の推進", "多文化共生のまちづくり"]
    assert {f.data["network"].key for f in extraction.facts if f.kind == "membership"} == {"citynet"}


def test_commas_in_english_prose_do_not_make_a_csv(tmp_path):
    doc = report(tmp_path, "hiroshima.txt", "City of Hiroshima International Relations - Fiscal Year 2023\n\n"
                 "3. Sister Cities\n  * Honolulu, USA (June 15, 1959) - Sister City\n"
                 "  * Montreal, Canada - May 1998 (Sister City)\n\nThe City, with its partners, held events.\n"
                 "Exchanges, visits and talks, all online, continued.\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "honolulu"): "1959-06-15", ("sister", "montreal"): "1998-05"}


def test_a_markdown_table(tmp_path):
    doc = report(tmp_path, "sagamihara.txt", "令和5年度 相模原市 国際交流の概要\n\n■ 姉妹都市\n\n"
                 "| 区分 | 都市名 | 国名 | 提携日 |\n|---|---|---|:---:|\n"
                 "| 姉妹都市 | トロント市 | カナダ | 1991年5月1日 |\n| 友好都市 | 無錫市 | 中国 | 1985年10月6日 |\n")
    _, rels, _ = relations(doc)
    assert starts(rels) == {("sister", "toronto"): "1991-05-01", ("friendship", "wuxi"): "1985-10-06"}


def test_a_markdown_report_with_notes_in_cells(tmp_path):
    """A state in the country's cell, a reading and a footnote mark by the name, a narrowed
    kind ("青少年交流協定") ended by its remark; "予算額(千円)" beside "前年度予算額(千円)"; pillars
    announced, then tabled."""
    doc = report(tmp_path, "sagamihara.md", "# 令和5年度 相模原市の国際交流 事業報告\n\n"
                 "「相模原市多文化共生推進プラン」（令和2年度～令和6年度）に基づき、"
                 "以下の2つを施策の柱として取り組んでいる。\n\n"
                 "● 施策の柱\n\n| 番号 | 施策の柱 |\n|---|---|\n"
                 "| 1 | 多文化共生社会の実現 |\n| 2 | 市民レベルの交流の推進 |\n\n"
                 "■ 2 姉妹都市・友好都市等\n\n| 区分 | 都市名 | 国名 | 提携日 | 備考 |\n|---|---|---|---|---|\n"
                 "| 姉妹都市 | トロント市※1 | カナダ（オンタリオ州） | 1987年11月26日 | |\n"
                 "| 友好都市 | 大田広域市〔テジョン〕 | 大韓民国 | 平成27年10月2日 | |\n"
                 "| パートナー都市 | ソノマ郡※2 | アメリカ合衆国（カリフォルニア州） | 2019年（令和元年）5月17日 | |\n"
                 "| 青少年交流協定 | ゴールドコースト市 | オーストラリア | 2012年4月1日 "
                 "| 令和4年3月31日 協定期間満了により終了 |\n\n"
                 "■ 4 令和5年度 予算\n\n| 事業名 | 予算額（千円） | 前年度予算額（千円） |\n|---|---|---|\n"
                 "| 外国人市民相談窓口運営事業 | 9,732 | 9,500 |\n| 多言語情報発信事業※5 | 3,150※6 | 2,800 |\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "toronto"): "1987-11-26", ("friendship", "daejeon"): "2015-10-02",
                            ("partner", "sonoma"): "2019-05-17",
                            ("cooperation", "gold-coast"): "2012-04-01"}
    gold_coast = rels[("cooperation", "gold-coast")].data
    assert (gold_coast["status"], gold_coast["end"].iso()) == ("ended", "2022-03-31")
    assert rels[("partner", "sonoma")].data["partner"].country == "us"
    assert budgets_of(doc)[("外国人市民相談窓口運営事業", 2023)] == (9_732_000, 9_500_000)
    assert budgets_of(doc)[("多言語情報発信事業", 2023)] == (3_150_000, 2_800_000)
    assert [f.data["label"] for f in extraction.facts if f.kind == "pillar"] == [
        "多文化共生社会の実現", "市民レベルの交流の推進"]


def test_a_villages_report_with_records_of_small_partner_towns(tmp_path):
    """Partners the gazetteer lacks (村, 町, 郡, 鎮) with their country first in the bracket;
    each record's 区分 gives the kind and its date row the start; a "※協定終了" ends it."""
    doc = report(tmp_path, "hakuba.txt", "令和5年度 国際交流事業の概要\n長野県北安曇郡白馬村\n\n"
                 "３ 友好都市・姉妹都市等の概要\n\n（１）レッヒ村（オーストリア共和国 フォアアールベルク州）\n"
                 "　　区分：友好都市\n　　提携日：平成19年（2007年）10月3日\n\n"
                 "（２）メスヴェン町（ニュージーランド カンタベリー地方）\n　　区分：姉妹都市\n"
                 "　　提携年：1994年（平成6年）\n\n"
                 "（３）亜布力鎮（中華人民共和国 黒竜江省尚志市）　※協定終了\n　　区分：友好交流協定\n"
                 "　　締結：2001年（平成13年）\n")
    _, rels, _ = relations(doc, resolve_publisher("白馬村"))
    assert {k: (v.data["start"].iso(), v.data["partner"].country) for k, v in rels.items()} == {
        ("friendship", "rehhi"): ("2007-10-03", "at"), ("sister", "mesuven"): ("1994", "nz"),
        ("friendship", "yabuli"): ("2001", "cn")}
    assert rels[("friendship", "yabuli")].data["status"] == "ended"


def test_a_narrative_with_a_state_after_the_city_and_an_anniversary_next_year(tmp_path):
    doc = report(tmp_path, "yokosuka.txt", "令和5年度 横須賀市 国際交流の概要\n\n"
                 "1962年にコーパスクリスティ市（米国テキサス州）と姉妹都市提携を結び、以来60年以上にわたり交流している。\n"
                 "オーストラリア西オーストラリア州のフリーマントル市とは、来年度（令和6年度）に姉妹都市提携45周年を迎える。\n"
                 "令和5年11月8日、フリーマントル港湾公社と港湾協力に関する覚書を締結した。\n"
                 "また、国際港湾協会（IAPH）の会員となっている。\n\n"
                 "目次\n第２章 施策の柱と主な取組\n①多文化共生の地域づくり6\n②国際交流の推進 10\n"
                 "（１）姉妹都市との交流11\n③国際協力の推進30\n第３章 資料\n")
    _, rels, extraction = relations(doc)
    assert starts(rels) == {("sister", "corpus-christi"): "1962", ("sister", "fremantle"): "1979"}
    assert rels[("sister", "fremantle")].data["derived"]
    assert {f.data["network"].key for f in extraction.facts if f.kind == "membership"} == {"iaph"}
    assert [f.data["label"] for f in extraction.facts if f.kind == "pillar"] == [
        "多文化共生の地域づくり", "国際交流の推進", "国際協力の推進"]
