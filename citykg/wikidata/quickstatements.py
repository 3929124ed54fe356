"""QuickStatements V1 for the twinnings the documents state and Wikidata lacks: one line
(tab-separated) per missing P190 statement, on each of the two items that lacks it:

    Q46747  P190  Q81398  P580  +1973-10-23T00:00:00Z/11  S854  "https://…"  S813  +2025-01-31T00:00:00Z/11

- P580 (start time) from the document's date, at its precision: /11 a day, /10 a month
  (+1973-10-00T00:00:00Z/10), /9 a year (+1973-00-00T00:00:00Z/9); left out when the date is
  derived (e.g. counted back from an anniversary), for a person to check first;
- P582 (end time) where a document says the twinning ended ("提携を解消", dated);
- the reference: S248 (stated in) the document's own item when it has a Q-id, else S854
  (reference URL) the document's published URL, or its citykg IRI; then S813 (retrieved) the
  day the file was written.

The file is for an editor to review and run in QuickStatements; citykg never uploads it.
"""
from __future__ import annotations

import datetime as dt

from citykg.core.terms import BASE
from citykg.wikidata.compare import Pair

PRECISION = {"day": 11, "month": 10, "year": 9}


def time_value(date: str, precision: str | None = None) -> str:
    """A Wikidata time value with its precision: 1973-10-23 → +1973-10-23T00:00:00Z/11."""
    parts = date.lstrip("+").split("-")
    precision = precision or {3: "day", 2: "month"}.get(len(parts), "year")
    year = parts[0]
    month = parts[1] if len(parts) > 1 and precision in ("day", "month") else "00"
    day = parts[2][:2] if len(parts) > 2 and precision == "day" else "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{PRECISION[precision]}"


def lines(pairs: list[Pair], retrieved: dt.date | None = None) -> list[str]:
    retrieved = retrieved or dt.datetime.now(dt.UTC).date()
    out: list[str] = []
    for p in pairs:
        a, b = p.city.get("wikidata"), p.partner.get("wikidata")
        if not (a and b) or not p.missing_directions:
            continue
        qualifiers = []
        if p.doc_start and not p.doc_derived:
            qualifiers = ["P580", time_value(p.doc_start, p.doc_precision)]
        if p.doc_end:  # a twinning the report says ended
            qualifiers += ["P582", time_value(p.doc_end)]
        reference = _reference(p, retrieved)
        for direction in p.missing_directions:
            subject, value = (a, b) if direction == "city→partner" else (b, a)
            out.append("\t".join([subject, "P190", value, *qualifiers, *reference]))
    return out


def _reference(p: Pair, retrieved: dt.date) -> list[str]:
    source = next((s for s in p.sources if s.qid), None) or \
        next((s for s in p.sources if s.url), None) or (p.sources[0] if p.sources else None)
    if source and source.qid:
        return ["S248", source.qid, "S813", time_value(retrieved.isoformat(), "day")]
    url = (source.url or source.iri) if source else BASE
    return ["S854", f'"{url}"', "S813", time_value(retrieved.isoformat(), "day")]


def write(path, pairs: list[Pair], retrieved: dt.date | None = None) -> int:
    text = lines(pairs, retrieved)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(line + "\n" for line in text))
    return len(text)
