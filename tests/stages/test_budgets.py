"""Budget rules (loaders/extract/budgets.py) one shape at a time, on small tables and sentences
of our own."""
from __future__ import annotations

from citykg.loaders.extract.budgets import extract_budgets

from .conftest import facts


def budgets(ctx) -> set[tuple]:
    extract_budgets(ctx)
    return {(d["program"], d["fiscal_year"], d["amount"]) for d in facts(ctx, "budget")}


def test_a_table_with_fiscal_year_columns_in_the_unit_of_its_header(context):
    ctx = context("(単位:千円)\n事業名\t令和4年度予算\t令和5年度予算\n姉妹都市交流事業\t1,200\t1,500", year=2023)
    assert budgets(ctx) == {("姉妹都市交流事業", 2022, 1_200_000), ("姉妹都市交流事業", 2023, 1_500_000)}


def test_a_budget_heads_keyed_amounts_this_year_and_last(context):
    ctx = context("(1) 国際交流推進事業費\n本年度予算額\t12,345千円\n前年度予算額\t10,000千円", year=2023)
    assert budgets(ctx) == {("国際交流推進事業費", 2023, 12_345_000), ("国際交流推進事業費", 2022, 10_000_000)}
    assert [d["name"] for d in facts(ctx, "program")] == ["国際交流推進事業費"]


def test_an_amount_a_sentence_allots_to_its_program(context):
    ctx = context("多言語情報発信事業として3,000千円を計上した。", year=2023)
    assert budgets(ctx) == {("多言語情報発信事業", 2023, 3_000_000)}


def test_a_quoted_program_with_its_amount(context):
    ctx = context("「海外事務所運営事業」に24,800千円を充てる。", year=2023)
    assert budgets(ctx) == {("海外事務所運営事業", 2023, 24_800_000)}


def test_text_without_amounts_has_no_budget(context):
    assert budgets(context("姉妹都市交流事業を実施した。", year=2023)) == set()
