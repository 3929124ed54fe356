"""Dates in a block (loaders/extract/dates.py), on small texts of our own."""
from __future__ import annotations

from citykg.loaders.extract.dates import date_in, elapsed_start, page_year, sentences
from citykg.loaders.normalise import PartialDate


def test_an_era_date_is_read_as_gregorian(context):
    ctx = context("本文")
    assert date_in(ctx, ctx.blocks[0], "昭和40年10月14日締結") == PartialDate(1965, 10, 14)
    assert ctx.out.problems == []


def test_an_unknown_era_is_reported_against_the_block(context):
    ctx = context("一行目\n\n三行目")
    assert date_in(ctx, ctx.blocks[1], "大化3年4月") is None
    assert [(p.line, p.message) for p in ctx.out.problems] == [(3, "unknown era name: 大化")]


def test_an_impossible_date_is_reported_not_raised(context):
    ctx = context("本文")
    assert date_in(ctx, ctx.blocks[0], "令和2年13月1日") is None
    assert "month 13 out of range" in ctx.out.problems[0].message


def test_the_page_year_is_its_update_line(context):
    ctx = context("更新日:2020年6月1日\n\n本文")
    assert page_year(ctx) == 2020
    assert page_year(context("本文", year=2016)) == 2016  # else the report's fiscal year


def test_years_elapsed_count_back_from_the_year_named_else_the_pages(context):
    ctx = context("更新日:2020年6月1日\n\n本文")
    assert elapsed_start(ctx, "今年で50周年を迎えました") == PartialDate(1970)
    assert elapsed_start(ctx, "2010年に35周年を迎え") == PartialDate(1975)
    assert elapsed_start(ctx, "提携を記念して") is None


def test_sentences_keep_their_offsets(context):
    text = "一つ目。二つ目。三つ目"
    assert list(sentences(text)) == [(0, "一つ目。"), (4, "二つ目。"), (8, "三つ目")]
    assert all(text[start:start + len(s)] == s for start, s in sentences(text))
