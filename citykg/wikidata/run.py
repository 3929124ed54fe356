"""`citykg link`, step by step: read our entities, load (or fetch) a snapshot, link, write the
Wikidata graph (replacing the last one, in one transaction), compare, give back."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citykg.core.store import GraphStore, StoreError
from citykg.wikidata import BUNDLED_SNAPSHOT, WIKIDATA_GRAPH, compare, enrich, local
from citykg.wikidata import quickstatements as qs
from citykg.wikidata.link import Decision, link
from citykg.wikidata.snapshot import Snapshot, load, save


@dataclass
class LinkRun:
    snapshot: Snapshot
    decisions: list[Decision]
    triples: int
    pairs: list[compare.Pair] | None = None
    quickstatements: int | None = None
    saved_to: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)


def open_store(path: Path) -> GraphStore:
    if not (Path(path) / "CURRENT").exists():
        raise StoreError(f"{path}: no store here (run `citykg build --store {path}` first)")
    return GraphStore(path)


def run(store_path: Path, snapshot: Path | None = None, *, online: bool = False,
        report: bool = False, quickstatements: Path | None = None,
        save_snapshot: Path | None = None, client=None, today: dt.date | None = None,
        progress: Callable[[str], None] = lambda _: None) -> LinkRun:
    store = open_store(store_path)
    progress("reading the graph's entities")
    entities = local.entities(store)
    agreements = local.agreements(store)
    saved = None
    if online:
        from citykg.wikidata.client import WikidataClient
        from citykg.wikidata.online import fetch

        own = client is None
        client = client or WikidataClient()
        try:
            snap = fetch(client, entities, local.mentioned(store), progress)
        finally:
            if own:
                client.close()
        saved = save(snap, save_snapshot or BUNDLED_SNAPSHOT)
    else:
        progress(f"loading the snapshot {snapshot or BUNDLED_SNAPSHOT}")
        snap = load(snapshot)
    progress("linking")
    decisions = link(entities, snap, agreements)
    triples = enrich.triples(decisions, entities, snap)
    progress(f"writing {len(triples)} triples to {WIKIDATA_GRAPH}")
    store.replace_graphs({WIKIDATA_GRAPH: triples})
    store.flush()
    result = LinkRun(snap, decisions, len(triples), saved_to=saved,
                     counts=dict(Counter(d.status for d in decisions)))
    if report or quickstatements:
        progress("comparing")
        result.pairs = compare.compare(store)
    if quickstatements:
        result.quickstatements = qs.write(quickstatements, result.pairs, today)
    return result
