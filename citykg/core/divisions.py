"""Foreign first-level divisions (states, provinces; ISO 3166-2) with their Japanese names, the
parties of prefectures' agreements (兵庫県–パラナ州, 静岡県–浙江省).

Source: the ``pycountry`` package (ISO 3166-2 codes, English names, and the iso-codes
project's Japanese translations, written without the suffix a Japanese text adds: パラナ →
パラナ州). Where iso-codes has no Japanese name (China's and Korea's provinces are written in
kanji; Russia's are untranslated) the names come from ``data/gazetteer/divisions_ja.csv``,
which also overrides a translation. ``python -m citykg.core.divisions --write`` regenerates
``data/gazetteer/divisions.csv``; :mod:`citykg.core.gazetteer` reads that CSV only, so pycountry is
not needed at run time."""
from __future__ import annotations

import argparse
import csv
import gettext
import re
import sys
import unicodedata

from citykg.core.paths import GAZETTEER_DIR
from citykg.core.text import slugify

OUT = GAZETTEER_DIR / "divisions.csv"
NAMES_JA = GAZETTEER_DIR / "divisions_ja.csv"
# The suffix Japanese texts put after a division's name, by country and ISO 3166-2 type, and
# the kind the gazetteer gives it. Countries not listed are taken from divisions_ja.csv only.
SUFFIXES: dict[tuple[str, str], tuple[str, str]] = {
    ("US", "State"): ("州", "state"), ("BR", "State"): ("州", "state"),
    ("AU", "State"): ("州", "state"), ("MX", "State"): ("州", "state"),
    ("IN", "State"): ("州", "state"), ("DE", "Land"): ("州", "state"),
    ("CA", "Province"): ("州", "province"), ("AR", "Province"): ("州", "province"),
    ("IT", "Region"): ("州", "province"), ("IT", "Autonomous region"): ("州", "province"),
    ("ES", "Autonomous community"): ("州", "province"), ("PE", "Region"): ("県", "province"),
    ("TH", "Province"): ("県", "province"), ("VN", "Province"): ("省", "province"),
}
FIELDS = ("id", "iso", "country", "label_en", "label_ja", "aliases", "kind")


def rows() -> list[dict[str, str]]:
    import pycountry

    ja = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ja"],
                             fallback=True)
    with NAMES_JA.open(encoding="utf-8", newline="") as f:
        own = {r["iso"]: r for r in csv.DictReader(f)}
    out = []
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        country = sub.country_code
        if sub.parent_code is not None:
            continue
        row = own.pop(sub.code, None)
        suffix, kind = SUFFIXES.get((country, sub.type), ("", "province"))
        if row:
            label_ja, label_en, aliases = row["label_ja"], row["label_en"], row["aliases"]
        elif (country, sub.type) in SUFFIXES and (name := ja.gettext(sub.name)) != sub.name:
            label_ja, label_en, aliases = name + suffix, _english(sub.name), ""
            if "・" not in name and (dotted := re.sub(r"(?<=[ァ-ヺー])[=＝](?=[ァ-ヺ])", "・",
                                                        name)) != name:
                aliases = dotted + suffix
        else:
            continue
        out.append({"id": _slug(label_en, country), "iso": sub.code, "country": country.lower(),
                    "label_en": label_en, "label_ja": label_ja, "aliases": aliases,
                    "kind": kind})
    if own:
        raise ValueError(f"{NAMES_JA.name}: no ISO 3166-2 division {', '.join(own)}")
    return out


def _english(name: str) -> str:
    return name.split(",")[0].strip()


def _slug(name: str, country: str) -> str:
    # what has no ASCII letter under its accents goes (Đồng Nai -> ong-nai-vn): the ids published
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{slugify(plain)}-{country.lower()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT}")
    args = parser.parse_args(argv)
    found = rows()
    if args.write:
        with OUT.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, FIELDS)
            writer.writeheader()
            writer.writerows(found)
    print(f"{len(found)} divisions" + (f" written to {OUT}" if args.write else ""),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
