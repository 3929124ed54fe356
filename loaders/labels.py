"""English labels for Japanese names: the glossary (data/glossary.csv) where it knows the
term, else a Hepburn romanisation, so every node a person reads has a label in both."""
from __future__ import annotations

import csv
from functools import cache, lru_cache

from citykg.loaders.extract.places import romanise
from citykg.paths import DATA_DIR


@cache
def glossary() -> dict[str, str]:
    path = DATA_DIR / "glossary.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {row["ja"]: row["en"] for row in csv.DictReader(f)}


@lru_cache(maxsize=1 << 16)  # names recur: a program, then its budget in each year
def english(ja: str) -> str:
    text = ja.strip()
    if text in glossary():
        return glossary()[text]
    if text.isascii():
        return text
    return romanise(text, " ").replace("-", " ").capitalize()
