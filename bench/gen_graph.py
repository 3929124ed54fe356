"""A synthetic worldwide graph in the citykg ontology, of about N triples, for benchmarks.

    python bench/gen_graph.py 1000000 /tmp/g1m.nt            # N-Triples, one graph when loaded
    python bench/gen_graph.py 1000000 /tmp/g1m.nq --format nq  # N-Quads, a graph per report

Cities in 200 countries (labels in Japanese and English, slug, country, Wikidata id,
coordinates, population), agreements between them (sister/friendship/partner/cooperation,
both parties, a start year, status, the `twinnedWith` shortcut the loaders materialise),
programs with two fiscal years of budgets and a policy pillar, and the reports and line spans
every fact is derived from: the shape `citykg build` makes from documents, at any size.
Partners are drawn with a skew (a few hub cities have hundreds of partners, as in the real
twinning data). Deterministic: the same N gives the same file. About 71 triples a city.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

ONT = "https://w3id.org/citykg/ontology#"
E = "https://w3id.org/citykg/id/"
G = "https://w3id.org/citykg/graph/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
MATCH = "<http://www.w3.org/2004/02/skos/core#exactMatch>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
PUBLISHER = "<http://purl.org/dc/terms/publisher>"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = [("SisterCityAgreement", "sister", "姉妹都市"), ("FriendshipCityAgreement", "friendship", "友好都市"),
         ("PartnerCityAgreement", "partner", "パートナー都市"), ("CooperationAgreement", "cooperation", "協力協定")]
PILLARS = ["多文化共生", "国際協力", "国際連携", "国際交流", "観光交流"]
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
TRIPLES_PER_CITY = 71


def o(name: str) -> str:
    return f"<{ONT}{name}>"


def lit(value, datatype: str | None = None, lang: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{text}"@{lang}'
    return f'"{text}"^^<{XSD}{datatype}>' if datatype else f'"{text}"'


def generate(n_triples: int, out, quads: bool = False, seed: int = 1) -> int:
    """Write about `n_triples` triples to `out` (a text file); returns how many."""
    rng = random.Random(seed)
    n_cities = max(20, n_triples // TRIPLES_PER_CITY)
    countries = [f"k{i:03d}" for i in range(200)]
    written = 0
    graph = ""

    def w(s: str, p: str, obj: str) -> None:
        nonlocal written
        out.write(f"{s} {p} {obj}{graph} .\n")
        written += 1

    if quads:
        graph = f" <{G}bench/countries>"
    for i, cc in enumerate(countries):
        c = f"<{E}country/{cc}>"
        w(c, RDF_TYPE, o("Country"))
        w(c, LABEL, lit(f"Country {i}", lang="en"))
        w(c, LABEL, lit(f"国{i}", lang="ja"))
        w(c, o("countryCode"), lit(cc))

    def city(i: int) -> str:
        return f"<{E}city/{countries[i % 200]}/c{i}>"

    for i in range(n_cities):
        cc = countries[i % 200]
        c, doc = city(i), f"<{E}doc/b{i:07d}>"
        sha = hashlib.sha256(str(i).encode()).hexdigest()
        if quads:
            graph = f" <{G}doc/b{i:07d}>"
        kana = "".join(rng.choice(KANA) for _ in range(3))
        w(c, RDF_TYPE, o("City"))
        w(c, LABEL, lit(f"{kana}市{i}", lang="ja"))
        w(c, LABEL, lit(f"City {i}", lang="en"))
        w(c, o("slug"), lit(f"c{i}"))
        w(c, o("country"), f"<{E}country/{cc}>")
        w(c, MATCH, f"<http://www.wikidata.org/entity/Q{100000 + i}>")
        w(c, o("latitude"), lit(f"{rng.uniform(-60, 70):.4f}", "decimal"))
        w(c, o("longitude"), lit(f"{rng.uniform(-180, 180):.4f}", "decimal"))
        w(c, o("population"), lit(rng.randrange(5000, 5_000_000), "integer"))
        # the report the facts of this city come from
        w(doc, RDF_TYPE, o("SourceDocument"))
        w(doc, o("fileName"), lit(f"report_{i:07d}.txt"))
        w(doc, o("sha256"), lit(sha))
        w(doc, PUBLISHER, c)
        w(doc, o("fiscalYear"), lit(2023, "gYear"))
        line = 10

        def span(text: str, i: int = i, doc: str = doc) -> str:
            nonlocal line
            line += rng.randrange(1, 30)
            s = f"<{E}span/b{i:07d}/{line}-{line}>"
            w(s, RDF_TYPE, o("SourceSpan"))
            w(s, o("inDocument"), doc)
            w(s, o("firstLine"), lit(line, "integer"))
            w(s, o("lastLine"), lit(line, "integer"))
            w(s, o("text"), lit(text))
            return s

        for _ in range(2):  # agreements this city's report names; partners skewed to hubs
            p = int(n_cities * rng.random() ** 3)
            if p == i:
                continue
            cls, kind, word = TYPES[rng.randrange(4) if rng.random() < 0.3 else 0]
            a = f"<{E}agreement/{kind}/c{min(i, p)}--c{max(i, p)}>"
            year = 1950 + rng.randrange(74)
            w(a, RDF_TYPE, o(cls))
            w(a, LABEL, lit(f"City {i}–City {p} {kind} agreement", lang="en"))
            w(a, o("party"), c)
            w(a, o("party"), city(p))
            w(a, o("startDate"), lit(year, "gYear"))
            w(a, o("datePrecision"), lit("year"))
            w(a, o("status"), lit("active"))
            w(a, DERIVED, span(f"{year}年に{word}提携"))
            if kind != "cooperation":
                w(c, o("twinnedWith"), city(p))
                w(city(p), o("twinnedWith"), c)
        prog = f"<{E}program/c{i}/p>"
        w(prog, RDF_TYPE, o("Program"))
        w(prog, LABEL, lit(f"国際交流事業{i}", lang="ja"))
        w(prog, LABEL, lit(f"International exchange {i}", lang="en"))
        w(prog, o("runBy"), c)
        w(prog, o("implements"), f"<{E}pillar/{PILLARS[i % len(PILLARS)]}>")
        previous = None
        for fy in (2022, 2023):
            b = f"<{E}budget/c{i}/{fy}/p>"
            amount = rng.randrange(1, 2000) * 1000
            w(b, RDF_TYPE, o("Budget"))
            w(b, o("budgetOf"), prog)
            w(b, o("fiscalYear"), lit(fy, "gYear"))
            w(b, o("amount"), lit(amount, "decimal"))
            w(b, o("currency"), lit("JPY"))
            if previous is not None:
                w(b, o("previousAmount"), lit(previous, "decimal"))
            w(b, DERIVED, span(f"国際交流事業 {amount // 1000:,}千円"))
            previous = amount
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("triples", type=int, help="about how many triples")
    ap.add_argument("out", type=Path)
    ap.add_argument("--format", choices=["nt", "nq"], default="nt")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", buffering=1 << 20) as f:
        n = generate(args.triples, f, quads=args.format == "nq", seed=args.seed)
    print(f"{args.out}: {n:,} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
