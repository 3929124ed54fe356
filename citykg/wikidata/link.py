"""Linking: each entity of our graph to the Wikidata item it is, or to nothing, with a score.

Q-ids we already hold (the gazetteer's, and data/wikidata/jp_municipalities.csv for Japanese
municipalities) are taken as given and checked against the snapshot: their labels must be
consistent with the item's and the item's type (where the snapshot knows it) must fit.

For the rest, candidates come from the snapshot's names (labels 1.0, aliases 0.9, a form
without a suffix 0.95 of that) that equal one of the entity's names (ja, en, aliases), times a
type factor: 1.0 when the snapshot's type fits the entity's kind, 0.95 for a city and 0.75 for
anything else when the snapshot does not know the type (the 2016 crawl never does). Evidence
adds to that: +0.15 for each partner a document gives the entity that the candidate is
twinned with (at most +0.3), +0.05 when the snapshot's type fits, +0.05 when its country is
the entity's. A candidate whose country is another's, whose type does not fit, or that is
already another entity's item is dropped.

A link is made only when the best candidate scores at least 0.9 and beats, by 0.1 or more
(on name and evidence, not on kind), both the entity's other candidates and every other
entity that could claim the same item. Anything else is listed for a person to decide —
ambiguous (several close candidates or claimants) or weak (one, below 0.9) — never guessed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from citykg.wikidata.curated import jp_qids
from citykg.wikidata.local import Agreement, Local
from citykg.wikidata.names import consistent, keys
from citykg.wikidata.snapshot import Snapshot

LINK_AT = 0.9
MARGIN = 0.1
TWIN_EVIDENCE, MAX_TWIN_EVIDENCE = 0.15, 0.3
FITS = {"city": {"city"}, "prefecture": {"region", "city"}, "country": {"country"},
        "region": {"region"}, "network": {"organization"}, "intl_org": {"organization"},
        "association": {"organization"}}
UNKNOWN_TYPE = {"city": 0.95}  # anything else: 0.75
LINKED = ("linked", "curated", "confirmed", "unverified", "mismatch")


@dataclass
class Candidate:
    qid: str
    label: str
    score: float  # 0..1, what the report shows
    strength: float  # name and evidence, what decides between close candidates
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"qid": self.qid, "label": self.label, "score": round(self.score, 3),
                "reasons": self.reasons}


@dataclass
class Decision:
    entity: Local
    status: str  # linked | curated | confirmed | unverified | mismatch | ambiguous | weak | none
    qid: str | None = None
    score: float | None = None
    source: str = ""  # gazetteer | curated | snapshot
    candidates: list[Candidate] = field(default_factory=list)
    note: str = ""

    @property
    def linked(self) -> bool:
        return self.status in LINKED and bool(self.qid)

    @property
    def new(self) -> bool:
        """A link the Wikidata graph must state (the gazetteer states its own)."""
        return self.linked and self.source != "gazetteer"

    def as_dict(self) -> dict:
        e = self.entity
        return {"iri": e.iri, "kind": e.kind, "label_ja": e.label_ja or None,
                "label_en": e.label_en or None, "status": self.status, "wikidata": self.qid,
                "score": None if self.score is None else round(self.score, 3),
                "source": self.source or None, "note": self.note or None,
                "candidates": [c.as_dict() for c in self.candidates]}


def link(local: dict[str, Local], snap: Snapshot, agreements: list[Agreement] = (),
         curated: dict[str, tuple[str, str]] | None = None) -> list[Decision]:
    curated = jp_qids() if curated is None else curated
    decisions: dict[str, Decision] = {}
    taken: dict[str, str] = {}  # qid -> iri of the entity holding it
    for e in local.values():
        fixed = _fixed(e, snap, curated)
        if fixed:
            decisions[e.iri] = fixed
            taken.setdefault(fixed.qid, e.iri)
    qid_of = {iri: d.qid for iri, d in decisions.items()}
    partners: dict[str, set[str]] = defaultdict(set)
    for a in agreements:
        partners[a.a].add(a.b)
        partners[a.b].add(a.a)

    found: dict[str, list[Candidate]] = {}
    notes: dict[str, str] = {}
    for e in local.values():
        if e.iri in decisions:
            continue
        twins = {qid_of[p] for p in partners.get(e.iri, ()) if p in qid_of}
        found[e.iri], notes[e.iri] = _candidates(e, snap, twins, taken, local)
    claimants: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for iri, cands in found.items():
        for c in cands:
            claimants[c.qid].append((c.strength, iri))
    for iri, cands in found.items():
        decisions[iri] = _decide(local[iri], cands, claimants, local, notes[iri])
    return sorted(decisions.values(), key=lambda d: (d.entity.kind, d.entity.iri))


def _fixed(e: Local, snap: Snapshot, curated: dict) -> Decision | None:
    source, qid, note = "gazetteer", e.qid, ""
    if e.code and e.code in curated:
        if not qid:
            source, qid = "curated", curated[e.code][0]
        elif qid != curated[e.code][0]:
            note = f"the curated list says {curated[e.code][0]}; "
    if not qid:
        return None
    item = snap.items.get(qid)
    status = "curated" if source == "curated" else "confirmed"
    if item is None:
        return Decision(e, "curated" if source == "curated" else "unverified", qid, None, source,
                        note=note + "not in the snapshot")
    problems = []  # a city-state's item may be typed a country: not a contradiction
    if not consistent(e.names, item.names):
        problems.append(f"the snapshot calls {qid} {item.display!r}")
    if item.type and item.type not in FITS[e.kind] and {item.type, e.kind} != {"city", "country"}:
        problems.append(f"the snapshot's {qid} is a {item.type}, not a {e.kind}")
    if problems:
        return Decision(e, "mismatch", qid, None, source, note=note + "; ".join(problems))
    return Decision(e, status, qid, 1.0, source, note=(note + "checked against the snapshot")
                    if note else "")


def _candidates(e: Local, snap: Snapshot, twins: set[str], taken: dict[str, str],
                local: dict[str, Local]) -> tuple[list[Candidate], str]:
    names: dict[str, tuple[float, str]] = {}
    for weight, group in ((1.0, [e.label_ja, e.label_en]), (0.95, e.aliases)):
        for name in group:
            for k, w in keys(name or "").items():
                if names.get(k, (0,))[0] < weight * w:
                    names[k] = (weight * w, name)
    best: dict[str, tuple[float, str, str]] = {}
    for k, (ours, our_name) in names.items():
        for qid, (theirs, their_name) in snap.name_index.get(k, {}).items():
            s = ours * theirs
            if s > best.get(qid, (0,))[0]:
                best[qid] = (s, our_name, their_name)
    country_qids = _country_qids(local)
    out, dropped = [], []
    for qid, (name_score, our_name, their_name) in best.items():
        item = snap.items[qid]
        if qid in taken and taken[qid] != e.iri:
            dropped.append(f"{qid} {item.display!r} is {local[taken[qid]].display}'s")
            continue
        reasons = [f"name {our_name!r} = {their_name!r}"]
        evidence = 0.0
        if item.type:
            if item.type not in FITS[e.kind]:
                dropped.append(f"{qid} {item.display!r} is a {item.type}")
                continue
            factor, evidence = 1.0, 0.05
            reasons.append(f"type {item.type}")
        else:
            factor = UNKNOWN_TYPE.get(e.kind, 0.75)
        if item.country and e.country and e.kind != "country":
            ours_q = country_qids.get(e.country)
            if ours_q and ours_q != item.country:
                dropped.append(f"{qid} {item.display!r} is in another country ({item.country})")
                continue
            if ours_q == item.country:
                evidence += 0.05
                reasons.append(f"country {e.country.upper()}")
        shared = twins & snap.partners(qid)
        if shared:
            evidence += min(MAX_TWIN_EVIDENCE, TWIN_EVIDENCE * len(shared))
            reasons.append("twinned with the documents' partners " + ", ".join(sorted(shared)))
        score = min(1.0, name_score * factor + evidence)
        out.append(Candidate(qid, item.display, score, name_score + evidence, reasons))
    out.sort(key=lambda c: (-c.score, -c.strength, int(c.qid[1:])))
    return out, "; ".join(dropped[:3])


def _country_qids(local: dict[str, Local]) -> dict[str, str]:
    cache = getattr(_country_qids, "_cache", None)
    if cache is None or cache[0] is not local:
        table = {e.country: e.qid for e in local.values() if e.kind == "country" and e.qid}
        _country_qids._cache = cache = (local, table)
    return cache[1]


def _decide(e: Local, cands: list[Candidate], claimants: dict, local: dict[str, Local],
            note: str) -> Decision:
    if not cands:
        return Decision(e, "none", note=note or "no candidate in the snapshot")
    best = cands[0]
    close = [c for c in cands[1:] if best.strength - c.strength < MARGIN]
    rivals = [iri for strength, iri in claimants[best.qid]
              if iri != e.iri and best.strength - strength < MARGIN]
    shown = cands[:5]
    if close:
        return Decision(e, "ambiguous", None, best.score, "snapshot", shown,
                        f"{len(close) + 1} candidates score alike")
    if rivals:
        names = ", ".join(local[i].display for i in rivals[:3])
        return Decision(e, "ambiguous", None, best.score, "snapshot", shown,
                        f"{best.qid} could as well be {names}")
    if best.score < LINK_AT:
        return Decision(e, "weak", None, best.score, "snapshot", shown,
                        f"best candidate scores {best.score:.2f} < {LINK_AT}")
    return Decision(e, "linked", best.qid, best.score, "snapshot", [best], note)
