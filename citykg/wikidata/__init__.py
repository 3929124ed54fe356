"""Links to Wikidata: link (reconcile) the graph's entities to Wikidata items, enrich the graph
with Wikidata's twinnings (P190) in a named graph of its own, compare the documents' relations
with Wikidata's, and export what Wikidata lacks as QuickStatements for an editor to review.

One module a job:

- `names`: the normalised forms names are matched in (NFKC, case, diacritics, suffixes);
- `snapshot`: Wikidata data offline: our snapshot format and the 2016 P190 crawl;
- `curated`: hand-checked Q-ids of Japanese municipalities (data/wikidata/jp_municipalities.csv);
- `local`: the entities and relations of our graph that linking and comparing need;
- `link`: candidates, scores and decisions (linked, confirmed, ambiguous…);
- `enrich`: the triples of the Wikidata graph (links, twinnings, minted partner cities);
- `compare`: documents against Wikidata, per city and partner;
- `quickstatements`: QuickStatements V1 lines for the missing P190 statements;
- `client` / `online`: the Wikidata API and query service, and a snapshot fetched with them;
- `report` / `run`: what `citykg link` prints, and the command's steps.

The one link predicate is skos:exactMatch (entity → http://www.wikidata.org/entity/Q…), in
the gazetteer graph for Q-ids the gazetteer ships and in the Wikidata graph for the rest.
"""
from __future__ import annotations

import re

from citykg.core.paths import DATA_DIR
from citykg.core.terms import GRAPH

WIKIDATA_GRAPH = str(GRAPH["wikidata"])
BUNDLED_SNAPSHOT = DATA_DIR / "wikidata"
QID = re.compile(r"^Q[1-9][0-9]{0,11}$")


def wiki_url(qid: str) -> str:
    """The human-readable page of an item (the entity IRI is http://www.wikidata.org/entity/Q…)."""
    return f"https://www.wikidata.org/wiki/{qid}"
