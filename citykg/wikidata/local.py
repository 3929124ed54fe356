"""What linking and comparing need from our graph: its cities, prefectures, countries, world
regions, networks and organisations with their names and Q-ids (outside the Wikidata graph,
which a link run replaces), and the agreements the documents state."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from citykg import sparql
from citykg.core.terms import CKG, GRAPH, ID
from citykg.wikidata import WIKIDATA_GRAPH

# the classes linked, most specific first: an entity takes the kind of its first class
KINDS = {"City": "city", "Prefecture": "prefecture", "Country": "country",
         "WorldRegion": "region", "CityNetwork": "network",
         "InternationalOrganization": "intl_org", "Association": "association"}
MINTED = str(ID["wd/"])  # cities a link run mints from their Q-id: not ours to link
DOC_GRAPHS = str(GRAPH["doc/"])
AGREEMENTS = {"TwinningAgreement": "twinning", "SisterCityAgreement": "sister",
              "FriendshipCityAgreement": "friendship",
              "PartnerCityAgreement": "partner", "CooperationAgreement": "cooperation"}

# what the queries (sparql/internal/link-*.rq, document-agreements, mentioned) are bound to
CLASSES = [CKG[c] for c in KINDS]
WIKIDATA = ox.NamedNode(WIKIDATA_GRAPH)
AGREEMENT_CLASSES = [(CKG[c], kind) for c, kind in AGREEMENTS.items()]


@dataclass
class Local:
    iri: str
    kind: str  # city | prefecture | country | region | network | intl_org | association
    label_ja: str = ""
    label_en: str = ""
    aliases: list[str] = field(default_factory=list)
    country: str = ""  # ISO 3166 code, lower case
    code: str = ""  # Japanese local-government code
    qid: str = ""  # the Q-id the gazetteer (or a document) gives it
    has: set[str] = field(default_factory=set)  # latitude, population, country: known outside
    # the Wikidata graph (which a link run replaces, so its own facts do not count)

    @property
    def names(self) -> list[str]:
        return [n for n in (self.label_ja, self.label_en, *self.aliases) if n]

    @property
    def display(self) -> str:
        both = " / ".join(n for n in (self.label_ja, self.label_en) if n)
        return both or self.iri.rsplit("/", 1)[-1]


@dataclass
class Agreement:
    """An agreement a document states, between two parties (the graph is the document's)."""
    iri: str
    kind: str  # sister | friendship | partner | cooperation
    a: str
    b: str
    start: str | None
    precision: str | None  # year | month | day
    derived: bool
    graph: str
    end: str | None = None  # the document says it ended then


def entities(store) -> dict[str, Local]:
    """Every entity to link, by IRI (cities the Wikidata graph minted are left out)."""
    out: dict[str, Local] = {}
    order = list(KINDS)
    rows = store.select(sparql.text("link-entities", cls=CLASSES))
    for r in sorted(rows, key=lambda r: order.index(r["cls"].value.split("#")[-1])):
        iri = r["e"].value
        if iri.startswith(MINTED) or iri in out:
            continue
        out[iri] = Local(iri, KINDS[r["cls"].value.split("#")[-1]])
    for r in store.select(sparql.text("link-names", cls=CLASSES, wikidata_graph=WIKIDATA)):
        e = out.get(r["e"].value)
        if e is None:
            continue
        lit, prop = r["l"], r["p"].value
        lang = getattr(lit, "language", None)
        if prop.endswith("#label") and lang == "ja" and not e.label_ja:
            e.label_ja = lit.value
        elif prop.endswith("#label") and lang == "en" and not e.label_en:
            e.label_en = lit.value
        elif lit.value not in e.aliases:
            e.aliases.append(lit.value)
    for r in store.select(sparql.text("link-details", cls=CLASSES,
                                                wikidata_graph=WIKIDATA)):
        e = out.get(r["e"].value)
        if e is None:
            continue
        if "code" in r:
            e.code = r["code"].value
        if "cc" in r:
            e.country = r["cc"].value.lower()
        if "wd" in r and not e.qid:
            e.qid = r["wd"].value.rsplit("/", 1)[-1]
        if "p" in r:
            e.has.add(r["p"].value.split("#")[-1])
    for e in out.values():
        e.aliases = [a for a in e.aliases if a not in (e.label_ja, e.label_en)]
    return out


def agreements(store) -> list[Agreement]:
    out: dict[tuple, Agreement] = {}
    for r in store.select(sparql.text("document-agreements", {("cls", "kind"): AGREEMENT_CLASSES},
                                         docs=DOC_GRAPHS)):
        key = (r["rel"].value, r["a"].value, r["b"].value, r["graph"].value)
        # a sister agreement is a twinning too: the narrower kind is the one it has
        if key not in out or out[key].kind == "twinning":
            out[key] = Agreement(
                r["rel"].value, r["kind"].value, r["a"].value, r["b"].value,
                r["start"].value if "start" in r else None,
                r["precision"].value if "precision" in r else None,
                "derived" in r and r["derived"].value == "true", r["graph"].value,
                r["end"].value if "end" in r else None)
    return list(out.values())


def mentioned(store) -> set[str]:
    """The IRIs the documents' graphs point at."""
    return {r["e"].value for r in store.select(sparql.text("mentioned", docs=DOC_GRAPHS))}
