"""A corpus of report-like documents for the extraction benchmark.

    python bench/gen_reports.py OUT_DIR --documents 200 --size 100000

Japanese text in the layouts the seeds and tests/documents show: a budget table with fiscal-
year columns (単位：千円 / 百万円), numbered program lines with amounts, narrative paragraphs
about sister cities ("…年に姉妹都市提携を行い…"), a list of partner cities with era dates
(「- レンヌ市(フランス)-1967(昭和42)年8月29日締結」), CLAIR-style key–value records, overseas
offices, and filler prose. Publishers are Japanese municipalities and partners foreign cities
from the bundled gazetteers, so the names are the ones the extractor looks up. Deterministic.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from citykg.core.gazetteer import japan, world

ERAS = [("昭和", 1926), ("平成", 1989), ("令和", 2019)]
KINDS = ["姉妹都市", "友好都市", "パートナー都市", "友好交流都市"]
PROSE = [
    "本市では、多文化共生のまちづくりを推進するため、外国人市民への情報提供や相談体制の充実を図ります。",
    "国際交流ラウンジを拠点として、地域の国際交流活動を支援するとともに、日本語教室を開催します。",
    "海外事務所を活用し、市内企業の海外展開や海外からの投資誘致を進めます。",
    "青少年の相互派遣を通じて、次世代を担う人材の育成と相互理解の促進に取り組みます。",
    "国際会議の誘致により、都市のプレゼンス向上と地域経済の活性化を図ります。",
    "災害時における外国人支援の体制を整備し、多言語による情報発信を強化します。",
]
PROGRAMS = ["国際交流推進費", "多文化共生推進費", "国際協力推進費", "海外事務所運営費",
            "姉妹都市交流事業", "国際会議誘致事業", "外国人相談窓口運営費", "留学生支援事業"]


def era(year: int) -> str:
    name, start = next((n, s) for n, s in reversed(ERAS) if year >= s)
    n = year - start + 1
    return f"{name}{'元' if n == 1 else n}"


def document(rng: random.Random, publisher, partners: list, countries: dict, size: int) -> str:
    fy = rng.randrange(2015, 2025)
    lines = [f"{era(fy)}年度 事業概要", "", publisher.label_ja + " 国際局", ""]
    while sum(len(x.encode()) for x in lines) < size:
        part = rng.randrange(6)
        if part == 0:  # budget table
            unit = rng.choice(["千円", "百万円"])
            lines += ["", f"（単位：{unit}）", "",
                      f"区 分\t{era(fy)}年度\t{era(fy - 1)}年度\t増△減\t主な増減理由"]
            for prog in rng.sample(PROGRAMS, 4):
                a, b = rng.randrange(1000, 2_000_000), rng.randrange(1000, 2_000_000)
                diff = f"{a - b:,}" if a >= b else f"△ {b - a:,}"
                lines.append(f"{prog}\t{a:,}\t{b:,}\t{diff}\t事業費の増減等")
        elif part == 1:  # narrative about a partner
            p = rng.choice(partners)
            y = rng.randrange(1955, 2020)
            lines.append(f"{publisher.label_ja}と{p.label_ja}は、港湾都市であることを縁として、"
                         f"{y}年に{rng.choice(KINDS)}提携を行い、文化・スポーツ交流等を行っています。")
        elif part == 2:  # a list of partners under a heading, with era dates
            lines += ["", rng.choice(KINDS)]
            for p in rng.sample(partners, min(4, len(partners))):
                y = rng.randrange(1955, 2020)
                c = countries.get(p.country)
                lines.append(f"- {p.label_ja}({c.label_ja if c else p.country})-{y}({era(y)})年"
                             f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日締結")
        elif part == 3:  # CLAIR-style records
            p = rng.choice(partners)
            c = countries.get(p.country)
            lines += ["", f"自治体名\t{publisher.label_ja}", f"提携先都市名\t{p.label_ja}",
                      f"国名\t{c.label_ja if c else ''}",
                      f"提携年月日\t{rng.randrange(1960, 2020)}/{rng.randrange(1, 13):02d}/"
                      f"{rng.randrange(1, 29):02d}", f"提携の種類\t{rng.choice(KINDS)}"]
        elif part == 4:  # numbered program lines with amounts
            lines.append("")
            for k, prog in enumerate(rng.sample(PROGRAMS, 3), start=1):
                lines.append(f"({k}) {prog} {rng.randrange(1000, 900_000):,}千円")
                lines.append(rng.choice(PROSE))
        else:
            lines += ["", *rng.sample(PROSE, 3)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--documents", type=int, default=100)
    ap.add_argument("--size", type=int, default=60_000, help="bytes of text per document")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    jp = [e for e in japan().entities if e.kind == "city" and e.label_ja.endswith("市")]
    w = world()
    partners = [e for e in w.entities if e.kind == "city" and e.label_ja]
    countries = {e.key: e for e in w.entities if e.kind == "country"}
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(args.documents):
        text = document(rng, rng.choice(jp), partners, countries, args.size)
        path = args.out / f"report_{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        total += path.stat().st_size
    print(f"{args.documents} documents, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
