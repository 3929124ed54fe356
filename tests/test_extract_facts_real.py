"""Budgets, offices, memberships and pillars in the shapes real pages of other governments
take (text written for these tests, in those shapes)."""
import pytest

from citykg.loaders.pipeline import extract_document


def facts_of(tmp_path, text: str, name: str = "page.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_document(path)[1]


def pillars(extraction) -> list[str]:
    return [f.data["label"] for f in extraction.facts if f.kind == "pillar"]


@pytest.mark.parametrize("text, expected", [
    # quoted names before "…を2本柱に", their conjunction 及び
    ("堺市は、「国際ビジネスの推進」及び「地域の国際化」を2本柱に取り組んできました。\n",
     ["国際ビジネスの推進", "地域の国際化"]),
    # one quoted name a line, each with its Roman numeral, "の4つを…施策の柱とし"
    ("堺市のプランでは、\n「Ⅰ言葉の支援」\n「Ⅱ暮らしの支援」\n「Ⅲ参画の支援」\n「Ⅳ交流の推進」\n"
     "の4つを国際化施策の柱とし、施策を進めます。\n",
     ["言葉の支援", "暮らしの支援", "参画の支援", "交流の推進"]),
])
def test_quoted_pillars_counted_in_prose(tmp_path, text, expected):
    assert pillars(facts_of(tmp_path, "堺市 国際化の取組\n\n" + text)) == expected


@pytest.mark.parametrize("label", ["施策の分野", "【基本目標】", "基本方向"])
def test_numbered_lines_under_a_label_are_pillars(tmp_path, label):
    """A line naming what follows, then numbered lines counting up, each with a description
    indented under it; the name keeps its bracketed short word."""
    text = (f"堺市 国際化の指針\n\n{label}\n\n  1. 共に築くまち(協働)\n    対話と交流で地域をつくります。\n"
            "  2. 世界とつながるまち(創造)\n    海外の都市と連携します。\n"
            "  3. 安心して暮らせるまち(安心)\n    暮らしを支えます。\n\n詳しくは資料をご覧ください。\n"
            "\n  1. 資料一覧\n")
    assert pillars(facts_of(tmp_path, text)) == [
        "共に築くまち(協働)", "世界とつながるまち(創造)", "安心して暮らせるまち(安心)"]


def test_a_pillar_word_and_number_alone_names_the_line_below(tmp_path):
    text = ("堺市 国際化の方針\n\n基本方針Ⅰ\n外国人市民が暮らしやすい地域づくり\n\n"
            "基本方針Ⅱ\n世界とつながる人づくり\n")
    extraction = facts_of(tmp_path, text)
    assert [(f.data["label"], f.data["number"]) for f in extraction.facts if f.kind == "pillar"] == [
        ("外国人市民が暮らしやすい地域づくり", "1"), ("世界とつながる人づくり", "2")]


def memberships(extraction) -> set[tuple]:
    """{(network's Japanese name, role, member's key or None for the publisher)}"""
    return {(f.data["network"].label_ja, f.data["role_ja"],
             f.data["member"].key if f.data.get("member") else None)
            for f in extraction.facts if f.kind == "membership"}


def test_bodies_joined_in_one_sentence_the_gazetteer_lacking_one(tmp_path):
    """"AとBに加盟": each body is joined, a network the gazetteer lacks named by the page; a
    sentence whose subject is another city is that city's membership."""
    text = ("堺市 平和の取組\n\n堺市は、平和首長会議と核兵器廃絶平和都市協議会に加盟し、平和を発信しています。\n"
            "なお、岡山市は全国緑化都市連盟に加盟しています。\n")
    extraction = facts_of(tmp_path, text)
    assert memberships(extraction) == {("平和首長会議", "会員", None), ("核兵器廃絶平和都市協議会", "会員", None),
                                       ("全国緑化都市連盟", "会員", "okayama")}


def test_members_listed_under_a_label_and_office_holders_under_their_role(tmp_path):
    """The publisher among the listed members is a member with that role; the others are
    their own members, not the publisher's."""
    text = ("堺市 国際ネットワーク\n\n東アジア経済交流推進機構 環境部会\n\n11都市で構成されています。\n\n"
            "【加盟都市】\n\n(日本) 堺市、岡山市\n\n(韓国) 釜山広域市\n\n会議の様子\n\n"
            "世界歴史都市連盟 役員\n\n会長\n\n京都市(日本)\n\n理事都市\n\n堺市(日本)\n")
    got = memberships(facts_of(tmp_path, text))
    assert ("東アジア経済交流推進機構", "加盟都市", None) in got
    assert ("世界歴史都市連盟", "理事都市", None) in got
    others = {(net, role, who) for net, role, who in got if who}
    assert {(role, who) for _, role, who in others} >= {("加盟都市", "okayama"), ("会長", "kyoto")}
    assert not [x for x in got if x[2] is None and x[1] == "会長"]


def offices(extraction) -> dict:
    """{office name: its host city's key}"""
    return {f.data["name"]: f.data["host"].key if f.data["host"] else None
            for f in extraction.facts if f.kind == "office"}


def test_offices_set_up_in_prose_and_named_after_their_city(tmp_path):
    """"<place>に事務所を設置" with the publisher as subject; "<place>には市事務所がある"; an
    office named "駐<place><publisher>…事務所"; another subject's office is not the publisher's."""
    text = ("堺市 海外との交流\n\n平成19年、堺市が中国北京に事務所を設置してから10年が経ちました。\n"
            "多くの企業が上海に事務所を構える中、本市は北京を選びました。\n"
            "クリチーバには市事務所があります。\n"
            "また、大連市に「駐大連堺市経済事務所」を開設しています。\n")
    assert offices(facts_of(tmp_path, text)) == {"北京事務所": "beijing", "クリチーバ事務所": "curitiba",
                                                  "駐大連堺市経済事務所": "dalian"}


def budgets(extraction) -> dict:
    return {(f.data["program"], f.data["fiscal_year"]): f.data["amount"]
            for f in extraction.facts if f.kind == "budget"}


def test_a_cost_sheet_with_budget_and_settlement_columns(tmp_path):
    """"H27予算 H27決算 H28予算": only the 予算 columns are budgets, of the program the sheet
    is about (its title); the unit in a column of an earlier row; labels a spanning cell left
    on a line of their own keep the table going; personnel costs and full cost are no budgets."""
    text = ("行政評価\n\n事務事業 評価結果\n姉妹都市交流事業 姉妹都市交流事業\n\n事務事業コード:0101\n"
            "  単位 H27予算 H27決算 H28予算 H28決算 H29予算\nコスト\n\n内訳\n"
            "投入人員 正職員数 0.50 0.60\n人件費 直接人件費 千円 3,000 3,500\n"
            "直接事業費 2,100 2,050 2,300 2,280 2,400\nフルコスト 2,100 5,050 2,300 5,780 2,400\n")
    assert budgets(facts_of(tmp_path, "堺市\n" + text)) == {
        ("姉妹都市交流事業", 2015): 2_100_000, ("姉妹都市交流事業", 2016): 2_300_000,
        ("姉妹都市交流事業", 2017): 2_400_000}


def test_a_program_page_whose_table_was_dumped_a_cell_a_line(tmp_path):
    """Cells closed by "|", rows opened by it, a cell's text over two lines; the one amount
    column (事業費) is the page's fiscal year's budget of the page's program."""
    text = ("更新日:2022年3月24日\n国際交流推進事業\n堺市 令和4年度当初予算\n(単位:千円)\n| 予算款 |\n戦略計画\n"
            "分野別計画 |\n事業費 |\n財源内訳 |\n| 国・県 |\n市債 |\n一般財源 |\n| 総務費 |\n地方自治\n"
            "・都市経営 |\n4,321 |\n0 |\n0 |\n4,321 |\n目的\n交流を進める。\n")
    assert budgets(facts_of(tmp_path, text)) == {("国際交流推進事業", 2022): 4_321_000}


def test_budget_book_lines_under_a_unit_header(tmp_path):
    text = "令和6年度 堺市一般会計予算書\n(単位:千円)\n2款 総務費 1項 総務管理費\n006 国際友好交流費 19,477\n"
    assert budgets(facts_of(tmp_path, text)) == {("国際友好交流費", 2024): 19_477_000}


def test_a_years_budget_by_its_key_and_a_request_kept_apart(tmp_path):
    """"R5年度当初予算額 …" is FY2023's budget of the page's program; a request (要求額) is
    reported, not recorded."""
    text = ("令和6年度当初予算 堺市 要求状況\n事業名:\n国際交流推進事業\n  事業費(A) 人件費(B) 合計\n"
            "R6年度当初予算要求額 140,000千円 0千円 240,000千円\n"
            "R5年度当初予算額 110,000千円 100,000千円 210,000千円\n")
    extraction = facts_of(tmp_path, text, "tottori.txt")
    assert budgets(extraction) == {("国際交流推進事業", 2023): 110_000_000}
    assert any("request" in p.message for p in extraction.problems)


def test_amounts_allotted_in_prose(tmp_path):
    """"…経費でございますが、…612万円を計上", "…事業に1,250万円を計上"; a department's share
    ("国際課分として…") is no program."""
    text = ("平成31年第1回 堺市議会 総務分科会 平成31年度予算\n国際課分として3億1,234万5,000円を計上しており、"
            "まず1番の姉妹都市交流促進経費でございますが、本年は訪問団を受け入れる経費等、合わせまして612万円を"
            "計上しております。次に多文化共生推進事業に1,250万円を計上しています。\n")
    assert budgets(facts_of(tmp_path, text)) == {("姉妹都市交流促進経費", 2019): 6_120_000,
                                                 ("多文化共生推進事業", 2019): 12_500_000}


@pytest.mark.parametrize("text, year", [
    # the bounds of a period are not the page's year: its update date is (Jan 2015 is FY2014)
    ("堺市 国際化の指針\n更新日:2015年1月6日\n計画期間\n2013年度~2017年度\n", 2014),
    ("堺市 事務事業評価\n開始年度 昭和63年度以前 終了年度 予定なし\n最終更新日:2016年7月1日\n", 2016),
])
def test_the_pages_fiscal_year(tmp_path, text, year):
    document = next(f for f in facts_of(tmp_path, text).facts if f.kind == "document")
    assert document.data["fiscal_year"] == year


def test_a_sentence_under_a_networks_name_says_the_city_joined_it(tmp_path):
    text = ("堺市 平和の取組\n更新日:2016年10月11日\n\nここから本文です。\n\n平和への思い\n\n"
            "お知らせ\n\n平和の取組を紹介します。\n\n平和首長会議\n\n平成21年9月1日に加盟をしています。\n\n"
            "会議の概要\n\n多くの自治体が加盟しています。\n")
    assert memberships(facts_of(tmp_path, text)) == {("平和首長会議", "会員", None)}


def test_pillars_announced_by_their_count_then_numbered_lines(tmp_path):
    text = ("堺市 多文化共生基本方針\n\n基本目標を実現するために、次の3つの施策方針を定めます。\n"
            "1 国際理解を進める市民の育成\n2 安心して暮らせる環境の整備\n3 交流を未来へつなげる体制の整備\n"
            "2024年度から2028年度までの5年間\n")
    assert pillars(facts_of(tmp_path, text)) == [
        "国際理解を進める市民の育成", "安心して暮らせる環境の整備", "交流を未来へつなげる体制の整備"]


def test_an_office_opened_with_a_clause_between_place_and_office(tmp_path):
    text = ("堺市 国際課\n\n堺市は、韓国の首都ソウルに職員が常駐する市事務所を10年ぶりに開設しました。\n"
            "市長は「交流の拠点として市事務所を開設しました」と述べました。\n")
    assert offices(facts_of(tmp_path, text)) == {"ソウル事務所": "seoul"}


def test_a_records_key_and_its_amount_on_lines_of_their_own(tmp_path):
    """"事業名 X" names the program; "予算額" / "2,983,000円" is its budget, "決算額" is not; the
    account under "款" is no program."""
    text = ("令和元年度 堺市 主要施策の成果\n事業番号 3\n\n事業名 姉妹都市提携事業\n\n款\n\n2 総務費\n\n"
            "予 算 額\n\n2,983,000円\n\n決 算 額\n\n2,860,460円\n\n項\n\n1 総務管理費\n")
    assert budgets(facts_of(tmp_path, text)) == {("姉妹都市提携事業", 2019): 2_983_000}


def test_a_role_a_sentence_says_its_subject_holds(tmp_path):
    """"…の副会長都市を務めて", "…協議会の代表幹事として" are the publisher's; "広島市は…の会長都市です"
    is Hiroshima's, not the publisher's."""
    text = ("堺市 国際ネットワーク\n\n本市は、平成25年から平和首長会議の副会長都市を務めています。\n"
            "また、堺市長は核兵器廃絶平和都市協議会の代表幹事として活動しています。\n"
            "なお、広島市は平和首長会議の会長都市です。\n")
    assert memberships(facts_of(tmp_path, text)) == {
        ("平和首長会議", "副会長", None), ("核兵器廃絶平和都市協議会", "代表幹事", None),
        ("平和首長会議", "会長", "hiroshima")}


def test_a_budget_books_rows_of_cells_under_a_header_row_of_units(tmp_path):
    """A PDF budget book read into cells: "区分 | 金額", then "千円 | 千円", then a program,
    maybe after its code, and a bare amount; a description line between rows is no program."""
    text = ("令和6年度 堺市一般会計予算書\n節\n区分\t金額\n千円\t千円\n006 国際交流費\t8,250\n"
            "001 姉妹都市交流事業費\t8,250\n訪問団の受入れ\n国際交流団体補助金\t600\n")
    assert budgets(facts_of(tmp_path, text)) == {("国際交流費", 2024): 8_250_000,
                                                 ("姉妹都市交流事業費", 2024): 8_250_000,
                                                 ("国際交流団体補助金", 2024): 600_000}
