"""The document itself: its fiscal year, title, date as of, and the publisher's international
units (bureau, department). Its publisher: `publisher`."""
from __future__ import annotations

import re
from collections import Counter

from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.prefilter import needs

FISCAL_YEAR = needs(re.compile(r"(?:令和|平成|昭和|R|H)?\s*[\d元]{1,4}\s*年度(?:\s*[(（]\s*\d{4}\s*年度\s*[)）])?"
                               r"|(?:FY|Fiscal [Yy]ear|fiscal year|FISCAL YEAR)\s*\d{4}"),
                    ("年度", "FY", "iscal", "ISCAL"))  # tried on lines holding one of these
BOUND = re.compile(r"\s*(?:以前|以降|以後|から|より|まで|[~〜～-])")
BOUND_BEFORE = re.compile(r"(?:[~〜～-]|から|より)\s*$")
UPDATED = re.compile(r"(?:最終)?(?:更新|公開|掲載)日\s*[:]?\s*(\S{6,20}?日)")
UNIT = re.compile(r"国際[一-龥・]{0,8}?(?:局|部|課|室)")
AS_OF = re.compile(r"([^。]{0,40}?)(?:時点|現在)")
SELF_REFERENCE = ("本冊子", "本書", "本資料", "本報告", "本誌", "この冊子")
TITLE_SKIP = re.compile(r"^(目\s*次|はじめに|◆.*|URL:\s*\S+)$")
TITLE_MAX = 80  # a page that opens with a paragraph is titled by its start


KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def language_of(lines: list[str]) -> str | None:
    """The language of a document that declares none, by its script: Japanese where kana and
    kanji are a fair share of its letters (a kanji says what three or four Latin letters do),
    Korean by Hangul, else English where it is written in Latin letters."""
    text = "\n".join(lines[:2000])
    kana, kanji, hangul = len(KANA.findall(text)), len(KANJI.findall(text)), len(HANGUL.findall(text))
    latin = len(LATIN.findall(text))
    if hangul > kana + kanji and hangul * 3 >= latin:
        return "ko"
    if kana and (kana + kanji) * 3 >= latin:
        return "ja"
    return "en" if latin else None


def fiscal_year(ctx: Context) -> int | None:
    years: Counter[int] = Counter()
    for i, line in enumerate(ctx.lines[:2000]):
        for m in FISCAL_YEAR.finditer(line):
            if BOUND.match(line, m.end()) or BOUND_BEFORE.search(line, 0, m.start()):
                continue  # "平成2年度以前", "2016年度~2020年度": bounds of a period, not the page's year
            try:
                year = normalise.parse_fiscal_year(m.group(0))
            except normalise.NormaliseError as exc:
                ctx.out.report(i + 1, f"fiscal year not understood: {exc}", line)
                continue
            if year:
                years[year] += 3 if i < 20 else 1
    return years.most_common(1)[0][0] if years else _updated_year(ctx)


def _updated_year(ctx: Context) -> int | None:
    """The fiscal year of the date the page says it was updated ("更新日:2015年1月6日" → 2014)."""
    for line in ctx.lines[:40]:
        if m := UPDATED.search(line):
            try:
                date = normalise.parse_date(m.group(1))
            except normalise.NormaliseError:
                continue
            if date and date.month:
                return date.year - (date.month < 4)
    return None


def extract_document(ctx: Context) -> None:
    title = next((b.line_texts()[0] for b in ctx.blocks[:10] if not TITLE_SKIP.match(b.text)), ctx.name)
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    first = ctx.blocks[0] if ctx.blocks else None
    as_of = _as_of(ctx)
    if first:
        ctx.out.add("document", ctx.span(first), publisher=ctx.publisher,
                    fiscal_year=ctx.fiscal_year, title=title, as_of=as_of, language=ctx.language)
    seen: set[str] = set()
    for block in ctx.blocks:
        for m in UNIT.finditer(block.text):
            before = block.text[max(0, m.start() - 1):m.start()]
            if before and re.match(r"[一-龥]", before) and not _after_publisher(ctx, block.text,
                                                                                  m.start()):
                continue
            if m.group(0) not in seen:
                seen.add(m.group(0))
                ctx.out.add("unit", ctx.span(block, m.start(), m.end()), name=m.group(0))


def _after_publisher(ctx: Context, text: str, index: int) -> bool:
    return any(text[:index].endswith(n) for n in ctx.publisher_names())


def _as_of(ctx: Context):
    for block in ctx.blocks:
        if not any(s in block.text for s in SELF_REFERENCE):
            continue
        for m in AS_OF.finditer(block.text):
            try:
                date = normalise.parse_date(m.group(1))
            except normalise.NormaliseError:
                continue
            if date:
                return date
    return None
