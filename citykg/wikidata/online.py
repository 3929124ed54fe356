"""A snapshot fetched from Wikidata with the client, for `citykg link --online`:

1. `wbsearchentities` (en and ja) for each entity the documents mention that has no Q-id yet;
2. `wbgetentities` (50 a request) for those candidates and every Q-id we already hold: labels
   and aliases (en, ja), country (P17), coordinates (P625), population (P1082) and the item's
   own P190 statements with their start (P580) and end (P582) qualifiers;
3. the query service for the P190 statements other items make about ours (with the
   qualifiers' precision), and for each item's type (instance of a subclass of country,
   human settlement or municipality, first-level administrative subdivision, organisation);
4. `wbgetentities` again for the partners not fetched yet.

The result is linked like any snapshot, and saved (by default over the bundled one).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from rdflib import URIRef

from citykg import sparql
from citykg.core.terms import WD
from citykg.wikidata import QID
from citykg.wikidata.client import BATCH, WikidataClient
from citykg.wikidata.curated import jp_qids
from citykg.wikidata.local import Local
from citykg.wikidata.snapshot import Item, Snapshot, Twin

# the order is the priority: Tokyo is a city and a prefecture, Singapore a country and a city
CLASSES = (("country", "Q6256"), ("city", "Q486972"), ("city", "Q15284"),
           ("region", "Q10864048"), ("organization", "Q43229"))
SEARCHED_KINDS = ("city", "prefecture", "country", "network", "intl_org", "association")


def fetch(client: WikidataClient, local: dict[str, Local], mentioned: set[str] | None = None,
          progress: Callable[[str], None] = lambda _: None) -> Snapshot:
    held = {e.qid for e in local.values() if e.qid}
    held |= {q for code, (q, _) in jp_qids().items()
             if any(e.code == code for e in local.values())}
    wanted = [e for e in local.values() if not e.qid and e.kind in SEARCHED_KINDS
              and (mentioned is None or e.iri in mentioned)
              and not (e.code and e.code in jp_qids())]
    candidates: set[str] = set()
    for i, e in enumerate(wanted, start=1):
        progress(f"searching Wikidata {i}/{len(wanted)}: {e.display}")
        for text, language in ((e.label_en, "en"), (e.label_ja, "ja")):
            if text:
                candidates |= {h["id"] for h in client.search(text, language, limit=5)
                               if QID.match(h.get("id", ""))}
    first = sorted(held | candidates, key=_num)
    progress(f"fetching {len(first)} items")
    entities = client.entities(first)
    snap = Snapshot(source=f"Wikidata ({client.api_url}, {client.sparql_url})", format="citykg",
                    retrieved=dt.datetime.now(dt.UTC).date().isoformat())
    twins: set[Twin] = set()
    for qid, entity in entities.items():
        if entity.get("id") == qid:
            snap.items[qid] = item_of(entity)
            twins |= twins_of(entity)
    cities = sorted((q for q in held | candidates if q in snap.items), key=_num)
    for i in range(0, len(cities), BATCH):
        progress(f"P190 statements about {i + 1}-{min(i + BATCH, len(cities))} of {len(cities)}")
        body = client.sparql(sparql.text("wikidata-incoming", city=_values(cities[i:i + BATCH])))
        twins |= incoming(body)
    partners = sorted({q for t in twins for q in (t.qid, t.twin)} - set(snap.items), key=_num)
    if partners:
        progress(f"fetching {len(partners)} partners")
        for qid, entity in client.entities(partners).items():
            if entity.get("id") == qid:
                snap.items[qid] = item_of(entity)
    ids = sorted(snap.items, key=_num)
    for i in range(0, len(ids), BATCH):
        progress(f"types {i + 1}-{min(i + BATCH, len(ids))} of {len(ids)}")
        query = sparql.text("wikidata-types", {("class", "kind"): _classes()},
                            item=_values(ids[i:i + BATCH]))
        for qid, kind in types(client.sparql(query)).items():
            snap.items[qid].type = kind
    snap.twins = sorted(twins, key=lambda t: (_num(t.qid), _num(t.twin)))
    return snap


# parsing Wikidata's JSON -------------------------------------------------------------------
def item_of(entity: dict) -> Item:
    labels, aliases = entity.get("labels") or {}, entity.get("aliases") or {}
    claims = entity.get("claims") or {}
    item = Item(entity["id"],
                label_en=_text(labels.get("en")), label_ja=_text(labels.get("ja")),
                aliases=tuple(dict.fromkeys(_text(a) for lang in ("en", "ja")
                                            for a in aliases.get(lang) or [] if _text(a))))
    country = _best(claims.get("P17"))
    if country:
        item.country = _value(country).get("id", "") if isinstance(_value(country), dict) else ""
    coords = _best(claims.get("P625"))
    if coords and isinstance(_value(coords), dict):
        v = _value(coords)
        if v.get("latitude") is not None and v.get("longitude") is not None:
            item.lat, item.lon = f"{float(v['latitude']):.6g}", f"{float(v['longitude']):.6g}"
    population = _best(claims.get("P1082"), latest="P585")
    if population and isinstance(_value(population), dict):
        amount = str(_value(population).get("amount", "")).lstrip("+").split(".")[0]
        item.population = amount if amount.isdigit() else ""
    return item


def twins_of(entity: dict) -> set[Twin]:
    out = set()
    for st in (entity.get("claims") or {}).get("P190") or []:
        if st.get("rank") == "deprecated":
            continue
        value = _value(st)
        if not isinstance(value, dict) or not QID.match(value.get("id", "")):
            continue
        q = st.get("qualifiers") or {}
        out.add(Twin(entity["id"], value["id"], _time(_qualifier(q.get("P580"))),
                     _time(_qualifier(q.get("P582")))))
    return out


def incoming(body: dict) -> set[Twin]:
    out = set()
    for b in (body.get("results") or {}).get("bindings") or []:
        item, city = _qid(b.get("item")), _qid(b.get("city"))
        if not (item and city):
            continue
        start = _time({"time": b["start"]["value"], "precision": b["startPrecision"]["value"]}) \
            if "start" in b and "startPrecision" in b else ""
        end = _time({"time": b["end"]["value"], "precision": b["endPrecision"]["value"]}) \
            if "end" in b and "endPrecision" in b else ""
        out.add(Twin(item, city, start, end))
    return out


def types(body: dict) -> dict[str, str]:
    order = [k for k, _ in CLASSES]
    found: dict[str, str] = {}
    for b in (body.get("results") or {}).get("bindings") or []:
        qid, kind = _qid(b.get("item")), (b.get("kind") or {}).get("value", "")
        if qid and kind in order and (qid not in found or order.index(kind) < order.index(found[qid])):
            found[qid] = kind
    return found


def _text(value) -> str:
    return (value or {}).get("value", "") if isinstance(value, dict) else ""


def _value(statement: dict):
    snak = statement.get("mainsnak") or statement
    return ((snak.get("datavalue") or {}).get("value")) if snak.get("snaktype", "value") == \
        "value" else None


def _best(statements: list | None, latest: str | None = None) -> dict | None:
    """The preferred statement, else the normal one (the latest by `latest` when given)."""
    live = [s for s in statements or [] if s.get("rank") != "deprecated" and _value(s) is not None]
    preferred = [s for s in live if s.get("rank") == "preferred"]
    pool = preferred or live
    if latest and len(pool) > 1:
        pool = sorted(pool, key=lambda s: _time(_qualifier((s.get("qualifiers") or {})
                                                           .get(latest))) or "")
        return pool[-1]
    return pool[0] if pool else None


def _qualifier(snaks: list | None) -> dict | None:
    for snak in snaks or []:
        if snak.get("snaktype", "value") == "value":
            return (snak.get("datavalue") or {}).get("value")
    return None


def _time(value: dict | None) -> str:
    """A Wikidata time value as YYYY, YYYY-MM or YYYY-MM-DD by its precision."""
    if not value or "time" not in value:
        return ""
    text, precision = str(value["time"]), int(value.get("precision", 11))
    sign = "-" if text.startswith("-") else ""
    date = text.lstrip("+-").split("T")[0]
    year, month, day = (date.split("-") + ["00", "00"])[:3]
    year = year.lstrip("0").rjust(4, "0")
    if precision >= 11 and day != "00":
        return f"{sign}{year}-{month}-{day}"
    if precision >= 10 and month != "00":
        return f"{sign}{year}-{month}"
    return f"{sign}{year}" if precision >= 9 else ""


def _qid(binding: dict | None) -> str:
    value = (binding or {}).get("value", "")
    qid = value.rsplit("/", 1)[-1]
    return qid if QID.match(qid) else ""


def _values(qids: Iterable[str]) -> list[URIRef]:
    return [WD[q] for q in qids]


def _classes() -> list[tuple[URIRef, str]]:
    return [(WD[q], k) for k, q in CLASSES]


def _num(qid: str) -> int:
    return int(qid[1:])
