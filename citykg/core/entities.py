"""What the store says of entities (labels, slug, Q-id, local government code, country): the
cards of `citykg relations`, the API's lookups and the Wikidata comparison. Works on any
store with `select`."""
from __future__ import annotations

import pyoxigraph as ox

from citykg import sparql


def describe(store, iris: list[str]) -> dict[str, dict]:
    if not iris:
        return {}
    rows = store.select(sparql.text("entity-labels", e=[ox.NamedNode(i) for i in iris]))
    out: dict[str, dict] = {}
    for r in rows:
        iri = r["e"].value
        info = out.setdefault(iri, {"id": None, "label_ja": None, "label_en": None,
                                    "wikidata": None, "iri": iri})
        for k in ("label_ja", "label_en"):
            if k in r and not info[k]:
                info[k] = r[k].value
        if "label" in r and "label_en" not in r and not info["label_en"]:
            info["label_en"] = r["label"].value  # language unknown (a Wikidata-only partner)
        if "slug" in r:
            info["id"] = r["slug"].value
        if r.get("qid") and r["qid"].value:
            info["wikidata"] = r["qid"].value
        if "code" in r:
            info["code"] = r["code"].value
        if "country_ja" in r:
            info["country"] = {"label_ja": r["country_ja"].value,
                               "label_en": r["country_en"].value}
    for iri, info in out.items():
        info["id"] = info["id"] or iri.rsplit("/", 1)[-1]
    return out
