"""Every term of the citykg ontology, and the namespaces the project writes.

`ontology/citykg.ttl` defines these terms; `tests/test_ontology.py` checks that the two agree.
Code names terms through this module only, never through IRI strings.
"""
from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/citykg/"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")


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
