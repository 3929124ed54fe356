import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citykg.loaders.normalise import (
    AMOUNT_RE,
    ERAS,
    UNITS,
    AmountMatch,
    NormaliseError,
    PartialDate,
    circled_to_int,
    era_to_gregorian,
    find_amounts,
    fold,
    fold_line,
    parse_amount,
    parse_date,
    parse_fiscal_year,
    parse_unit,
    parse_year,
    repair_line,
)

# --- fold


@pytest.mark.parametrize(
    "text, folded",
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("（）：", "():"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("ｶﾞｲﾄﾞ", "ガイド"),
        ("「」『』【】《》〈〉・、。", "「」『』【】《》〈〉・、。"),
        ("東京都", "東京都"),
        ("①⑤⑳㉑", "①⑤⑳㉑"),
        ("㈱", "㈱"),
        ("ア·イ･ウ‧エ⋅オ", "ア・イ・ウ・エ・オ"),
        ("1965－07", "1965-07"),
        ("1965‐07‑01", "1965-07-01"),
        ("1–2—3", "1-2-3"),
        ("コーヒー", "コーヒー"),
        ("サ－ビス", "サービス"),
        ("9時〜17時", "9時～17時"),
        ("9時～17時", "9時～17時"),
        ("−5", "-5"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text, repaired",
    [  # OCR: 一 and 口 read for ー and ロ in katakana words; spaced-out titles and names
        ("ホ一ムステイ", "ホームステイ"), ("シドニ一市", "シドニー市"), ("メト口ポリス", "メトロポリス"),
        ("データ一覧", "データ一覧"), ("窓口サービス", "窓口サービス"), ("一口", "一口"),
        ("国 際 的 な ネ ッ ト ワ ー ク", "国際的なネットワーク"), ("プ ロ ヴ デ ィ フ 市", "プロヴディフ市"),
        ("神 戸 市  国 際 部", "神戸市  国際部"), ("区  分", "区  分"), ("A B C", "A B C"),
        ("市 県", "市 県"), ("リバーサイド巾との交流", "リバーサイド市との交流"), ("雑巾", "雑巾"),
    ],
)
def test_repair_line(text, repaired):
    assert repair_line(text) == repaired


@given(st.text())
def test_repair_line_is_idempotent(s):
    assert repair_line(repair_line(s)) == repair_line(s)


@given(st.text())
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_fold_line_keeps_lines(s):
    assert len(fold_line(s).splitlines()) == len(s.splitlines())
    assert fold_line(s) == fold(s)


def test_fold_line_keeps_line_endings():
    assert fold_line("ＡＢ\r\nｶﾅ\n①\r") == "AB\r\nカナ\n①\r"


# --- eras and years


def test_era_table():
    assert {name: e.start for name, e in ERAS.items()} == {
        "明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019
    }
    assert [e.abbr for e in ERAS.values()] == ["M", "T", "S", "H", "R"]


@pytest.mark.parametrize(
    "era, year, expected",
    [("令和", 5, 2023), ("令和", "元", 2019), ("R", "5", 2023), ("H", 30, 2018),
     ("昭和", 64, 1989), ("平成", 31, 2019), ("大正", 15, 1926), ("明治", 45, 1912),
     ("昭和", "４０", 1965)],
)
def test_era_to_gregorian(era, year, expected):
    assert era_to_gregorian(era, year) == expected


@pytest.mark.parametrize(
    "era, year, message",
    [("光文", 1, "unknown era name: 光文"), ("昭和", 65, "昭和 ended in year 64"),
     ("平成", 32, "ended in year 31"), ("大正", 16, "ended in year 15"),
     ("明治", 46, "ended in year 45"), ("令和", 0, "out of range"), ("令和", "x", "not an era")],
)
def test_era_to_gregorian_errors(era, year, message):
    with pytest.raises(NormaliseError, match=message):
        era_to_gregorian(era, year)
    assert issubclass(NormaliseError, ValueError)


_era_years = st.sampled_from(list(ERAS.values())).flatmap(
    lambda e: st.tuples(st.just(e), st.integers(1, e.last or 99))
)


@given(_era_years)
def test_era_round_trip(ey):
    era, y = ey
    assert era_to_gregorian(era.name, y) == era.start + y - 1
    assert parse_year(f"{era.name}{y}年") == era.start + y - 1
    assert parse_year(f"{era.abbr}{y}") == era.start + y - 1
    assert parse_fiscal_year(f"{era.name}{y}年度") == era.start + y - 1
    if y == 1:
        assert parse_year(f"{era.name}元年") == era.start


@pytest.mark.parametrize(
    "text, year",
    [("令和5年", 2023), ("令和元年", 2019), ("平成29(2017)年", 2017), ("2023年", 2023),
     ("R5", 2023), ("H30", 2018), ("１９６５年", 1965), ("2023", 2023), ("昭和40年7月", 1965),
     ("1977/06/23", 1977), ("no year", None), ("令和5年度", None), ("146,611千円", None)],
)
def test_parse_year(text, year):
    assert parse_year(text) == year


def test_parse_year_inconsistent():
    with pytest.raises(NormaliseError, match="disagree"):
        parse_year("平成29(2018)年")


# --- dates


@pytest.mark.parametrize(
    "text, iso, precision",
    [
        ("1965(昭和40)年7月締結", "1965-07", "month"),
        ("1973(昭和48)年10月23日締結", "1973-10-23", "day"),
        ("昭和40年7月", "1965-07", "month"),
        ("令和5年3月27日", "2023-03-27", "day"),
        ("2022年11月", "2022-11", "month"),
        ("1977/06/23", "1977-06-23", "day"),
        ("1977.6.23", "1977-06-23", "day"),
        ("1977-06-23", "1977-06-23", "day"),
        ("1965年", "1965", "year"),
        ("令和4年12月", "2022-12", "month"),
        ("平成30年", "2018", "year"),
        ("令和５年３月２７日", "2023-03-27", "day"),
        ("１９６５年７月１日", "1965-07-01", "day"),
        ("1965年(昭和40年)7月", "1965-07", "month"),
        ("R5.3.27", "2023-03-27", "day"),
        ("令和5年度予算、2023年4月1日施行", "2023-04-01", "day"),
    ],
)
def test_parse_date(text, iso, precision):
    d = parse_date(text)
    assert d is not None and d.iso() == iso and d.precision == precision


@pytest.mark.parametrize("text", ["", "締結なし", "令和5年度", "FY2023", "Fiscal Year 2023", "146,611千円",
                                  "2022.11"])
def test_parse_date_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, message",
    [("令和5年13月", "令和5年13月: month 13 out of range"), ("2023年2月29日", "day 29"),
     ("昭和65年", "昭和 ended in year 64"), ("1965(昭和41)年", "disagree")],
)
def test_parse_date_errors(text, message):
    with pytest.raises(NormaliseError, match=message):
        parse_date(text)


def test_partial_date():
    assert PartialDate(1965).iso() == "1965" and PartialDate(1965).precision == "year"
    assert PartialDate(1965, 7).iso() == "1965-07"
    assert PartialDate(1965, 7, 1).iso() == "1965-07-01"
    assert PartialDate(2024, 2, 29).precision == "day"
    with pytest.raises(NormaliseError):
        PartialDate(1965, None, 1)


@given(st.integers(1, 9999), st.one_of(st.integers(max_value=0), st.integers(min_value=13)))
def test_invalid_month_raises(year, month):
    with pytest.raises(NormaliseError, match=f"month {month}"):
        PartialDate(year, month)
    if 13 <= month <= 99:
        with pytest.raises(NormaliseError, match=f"month {month} out of range"):
            parse_date(f"{year:04d}年{month}月")


@given(st.integers(1, 9999), st.integers(1, 12), st.data())
def test_invalid_day_raises(year, month, data):
    last = calendar.monthrange(year, month)[1]
    day = data.draw(st.one_of(st.integers(max_value=0), st.integers(min_value=last + 1)))
    with pytest.raises(NormaliseError, match=f"day {day} out of range"):
        PartialDate(year, month, day)
    if last < day <= 99:
        with pytest.raises(NormaliseError, match=f"day {day}"):
            parse_date(f"{year:04d}年{month}月{day}日")


@given(st.dates())
def test_date_round_trip(d):
    assert parse_date(f"{d.year:04d}年{d.month}月{d.day}日") == PartialDate(d.year, d.month, d.day)
    assert parse_date(d.isoformat()).iso() == d.isoformat()


# --- fiscal years


@pytest.mark.parametrize(
    "text, year",
    [("令和5年度", 2023), ("2023年度", 2023), ("令和5年度(2023年度)", 2023), ("R5年度", 2023),
     ("FY2023", 2023), ("Fiscal Year 2023", 2023), ("平成31年度", 2019), ("令和元年度", 2019), ("令和５年度予算", 2023),
     ("令和5年3月", None), ("", None)],
)
def test_parse_fiscal_year(text, year):
    assert parse_fiscal_year(text) == year


def test_parse_fiscal_year_inconsistent():
    with pytest.raises(NormaliseError, match="disagree"):
        parse_fiscal_year("令和5年度(2022年度)")


# --- amounts


@pytest.mark.parametrize(
    "text, unit, yen",
    [
        ("1,732,306", "千円", 1732306000),
        ("146,611千円", None, 146611000),
        ("146,611千円", "千円", 146611000),  # a unit in the text wins
        ("17億3,231万円", None, 1732310000),
        ("9,822万円", None, 98220000),
        ("35億6,200万円", None, 3562000000),
        ("1,823", "百万円", 1823000000),
        ("1,823", "(単位:百万円)", 1823000000),
        ("5億円", None, 500000000),
        ("300円", None, 300),
        ("△ 82,550", "千円", -82550000),
        ("▲82,550", "千円", -82550000),
        ("-82,550", "千円", -82550000),
        ("−82,550", "千円", -82550000),
        ("１，２３４千円", None, 1234000),
        ("1.5億円", None, 150000000),
        ("0", None, 0),
        ("0", "千円", 0),
        ("一", "千円", None),
        ("－", "千円", None),
        ("—", None, None),
        ("abc", None, None),
        ("", None, None),
        ("1万2億円", None, None),
    ],
)
def test_parse_amount(text, unit, yen):
    assert parse_amount(text, unit) == yen


def test_parse_amount_errors():
    with pytest.raises(NormaliseError, match="unknown unit"):
        parse_amount("1", "ドル")
    assert parse_amount("1.2345千円") is None  # not a whole number of yen
    assert parse_amount("1.5", "千円") == 1500


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_round_trip(n):
    assert parse_amount(f"{n:,}千円") == n * 1000
    assert parse_amount(f"{n:,}", "千円") == n * 1000
    assert parse_amount(f"△{n:,}", "千円") == -n * 1000


@given(st.integers(1, 99_999), st.integers(0, 9_999))
def test_oku_man_round_trip(a, b):
    n = a * 10**8 + b * 10**4
    assert parse_amount(f"{a}億{b:,}万円") == n
    assert find_amounts(f"予算額{a:,}億{b:,}万円です")[0].yen == n


@pytest.mark.parametrize(
    "text, unit",
    [("（単位：千円）", "千円"), ("(単位:百万円)", "百万円"), ("単位：千円", "千円"),
     ("千円", "千円"), ("予算額（単位：千円）", "千円"), ("単位：円", "円"), ("金額", None)],
)
def test_parse_unit(text, unit):
    assert parse_unit(text) == unit
    assert unit is None or unit in UNITS


def test_circled_to_int():
    assert [circled_to_int(c) for c in "①⑤⑳㉑㊿"] == [1, 5, 20, 21, 50]
    assert circled_to_int("5") is None and circled_to_int("①②") is None


def test_find_amounts():
    assert [(m.yen, m.raw) for m in find_amounts("146,611千円 (152,842千円)")] == [
        (146611000, "146,611千円"),
        (152842000, "152,842千円"),
    ]
    text = "⑤34,769千円 ④32,268千円"
    assert find_amounts(text) == [
        AmountMatch(0, 9, 34769000, "⑤34,769千円", 5),
        AmountMatch(10, 19, 32268000, "④32,268千円", 4),
    ]
    assert [m.yen for m in find_amounts("総額17億3,231万円")] == [1732310000]
    assert [(m.yen, m.raw) for m in find_amounts("105,989千円(一)")] == [
        (105989000, "105,989千円"),
        (None, "一"),
    ]
    text = "差引△１，２３４千円、参加者3万人"
    spans = [(m.yen, text[m.start : m.end]) for m in find_amounts(text)]
    assert spans == [(-1234000, "△１，２３４千円")]
    assert find_amounts("統一した一般の") == []
    assert AMOUNT_RE.search("5億円")


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=5))
def test_find_amounts_spans(ns):
    text = "、".join(f"{n:,}千円" for n in ns)
    ms = find_amounts(text)
    assert [m.yen for m in ms] == [n * 1000 for n in ns]
    assert all(text[m.start : m.end] == m.raw for m in ms)


def test_a_newsletters_issue_is_no_date():
    assert parse_date("市政だより2017年3月号") is None
    assert parse_date("2017年3月号の特集で、1982年4月の提携を紹介") == PartialDate(1982, 4, None)
    assert parse_date("2017年3月に提携") == PartialDate(2017, 3, None)
