"""Extend the bundled world gazetteer (data/gazetteer/cities.csv) from an external list of places.

A user downloads Natural Earth's `ne_*_populated_places` attribute table as CSV (or GeoNames'
`cities15000.txt`) and merges it into a cities.csv-format file:

    python -m citykg.loaders.gazetteer_import ne_10m_populated_places.csv out/cities.csv

Each incoming row either *matches* an existing row — by Wikidata id, else by country and
normalised English name (label or alias) of a row that has no different Wikidata id — and
enriches it (empty wikidata filled, a different Japanese name added as an alias, coordinates
and population filled), or is *added* with a fresh slug id (`-{country}` appended when the
slug is taken). Japanese places are skipped (Japan's municipalities come from their own
table), and so are rows that cannot be used (no name, no usable country code); the report
lists those with their line numbers. Merging is idempotent: importing the same file into its
own output adds nothing.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from citykg.core.text import ascii_fold, slugify

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "data" / "gazetteer"
BASE_FIELDS = ["id", "country", "label_en", "label_ja", "aliases", "wikidata", "kind"]
EXTRA_FIELDS = ["latitude", "longitude", "population"]
QID = re.compile(r"^Q\d+$")
JAPAN = "jp"
KANA = re.compile(r"[ぁ-ゖァ-ヺー]")


@dataclass(frozen=True)
class Problem:
    """An input row that was not used, or was used with a caveat."""

    line: int
    name: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.name or '(no name)'}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0  # data rows read
    matched: int = 0  # rows that matched an existing city
    enriched: int = 0  # matched rows whose data changed
    added: int = 0  # new cities
    skipped: int = 0  # Japan rows + unusable rows
    skipped_japan: int = 0
    unusable: list[Problem] = field(default_factory=list)  # not used: no name, bad country
    no_wikidata: list[Problem] = field(default_factory=list)  # rows without an id (used or not)
    ambiguous: list[Problem] = field(default_factory=list)  # matched one of several candidates
    added_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}: {self.rows} rows, {self.matched} matched ({self.enriched} "
                f"enriched), {self.added} added, {self.skipped} skipped "
                f"({self.skipped_japan} in Japan, {len(self.unusable)} unusable), "
                f"{len(self.no_wikidata)} without a Wikidata id")


@dataclass
class Place:
    """One incoming place, whatever the source format."""

    line: int
    names_en: list[str]  # first = the English label
    name_ja: str
    country: str  # ISO alpha-2, lower case, or "" when unknown
    country_name: str
    wikidata: str
    latitude: str = ""
    longitude: str = ""
    population: str = ""
    ja_aliases: list[str] = field(default_factory=list)


def norm_name(text: str) -> str:
    """The key English names are compared by: folded, lower case, letters and digits only,
    'Saint'/'St.' alike, a trailing ' City' ignored (Cebu City = Cebu)."""
    t = ascii_fold(text).lower().strip()
    t = re.sub(r"\bsaint\b|\bst\b\.?", "st", t)
    t = re.sub(r"\s+city$", "", t)
    return re.sub(r"[^a-z0-9]+", "", t)


def split_aliases(value: str) -> list[str]:
    return [a.strip() for a in (value or "").split("|") if a.strip()]


def _lower_keys(row: dict[str | None, str | list[str] | None]) -> dict[str, str]:
    return {k.strip().lower(): (v or "").strip() if isinstance(v, str) else ""
            for k, v in row.items() if k is not None}


def _read_countries(path: Path | None) -> tuple[set[str], dict[str, str]]:
    """Known codes, and a name -> code map (English/Japanese labels and aliases)."""
    if path is None or not path.exists():
        return set(), {}
    codes, by_name = set(), {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["code"].strip().lower()
            codes.add(code)
            for name in [row.get("label_en", ""), row.get("label_ja", ""),
                         *split_aliases(row.get("aliases", ""))]:
                if name:
                    by_name.setdefault(norm_name(name) or name, code)
    return codes, by_name


class CityTable:
    """A cities.csv-format file in memory, indexed for matching."""

    def __init__(self, rows: list[dict[str, str]], fieldnames: list[str]):
        self.rows = rows
        extra = [f for f in fieldnames if f not in BASE_FIELDS and f not in EXTRA_FIELDS]
        self.fieldnames = BASE_FIELDS + EXTRA_FIELDS + extra
        self.by_qid: dict[str, dict[str, str]] = {}
        self.by_name: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.ids: set[str] = set()
        for row in rows:
            self._index(row)

    @classmethod
    def load(cls, path: Path | None) -> CityTable:
        if path is None or not path.exists():
            return cls([], BASE_FIELDS)
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [{k: (v or "") for k, v in r.items() if k is not None} for r in reader]
            return cls(rows, list(reader.fieldnames or BASE_FIELDS))

    def _index(self, row: dict[str, str]) -> None:
        self.ids.add(row["id"])
        if row.get("wikidata"):
            self.by_qid.setdefault(row["wikidata"], row)
        for name in [row.get("label_en", ""), *split_aliases(row.get("aliases", ""))]:
            key = norm_name(name)
            if key:
                bucket = self.by_name.setdefault((row["country"], key), [])
                if row not in bucket:
                    bucket.append(row)

    def find(self, place: Place) -> tuple[dict[str, str] | None, int]:
        """The row `place` is, and how many rows were candidates by name."""
        if place.wikidata and place.wikidata in self.by_qid:
            return self.by_qid[place.wikidata], 1
        candidates: list[dict[str, str]] = []
        for name in place.names_en:
            for row in self.by_name.get((place.country, norm_name(name)), []):
                if row not in candidates and (not row.get("wikidata") or not place.wikidata
                                              or row["wikidata"] == place.wikidata):
                    candidates.append(row)
        if not candidates:
            return None, 0
        cities = [r for r in candidates if r.get("kind", "city") in ("", "city")] or candidates
        return cities[0], len(cities)

    def new_id(self, name: str, country: str, line: int) -> str:
        base = slugify(name) or f"place-{line}"
        if base not in self.ids:
            return base
        candidate = f"{base}-{country}" if country else base
        n = 2
        while candidate in self.ids:
            candidate = f"{base}-{country}-{n}" if country else f"{base}-{n}"
            n += 1
        return candidate

    def add(self, row: dict[str, str]) -> None:
        self.rows.append(row)
        self._index(row)

    def reindex(self, row: dict[str, str]) -> None:
        self._index(row)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=self.fieldnames, lineterminator="\n",
                                    extrasaction="ignore")
            writer.writeheader()
            for row in self.rows:
                writer.writerow({k: row.get(k, "") for k in self.fieldnames})
        tmp.replace(path)


def _enrich(row: dict[str, str], place: Place, table: CityTable) -> bool:
    before = dict(row)
    if place.wikidata and not row.get("wikidata") and place.wikidata not in table.by_qid:
        row["wikidata"] = place.wikidata
    aliases = split_aliases(row.get("aliases", ""))
    known = {row.get("label_ja", ""), row.get("label_en", ""), *aliases}
    new: list[str] = []
    for ja in [place.name_ja, *place.ja_aliases]:
        if not ja:
            continue
        if not row.get("label_ja"):
            row["label_ja"] = ja
            known.add(ja)
        elif ja not in known:
            new.append(ja)
            known.add(ja)
    if new:
        row["aliases"] = "|".join(aliases + new)
    for key in EXTRA_FIELDS:
        value = getattr(place, key)
        if value and not row.get(key):
            row[key] = value
    if row != before:
        table.reindex(row)
        return True
    return False


def merge_places(places: Iterable[Place | Problem], out_cities_csv: Path | str, *,
                 source: str, base_csv: Path | str | None = None,
                 countries_csv: Path | str | None = None) -> ImportReport:
    """Merge `places` into the cities table read from `base_csv` (default: the output file if it
    exists, else the bundled cities.csv) and write it to `out_cities_csv`."""
    out = Path(out_cities_csv)
    if base_csv is None:
        base_csv = out if out.exists() else GAZETTEER_DIR / "cities.csv"
    if countries_csv is None:
        countries_csv = GAZETTEER_DIR / "countries.csv"
    codes, by_country_name = _read_countries(Path(countries_csv))
    table = CityTable.load(Path(base_csv))
    report = ImportReport(source=source)
    for place in places:
        report.rows += 1
        if isinstance(place, Problem):
            report.unusable.append(place)
            report.skipped += 1
            continue
        if not place.wikidata:
            report.no_wikidata.append(Problem(place.line, place.names_en[0], "no Wikidata id"))
        if place.country in ("", "-99") or not re.fullmatch(r"[a-z]{2}", place.country):
            code = by_country_name.get(norm_name(place.country_name)) \
                or by_country_name.get(place.country_name)
            if not code:
                raw = place.country or "(empty)"
                report.unusable.append(Problem(
                    place.line, place.names_en[0],
                    f"bad country code {raw} ({place.country_name or 'no country name'})"))
                report.skipped += 1
                continue
            place.country = code
        if place.country == JAPAN:
            report.skipped_japan += 1
            report.skipped += 1
            continue
        if codes and place.country not in codes:
            report.unusable.append(Problem(place.line, place.names_en[0],
                                           f"unknown country code {place.country}"))
            report.skipped += 1
            continue
        row, candidates = table.find(place)
        if row is not None:
            report.matched += 1
            if candidates > 1:
                report.ambiguous.append(Problem(
                    place.line, place.names_en[0],
                    f"{candidates} rows share the name; matched {row['id']}"))
            if _enrich(row, place, table):
                report.enriched += 1
            continue
        label_en = place.names_en[0]
        aliases = []
        for name in place.names_en[1:]:
            if norm_name(name) != norm_name(label_en) and name not in aliases:
                aliases.append(name)
        aliases += [a for a in place.ja_aliases if a != place.name_ja and a not in aliases]
        new = {
            "id": table.new_id(label_en, place.country, place.line),
            "country": place.country,
            "label_en": label_en,
            "label_ja": place.name_ja,
            "aliases": "|".join(aliases),
            "wikidata": place.wikidata if place.wikidata not in table.by_qid else "",
            "kind": "city",
            "latitude": place.latitude,
            "longitude": place.longitude,
            "population": place.population,
        }
        table.add(new)
        report.added += 1
        report.added_ids.append(new["id"])
    table.write(out)
    return report


def _population(value: str) -> str:
    try:
        n = int(float(value))
    except ValueError:
        return ""
    return str(n) if n > 0 else ""


def read_natural_earth(csv_path: Path | str) -> Iterator[Place | Problem]:
    """Natural Earth populated places, as exported to CSV (headers in either case)."""
    with Path(csv_path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for raw in reader:
            row = _lower_keys(raw)
            line = reader.line_num
            names = [n for n in (row.get("name_en"), row.get("name"), row.get("nameascii"))
                     if n]
            seen: list[str] = []
            for n in names:
                if n not in seen:
                    seen.append(n)
            if not seen:
                yield Problem(line, "", "no name")
                continue
            qid = row.get("wikidataid", "")
            yield Place(
                line=line,
                names_en=seen,
                name_ja=row.get("name_ja", ""),
                country=row.get("iso_a2", "").lower(),
                country_name=row.get("adm0name", "") or row.get("sov0name", ""),
                wikidata=qid if QID.match(qid) else "",
                latitude=row.get("latitude", ""),
                longitude=row.get("longitude", ""),
                population=_population(row.get("pop_max", "")),
            )


GEONAMES_COLUMNS = ["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                    "feature_class", "feature_code", "country_code", "cc2", "admin1", "admin2",
                    "admin3", "admin4", "population", "elevation", "dem", "timezone", "modified"]


def read_geonames(tsv_path: Path | str) -> Iterator[Place | Problem]:
    """GeoNames `cities15000.txt`-style TSV (no header). It has no Wikidata ids; Japanese names
    are taken from the alternate names that contain kana."""
    with Path(tsv_path).open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            row = dict(zip(GEONAMES_COLUMNS, line.rstrip("\n").split("\t"), strict=False))
            names = [n for n in (row.get("name", ""), row.get("asciiname", "")) if n]
            if not names:
                yield Problem(line_no, "", "no name")
                continue
            ja = [a for a in row.get("alternatenames", "").split(",") if KANA.search(a)]
            yield Place(
                line=line_no,
                names_en=list(dict.fromkeys(names)),
                name_ja=ja[0] if ja else "",
                ja_aliases=ja[1:],
                country=row.get("country_code", "").lower(),
                country_name="",
                wikidata="",
                latitude=row.get("latitude", ""),
                longitude=row.get("longitude", ""),
                population=_population(row.get("population", "")),
            )


def import_natural_earth(csv_path: Path | str, out_cities_csv: Path | str, *,
                         base_csv: Path | str | None = None,
                         countries_csv: Path | str | None = None) -> ImportReport:
    """Merge a Natural Earth populated-places CSV into a cities.csv-format file."""
    return merge_places(read_natural_earth(csv_path), out_cities_csv, source=str(csv_path),
                        base_csv=base_csv, countries_csv=countries_csv)


def import_geonames(tsv_path: Path | str, out_cities_csv: Path | str, *,
                    base_csv: Path | str | None = None,
                    countries_csv: Path | str | None = None) -> ImportReport:
    """Merge a GeoNames cities TSV (cities15000.txt and the like) into a cities.csv file."""
    return merge_places(read_geonames(tsv_path), out_cities_csv, source=str(tsv_path),
                        base_csv=base_csv, countries_csv=countries_csv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="Natural Earth CSV or GeoNames TSV")
    parser.add_argument("out", type=Path, help="cities.csv to write (merged into if it exists)")
    parser.add_argument("--base", type=Path, help="cities.csv to start from")
    parser.add_argument("--geonames", action="store_true", help="the source is GeoNames TSV")
    args = parser.parse_args(argv)
    run = import_geonames if args.geonames or args.source.suffix == ".txt" \
        else import_natural_earth
    report = run(args.source, args.out, base_csv=args.base)
    print(report.summary())
    for problem in report.unusable:
        print(f"  unusable {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
