"""Gold facts (data/gold/*.jsonl): what each seed document states, checked by hand against its
text. They are the yardstick of extraction (precision and recall) and the bundled data a fresh
clone builds its graph from, mapped exactly like extracted facts.

Format: the first line is a header {"document", "sha256", "publisher" (slug), "fiscal_year"};
every other line one fact: {"kind", "lines": "640" or "636-638", …the fact's data}. Entities
are written by their gazetteer key (partner "odesa", network "citynet", covers ["cn"]), dates
as ISO strings ("1965", "2022-12")."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citykg.core.gazetteer import Entity, japan, world
from citykg.loaders.facts import Fact, Span
from citykg.loaders.normalise import PartialDate

DATES = ("start", "as_of", "enacted", "date")


@dataclass
class Gold:
    path: Path
    header: dict
    facts: list[Fact]

    def keys(self) -> set[tuple]:
        return {f.key() for f in self.facts}


class GoldError(ValueError):
    pass


def read_gold(path: Path) -> Gold:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    publisher = _entity(path, 1, "city", header["publisher"])
    facts = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            first, _, last = str(record.pop("lines")).partition("-")
            kind = record.pop("kind")
            data = {k: _value(path, number, k, v) for k, v in record.items()}
            if kind == "document":
                data.setdefault("publisher", publisher)
            facts.append(Fact(kind, data, Span(int(first), int(last or first), "")))
        except (KeyError, ValueError, TypeError) as exc:
            raise GoldError(f"{path}:{number}: {exc}") from exc
    return Gold(path, header, facts)


def _value(path: Path, line: int, key: str, value):
    if key in DATES and value:
        parts = [int(p) for p in str(value).split("-")]
        return PartialDate(*parts)
    if key in ("partner", "host"):
        return _entity(path, line, "city", value) if value else None
    if key == "network":
        return _entity(path, line, "network", value)
    if key == "entity":
        return _entity(path, line, None, value) if value else None
    if key == "covers_entities":
        return tuple(_entity(path, line, None, v) for v in value)
    if key == "covers":
        return tuple(value)
    return value


def _entity(path: Path, line: int, kind: str | None, key: str) -> Entity:
    for gaz in (world(), japan()):
        for e in gaz.entities:
            if e.key == key and (kind is None or e.kind == kind or
                                 (kind == "city" and e.kind == "ward")):
                return e
    raise GoldError(f"{path}:{line}: no {kind or 'entity'} {key!r} in the gazetteer")


def load_gold_graphs(directory: Path) -> list[tuple[str, list[ox.Triple]]]:
    from citykg.loaders.map import Mapper, graph_of
    from citykg.loaders.materialise import with_inferences

    graphs = []
    for path in sorted(directory.glob("*.jsonl")):
        gold = read_gold(path)
        publisher = next(f.data["publisher"] for f in gold.facts if f.kind == "document")
        mapper = Mapper(gold.header["sha256"], gold.header["document"], publisher)
        graphs.append((graph_of(gold.header["sha256"]),
                       with_inferences(mapper.triples(gold.facts))))
    return graphs
