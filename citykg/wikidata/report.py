"""What `citykg link` prints: a table (rich), JSON or CSV.

- table: counts by status; the links and checks a person should look at (ambiguous, weak,
  mismatch) with their candidates; with --report, one table per city comparing the documents'
  relations with Wikidata's;
- json: {"snapshot", "graph", "triples", "counts", "entities": [every decision but "none"],
  "review": [...], "compare": {"summary", "pairs"}, "quickstatements"};
- csv: with --report the compared pairs, else the decisions, one row each.
"""
from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.table import Table

from citykg.wikidata import WIKIDATA_GRAPH
from citykg.wikidata.compare import Pair, summary
from citykg.wikidata.run import LinkRun

REVIEW = ("mismatch", "ambiguous", "weak")
PAIR_COLUMNS = ("city", "city_wikidata", "partner_ja", "partner_en", "partner_wikidata",
                "status", "document_types", "document_start", "wikidata_start",
                "wikidata_directions", "missing", "conflicts", "sources", "note")
DECISION_COLUMNS = ("iri", "kind", "label_ja", "label_en", "status", "wikidata", "score",
                    "source", "candidates", "note")


def as_json(result: LinkRun, qs_file=None) -> dict:
    out = {"snapshot": result.snapshot.summary(), "graph": WIKIDATA_GRAPH,
           "triples": result.triples, "counts": result.counts,
           "entities": [d.as_dict() for d in result.decisions if d.status != "none"],
           "review": [d.as_dict() for d in result.decisions if d.status in REVIEW]}
    if result.pairs is not None:
        out["compare"] = {"summary": summary(result.pairs),
                          "pairs": [p.as_dict() for p in result.pairs]}
    if result.quickstatements is not None:
        out["quickstatements"] = {"file": str(qs_file), "lines": result.quickstatements}
    if result.saved_to:
        out["saved_snapshot"] = str(result.saved_to)
    return out


def pair_row(p: Pair) -> dict:
    return {"city": p.city.get("label_en") or p.city.get("label_ja") or p.city["iri"],
            "city_wikidata": p.city.get("wikidata") or "",
            "partner_ja": p.partner.get("label_ja") or "",
            "partner_en": p.partner.get("label_en") or "",
            "partner_wikidata": p.partner.get("wikidata") or "", "status": p.status,
            "document_types": "|".join(p.doc_types), "document_start": p.doc_start or "",
            "wikidata_start": p.wd_start or "",
            "wikidata_directions": "|".join(p.wd_directions),
            "missing": "|".join(p.missing_directions), "conflicts": "; ".join(p.conflicts),
            "sources": "; ".join(f"{s.document}:{s.lines}" for s in p.sources),
            "note": p.note}


def as_csv(result: LinkRun) -> str:
    buf = io.StringIO()
    if result.pairs is not None:
        w = csv.DictWriter(buf, PAIR_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(pair_row(p) for p in result.pairs)
        return buf.getvalue()
    w = csv.DictWriter(buf, DECISION_COLUMNS, lineterminator="\n")
    w.writeheader()
    for d in result.decisions:
        row = d.as_dict()
        row["candidates"] = "; ".join(f"{c['qid']} {c['label']} ({c['score']})"
                                      for c in row["candidates"])
        w.writerow({k: "" if row.get(k) is None else row[k] for k in DECISION_COLUMNS})
    return buf.getvalue()


def print_table(result: LinkRun, console: Console, qs_file=None) -> None:
    console.print(f"snapshot: {result.snapshot.summary()}", highlight=False)
    counts = Table("status", "entities", title=f"links ({result.triples} triples in "
                   f"{WIKIDATA_GRAPH})")
    meaning = {"linked": "new link, by label", "curated": "from data/wikidata/jp_municipalities.csv",
               "confirmed": "our Q-id, checked", "unverified": "our Q-id, not in the snapshot",
               "mismatch": "our Q-id, the snapshot disagrees", "ambiguous": "for a person",
               "weak": "for a person", "none": "no candidate"}
    for status in ("linked", "curated", "confirmed", "unverified", "mismatch", "ambiguous",
                   "weak", "none"):
        if result.counts.get(status):
            counts.add_row(f"{status} ({meaning[status]})", str(result.counts[status]))
    console.print(counts)
    review = [d for d in result.decisions if d.status in REVIEW]
    if review:
        table = Table("entity", "status", "candidates", "note", title="for a person to decide")
        for d in review:
            cands = "\n".join(f"{c.qid} {c.label} {c.score:.2f}" for c in d.candidates) or \
                (d.qid or "")
            table.add_row(d.entity.display, d.status, cands, d.note)
        console.print(table)
    if result.pairs is not None:
        print_pairs(result.pairs, console)
    if result.quickstatements is not None:
        console.print(f"QuickStatements: {result.quickstatements} lines in {qs_file} "
                      "(review them before running; nothing was uploaded)", highlight=False)
    if result.saved_to:
        console.print(f"snapshot saved to {result.saved_to}", highlight=False)


def print_pairs(pairs: list[Pair], console: Console) -> None:
    by_city: dict[str, list[Pair]] = {}
    for p in pairs:
        by_city.setdefault(p.city["iri"], []).append(p)
    for city_pairs in by_city.values():
        c = city_pairs[0].city
        table = Table("partner", "status", "document", "Wikidata", "notes",
                      title=f"{c.get('label_ja')} / {c.get('label_en')} ({c.get('wikidata') or '-'}): "
                            "documents and Wikidata")
        for p in city_pairs:
            partner = f"{p.partner.get('label_ja') or ''} / {p.partner.get('label_en') or ''}" \
                f" ({p.partner.get('wikidata') or '-'})"
            doc = (f"{'/'.join(p.doc_types)} {p.doc_start or ''}".strip()) if p.doc_types else ""
            ways = "both ways" if len(p.wd_directions) == 2 else " ".join(p.wd_directions)
            wd = f"P190 {ways} {p.wd_start or ''}".strip() if p.wd_directions else ""
            notes = "; ".join(filter(None, [*p.conflicts, p.note, (
                "Wikidata lacks " + ", ".join(p.missing_directions)) if p.missing_directions
                and p.wd_directions else ""]))
            table.add_row(partner, p.status, doc, wd, notes)
        console.print(table)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
