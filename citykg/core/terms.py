"""Every term of the citykg ontology, and the namespaces the project writes.

`ontology/citykg.ttl` defines these terms; `tests/test_ontology.py` checks that the two agree.
Code names terms through this module only, never through IRI strings: the rdflib terms here
(`CKG.party`), and the pyoxigraph nodes the loaders and the store write (`n(CKG.party)`,
`RDF_TYPE`, `DERIVED`, `META_GRAPH`, …), made once.
"""
from functools import cache

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/citykg/"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
ESTAT_SAC = "http://data.e-stat.go.jp/lod/sac/"  # e-Stat's standard area codes (jp_gazetteer)
# build records in the meta graph: where each graph came from (citykg.commands.build writes them)
BUILD = BASE + "build#"


class CKG(DefinedNamespace):
    """The citykg ontology (prefix `ckg:`)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # places
    Place: URIRef
    LocalGovernmentArea: URIRef  # any level: prefecture, municipality, ward; state, province
    City: URIRef  # a municipality
    Ward: URIRef  # a ward of a designated city or a special ward of Tokyo
    Country: URIRef
    Region: URIRef  # administrative region: prefecture, state, province
    Prefecture: URIRef
    Division: URIRef  # a first-level division abroad: state, province (ISO 3166-2)
    WorldRegion: URIRef  # a region of the world an office covers: Europe, the Americas…
    # organisations
    Organization: URIRef
    LocalGovernment: URIRef  # the government of a LocalGovernmentArea
    PrefecturalGovernment: URIRef
    CityGovernment: URIRef
    OrganizationalUnit: URIRef  # a bureau or department of a city government
    CityNetwork: URIRef
    Association: URIRef  # a public foundation or association, often funded by a city
    InternationalOrganization: URIRef
    Membership: URIRef
    OverseasOffice: URIRef
    # facilities
    Facility: URIRef
    ExchangeCentre: URIRef
    InternationalLounge: URIRef
    PassportCentre: URIRef
    StudentCentre: URIRef
    # agreements and other relations
    Agreement: URIRef
    TwinningAgreement: URIRef  # sister, friendship or partner: the report does not say which
    SisterCityAgreement: URIRef
    FriendshipCityAgreement: URIRef
    PartnerCityAgreement: URIRef
    CooperationAgreement: URIRef
    Assistance: URIRef  # aid a city gives another city
    # programs, budgets, policy
    Program: URIRef
    BudgetHead: URIRef
    Budget: URIRef
    PolicyPillar: URIRef
    PillarScheme: URIRef
    PolicyDocument: URIRef
    Plan: URIRef
    Ordinance: URIRef
    BasicPolicy: URIRef
    # events, people
    Event: URIRef
    Conference: URIRef
    Anniversary: URIRef
    Person: URIRef
    # sources
    SourceDocument: URIRef
    SourceSpan: URIRef
    Section: URIRef

    # identification
    slug: URIRef
    localGovernmentCode: URIRef
    countryCode: URIRef
    # place structure
    country: URIRef
    inRegion: URIRef
    parentCity: URIRef
    latitude: URIRef
    longitude: URIRef
    population: URIRef
    # organisations
    governs: URIRef
    unitOf: URIRef
    member: URIRef
    network: URIRef
    role: URIRef
    fundedBy: URIRef
    operatedBy: URIRef
    coversRegion: URIRef
    hostCity: URIRef
    locatedIn: URIRef
    # agreements
    party: URIRef
    startDate: URIRef
    endDate: URIRef
    datePrecision: URIRef
    startDerived: URIRef
    status: URIRef
    anniversaryOf: URIRef
    ordinal: URIRef
    twinnedWith: URIRef
    provider: URIRef
    recipient: URIRef
    # programs and budgets
    partOf: URIRef
    implements: URIRef
    budgetOf: URIRef
    fiscalYear: URIRef
    amount: URIRef
    previousAmount: URIRef
    currency: URIRef
    nationalFunding: URIRef
    prefecturalFunding: URIRef
    otherFunding: URIRef
    generalRevenue: URIRef
    runBy: URIRef
    # policy
    definedBy: URIRef
    policyNumber: URIRef
    enacted: URIRef
    # events
    date: URIRef
    edition: URIRef
    organizer: URIRef
    # sources
    fileName: URIRef
    sha256: URIRef
    asOf: URIRef
    inDocument: URIRef
    firstLine: URIRef
    lastLine: URIRef
    text: URIRef
    sectionNumber: URIRef
    page: URIRef  # of a section, or of a source span's first line in a PDF
    lineOnPage: URIRef
    sourceLine: URIRef
    sheet: URIRef
    row: URIRef
    column: URIRef
    # the store
    storeVersion: URIRef  # of the meta graph: changes with every write


@cache
def n(term) -> ox.NamedNode:
    """A term (an rdflib term or an IRI) as a pyoxigraph node."""
    return ox.NamedNode(str(term))


@cache
def xsd(datatype: str) -> ox.NamedNode:
    return n(XSD[datatype])


def wikidata_iri(qid: str) -> ox.NamedNode:
    return n(WD[qid])


# the nodes of the other vocabularies the project writes
RDF_TYPE, LABEL, SEE_ALSO = n(RDF.type), n(RDFS.label), n(RDFS.seeAlso)
ALT, EXACT, IN_SCHEME = n(SKOS.altLabel), n(SKOS.exactMatch), n(SKOS.inScheme)
DERIVED, PROV_ENTITY, GENERATED = n(PROV.wasDerivedFrom), n(PROV.Entity), n(PROV.generatedAtTime)
PUBLISHER, TITLE, PART_OF = n(DCTERMS.publisher), n(DCTERMS.title), n(DCTERMS.isPartOf)
LANGUAGE = n(DCTERMS.language)
SOURCE, LICENSE, DESCRIPTION = n(DCTERMS.source), n(DCTERMS.license), n(DCTERMS.description)
CC0 = n("http://creativecommons.org/publicdomain/zero/1.0/")
# the store's own: the meta graph, its version, the build records in it
META_GRAPH = n(GRAPH.meta)
STORE_VERSION = n(CKG.storeVersion)
BUILD_SOURCE = n(BUILD + "source")  # an imported file's absolute path
BUILD_SHA256 = n(BUILD + "sha256")  # of the file's bytes
BUILD_STATEMENTS = n(BUILD + "statements")  # statements read (N-Triples/N-Quads: lines)
BUILD_FORMAT = n(BUILD + "format")
BUNDLED = n(BUILD + "bundled")  # the fingerprint a bundled graph was written with
BUNDLED_GRAPH = n(BUILD + "bundledGraph")  # meta: the bundled graphs of a build


# the vocabularies the project's SPARQL names; `citykg.sparql` declares every one of these
# prefixes before each query it loads (a .rq file declares none of its own)
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQV = Namespace("http://www.wikidata.org/prop/qualifier/value/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
PREFIXES = {"ckg": str(CKG._NS), "id": str(ID), "rdf": str(RDF), "rdfs": str(RDFS),
            "owl": str(OWL), "xsd": str(XSD), "skos": str(SKOS), "prov": str(PROV),
            "dct": str(DCTERMS), "foaf": str(FOAF), "schema": str(SCHEMA), "org": str(ORG),
            "time": str(TIME), "wd": str(WD), "wdt": str(WDT), "p": str(P), "ps": str(PS),
            "pqv": str(PQV), "wikibase": str(WIKIBASE)}
