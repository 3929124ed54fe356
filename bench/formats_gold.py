"""The real PDF and CSV files of ../shared/corpus/pdf/ against their gold (gold/budgets.csv,
gold/relations.csv): for every file, whether it loads or the error it gives; for every gold
budget line and relation, whether the reader's TEXT has it on the right page (the program's name
and its amount on one line of that page), and whether the extractor FINDS it (a fact with that
program, year and amount, or that partner and type, whose span is on that page); and the city
relations that come out of the sister-school plan (there must be none).

Each file with gold is loaded as a user would with `--publisher` (the gold's publisher). A file
whose text names no fiscal year (fuji-r8: an 11-page section of a budget book without the
book's cover; its text names neither its city nor its year, and its PDF metadata are empty) is
loaded again with `--fiscal-year` (the gold's year), as its load report asks; without
`--publisher` it must give the error that asks for one (`Result.unnamed`).

Usage: .venv/bin/python bench/formats_gold.py [CORPUS_DIR]   (default ../shared/corpus/pdf)
`tests/test_formats_corpus.py` runs the same checks."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from citykg.loaders.pipeline import LoadError, load_document, resolve_publisher
from citykg.loaders.read import read_document

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"
SISTER_SCHOOL_PLAN = "otoineppu-sogo-senryaku.pdf"


@dataclass
class Result:
    files: dict[str, str] = field(default_factory=dict)  # file → "loaded: N facts" or the error
    budgets: list[tuple[dict, bool, bool]] = field(default_factory=list)  # gold, in text, found
    relations: list[tuple[dict, bool, bool]] = field(default_factory=list)
    school_relations: list[str] = field(default_factory=list)
    # file → the error without --publisher, for the files whose text names no fiscal year
    unnamed: dict[str, str] = field(default_factory=dict)


def _amounts(yen: int) -> set[str]:
    """How a budget book writes an amount: in 千円 or in yen, with commas."""
    return {f"{yen // 1000:,}", f"{yen:,}"} if yen % 1000 == 0 else {f"{yen:,}"}


def _in_text(doc, name: str, amounts: set[str], page: int | None) -> bool:
    for line, origin in zip(doc.lines, doc.origins or [None] * len(doc.lines), strict=True):
        if page and (origin is None or origin.page != page):
            continue
        cells = set(line.replace("\t", " ").split())
        if name in line and cells & amounts:
            return True
    return False


def _page(doc, span) -> int | None:
    return doc.origins[span.first_line - 1].page if doc.origins else None


def _fiscal_year(loaded) -> int | None:
    return next(f.data["fiscal_year"] for f in loaded.extraction.facts if f.kind == "document")


def check(corpus: Path) -> Result:
    files = corpus / "files"
    with open(corpus / "gold" / "budgets.csv", encoding="utf-8") as f:
        budgets = list(csv.DictReader(f))
    with open(corpus / "gold" / "relations.csv", encoding="utf-8") as f:
        relations = list(csv.DictReader(f))
    publishers = {r["file"]: r["publisher_ja"] for r in budgets + relations}
    years = {r["file"]: int(r["fiscal_year"]) for r in budgets}
    result, docs, loads = Result(), {}, {}
    for path in sorted(files.iterdir()):
        try:
            docs[path.name] = doc = read_document(path)
            pub = resolve_publisher(publishers[path.name]) if path.name in publishers else None
            loads[path.name] = loaded = load_document(path, pub)
            given = f" with --publisher {publishers[path.name]}" if pub else ""
            if path.name in years and not _fiscal_year(loaded):
                loads[path.name] = loaded = load_document(path, pub, fiscal_year=years[path.name])
                given += f" --fiscal-year {years[path.name]} (its text names no year)"
                try:
                    load_document(path)
                    result.unnamed[path.name] = "loaded without --publisher"
                except LoadError as exc:
                    result.unnamed[path.name] = str(exc)
            result.files[path.name] = f"loaded{given}: {len(loaded.extraction.facts)} facts, " \
                                      f"{len(loaded.extraction.problems)} notes"
        except LoadError as exc:
            result.files[path.name] = f"error: {exc}"
    for gold in budgets:
        doc, loaded = docs.get(gold["file"]), loads.get(gold["file"])
        page = int(gold["page"]) if gold["page"] else None
        yen = int(gold["amount_yen"])
        in_text = bool(doc) and _in_text(doc, gold["program_ja"], _amounts(yen), page)
        found = bool(loaded) and any(
            f.kind == "budget" and f.data["program"] == gold["program_ja"]
            and f.data["fiscal_year"] == int(gold["fiscal_year"]) and f.data["amount"] == yen
            and _page(doc, f.span) == page for f in loaded.extraction.facts)
        result.budgets.append((gold, in_text, found))
    for gold in relations:
        doc, loaded = docs.get(gold["file"]), loads.get(gold["file"])
        page = int(gold["page"])
        in_text = bool(doc) and any(gold["partner_ja"] in line and o.page == page
                                    for line, o in zip(doc.lines, doc.origins, strict=True))
        found = bool(loaded) and any(
            f.kind == "relation" and f.data["partner"].label_ja == gold["partner_ja"]
            and _page(doc, f.span) == page for f in loaded.extraction.facts)
        result.relations.append((gold, in_text, found))
    school = loads.get(SISTER_SCHOOL_PLAN)
    if school:
        result.school_relations = [f"{f.data['type']} {f.data['partner'].label_ja}"
                                   for f in school.extraction.facts if f.kind == "relation"]
    return result


def main(corpus: Path) -> None:
    r = check(corpus)
    print("| file | result |\n|---|---|")
    for name, outcome in r.files.items():
        print(f"| {name} | {outcome[:160]} |")
    print("\n| gold | page | in the text | found by the extractor |\n|---|---:|---|---|")
    for gold, in_text, found in r.budgets:
        print(f"| {gold['file']}: {gold['program_ja']} FY{gold['fiscal_year']} "
              f"{int(gold['amount_yen']):,} | {gold['page'] or '–'} | {'yes' if in_text else 'no'} | "
              f"{'yes' if found else 'no'} |")
    for gold, in_text, found in r.relations:
        print(f"| {gold['file']}: {gold['relation_type_ja']} {gold['partner_ja']} | {gold['page']} | "
              f"{'yes' if in_text else 'no'} | {'yes' if found else 'no'} |")
    items = r.budgets + r.relations
    print(f"\nin the text with the right page: {sum(t for _, t, _ in items)}/{len(items)}; "
          f"found by the extractor: {sum(f for *_, f in items)}/{len(items)}")
    print(f"city relations from the sister-school plan: {len(r.school_relations)} "
          f"{r.school_relations or ''}")
    for name, error in r.unnamed.items():
        print(f"{name} without --publisher: {error.split(': ', 1)[-1][:200]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
