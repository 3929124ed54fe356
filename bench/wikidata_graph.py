"""The real twinning graph of ../shared/data/wikidata_p190_2016 in the citykg ontology.

    python bench/wikidata_graph.py /tmp/wikidata.nt

34k P190 statements (city → twinned city, most in both directions) and 10k labels become
cities (`ckg:City`, a label, `skos:exactMatch` wd:Q…), one `ckg:SisterCityAgreement` per
unordered pair (both `ckg:party`) and the `ckg:twinnedWith` shortcut both ways: the shape the
loaders make, on real, skewed data (no dates: the 2016 crawl has none).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikidata_p190_2016"
ONT = "https://w3id.org/citykg/ontology#"
E = "https://w3id.org/citykg/id/"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args(argv)
    names = dict(line.rstrip("\n").split("\t", 1)
                 for line in open(args.data / "names.tsv", encoding="utf-8") if "\t" in line)
    pairs = {tuple(sorted(line.split())) for line in open(args.data / "relations.tsv")
             if len(line.split()) == 2}
    cities = {q for pair in pairs for q in pair}
    n = 0
    with open(args.out, "w", encoding="utf-8") as f:
        def w(line: str) -> None:
            nonlocal n
            f.write(line + " .\n")
            n += 1

        for q in sorted(cities):
            c = f"<{E}city/wd/{q}>"
            w(f"{c} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ONT}City>")
            label = names.get(q, q).replace("\\", "\\\\").replace('"', '\\"')
            w(f'{c} <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en')
            w(f"{c} <{ONT}slug> \"{q.lower()}\"")
            w(f"{c} <http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/{q}>")
        for a, b in sorted(pairs):
            ag = f"<{E}agreement/sister/wd-{a}--wd-{b}>"
            ca, cb = f"<{E}city/wd/{a}>", f"<{E}city/wd/{b}>"
            w(f"{ag} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ONT}SisterCityAgreement>")
            w(f"{ag} <{ONT}party> {ca}")
            w(f"{ag} <{ONT}party> {cb}")
            w(f'{ag} <{ONT}status> "active"')
            w(f"{ca} <{ONT}twinnedWith> {cb}")
            w(f"{cb} <{ONT}twinnedWith> {ca}")
    print(f"{args.out}: {len(cities):,} cities, {len(pairs):,} pairs, {n:,} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
