"""The ontology (`ontology/citykg.ttl`) and the SHACL shapes (`ontology/shapes.ttl`).

- the Turtle agrees with `citykg.core.terms.CKG`, term for term, and every term is labelled and
  defined in Japanese and English;
- it is OWL 2 DL (OWL API's profile checker) and HermiT finds it consistent, with a small ABox
  that checks a few inferences and an inconsistency;
- pyshacl: a small valid data graph conforms to the shapes, and each of a list of defects is
  reported on the right node and property.

The reasoner tests need Java (Debian's default-jre-headless); without it they fail, not skip.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import owlready2
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS

from citykg.core.paths import ONTOLOGY_FILE, SHAPES_FILE
from citykg.core.terms import CKG, WDT

ONTOLOGY_IRI = URIRef("https://w3id.org/citykg/ontology")
CKG_NS = str(CKG._NS)
# a plain Namespace: rdflib's XSD DefinedNamespace warns when pytest probes module attributes
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
TERMS = sorted(CKG.__annotations__)
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
EX = Namespace("https://w3id.org/citykg/id/")

SHAPES_NS = "https://w3id.org/citykg/shapes#"


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


# --------------------------------------------------------------------------------------------
# the Turtle and terms.py agree


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    titles = {lit.language for lit in onto.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert {"ja", "en"} <= titles
    assert onto.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    assert str(CKG._NS) == str(ONTOLOGY_IRI) + "#"


def test_terms_py_is_complete() -> None:
    # terms.py names terms through annotations only; every one resolves in the namespace
    assert len(TERMS) > 90
    for name in TERMS:
        assert CKG[name] == URIRef(CKG_NS + name)


@pytest.mark.parametrize("name", TERMS)
def test_every_term_is_defined(onto: Graph, name: str) -> None:
    types = set(onto.objects(CKG[name], RDF.type))
    assert types, f"ckg:{name} is in terms.py but not defined in citykg.ttl"
    if name[0].isupper():
        assert types == {OWL.Class}, f"ckg:{name} should be an owl:Class, is {types}"
    else:
        kinds = types & {OWL.ObjectProperty, OWL.DatatypeProperty}
        assert len(kinds) == 1, f"ckg:{name} should be one of object/datatype property: {types}"
        assert not types & {OWL.Class, OWL.AnnotationProperty}


def test_every_ckg_iri_in_the_turtle_is_in_terms_py(onto: Graph) -> None:
    used = {
        node
        for triple in onto
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(CKG_NS)
    }
    extra = sorted(str(n)[len(CKG_NS):] for n in used - {CKG[t] for t in TERMS})
    assert not extra, f"terms in citykg.ttl missing from citykg/core/terms.py: {extra}"


@pytest.mark.parametrize("name", TERMS)
def test_every_term_is_labelled_and_defined_in_ja_and_en(onto: Graph, name: str) -> None:
    term = CKG[name]
    for prop in (RDFS.label, SKOS.definition):
        values = list(onto.objects(term, prop))
        langs = [v.language for v in values if isinstance(v, Literal)]
        assert sorted(langs) == ["en", "ja"], f"ckg:{name} {prop}: want one @ja and one @en"
        assert all(str(v).strip() for v in values)
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (CKG.City, CKG.Place),
        (CKG.Ward, CKG.Place),
        (CKG.Country, CKG.Place),
        (CKG.Region, CKG.Place),
        (CKG.Prefecture, CKG.Region),
        (CKG.WorldRegion, CKG.Region),
        (CKG.LocalGovernmentArea, CKG.Place),
        (CKG.City, CKG.LocalGovernmentArea),
        (CKG.Ward, CKG.LocalGovernmentArea),
        (CKG.Prefecture, CKG.LocalGovernmentArea),
        (CKG.Division, CKG.Region),
        (CKG.Division, CKG.LocalGovernmentArea),
        (CKG.LocalGovernment, CKG.Organization),
        (CKG.CityGovernment, CKG.LocalGovernment),
        (CKG.PrefecturalGovernment, CKG.LocalGovernment),
        (CKG.OrganizationalUnit, CKG.Organization),
        (CKG.CityNetwork, CKG.Organization),
        (CKG.Association, CKG.Organization),
        (CKG.InternationalOrganization, CKG.Organization),
        (CKG.OverseasOffice, CKG.Organization),
        (CKG.ExchangeCentre, CKG.Facility),
        (CKG.InternationalLounge, CKG.Facility),
        (CKG.PassportCentre, CKG.Facility),
        (CKG.StudentCentre, CKG.Facility),
        (CKG.TwinningAgreement, CKG.Agreement),
        (CKG.SisterCityAgreement, CKG.TwinningAgreement),
        (CKG.FriendshipCityAgreement, CKG.TwinningAgreement),
        (CKG.PartnerCityAgreement, CKG.TwinningAgreement),
        (CKG.CooperationAgreement, CKG.Agreement),
        (CKG.BudgetHead, CKG.Program),
        (CKG.PolicyPillar, SKOS.Concept),
        (CKG.PillarScheme, SKOS.ConceptScheme),
        (CKG.Plan, CKG.PolicyDocument),
        (CKG.Ordinance, CKG.PolicyDocument),
        (CKG.BasicPolicy, CKG.PolicyDocument),
        (CKG.Conference, CKG.Event),
        (CKG.Anniversary, CKG.Event),
        (CKG.SourceDocument, PROV.Entity),
        (CKG.SourceSpan, PROV.Entity),
        (CKG.Organization, URIRef("http://www.w3.org/ns/org#Organization")),
        (CKG.OrganizationalUnit, URIRef("http://www.w3.org/ns/org#OrganizationalUnit")),
        (CKG.Membership, URIRef("http://www.w3.org/ns/org#Membership")),
        (CKG.City, URIRef("https://schema.org/City")),
        (CKG.Country, URIRef("https://schema.org/Country")),
        (CKG.Event, URIRef("https://schema.org/Event")),
        (CKG.Place, URIRef("https://schema.org/Place")),
    ],
)
def test_class_tree(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in onto


def test_agreement_kinds_are_pairwise_disjoint(onto: Graph) -> None:
    kinds = {
        CKG.SisterCityAgreement,
        CKG.FriendshipCityAgreement,
        CKG.PartnerCityAgreement,
        CKG.CooperationAgreement,
    }
    found = [
        set(Collection(onto, onto.value(node, OWL.members)))
        for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert kinds in found


def test_twinned_with_is_symmetric_and_aligned_to_p190(onto: Graph) -> None:
    assert (CKG.twinnedWith, RDF.type, OWL.SymmetricProperty) in onto
    assert (CKG.twinnedWith, RDFS.subPropertyOf, WDT.P190) in onto
    assert (WDT.P190, RDF.type, OWL.ObjectProperty) in onto


def test_external_terms_are_declared(onto: Graph) -> None:
    """OWL 2 DL needs every entity declared: external classes and properties used in axioms,
    and every annotation property, carry an rdf:type in the file."""
    used: set[URIRef] = {p for p in onto.predicates() if isinstance(p, URIRef)}
    for prop in (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
    ):
        used |= {o for o in onto.objects(None, prop) if isinstance(o, URIRef)}
    for prop in (OWL.unionOf, OWL.members):
        for head in onto.objects(None, prop):
            used |= set(Collection(onto, head))
    undeclared = sorted(
        str(iri)
        for iri in used
        if not str(iri).startswith(BUILTIN) and onto.value(iri, RDF.type) is None
    )
    assert not undeclared, f"used but not declared: {undeclared}"


def test_ranges_match_property_kinds(onto: Graph) -> None:
    for prop in onto.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in onto.objects(prop, RDFS.range):
            assert rng == RDFS.Literal or str(rng).startswith(str(XSD)), (prop, rng)
    for prop in onto.subjects(RDF.type, OWL.ObjectProperty):
        for rng in onto.objects(prop, RDFS.range):
            assert isinstance(rng, BNode) or (rng, RDF.type, OWL.Class) in onto, (prop, rng)


# --------------------------------------------------------------------------------------------
# OWL 2 DL, and HermiT through owlready2


def _java() -> str:
    """The java executable; the test fails (not skips) without one."""
    exe = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if exe is None:
        pytest.fail(
            "Java is not installed: the ontology tests run OWL API and HermiT, which need a "
            "Java runtime (apt-get install default-jre-headless)."
        )
    return exe


HERMIT_JAR = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"

DL_CHECK_JAVA = """
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class DLCheck {
  public static void main(String[] args) throws Exception {
    OWLOntologyManager m = OWLManager.createOWLOntologyManager();
    OWLOntology o = m.loadOntologyFromOntologyDocument(new File(args[0]));
    OWLProfileReport r = new OWL2DLProfile().checkOntology(o);
    System.out.println("axioms " + o.getLogicalAxiomCount());
    System.out.println(r.isInProfile() ? "IN-PROFILE" : "NOT-IN-PROFILE");
    for (OWLProfileViolation v : r.getViolations()) System.out.println(v);
  }
}
"""


def _owl2_dl_report(java: str, path: Path, tmp_path: Path) -> str:
    """Run OWL API's OWL 2 DL profile checker (bundled with owlready2's HermiT.jar) on a file.
    The JRE runs the Java source directly (single-file source launcher, Java 11+)."""
    source = tmp_path / "DLCheck.java"
    source.write_text(DL_CHECK_JAVA, encoding="utf-8")
    run = subprocess.run(
        [java, "-cp", str(HERMIT_JAR), str(source), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_ontology_is_owl2_dl(tmp_path: Path) -> None:
    report = _owl2_dl_report(_java(), ONTOLOGY_FILE, tmp_path)
    assert "IN-PROFILE" in report.splitlines(), report
    # the checker really loaded the axioms (a parse failure would give an empty ontology)
    assert int(report.split()[1]) > 100


def test_owl2_dl_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://example.org/o> a owl:Ontology .\n"
        "<http://example.org/p> a owl:ObjectProperty , owl:DatatypeProperty .\n",
        encoding="utf-8",
    )
    assert "NOT-IN-PROFILE" in _owl2_dl_report(_java(), bad, tmp_path).splitlines()


def _world(graph: Graph, tmp_path: Path) -> owlready2.World:
    """A fresh owlready2 World holding the graph (owlready2 reads N-Triples, not Turtle)."""
    path = tmp_path / "citykg.nt"
    graph.serialize(destination=path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    return world


def _reason(world: owlready2.World) -> None:
    _java()
    # xsd:gYear (ckg:fiscalYear's range, and dates in the data) is outside the OWL 2 datatype
    # map, which is all HermiT knows: it must be told to ignore such datatypes.
    owlready2.sync_reasoner_hermit(
        world, infer_property_values=True, ignore_unsupported_datatypes=True, debug=0
    )


@pytest.fixture
def owl_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path, also made the directory of owlready2's temporary files."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_hermit_finds_the_ontology_consistent(onto: Graph, owl_tmp: Path) -> None:
    world = _world(onto, owl_tmp)
    assert world[str(CKG.City)] is not None
    _reason(world)
    assert list(world.inconsistent_classes()) == []
    city = world[str(CKG.City)]
    assert world[str(CKG.Place)] in city.ancestors()
    assert world[str(CKG.Agreement)] in world[str(CKG.SisterCityAgreement)].ancestors()


ABOX = """
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix id:  <https://w3id.org/citykg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix test: <http://example.org/test#> .

id:osaka a ckg:City .
id:sanfrancisco a ckg:City .
id:sister a ckg:SisterCityAgreement ;
    ckg:party id:osaka , id:sanfrancisco ;
    ckg:startDate "1957"^^xsd:gYear .
id:osaka ckg:twinnedWith id:sanfrancisco .
id:untyped ckg:party id:osaka .
id:budget ckg:amount "1000"^^xsd:decimal ; ckg:fiscalYear "2024"^^xsd:gYear .

# test classes: the cities twinned with Osaka, by ckg:twinnedWith and by wdt:P190
test:TwinOfOsaka a owl:Class ; owl:equivalentClass
    [ a owl:Restriction ; owl:onProperty ckg:twinnedWith ; owl:hasValue id:osaka ] .
test:P190OfOsaka a owl:Class ; owl:equivalentClass
    [ a owl:Restriction ; owl:onProperty wdt:P190 ; owl:hasValue id:osaka ] .
"""


def _abox(onto: Graph, extra: str = "") -> Graph:
    graph = Graph()
    graph += onto
    graph.parse(data=ABOX + extra, format="turtle")
    return graph


def test_hermit_reasons_over_a_small_abox(onto: Graph, owl_tmp: Path) -> None:
    world = _world(_abox(onto), owl_tmp)
    sanfrancisco, osaka = world[str(EX.sanfrancisco)], world[str(EX.osaka)]
    twin_of_osaka = world["http://example.org/test#TwinOfOsaka"]
    p190_of_osaka = world["http://example.org/test#P190OfOsaka"]
    assert twin_of_osaka not in sanfrancisco.INDIRECT_is_a
    assert world[str(CKG.Agreement)] not in world[str(EX.untyped)].INDIRECT_is_a
    _reason(world)
    assert list(world.inconsistent_classes()) == []
    # only osaka twinnedWith sanfrancisco is asserted: the way back needs twinnedWith's symmetry,
    # and wdt:P190 its sub-property axiom
    assert twin_of_osaka in sanfrancisco.INDIRECT_is_a
    assert p190_of_osaka in sanfrancisco.INDIRECT_is_a
    assert twin_of_osaka not in osaka.INDIRECT_is_a
    # ckg:party's domain makes an Agreement of a node that has parties
    agreement = world[str(CKG.Agreement)]
    assert agreement in world[str(EX.untyped)].INDIRECT_is_a
    assert agreement in world[str(EX.sister)].INDIRECT_is_a
    # ckg:amount's domain: a ckg:Budget
    assert world[str(CKG.Budget)] in world[str(EX.budget)].INDIRECT_is_a


def test_hermit_reports_an_unsatisfiable_class(onto: Graph, owl_tmp: Path) -> None:
    extra = "test:Both rdfs:subClassOf ckg:SisterCityAgreement , ckg:FriendshipCityAgreement ."
    graph = _abox(onto, "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + extra)
    world = _world(graph, owl_tmp)
    _reason(world)
    unsatisfiable = {c.iri for c in world.inconsistent_classes()} - {str(OWL.Nothing)}
    assert unsatisfiable == {"http://example.org/test#Both"}


@pytest.mark.parametrize(
    "defect",
    [
        # one agreement cannot be of two kinds
        "id:sister a ckg:FriendshipCityAgreement .",
        "id:other a ckg:PartnerCityAgreement , ckg:CooperationAgreement .",
        # ckg:amount is functional
        'id:budget ckg:amount "2000"^^xsd:decimal .',
    ],
)
def test_hermit_detects_an_inconsistent_abox(onto: Graph, owl_tmp: Path, defect: str) -> None:
    world = _world(_abox(onto, defect), owl_tmp)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(world)


# --------------------------------------------------------------------------------------------
# SHACL

VALID = """
@prefix ckg:  <https://w3id.org/citykg/ontology#> .
@prefix id:   <https://w3id.org/citykg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .

id:jp a ckg:Country ; rdfs:label "日本"@ja , "Japan"@en ; ckg:countryCode "JP" .
id:cn a ckg:Country ; rdfs:label "中国"@ja , "China"@en ; ckg:countryCode "CN" .
id:osaka-pref a ckg:Prefecture ; rdfs:label "大阪府"@ja ; ckg:country id:jp .
id:osaka a ckg:City ; rdfs:label "大阪市"@ja , "Osaka"@en ; ckg:slug "osaka" ;
    ckg:localGovernmentCode "27100" ; ckg:country id:jp ; ckg:inRegion id:osaka-pref ;
    ckg:latitude 34.6937 ; ckg:longitude 135.5023 ; ckg:population 2750000 .
id:shanghai a ckg:City ; rdfs:label "上海市"@ja , "Shanghai"@en ; ckg:country id:cn .
id:paris a ckg:City ; rdfs:label "Paris"@en .
id:kita a ckg:Ward ; rdfs:label "北区"@ja ; ckg:parentCity id:osaka .
id:europe a ckg:WorldRegion ; rdfs:label "ヨーロッパ"@ja , "Europe"@en .
id:osaka ckg:twinnedWith id:shanghai .

id:doc a ckg:SourceDocument ; ckg:fileName "osaka-2024.txt" ;
    ckg:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ;
    ckg:fiscalYear "2024"^^xsd:gYear ; ckg:asOf "2024-04-01"^^xsd:date ;
    dct:publisher id:osaka ; dct:title "国際化施策の概要"@ja .
id:sec a ckg:Section ; ckg:sectionNumber "1" ; ckg:page 3 ; dct:title "姉妹都市"@ja ;
    dct:isPartOf id:doc .
id:span a ckg:SourceSpan ; ckg:inDocument id:doc ; ckg:firstLine 12 ; ckg:lastLine 13 ;
    ckg:text "上海市（中国） 1974年 友好都市提携" .

id:agreement a ckg:FriendshipCityAgreement ; ckg:party id:osaka , id:shanghai ;
    ckg:startDate "1974"^^xsd:gYear ; ckg:datePrecision "year" ; ckg:startDerived false ;
    ckg:status "active" ; prov:wasDerivedFrom id:span .
id:anniversary a ckg:Anniversary ; rdfs:label "友好都市提携50周年"@ja ;
    ckg:anniversaryOf id:agreement ; ckg:ordinal 50 ; ckg:date "2024"^^xsd:gYear ;
    prov:wasDerivedFrom id:span .
id:aid a ckg:Assistance ; ckg:provider id:osaka ; ckg:recipient id:shanghai ;
    prov:wasDerivedFrom id:span .

id:government a ckg:CityGovernment ; ckg:governs id:osaka .
id:unit a ckg:OrganizationalUnit ; rdfs:label "国際交流課"@ja ; ckg:unitOf id:government .
id:metropolis a ckg:CityNetwork ; rdfs:label "Metropolis"@en ; prov:wasDerivedFrom id:span .
id:membership a ckg:Membership ; ckg:member id:osaka ; ckg:network id:metropolis ;
    ckg:role "理事都市"@ja , "board member"@en ; prov:wasDerivedFrom id:span .
id:association a ckg:Association ; rdfs:label "大阪国際交流協会"@ja ; ckg:fundedBy id:osaka ;
    prov:wasDerivedFrom id:span .
id:office a ckg:OverseasOffice ; rdfs:label "パリ事務所"@ja ; ckg:operatedBy id:osaka ;
    ckg:coversRegion id:europe ; ckg:hostCity id:paris ; prov:wasDerivedFrom id:span .
id:lounge a ckg:InternationalLounge ; rdfs:label "国際交流ラウンジ"@ja ;
    ckg:operatedBy id:association ; ckg:locatedIn id:kita ; prov:wasDerivedFrom id:span .
id:summit a ckg:Conference ; rdfs:label "アジア太平洋都市サミット"@ja ; ckg:edition 3 ;
    ckg:date "2024-10-02"^^xsd:date ; ckg:organizer id:osaka ; ckg:hostCity id:osaka ;
    prov:wasDerivedFrom id:span .

id:scheme a ckg:PillarScheme ; rdfs:label "大阪市の国際化施策の体系"@ja .
id:plan a ckg:Plan ; rdfs:label "国際化推進計画"@ja ; ckg:enacted "2021-03"^^xsd:gYearMonth ;
    prov:wasDerivedFrom id:span .
id:pillar a ckg:PolicyPillar ; skos:prefLabel "多文化共生の推進"@ja ; skos:inScheme id:scheme ;
    ckg:policyNumber "1-2" ; ckg:definedBy id:plan ; prov:wasDerivedFrom id:span .
id:program a ckg:BudgetHead ; rdfs:label "国際交流推進事業"@ja ; ckg:runBy id:unit ;
    ckg:implements id:pillar ; prov:wasDerivedFrom id:span .
id:subprogram a ckg:Program ; rdfs:label "姉妹都市交流"@ja ; ckg:partOf id:program ;
    prov:wasDerivedFrom id:span .
id:budget a ckg:Budget ; ckg:budgetOf id:program ; ckg:fiscalYear "2024"^^xsd:gYear ;
    ckg:amount "12000000"^^xsd:decimal ; ckg:previousAmount "11000000"^^xsd:decimal ;
    ckg:currency "JPY" ; ckg:nationalFunding "2000000"^^xsd:decimal ;
    ckg:generalRevenue "10000000"^^xsd:decimal ; prov:wasDerivedFrom id:span .
"""


def _validate(data: Graph, shapes: Graph, onto: Graph) -> tuple[bool, Graph, str]:
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=onto, inference="rdfs", abort_on_first=False
    )
    return conforms, results, text


def _violations(results: Graph) -> set[tuple[URIRef, URIRef]]:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    return {
        (results.value(r, sh.focusNode), results.value(r, sh.resultPath))
        for r in results.subjects(RDF.type, sh.ValidationResult)
    }


def _valid() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def test_shapes_parse_and_are_core_only(shapes: Graph) -> None:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(shapes.subjects(RDF.type, sh.NodeShape))) >= 15
    assert not list(shapes.subjects(sh.sparql, None)), "keep the shapes SPARQL-free"
    for shape in shapes.subjects(RDF.type, sh.NodeShape):
        assert str(shape).startswith(SHAPES_NS)
    # every property constraint says what is wrong, in English
    for prop_shape in shapes.objects(None, sh.property):
        messages = list(shapes.objects(prop_shape, sh.message))
        assert any(m.language == "en" for m in messages), prop_shape
    # the shapes only name ckg: terms that exist
    for node in {n for t in shapes for n in t if isinstance(n, URIRef)}:
        if str(node).startswith(CKG_NS):
            assert node in {CKG[t] for t in TERMS}, node


def test_valid_data_conforms(shapes: Graph, onto: Graph) -> None:
    conforms, _, text = _validate(_valid(), shapes, onto)
    assert conforms, text


OBJ = object()  # "any value" in a triple to remove


@pytest.mark.parametrize(
    ("remove", "add", "focus", "path"),
    [
        pytest.param(
            [(EX.agreement, CKG.party, EX.shanghai)], [], EX.agreement, CKG.party,
            id="agreement-with-one-party",
        ),
        pytest.param(
            [(EX.budget, CKG.amount, OBJ)], [], EX.budget, CKG.amount,
            id="budget-without-amount",
        ),
        pytest.param(
            [(EX.budget, CKG.amount, OBJ)], [(EX.budget, CKG.amount, Literal(12000000))],
            EX.budget, CKG.amount,
            id="amount-typed-integer",
        ),
        pytest.param(
            [(EX.budget, CKG.currency, OBJ)], [(EX.budget, CKG.currency, Literal("USD"))],
            EX.budget, CKG.currency,
            id="budget-in-dollars",
        ),
        pytest.param(
            [(EX.budget, CKG.fiscalYear, OBJ)], [(EX.budget, CKG.fiscalYear, Literal(2024))],
            EX.budget, CKG.fiscalYear,
            id="fiscal-year-not-gyear",
        ),
        pytest.param(
            [(EX.budget, CKG.budgetOf, OBJ)], [], EX.budget, CKG.budgetOf,
            id="budget-of-nothing",
        ),
        pytest.param(
            [], [(EX.agreement, CKG.startDate, Literal("1975", datatype=XSD.gYear))],
            EX.agreement, CKG.startDate,
            id="two-start-dates",
        ),
        pytest.param(
            [(EX.agreement, CKG.startDate, OBJ)],
            [(EX.agreement, CKG.startDate, Literal("1974"))],
            EX.agreement, CKG.startDate,
            id="start-date-plain-string",
        ),
        pytest.param(
            [(EX.agreement, CKG.datePrecision, OBJ)],
            [(EX.agreement, CKG.datePrecision, Literal("decade"))],
            EX.agreement, CKG.datePrecision,
            id="unknown-date-precision",
        ),
        pytest.param(
            [(EX.agreement, CKG.status, OBJ)], [(EX.agreement, CKG.status, Literal("dormant"))],
            EX.agreement, CKG.status,
            id="unknown-status",
        ),
        pytest.param(
            [(EX.paris, RDFS.label, OBJ)], [], EX.paris, RDFS.label,
            id="city-without-label",
        ),
        pytest.param(
            [(EX.osaka, CKG.localGovernmentCode, OBJ)],
            [(EX.osaka, CKG.localGovernmentCode, Literal("271004"))],
            EX.osaka, CKG.localGovernmentCode,
            id="six-digit-government-code",
        ),
        pytest.param(
            [(EX.span, CKG.firstLine, OBJ)], [(EX.span, CKG.firstLine, Literal(20))],
            EX.span, CKG.firstLine,
            id="span-ends-before-it-starts",
        ),
        pytest.param(
            [(EX.span, CKG.firstLine, OBJ)], [(EX.span, CKG.firstLine, Literal(0))],
            EX.span, CKG.firstLine,
            id="line-zero",
        ),
        pytest.param(
            [(EX.span, CKG.inDocument, OBJ)], [], EX.span, CKG.inDocument,
            id="span-without-document",
        ),
        pytest.param(
            [(EX.program, PROV.wasDerivedFrom, OBJ)], [], EX.program, PROV.wasDerivedFrom,
            id="program-without-provenance",
        ),
        pytest.param(
            [(EX.metropolis, PROV.wasDerivedFrom, OBJ)], [], EX.metropolis,
            PROV.wasDerivedFrom,
            id="network-without-provenance",
        ),
        pytest.param(
            [(EX.agreement, PROV.wasDerivedFrom, OBJ)],
            [(EX.agreement, PROV.wasDerivedFrom, EX.doc)],
            EX.agreement, PROV.wasDerivedFrom,
            id="derived-from-a-document-not-a-span",
        ),
        pytest.param(
            [(EX.membership, CKG.network, OBJ)], [], EX.membership, CKG.network,
            id="membership-without-network",
        ),
        pytest.param(
            [(EX.membership, CKG.member, OBJ)], [], EX.membership, CKG.member,
            id="membership-without-member",
        ),
        pytest.param(
            [(EX.office, CKG.operatedBy, OBJ)], [], EX.office, CKG.operatedBy,
            id="office-without-operator",
        ),
        pytest.param(
            [(EX.aid, CKG.recipient, OBJ)], [], EX.aid, CKG.recipient,
            id="aid-without-recipient",
        ),
        pytest.param(
            [(EX.pillar, SKOS.inScheme, OBJ)], [], EX.pillar, SKOS.inScheme,
            id="pillar-without-scheme",
        ),
    ],
)
def test_defects_are_reported(
    shapes: Graph,
    onto: Graph,
    remove: list[tuple],
    add: list[tuple],
    focus: URIRef,
    path: URIRef,
) -> None:
    data = _valid()
    for s, p, o in remove:
        before = len(data)
        data.remove((s, p, None if o is OBJ else o))
        assert len(data) < before, f"the valid data has no {(s, p, o)}"
    for triple in add:
        data.add(triple)
    conforms, results, text = _validate(data, shapes, onto)
    assert not conforms
    assert (focus, path) in _violations(results), text
