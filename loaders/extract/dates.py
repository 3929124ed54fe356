"""Dates in a block's text, with what cannot be read reported against the block's line."""
from __future__ import annotations

import re

from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.segment import Block

ERA_LIKE = re.compile(r"([一-龥]{2})\s*([\d元]{1,2})\s*年\s*\d{1,2}\s*月")


def date_in(ctx: Context, block: Block, text: str):
    try:
        date = normalise.parse_date(text)
    except normalise.NormaliseError as exc:
        ctx.out.report(block.first_line, f"date not understood: {exc}", text)
        return None
    unknown = ERA_LIKE.search(text)
    if date is None and unknown and unknown.group(1) not in normalise.ERAS:
        ctx.out.report(block.first_line, f"unknown era name: {unknown.group(1)}", text)
    return date


def last_date_in(text: str):
    """The date nearest before the end: "2012年4月1日 令和4年3月31日 協定期間満了により終了"."""
    try:
        return normalise.last_date(text)
    except normalise.NormaliseError:
        return None


def sentences(text: str):
    for m in re.finditer(r"[^。]+。?", text):
        yield m.start(), m.group(0)


# the page's own date: "更新日:2019年7月8日", "最終更新日 2011年6月3日", "Last updated: …"
PAGE_DATE = re.compile(r"(?:最終更新日|更新日|掲載日|公開日|作成日|発行日|Last [Uu]pdated|Updated)\s*[:：]?\s*")
# years elapsed since the agreement: "今年で40周年を迎えました", "提携25周年", "27年前"
# ("…周年を記念して" in a report's narrative counts only with the year it names: the report's
# own year may be the one after)
ELAPSED = re.compile(r"(\d+)\s*(?:周年(?:を迎え|目|記念事業)|年前|(周年を?記念))")


def page_year(ctx: Context) -> int | None:
    """The year the page is dated (its update line, within its first lines), else the fiscal
    year of the report."""
    if not ctx._page_year_read:
        year = None
        for number, line in enumerate(ctx.lines[:60]):
            m = PAGE_DATE.search(line)
            rest = line[m.end():] if m else ""
            if not rest.strip() and m and number + 1 < len(ctx.lines):
                rest = ctx.lines[number + 1]  # "最終更新日:" / "2011年6月3日"
            if m and (date := _quiet_date(rest[:30])):
                year = date.year
                break
        ctx._page_year, ctx._page_year_read = year or ctx.fiscal_year, True
    return ctx._page_year


def elapsed_start(ctx: Context, text: str):
    """The start a count of years implies ("…提携してから、今年で40周年を迎えました" in a page of
    2019 → 1979; "2018年に40周年を迎え" → 1978): counted from the year the clause names, else
    from the page's. None without either."""
    m = ELAPSED.search(text)
    if not m:
        return None
    clause = re.split(r"[、。,]", text[:m.start()])[-1]
    named = _quiet_date(clause)
    if m.group(2) and not named:
        return None
    year = named.year if named else page_year(ctx)
    return normalise.PartialDate(year - int(m.group(1))) if year else None


def _quiet_date(text: str):
    try:
        return normalise.parse_date(text)
    except normalise.NormaliseError:
        return None
