"""Listing the cities of the graph (`citykg cities`): Japanese local governments with their
codes, prefecture and parent city, or every city with its country."""
from __future__ import annotations

import pyoxigraph as ox

from citykg import sparql
from citykg.core.terms import GRAPH


def list_cities(store, jp: bool, prefecture: str | None = None) -> list[dict]:
    if not jp and not prefecture:
        return [{k: v.value for k, v in row.items()} for row in store.select(sparql.text("world-cities"))]
    rows = [{k: (row[k].value if k in row else None)
             for k in ("code", "name", "kana", "romaji", "kind", "prefecture", "parent")}
            for row in store.select(sparql.text(
                "jp-municipalities", graph=ox.NamedNode(str(GRAPH["jp-municipalities"]))))]
    if prefecture:
        p = prefecture.strip()
        rows = [r for r in rows if r["prefecture"] and (
            r["prefecture"] == p or r["prefecture"].rstrip("都道府県") == p.rstrip("都道府県")
            or (p.isdigit() and r["code"].startswith(p.zfill(2))))]
    return rows
