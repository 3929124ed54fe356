"""Gold facts (data/gold/*.jsonl): what each seed document states, checked by hand. They are
both the yardstick of extraction (precision and recall) and the bundled data a fresh clone
builds its graph from."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from citykg.loaders.facts import Fact, Span


def read_gold(path: Path) -> tuple[dict, list[Fact]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    facts = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        record = json.loads(line)
        first, _, last = str(record.pop("lines")).partition("-")
        kind = record.pop("kind")
        facts.append(Fact(kind, record, Span(int(first), int(last or first), "")))
    return header, facts


def load_gold_graphs(directory: Path) -> list[tuple[str, list[ox.Triple]]]:
    return []
