"""Precision and recall of extraction against data/gold/, per seed document and per fact kind.
Usage: .venv/bin/python bench/extraction_quality.py [SEEDS_DIR]"""
import sys
from collections import Counter
from pathlib import Path

from citykg.core.paths import DATA_DIR
from citykg.loaders.gold import read_gold
from citykg.loaders.pipeline import extract_document


def main(seeds: Path) -> None:
    print("| document | facts (gold) | extracted | precision | recall |")
    print("|---|---|---|---|---|")
    kinds: Counter = Counter()
    for path in sorted((DATA_DIR / "gold").glob("*.jsonl")):
        gold = read_gold(path)
        _, extraction = extract_document(seeds / gold.header["document"])
        found, expected = {f.key() for f in extraction.facts}, gold.keys()
        hits = found & expected
        print(f"| {gold.header['document']} | {len(expected)} | {len(found)} | "
              f"{len(hits) / len(found):.3f} | {len(hits) / len(expected):.3f} |")
        for k in expected - found:
            kinds[("missed", k[0])] += 1
        for k in found - expected:
            kinds[("wrong", k[0])] += 1
    for (what, kind), n in sorted(kinds.items()):
        print(f"- {what} {kind}: {n}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "seeds")
