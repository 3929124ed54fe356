"""Precision and recall of extraction against the hand-checked gold facts of the seeds."""
import pytest
from conftest import SHARED

from citykg.core.paths import DATA_DIR
from citykg.loaders.gold import read_gold
from citykg.loaders.pipeline import extract_document

GOLD = sorted((DATA_DIR / "gold").glob("*.jsonl"))


def scores(gold_path):
    gold = read_gold(gold_path)
    doc = SHARED / "seeds" / gold.header["document"]
    if not doc.exists():
        pytest.skip(f"{doc} is not here")
    _, extraction = extract_document(doc)
    found = {f.key() for f in extraction.facts}
    expected = gold.keys()
    hits = found & expected
    return len(hits) / len(found), len(hits) / len(expected), found - expected, expected - found


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem)
def test_precision_and_recall_on_the_seeds(gold_path):
    """The issue's bar is recall 0.9 and precision 0.95; the floors are where the rules stand
    (BENCHMARKS.md §7), so that a rule added for another report's layout cannot quietly cost
    the seeds a fact."""
    precision, recall, extra, missed = scores(gold_path)
    assert recall >= 0.975, f"recall {recall:.3f}; missed {sorted(missed, key=str)[:10]}"
    assert precision >= 0.985, f"precision {precision:.3f}; wrong {sorted(extra, key=str)[:10]}"


def test_gold_names_the_document_it_was_checked_against():
    for path in GOLD:
        gold = read_gold(path)
        doc = SHARED / "seeds" / gold.header["document"]
        if doc.exists():
            import hashlib

            assert hashlib.sha256(doc.read_bytes()).hexdigest() == gold.header["sha256"]
