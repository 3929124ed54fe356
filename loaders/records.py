"""Bundled records: the facts of the seed documents, hand-checked into data/gold/, mapped like
extracted facts, so the product builds its graph from a fresh clone without the documents."""
from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from citykg.core.paths import DATA_DIR


@cache
def bundled_records() -> tuple[tuple[str, list[ox.Triple]], ...]:
    from citykg.loaders.gold import load_gold_graphs

    return tuple(load_gold_graphs(DATA_DIR / "gold"))
