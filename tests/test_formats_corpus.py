"""The real files of ../shared/corpus/pdf/ against their gold (bench/formats_gold.py): every
file loads or gives a clear error naming it; each gold budget line and relation is in the
reader's text on its page; no city relation comes out of the sister-school plan. Skipped where
../shared is absent."""
from __future__ import annotations

import sys

import pytest
from conftest import ROOT, SHARED

CORPUS = SHARED / "corpus" / "pdf"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (CORPUS / "gold").is_dir(),
                                                   reason=f"no corpus at {CORPUS}")]


@pytest.fixture(scope="module")
def result():
    sys.path.insert(0, str(ROOT / "bench"))
    import formats_gold

    return formats_gold.check(CORPUS)


def test_every_file_loads_or_names_its_problem(result):
    assert result.files, "no files read"
    for name, outcome in result.files.items():
        assert outcome.startswith("loaded") or name in outcome, outcome
    assert "no text layer on any page (pages 1–11 of 11" in \
        result.files["fuji-r7-budget-07-shokohi-imageonly.pdf"]


def test_gold_budget_lines_and_relations_are_in_the_text_on_their_page(result):
    missing = [f"{g['file']} p.{g['page']}: {g.get('program_ja') or g['partner_ja']}"
               for g, in_text, _ in result.budgets + result.relations if not in_text]
    assert not missing


def test_a_file_naming_neither_its_city_nor_its_year_asks_for_publisher(result):
    """fuji-r8 (a section of a budget book): its text names no city and no year, its PDF
    metadata are empty: without --publisher the error asks for one; with --publisher and
    --fiscal-year its budget line comes out on its page."""
    assert "--fiscal-year 2026 (its text names no year)" in result.files["fuji-r8-budget-07-shokohi.pdf"]
    assert "cannot tell which local government published it" in \
        result.unnamed["fuji-r8-budget-07-shokohi.pdf"]
    assert "--publisher" in result.unnamed["fuji-r8-budget-07-shokohi.pdf"]


def test_no_city_relation_from_the_sister_school_plan(result):
    assert result.files["otoineppu-sogo-senryaku.pdf"].startswith("loaded")
    assert result.school_relations == []
