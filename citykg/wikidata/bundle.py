"""The bundled snapshot (data/wikidata/entities.tsv, twins.tsv), so the product links offline
out of the box: the items our gazetteer and data/wikidata/jp_municipalities.csv name (type,
English and Japanese label from our files, country), with the label and the P190 pairs a
P190 snapshot gives them — pairs between two of those items, and every pair of the curated
Japanese municipalities (their partners get the snapshot's label). Wikidata's content is CC0.

    python -m citykg.wikidata.bundle ../shared/data/wikidata_p190_2016 [--out data/wikidata]

`citykg link --online` replaces it with a fresh snapshot of its own.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from citykg.core.gazetteer import japan, world
from citykg.wikidata import BUNDLED_SNAPSHOT
from citykg.wikidata.curated import jp_qids
from citykg.wikidata.snapshot import Item, Snapshot, load, save

TYPES = {"city": "city", "country": "country", "region": "region", "network": "organization",
         "intl_org": "organization", "prefecture": "region"}


def bundle(source: Snapshot) -> Snapshot:
    items: dict[str, Item] = {}
    countries = {e.key: e.wikidata for e in world().entities if e.kind == "country" and e.wikidata}

    def add(qid: str, kind: str, en: str, ja: str, country: str) -> None:
        if qid in items:
            if items[qid].type != TYPES.get(kind, ""):
                items[qid].type = ""  # a city-state, both city and country: type unknown
            return
        found = source.items.get(qid)
        items[qid] = Item(qid, TYPES.get(kind, ""), en, ja, found.display if found else "",
                          country=countries.get(country, "") if kind != "country" else "")

    for e in world().entities:
        if e.wikidata:
            add(e.wikidata, e.kind, e.label_en, e.label_ja, e.country)
    curated = jp_qids()
    by_code = {e.code: e for e in japan().entities if e.code}
    for code, (qid, label) in sorted(curated.items()):
        e = by_code.get(code)
        add(qid, e.kind if e else "city", label or (e.label_en if e else ""),
            e.label_ja if e else "", "jp")
    ours, jp = set(items), {q for q, _ in curated.values()}
    twins = [t for t in source.twins
             if (t.qid in ours and t.twin in ours) or t.qid in jp or t.twin in jp]
    for t in twins:
        for q in (t.qid, t.twin):
            if q not in items:
                found = source.items.get(q)
                items[q] = Item(q, label=found.display if found else "")
    return Snapshot(items, twins, source="citykg's bundled snapshot: the gazetteer's and the "
                    f"curated Q-ids, with labels and P190 pairs from {Path(source.source).name}",
                    retrieved=source.retrieved)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a P190 snapshot (e.g. the 2016 crawl)")
    parser.add_argument("--out", type=Path, default=BUNDLED_SNAPSHOT)
    args = parser.parse_args(argv)
    snap = bundle(load(args.source))
    save(snap, args.out)
    print(f"{args.out}: {len(snap.items)} items, {len(snap.twins)} P190 statements")


if __name__ == "__main__":
    main()
