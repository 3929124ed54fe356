"""Wikidata offline: a snapshot of items (labels, type, country, coordinates, population) and
their P190 ("twinned administrative body") statements with start and end dates.

Two formats are read, told apart by their files (see data/wikidata/README.md):

- **citykg** (`entities.tsv`, `twins.tsv`, optional `snapshot.json`): what `citykg link
  --online` writes and what ships in data/wikidata/;
- **p190-crawl** (`names.tsv`: `qid<TAB>label`, `relations.tsv`: `qid<TAB>twin_qid`, no
  headers): the 2016 crawl in ../shared/data/wikidata_p190_2016/. Its one label per item is in
  German, English, French, Italian or Spanish (the first of these Wikidata had), so it is kept
  as `label` (language unknown), never as an English label; it has no types, countries or
  dates.
"""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from citykg.wikidata import BUNDLED_SNAPSHOT, QID
from citykg.wikidata.names import keys

ENTITY_COLUMNS = ("qid", "type", "label_en", "label_ja", "label", "aliases", "country",
                  "lat", "lon", "population")
TWIN_COLUMNS = ("qid", "twin", "start", "end")
TYPES = ("", "city", "region", "country", "organization")
DATE = re.compile(r"^-?\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class SnapshotError(ValueError):
    """A snapshot that cannot be read, with the file and line named."""


@dataclass
class Item:
    qid: str
    type: str = ""  # city | region | country | organization | "" (not known)
    label_en: str = ""
    label_ja: str = ""
    label: str = ""  # a label in another or an unknown language (the 2016 crawl's)
    aliases: tuple[str, ...] = ()
    country: str = ""  # the country's Q-id (P17)
    lat: str = ""  # P625, decimal degrees
    lon: str = ""
    population: str = ""  # P1082, an integer

    @property
    def names(self) -> list[str]:
        return [n for n in (self.label_en, self.label_ja, self.label, *self.aliases) if n]

    @property
    def labels(self) -> list[str]:
        """The item's labels, without its aliases."""
        return [n for n in (self.label_en, self.label_ja, self.label) if n]

    @property
    def display(self) -> str:
        return self.label_en or self.label or self.label_ja or (self.aliases or (self.qid,))[0]


@dataclass(frozen=True)
class Twin:
    """One P190 statement: `qid` states that it is twinned with `twin`."""
    qid: str
    twin: str
    start: str = ""  # P580: YYYY, YYYY-MM or YYYY-MM-DD (the precision is the length)
    end: str = ""  # P582, likewise


@dataclass
class Snapshot:
    items: dict[str, Item] = field(default_factory=dict)
    twins: list[Twin] = field(default_factory=list)
    source: str = ""
    format: str = "citykg"
    retrieved: str = ""  # when the data was taken from Wikidata (YYYY-MM-DD or YYYY-MM)
    problems: list[str] = field(default_factory=list)

    @cached_property
    def _statements(self) -> dict[str, list[Twin]]:
        by: dict[str, list[Twin]] = defaultdict(list)
        for t in self.twins:
            by[t.qid].append(t)
            if t.twin != t.qid:
                by[t.twin].append(t)
        return by

    def statements(self, qid: str) -> list[Twin]:
        """Every P190 statement of the item and about it (both directions)."""
        return self._statements.get(qid, [])

    def partners(self, qid: str) -> set[str]:
        return {t.twin if t.qid == qid else t.qid for t in self.statements(qid)}

    @cached_property
    def name_index(self) -> dict[str, dict[str, tuple[float, str]]]:
        """{name key: {qid: (weight, the name)}}: labels weigh 1.0, aliases 0.9, times the
        key's own weight (0.95 for a form without a suffix)."""
        index: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
        for item in self.items.values():
            for weight, names in ((1.0, item.labels), (0.9, item.aliases)):
                for name in names:
                    for k, w in keys(name).items():
                        old = index[k].get(item.qid)
                        if old is None or old[0] < weight * w:
                            index[k][item.qid] = (weight * w, name)
        return index

    def summary(self) -> str:
        return (f"{self.source} ({self.format}{', ' + self.retrieved if self.retrieved else ''}:"
                f" {len(self.items)} items, {len(self.twins)} P190 statements)")


# reading ------------------------------------------------------------------------------------
def load(path: Path | str | None = None) -> Snapshot:
    """The snapshot in a folder (either format), or the bundled one when `path` is None."""
    folder = Path(path) if path is not None else BUNDLED_SNAPSHOT
    if folder.is_file():
        folder = folder.parent
    if (folder / "entities.tsv").exists():
        return _load_citykg(folder)
    if (folder / "names.tsv").exists() and (folder / "relations.tsv").exists():
        return _load_crawl(folder)
    raise SnapshotError(f"{folder}: no snapshot here (want entities.tsv and twins.tsv, or the "
                        "2016 crawl's names.tsv and relations.tsv)")


def _load_citykg(folder: Path) -> Snapshot:
    meta = {}
    if (folder / "snapshot.json").exists():
        try:
            meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SnapshotError(f"{folder / 'snapshot.json'}: not JSON: {exc}") from None
    snap = Snapshot(source=str(meta.get("source") or folder), format="citykg",
                    retrieved=str(meta.get("retrieved") or ""))
    for line, row in _rows(folder / "entities.tsv", ENTITY_COLUMNS):
        item = Item(row["qid"], row["type"], row["label_en"], row["label_ja"], row["label"],
                    tuple(a for a in row["aliases"].split("|") if a), row["country"],
                    row["lat"], row["lon"], row["population"])
        _check_item(item, folder / "entities.tsv", line)
        snap.items[item.qid] = item
    if (folder / "twins.tsv").exists():
        seen = set()
        for line, row in _rows(folder / "twins.tsv", TWIN_COLUMNS):
            twin = Twin(row["qid"], row["twin"], row["start"], row["end"])
            where = f"{folder / 'twins.tsv'}:{line}"
            for q in (twin.qid, twin.twin):
                if not QID.match(q):
                    raise SnapshotError(f"{where}: {q!r} is not a Q-id")
            for d in (twin.start, twin.end):
                if d and not DATE.match(d):
                    raise SnapshotError(f"{where}: {d!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            if twin not in seen:
                seen.add(twin)
                snap.twins.append(twin)
    return snap


def _rows(path: Path, columns: tuple[str, ...]):
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SnapshotError(f"{path}:1: the header lacks {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, {c: (row.get(c) or "").strip() for c in columns}


def _check_item(item: Item, path: Path, line: int) -> None:
    where = f"{path}:{line}"
    if not QID.match(item.qid):
        raise SnapshotError(f"{where}: {item.qid!r} is not a Q-id")
    if item.type not in TYPES:
        raise SnapshotError(f"{where}: type {item.type!r} is not one of {', '.join(TYPES[1:])}")
    if item.country and not QID.match(item.country):
        raise SnapshotError(f"{where}: country {item.country!r} is not a Q-id")
    for name, value, low, high in (("lat", item.lat, -90, 90), ("lon", item.lon, -180, 180)):
        if value and not (NUMBER.match(value) and low <= float(value) <= high):
            raise SnapshotError(f"{where}: {name} {value!r} is not a number in [{low}, {high}]")
    if item.population and not item.population.isdigit():
        raise SnapshotError(f"{where}: population {item.population!r} is not an integer")


def _load_crawl(folder: Path) -> Snapshot:
    snap = Snapshot(source=str(folder), format="p190-crawl", retrieved="2016-09")
    for line, parts in _tsv(folder / "names.tsv"):
        if len(parts) != 2 or not QID.match(parts[0]) or not parts[1].strip():
            snap.problems.append(f"names.tsv:{line}: not `qid<TAB>label`, skipped")
            continue
        snap.items[parts[0]] = Item(parts[0], label=parts[1].strip())
    seen = set()
    for line, parts in _tsv(folder / "relations.tsv"):
        if len(parts) != 2 or not all(QID.match(p) for p in parts):
            snap.problems.append(f"relations.tsv:{line}: not `qid<TAB>twin_qid`, skipped")
            continue
        twin = Twin(parts[0], parts[1])
        if twin not in seen and twin.qid != twin.twin:
            seen.add(twin)
            snap.twins.append(twin)
    return snap


def _tsv(path: Path):
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            text = text.rstrip("\r\n")
            if text:
                yield line, [p.strip() for p in text.split("\t")]


# writing ------------------------------------------------------------------------------------
def save(snap: Snapshot, folder: Path | str) -> Path:
    """Write the snapshot in the citykg format (entities.tsv, twins.tsv, snapshot.json)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "entities.tsv").open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(ENTITY_COLUMNS) + "\n")
        for item in sorted(snap.items.values(), key=lambda i: int(i.qid[1:])):
            values = [item.qid, item.type, item.label_en, item.label_ja, item.label,
                      "|".join(a.replace("|", " ") for a in item.aliases), item.country,
                      item.lat, item.lon, item.population]
            f.write("\t".join(_cell(v) for v in values) + "\n")
    with (folder / "twins.tsv").open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(TWIN_COLUMNS) + "\n")
        for t in sorted(set(snap.twins), key=lambda t: (int(t.qid[1:]), int(t.twin[1:]))):
            f.write("\t".join((t.qid, t.twin, t.start, t.end)) + "\n")
    meta = {"source": snap.source, "retrieved": snap.retrieved, "license": "CC0-1.0 (Wikidata)",
            "format": "citykg snapshot, see data/wikidata/README.md"}
    (folder / "snapshot.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
    return folder


def _cell(value: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", value or "").strip()
