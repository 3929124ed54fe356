"""Normalise stage: width folding, Japanese era years, dates, fiscal years and yen amounts.

Pure functions, no I/O. Tables (eras, units, circled numbers) are module-level data.
Parsers fold their input first, so full-width digits and brackets are accepted everywhere.
"""

import calendar
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from citykg.loaders.prefilter import needs


class NormaliseError(ValueError):
    """Text that looks like a year, date or amount but is not a valid one."""


# --- width folding -----------------------------------------------------------------------------

# Kept as they are (NFKC would turn ⑤ into "5", ㈱ into "(株)"): Enclosed Alphanumerics, dingbat
# circled digits, Enclosed CJK Letters and Months (not ㋿, which NFKC expands to 令和), and ～.
_PROTECTED = re.compile("([\u2460-\u24ff\u2776-\u2793\u3200-\u32fe～]+)")
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501"  # - ‐ ‑ ‒ – — ― − ─ ━
_KANA = "\u30a1-\u30fa\u30fc"  # ァ..ヺ and ー
_DIGIT_DASH = re.compile(f"(?<=[0-9])[{_DASHES}ー](?=[0-9])")
_KANA_DASH = re.compile(f"(?<=[{_KANA}])[{_DASHES}](?=[{_KANA}])")
# OCR reads ー as 一 and ロ as 口 inside katakana words ("ホ一ムステイ", "メト口ポリス"), and ー
# as 一 at the end of a place name ("シドニ一市"); 一 and 口 are kanji no katakana word holds
_KANA_OCR = re.compile(f"(?<=[{_KANA}])(?:一(?=[{_KANA}市州区都])|口(?=[{_KANA}]))")
# "国 際 的 な ネ ッ ト ワ ー ク", "プ ロ ヴ デ ィ フ 市": a title or name spaced out, one character
# a time (three or more), joined again
_CJK = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff"
_CITY_OCR = re.compile(f"(?<=[{_KANA}])[巾币]")
_SPACED_HINT = re.compile(f"[{_CJK}] [{_CJK}] [{_CJK}]")
_SPACED = re.compile(f"(?:(?<=\\s)|^)[{_CJK}](?: [{_CJK}]){{2,}}(?![{_CJK}])")
_CHAR_MAP = str.maketrans(
    {"·": "・", "‧": "・", "⋅": "・", "∙": "・", "‐": "-", "‑": "-", "−": "-", "〜": "～"}
)
# cheap tests first: most lines hold none of these (str.translate looks up every character)
_ANY_DASH = re.compile(f"[{_DASHES}ー]")
_ANY_MAPPED = re.compile("[" + re.escape("".join(map(chr, _CHAR_MAP))) + "]")


def fold(text: str) -> str:
    """Fold widths for matching: NFKC except enclosed characters; unify dots, dashes, waves."""
    if _PROTECTED.search(text):
        parts = _PROTECTED.split(text)
        text = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))
    else:
        text = unicodedata.normalize("NFKC", text)
    if _ANY_DASH.search(text):
        text = _DIGIT_DASH.sub("-", text)  # 1965－07 → 1965-07
        text = _KANA_DASH.sub("ー", text)  # サ－ビス → サービス
    return text.translate(_CHAR_MAP) if _ANY_MAPPED.search(text) else text


def repair_line(line: str) -> str:
    """A folded source line with what OCR and layout extraction do to words undone: 一 and
    口 read for ー and ロ in katakana, titles and names spaced out a character at a time."""
    if "一" in line or "口" in line:
        line = _KANA_OCR.sub(lambda m: "ー" if m.group(0) == "一" else "ロ", line)
    if "巾" in line or "币" in line:  # "リバーサイド巾": 市 misread after a katakana name
        line = _CITY_OCR.sub("市", line)
    if " " in line and _SPACED_HINT.search(line):
        line = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)
    return line


def fold_line(text: str) -> str:
    """`fold` each line, keeping every line ending exactly as it was."""
    out = []
    for line in text.splitlines(keepends=True):
        body = (line.splitlines() or [""])[0]
        out.append(fold(body) + line[len(body) :])
    return "".join(out)


# --- eras --------------------------------------------------------------------------------------


class Era(NamedTuple):
    name: str
    abbr: str
    start: int  # Gregorian year of the era's year 1 (元年)
    last: int | None  # last era year; None for the current era


ERAS: dict[str, Era] = {
    e.name: e
    for e in (
        Era("明治", "M", 1868, 45),
        Era("大正", "T", 1912, 15),
        Era("昭和", "S", 1926, 64),
        Era("平成", "H", 1989, 31),
        Era("令和", "R", 2019, None),
    )
}
_ERA_BY_ABBR = {e.abbr: e for e in ERAS.values()}


@lru_cache(maxsize=1024)
def _era_year(year: int | str) -> int:
    if isinstance(year, int):
        return year
    s = fold(year).strip()
    if s == "元":
        return 1
    if s.isascii() and s.isdigit():
        return int(s)
    raise NormaliseError(f"not an era year: {year!r}")


@lru_cache(maxsize=256)
def _era(name: str) -> Era | None:
    key = fold(name).strip().rstrip(".")
    return ERAS.get(key) or _ERA_BY_ABBR.get(key.upper())


def era_to_gregorian(era: str, year: int | str) -> int:
    """昭和, 40 → 1965. `era` is a name or abbreviation (M/T/S/H/R); `year` may be "元"."""
    e = _era(era)
    if e is None:
        raise NormaliseError(f"unknown era name: {era}")
    n = _era_year(year)
    if n < 1 or (e.last is not None and n > e.last):
        end = f"; {e.name} ended in year {e.last}" if e.last else ""
        raise NormaliseError(f"{e.name}{n}: era year out of range{end}")
    return e.start + n - 1


# --- dates and years ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is None:
            if self.day is not None:
                raise NormaliseError(f"day {self.day} given without a month")
            return
        if not 1 <= self.month <= 12:
            raise NormaliseError(f"month {self.month} out of range")
        last = calendar.monthrange(self.year, self.month)[1]
        if self.day is not None and not 1 <= self.day <= last:
            raise NormaliseError(
                f"day {self.day} out of range ({self.year}-{self.month:02d} has {last} days)"
            )

    @property
    def precision(self) -> str:
        return "year" if self.month is None else "month" if self.day is None else "day"

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day) if v]
        return "-".join(parts)


_ABBRS = "".join(_ERA_BY_ABBR)  # MTSHR
_ERA_ALT = "|".join(ERAS) + rf"|(?<![A-Za-z])[{_ABBRS}]\.?"


def _year(p: str) -> str:  # an era year or a 4-digit year; groups {p}e, {p}n, {p}g
    return (
        rf"(?:(?P<{p}e>{_ERA_ALT})\s*(?P<{p}n>[0-9]{{1,2}}|元)"
        rf"|(?<![0-9.,])(?P<{p}g>[0-9]{{4}}))(?![0-9])"
    )


def _paren(p: str) -> str:  # "(昭和40)", "(2023年度)"; suffix group {p}s
    return rf"\(\s*{_year(p)}\s*(?P<{p}s>年度?)?\s*\)"


MONTHS = {m: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for m in names}
# as written (june, June, JUNE): a case-insensitive flag would slow every date search 2x
_MONTH_ALT = "|".join(v for m in sorted(MONTHS, key=len, reverse=True)
                      for v in (m, m.capitalize(), m.upper()))
# "June 15, 1958", "15 June 1958", "Jun. 1958" in English reports
_ENGLISH_DATE = (rf"(?P<en>(?<![A-Za-z0-9])(?:(?P<ed1>[0-9]{{1,2}})\s+)?(?P<emon>{_MONTH_ALT})"
                 r"\.?\s*(?:(?P<ed2>[0-9]{1,2})(?:st|nd|rd|th)?\s*,?\s*)?,?\s*"
                 r"(?P<ey>[0-9]{4})(?![0-9]))")

_DATE_RE = re.compile(
    _ENGLISH_DATE + "|"
    r"(?P<num>(?<![0-9.,/\-])(?P<ny>[0-9]{4})(?P<sep>[/.\-])(?P<nm>[0-9]{1,2})"
    r"(?:(?P=sep)(?P<nd>[0-9]{1,2}))?(?![0-9]))"  # 1977/06/23, 1977.6.23, 1977-06
    rf"|(?P<abbr>(?<![A-Za-z])(?P<xe>[{_ABBRS}])\.?(?P<xn>[0-9]{{1,2}}|元)[./](?P<xm>[0-9]{{1,2}})"
    r"(?:[./](?P<xd>[0-9]{1,2}))?(?![0-9]))"  # R5.3.27
    r"|(?<![A-Za-z])(?:FY|Fiscal [Yy]ear|fiscal year|FISCAL YEAR)\s*(?P<fy>[0-9]{4})(?![0-9])"  # FY2023
    rf"|{_year('a')}\s*(?:{_paren('b')}\s*)?(?P<s>(?:年度?)?)(?:\s*{_paren('c')})?"
    r"(?:\s*(?P<mo>[0-9]{1,2})\s*月(?:\s*(?P<d>[0-9]{1,2})\s*日)?)?"
)


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _year_of(m: re.Match, p: str) -> int | None:
    if m[p + "e"]:
        return era_to_gregorian(m[p + "e"], m[p + "n"])
    return _int(m[p + "g"])


def _scan(text: str):
    """Yield (kind, raw, year, month, day); kind "年" for calendar years, "年度" for fiscal."""
    folded = fold(text)
    for m in _DATE_RE.finditer(folded):
        raw = m[0].strip()
        if folded.startswith("号", m.end()):
            continue  # "県民だより2017年3月号": a newsletter's issue, not a date of anything
        if m["en"]:
            if not (m["ed1"] and m["ed2"]):
                yield ("年", raw, int(m["ey"]), MONTHS[m["emon"].lower()],
                       _int(m["ed1"] or m["ed2"]))
        elif m["num"]:
            if m["sep"] != "." or m["nd"]:  # "2022.11" is too likely a decimal number
                yield "年", raw, int(m["ny"]), int(m["nm"]), _int(m["nd"])
        elif m["abbr"]:
            yield "年", raw, era_to_gregorian(m["xe"], m["xn"]), int(m["xm"]), _int(m["xd"])
        elif m["fy"]:
            yield "年度", raw, int(m["fy"]), None, None
        else:
            kind = m["s"] or m["bs"] or m["cs"]
            if not kind and not m["ae"]:
                continue  # a bare 4-digit number
            try:
                years = {_year_of(m, p) for p in "abc"} - {None}
            except NormaliseError:
                if kind:
                    raise
                continue  # "S99" without 年 is more likely a code than a year
            if len(years) > 1:
                raise NormaliseError(f"{raw}: years disagree {sorted(years)}")
            month, day = (_int(m["mo"]), _int(m["d"])) if kind != "年度" else (None, None)
            yield kind or "年", raw, years.pop(), month, day


def _calendar_dates(text: str):
    """The calendar dates in `text` (not fiscal years 年度), in order."""
    for kind, raw, year, month, day in _scan(text):
        if kind == "年":
            try:
                yield PartialDate(year, month, day)
            except NormaliseError as e:
                raise NormaliseError(f"{raw}: {e}") from None


def parse_date(text: str) -> PartialDate | None:
    """The first calendar date in `text` (not fiscal years 年度), to year/month/day precision."""
    return next(_calendar_dates(text), None)


def last_date(text: str) -> PartialDate | None:
    """The last calendar date in `text`."""
    last = deque(_calendar_dates(text), maxlen=1)
    return last[0] if last else None


def parse_year(text: str) -> int | None:
    """The Gregorian year of the first calendar year in `text` (not 年度), or a bare "2023"."""
    for kind, _, year, _, _ in _scan(text):
        if kind == "年":
            return year
    s = fold(text).strip()
    return int(s) if re.fullmatch(r"[0-9]{4}", s) else None


# a table column of one fiscal year's amounts: "令和5年度", "2023年度予算額", "R5年度当初予算(A)",
# "本年度予算額" (group `rel`: 本 this year, 前 the year before)
# a budget table's column of the change against the year before
CHANGE_COLUMN = re.compile(r"増減|差引|比較|増減額|前年度比|対前年度|増減率")
FISCAL_YEAR_COLUMN = re.compile(r"(?:(?:(?:令和|平成|昭和|R|H)\s*[\d元]+|\d{4})\s*年度|(?P<rel>本|前)年度"
                                r"|FY\s*\d{4}|(?P<cur>(?=予算額)))"  # "予算額(千円)" beside "前年度…"
                                r"\s*(?:当初)?\s*(?:予算)?\s*(?:額)?\s*(?:\((?:[A-Z]|千円|百万円|万円|円)\))?")


def parse_fiscal_year(text: str) -> int | None:
    """The Gregorian year a fiscal year starts in: 令和5年度, 2023年度, FY2023 → 2023."""
    return next((year for kind, _, year, _, _ in _scan(text) if kind == "年度"), None)


# --- amounts -----------------------------------------------------------------------------------

UNITS: dict[str, int] = {
    "円": 1,
    "千円": 1_000,
    "万円": 10_000,
    "百万円": 1_000_000,
    "千万円": 10_000_000,
    "億円": 100_000_000,
    "兆円": 10**12,
}
_MULT = {u[:-1]: v for u, v in UNITS.items() if u != "円"}  # 千 → 1000, 億 → 10**8, ...
_MULT_ALT = "|".join(sorted(_MULT, key=len, reverse=True))
_UNIT_ALT = "|".join(sorted(UNITS, key=len, reverse=True))
NONE_MARKERS = "一-－―—‐−ー–"  # a dash in a budget table: nothing, not zero
_CIRCLED_RANGES = ((0x2460, 0x2474), (0x3251, 0x3260), (0x32B1, 0x32C0))  # ①..⑳ ㉑..㉟ ㊱..㊿
CIRCLED = "".join(chr(c) for lo, hi in _CIRCLED_RANGES for c in range(lo, hi))  # 1..50

_TERM = re.compile(rf"([0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?)({_MULT_ALT})?")
_UNIT_RE = re.compile(
    rf"^[(\[【]?\s*(?:単位\s*:?\s*)?({_UNIT_ALT})\s*[)\]】]?$|単位\s*:?\s*({_UNIT_ALT})"
)
_W = "[ \u3000]*"
_RNUM = "[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"  # on unfolded text
AMOUNT_RE = needs(re.compile(
    rf"(?:(?P<era>[{CIRCLED}]){_W})?"
    rf"(?P<amount>(?:(?<![0-9０-９])[△▲\-−－]{_W})?"
    rf"(?<![0-9０-９,，.．兆億万]){_RNUM}{_W}(?:[兆億万]{_RNUM}{_W})*+(?:{_MULT_ALT})?円)"
    rf"|(?<=[(（]){_W}(?P<none>[{re.escape(NONE_MARKERS)}]){_W}(?=[)）])"
), ("円",), hint=re.compile(rf"[(（]{_W}[{re.escape(NONE_MARKERS)}]"))  # an amount in yen, or a dash


def circled_to_int(ch: str) -> int | None:
    """① → 1 ... ㊿ → 50; None for anything else."""
    i = CIRCLED.find(ch) if len(ch) == 1 else -1
    return i + 1 if i >= 0 else None


ENGLISH_UNITS = {"thousand yen": "千円", "million yen": "百万円", "billion yen": "億円"}
_ENGLISH_UNIT_RE = re.compile(r"[(\[]\s*(?:[Uu]nit\s*:?\s*)?(thousand yen|million yen|billion yen)"
                              r"\s*[)\]]|[Uu]nit\s*:\s*(thousand yen|million yen|billion yen)")


def parse_unit(text: str) -> str | None:
    """The unit named in a header: "（単位：千円）", "単位:百万円", "千円", "(unit: thousand
    yen)" → a key of UNITS."""
    if "円" not in text:  # every unit ends in 円, which folding leaves as it is
        if "yen" in text and (m := _ENGLISH_UNIT_RE.search(text)):
            return ENGLISH_UNITS[m[1] or m[2]]
        return None
    m = _UNIT_RE.search(fold(text).strip())
    return (m[1] or m[2]) if m else None


def parse_amount(text: str, unit: str | None = None) -> int | None:
    """Yen as an int: "17億3,231万円", "△82,550" with unit "千円"; None for a dash, a fraction
    of a yen or anything else that is not an amount.

    A unit in the text wins over `unit` (a key of UNITS or a header such as "(単位:千円)").
    """
    factor = 1
    if unit is not None:
        key = unit if unit in UNITS else parse_unit(unit)
        if key is None:
            raise NormaliseError(f"unknown unit: {unit}")
        factor = UNITS[key]
    s = re.sub(r"\s+", "", fold(text))
    sign = -1 if s[:1] in ("△", "▲", "-") else 1
    s = s[1:] if s[:1] in ("△", "▲", "-", "+") else s
    explicit = s.endswith("円")
    s, terms, pos = s.removesuffix("円"), [], 0
    while pos < len(s):
        if not (m := _TERM.match(s, pos)):
            return None
        terms.append((Decimal(m[1].replace(",", "")), _MULT[m[2]] if m[2] else 1))
        pos = m.end()
    mults = [mult for _, mult in terms]
    if not terms or any(a <= b for a, b in pairwise(mults)):
        return None  # not a number, or multipliers out of order (1万2億)
    if explicit or mults[0] != 1:
        factor = 1
    total = sum(n * mult for n, mult in terms) * factor
    if total != total.to_integral_value():
        return None  # not a whole number of yen: "0.1円"
    return sign * int(total)


@dataclass(frozen=True)
class AmountMatch:
    start: int  # span in the text given, including a leading era marker
    end: int
    yen: int | None  # None for a dash "(一)" meaning none
    raw: str
    era_year: int | None = None  # ⑤34,769千円 → 5 (an era year, usually 令和)


def find_amounts(text: str) -> list[AmountMatch]:
    """Amounts with a yen unit in running text, in order; also dashes in brackets "(一)"."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        if m["none"]:
            out.append(AmountMatch(*m.span("none"), None, m["none"]))
        else:
            era = circled_to_int(m["era"]) if m["era"] else None
            out.append(AmountMatch(m.start(), m.end(), parse_amount(m["amount"]), m[0], era))
    return out
