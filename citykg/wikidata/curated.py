"""Hand-checked Q-ids of Japanese local governments: data/wikidata/jp_municipalities.csv
(`code,wikidata,label`). The generated gazetteer (data/gazetteer/jp_municipalities.csv, from
Japan Post data) carries no Q-ids; this file lists those we are sure of, each checked against
the label the 2016 P190 crawl or Natural Earth gives the item. The linker takes them as given
(and still reports one the snapshot contradicts)."""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from citykg.wikidata import BUNDLED_SNAPSHOT, QID

CURATED_FILE = BUNDLED_SNAPSHOT / "jp_municipalities.csv"


@cache
def jp_qids(path: Path = CURATED_FILE) -> dict[str, tuple[str, str]]:
    """{local-government code: (Q-id, label)}."""
    out: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            code, qid = (row.get("code") or "").strip(), (row.get("wikidata") or "").strip()
            if not (code.isdigit() and len(code) == 5 and QID.match(qid)):
                raise ValueError(f"{path}:{reader.line_num}: want a 5-digit code and a Q-id, "
                                 f"got {code!r}, {qid!r}")
            out[code] = (qid, (row.get("label") or "").strip())
    return out
