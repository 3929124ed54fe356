"""Stage 5, map: facts to RDF triples. IRIs come from stable facts (publisher, names, the
document's SHA-256), never from counters, so a rebuild yields the same triples. Every node a
fact makes gets prov:wasDerivedFrom a ckg:SourceSpan (document, first and last line, text)."""
from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from citykg.gazetteer import Entity
from citykg.loaders import normalise
from citykg.loaders.extract.policy import CONFERENCE
from citykg.loaders.facts import KINDS, Fact, Span, UnknownFactKind
from citykg.loaders.labels import english
from citykg.terms import CKG, GRAPH, ID
from citykg.terms import WD as WD_NS

RDF_TYPE, LABEL = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label))
ALT, EXACT = ox.NamedNode(str(SKOS.altLabel)), ox.NamedNode(str(SKOS.exactMatch))
IN_SCHEME = ox.NamedNode(str(SKOS.inScheme))
DERIVED = ox.NamedNode(str(PROV.wasDerivedFrom))
PUBLISHER, TITLE = ox.NamedNode(str(DCTERMS.publisher)), ox.NamedNode(str(DCTERMS.title))
PART_OF, LANGUAGE = ox.NamedNode(str(DCTERMS.isPartOf)), ox.NamedNode(str(DCTERMS.language))
SPAN, IN_DOCUMENT = ox.NamedNode(str(CKG.SourceSpan)), ox.NamedNode(str(CKG.inDocument))
FIRST_LINE, LAST_LINE = ox.NamedNode(str(CKG.firstLine)), ox.NamedNode(str(CKG.lastLine))
TEXT = ox.NamedNode(str(CKG.text))
# where a span's first line is in a PDF, an HTML page or a sheet (loaders/formats Origin)
ORIGIN_TERMS = {"page": CKG.page, "page_line": CKG.lineOnPage, "source_line": CKG.sourceLine,
                "sheet": CKG.sheet, "row": CKG.row, "column": CKG.column}
AGREEMENT_CLASS = {"twinning": CKG.TwinningAgreement, "sister": CKG.SisterCityAgreement,
                   "friendship": CKG.FriendshipCityAgreement, "partner": CKG.PartnerCityAgreement,
                   "cooperation": CKG.CooperationAgreement}
FACILITY_CLASS = {"lounge": CKG.InternationalLounge, "passport": CKG.PassportCentre,
                  "exchange": CKG.ExchangeCentre, "student": CKG.StudentCentre,
                  "other": CKG.Facility}
POLICY_CLASS = {"plan": CKG.Plan, "ordinance": CKG.Ordinance, "basic_policy": CKG.BasicPolicy}
FUNDING = {"national": CKG.nationalFunding, "prefectural": CKG.prefecturalFunding,
           "other": CKG.otherFunding, "general": CKG.generalRevenue}


@cache
def n(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def key(text: str) -> str:
    return quote(text.replace(" ", ""), safe="-._~")


def doc_id(sha256: str) -> str:
    return sha256[:16]


def graph_of(sha256: str) -> str:
    return str(GRAPH[f"doc/{doc_id(sha256)}"])


@cache
def xsd(datatype: str) -> ox.NamedNode:
    return ox.NamedNode(str(XSD[datatype]))


def lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=xsd(datatype)) if datatype \
        else ox.Literal(str(value))


def date_literal(date) -> ox.Literal:
    kind = {"year": "gYear", "month": "gYearMonth", "day": "date"}[date.precision]
    return lit(date.iso(), kind)


def _cell_index(line: str, text: str) -> int:
    """The tab-separated cell of `line` where a span's `text` starts (the first that is not
    empty from there): a row's cell a fact was read from."""
    fields = line.split("\t")
    head = (text.split("\n", 1)[0].split() or [""])[0]
    index = 0
    for candidate in (normalise.fold(line), line):  # the span's text is folded
        if (at := candidate.find(head)) >= 0:
            index = candidate.count("\t", 0, at)
            break
    while index + 1 < len(fields) and not fields[index].strip():
        index += 1
    return index


class Mapper:
    """Turns one document's facts into triples; `triples()` yields each once."""

    def __init__(self, sha256: str, file_name: str, publisher: Entity,
                 lines: list[str] | None = None, origins=None):
        self.sha256 = sha256
        self.sha = doc_id(sha256)
        self.lines = lines
        self.origins = origins
        self.doc = ox.NamedNode(str(ID[f"doc/{self.sha}"]))
        self.file_name = file_name
        self.publisher = publisher
        self.city = ox.NamedNode(publisher.iri)
        self.pub = publisher.code or publisher.key
        self._seen: set[ox.Triple] = set()
        self._out: list[ox.Triple] = []
        self._programs: dict[str, ox.NamedNode] = {}
        self._spans: dict[tuple[int, int], ox.NamedNode] = {}

    def add(self, s, p, o) -> None:
        t = ox.Triple(s, n(p) if not isinstance(p, ox.NamedNode) else p, o)
        if t not in self._seen:
            self._seen.add(t)
            self._out.append(t)

    def labels(self, node, ja: str, en: str | None = None) -> None:
        self.add(node, LABEL, lit(ja, lang="ja"))
        self.add(node, LABEL, lit(en or english(ja), lang="en"))

    def node(self, path: str, cls, span: Span, ja: str | None = None, en: str | None = None):
        node = ox.NamedNode(str(ID[path]))
        self.add(node, RDF_TYPE, n(cls))
        if ja:
            self.labels(node, ja, en)
        self.add(node, DERIVED, self.span(span))
        return node

    def span(self, span: Span) -> ox.NamedNode:
        lines = (span.first_line, span.last_line)
        if lines in self._spans:
            return self._spans[lines]
        node = self._spans[lines] = ox.NamedNode(
            str(ID[f"span/{self.sha}/{span.first_line}-{span.last_line}"]))
        self.add(node, RDF_TYPE, SPAN)
        self.add(node, IN_DOCUMENT, self.doc)
        self.add(node, FIRST_LINE, lit(span.first_line, "integer"))
        self.add(node, LAST_LINE, lit(span.last_line, "integer"))
        if self.lines:
            text = "\n".join(self.lines[span.first_line - 1:span.last_line])
            self.add(node, TEXT, lit(text[:1000]))
        if self.origins and span.first_line <= len(self.origins):
            origin = self.origins[span.first_line - 1]
            if origin.cells and self.lines:
                origin = origin.at_cell(_cell_index(self.lines[span.first_line - 1], span.text))
            for attr, term in ORIGIN_TERMS.items():
                if (value := getattr(origin, attr)) is not None:
                    self.add(node, n(term), lit(value) if attr == "sheet" else lit(value, "integer"))
        return node

    def entity(self, entity: Entity, span: Span) -> ox.NamedNode:
        """A place or organisation; only what the gazetteer graph lacks is written here."""
        node = ox.NamedNode(entity.iri)
        if not entity.wikidata and not entity.code and entity.kind == "city":
            self.add(node, RDF_TYPE, n(CKG.City))
            if entity.division:
                self.add(node, RDF_TYPE, n(CKG.Division))
            self.labels(node, entity.label_ja, entity.label_en)
            self.add(node, n(CKG.slug), lit(entity.key))
            if entity.country:
                self.add(node, n(CKG.country), ox.NamedNode(str(ID[f"country/{entity.country}"])))
            self.add(node, DERIVED, self.span(span))
        return node

    def triples(self, facts: list[Fact]) -> list[ox.Triple]:
        for fact in facts:
            if fact.kind not in MAPPERS:
                raise UnknownFactKind(f"no mapping for fact kind {fact.kind!r} "
                                      f"(line {fact.span.lines})")
            MAPPERS[fact.kind](self, fact.data, fact.span)
        return self._out

    # one method per fact kind (MAPPERS) ---------------------------------------

    def _document(self, d, span) -> None:
        self.add(self.doc, RDF_TYPE, n(CKG.SourceDocument))
        self.add(self.doc, n(CKG.fileName), lit(self.file_name))
        self.add(self.doc, n(CKG.sha256), lit(self.sha256))
        self.add(self.doc, PUBLISHER, self.city)
        self.labels(self.doc, d["title"], f"{self.publisher.label_en}: {english(d['title'])}")
        self.add(self.doc, TITLE, lit(d["title"], lang=d.get("language") or "ja"))
        if d.get("language"):
            self.add(self.doc, LANGUAGE, lit(d["language"]))
        if d.get("fiscal_year"):
            self.add(self.doc, n(CKG.fiscalYear), lit(d["fiscal_year"], "gYear"))
        if d.get("as_of"):
            self.add(self.doc, n(CKG.asOf), date_literal(d["as_of"]))
        gov = ox.NamedNode(self.publisher.iri + "/government")
        if self.publisher.kind == "prefecture":
            self.add(gov, RDF_TYPE, n(CKG.PrefecturalGovernment))
            self.labels(gov, self.publisher.label_ja,
                        f"{self.publisher.label_en} Prefectural Government")
        else:
            self.add(gov, RDF_TYPE, n(CKG.CityGovernment))
            self.labels(gov, self.publisher.label_ja, f"City of {self.publisher.label_en}")
        self.add(gov, n(CKG.governs), self.city)
        self.add(gov, DERIVED, self.span(span))

    def _unit(self, d, span) -> None:
        unit = self.node(f"unit/{self.pub}/{key(d['name'])}", CKG.OrganizationalUnit, span,
                         d["name"])
        self.add(unit, n(CKG.unitOf), ox.NamedNode(self.publisher.iri + "/government"))

    def _relation(self, d, span) -> None:
        partner = self.entity(d["partner"], span)
        pkey = d["partner"].iri.rsplit("/id/", 1)[-1].replace("/", "-")
        if d["type"] == "aid":
            node = self.node(f"aid/{self.pub}/{pkey}", CKG.Assistance, span,
                             f"{self.publisher.label_ja}から{d['partner'].label_ja}への支援",
                             f"Aid from {self.publisher.label_en} to {d['partner'].label_en}")
            self.add(node, n(CKG.provider), self.city)
            self.add(node, n(CKG.recipient), partner)
            return
        node = self.node(f"agreement/{d['type']}/{self.pub}--{pkey}", AGREEMENT_CLASS[d["type"]],
                         span)
        self.labels(node, f"{self.publisher.label_ja}・{d['partner'].label_ja} {_TYPE_JA[d['type']]}",
                    f"{self.publisher.label_en}–{d['partner'].label_en} {d['type']} agreement")
        self.add(node, n(CKG.party), self.city)
        self.add(node, n(CKG.party), partner)
        self.add(node, n(CKG.status), lit(d.get("status", "active")))
        if d.get("status_span"):  # the sentence that stopped or ended it
            self.add(node, DERIVED, self.span(d["status_span"]))
        if d.get("end"):
            self.add(node, n(CKG.endDate), date_literal(d["end"]))
        if d.get("start"):
            self.add(node, n(CKG.startDate), date_literal(d["start"]))
            self.add(node, n(CKG.datePrecision), lit(d["start"].precision))
            self.add(node, n(CKG.startDerived), lit(str(bool(d["derived"])).lower(), "boolean"))
        if d.get("anniversary"):
            ann = self.node(f"anniversary/{self.pub}--{pkey}/{d['anniversary']}", CKG.Anniversary,
                            span, f"{_TYPE_JA[d['type']]}提携{d['anniversary']}周年",
                            f"{_ordinal(d['anniversary'])} anniversary")
            self.add(ann, n(CKG.anniversaryOf), node)
            self.add(ann, n(CKG.ordinal), lit(d["anniversary"], "integer"))

    def program(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(str(ID[f"program/{self.pub}/{key(name)}"]))

    def _program(self, d, span) -> None:
        node = self.program(d["name"])
        self.node(f"program/{self.pub}/{key(d['name'])}",
                  CKG.BudgetHead if d.get("head") else CKG.Program, span, d["name"])
        self.add(node, n(CKG.runBy), self.city)
        if d.get("parent") and d["parent"] != d["name"]:
            self.add(node, n(CKG.partOf), self.program(d["parent"]))

    def _budget(self, d, span) -> None:
        node = self.node(f"budget/{self.pub}/{d['fiscal_year']}/{key(d['program'])}", CKG.Budget,
                         span, f"{d['program']} {d['fiscal_year']}年度予算",
                         f"{english(d['program'])}: budget FY{d['fiscal_year']}")
        self.add(node, n(CKG.budgetOf), self.program(d["program"]))
        self.add(node, n(CKG.fiscalYear), lit(d["fiscal_year"], "gYear"))
        self.add(node, n(CKG.amount), lit(d["amount"], "decimal"))
        self.add(node, n(CKG.currency), lit("JPY"))
        if d.get("previous") is not None:
            self.add(node, n(CKG.previousAmount), lit(d["previous"], "decimal"))

    def _funding(self, d, span) -> None:
        node = ox.NamedNode(str(ID[f"budget/{self.pub}/{d['fiscal_year']}/{key(d['program'])}"]))
        self.add(node, n(FUNDING[d["source"]]), lit(d["amount"], "decimal"))

    def _office(self, d, span) -> None:
        place = d.get("named")
        en = f"{self.publisher.label_en} {place.label_en} Office" \
            if place and place.label_en and d["name"].endswith("事務所") else None
        own = d["name"] if self.publisher.label_ja in d["name"] else \
            f"{self.publisher.label_ja}{d['name']}"  # "駐大連北九州市経済事務所" names its city
        node = self.node(f"office/{self.pub}/{key(d['name'])}", CKG.OverseasOffice, span, own, en)
        self.add(node, n(CKG.operatedBy), self.city)
        for region in d["covers_entities"]:
            self.add(node, n(CKG.coversRegion), ox.NamedNode(region.iri))
        if d.get("host"):
            self.add(node, n(CKG.hostCity), self.entity(d["host"], span))

    def _organization(self, d, span) -> None:
        entity = d.get("entity")
        if entity:
            node = ox.NamedNode(entity.iri)
            self.add(node, DERIVED, self.span(span))
            return
        cls = CKG.InternationalOrganization if d.get("org_kind") == "intl_org" else CKG.Association
        node = self.node(f"org/{key(d['name'])}", cls, span, d["name"])
        if d.get("abbreviation"):
            self.add(node, ALT, lit(d["abbreviation"]))
        if d.get("funded"):
            self.add(node, n(CKG.fundedBy), self.city)

    def _membership(self, d, span) -> None:
        net, member = d["network"], d.get("member")  # member: another city's, None: the publisher's
        who = (member.code or f"{member.country}/{member.key}") if member else self.pub
        node = self.node(f"membership/{who}/{net.key}/{key(d['role_ja'])}", CKG.Membership,
                         span, f"{net.label_ja}の{d['role_ja']}", f"{net.label_en}: {d['role_en']}")
        self.add(node, n(CKG.member), self.entity(member, span) if member else self.city)
        if not net.source:  # a body the gazetteer lacks, named by the page
            self.node(f"org/{net.key}", CKG.CityNetwork, span, net.label_ja, net.label_en)
        self.add(node, n(CKG.network), ox.NamedNode(net.iri))
        self.add(node, n(CKG.role), lit(d["role_ja"], lang="ja"))
        self.add(node, n(CKG.role), lit(d["role_en"], lang="en"))

    def _facility(self, d, span) -> None:
        node = self.node(f"facility/{self.pub}/{key(d['name'])}", FACILITY_CLASS[d["type"]], span,
                         d["name"])
        self.add(node, n(CKG.operatedBy), self.city)
        for ward in d.get("wards") or ():
            self.add(node, n(CKG.locatedIn), ox.NamedNode(ward.iri))

    def _event(self, d, span) -> None:
        cls = CKG.Conference if CONFERENCE.search(d["name"]) else CKG.Event  # not a festival
        node = self.node(f"event/{key(d['name'])}", cls, span, d["name"],
                         d.get("acronym") or None)
        if d.get("edition"):
            self.add(node, n(CKG.edition), lit(d["edition"], "integer"))
        if d.get("date"):
            self.add(node, n(CKG.date), date_literal(d["date"]))

    def pillar(self, label: str) -> ox.NamedNode:
        return ox.NamedNode(str(ID[f"pillar/{self.pub}/{key(label)}"]))

    def _pillar(self, d, span) -> None:
        scheme = self.node(f"scheme/{self.pub}", CKG.PillarScheme, span,
                           f"{self.publisher.label_ja}の国際政策の柱",
                           f"Pillars of {self.publisher.label_en}'s international policy")
        node = self.node(f"pillar/{self.pub}/{key(d['label'])}", CKG.PolicyPillar, span,
                         d["label"])
        self.add(node, IN_SCHEME, scheme)
        if d.get("number"):
            self.add(node, n(CKG.policyNumber), lit(d["number"]))

    def _defines(self, d, span) -> None:
        for t in [t for t in self._out if t.predicate == RDF_TYPE
                  and t.object == n(CKG.PolicyPillar)]:
            self.add(t.subject, n(CKG.definedBy), self._policy_node(d["policy"]))

    def _policy_node(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(str(ID[f"policy/{self.pub}/{key(name)}"]))

    def _policy(self, d, span) -> None:
        node = self.node(f"policy/{self.pub}/{key(d['name'])}", POLICY_CLASS[d["type"]], span,
                         d["name"])
        self.add(node, PUBLISHER, self.city)
        if d.get("enacted"):
            self.add(node, n(CKG.enacted), date_literal(d["enacted"]))

    def _implements(self, d, span) -> None:
        self.add(self.program(d["program"]), n(CKG.implements), self.pillar(d["pillar"]))

    def _section(self, d, span) -> None:
        node = self.node(f"section/{self.sha}/{d['number']}", CKG.Section, span, d["title"])
        self.add(node, n(CKG.sectionNumber), lit(d["number"]))
        if d.get("page") and int(d["page"]) > 0:
            self.add(node, n(CKG.page), lit(int(d["page"]), "integer"))
        parent = ox.NamedNode(str(ID[f"section/{self.sha}/{d['parent']}"])) if d.get("parent") \
            else self.doc
        self.add(node, PART_OF, parent)


MAPPERS = {kind: getattr(Mapper, f"_{kind}") for kind in KINDS}

_TYPE_JA = {"twinning": "姉妹・友好都市", "sister": "姉妹都市", "friendship": "友好都市", "partner": "パートナー都市",
            "cooperation": "協力協定"}


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def wikidata_iri(qid: str) -> ox.NamedNode:
    return ox.NamedNode(str(WD_NS[qid]))


def iter_quads(triples: list[ox.Triple], graph: str) -> Iterator[ox.Quad]:
    g = ox.NamedNode(graph)
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object, g)
