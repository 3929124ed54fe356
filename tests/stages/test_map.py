"""Stage 5 alone (loaders/map.py): facts we build by hand to triples."""
from __future__ import annotations

from citykg.gazetteer import world
from citykg.loaders.facts import Extraction, Span
from citykg.loaders.map import Mapper
from citykg.loaders.normalise import PartialDate
from citykg.loaders.pipeline import resolve_publisher
from citykg.terms import CKG

SHA = "ab" * 32
LINES = ["国際交流の概要", "", "本市は1961年5月1日にフランクフルト市と姉妹都市提携を結んだ。"]


def mapped(*facts: tuple[str, Span, dict]) -> set[tuple[str, str, str]]:
    out = Extraction()
    for kind, span, data in facts:
        out.add(kind, span, **data)
    triples = Mapper(SHA, "stage-test.txt", resolve_publisher("横浜市"), LINES).triples(out.facts)
    assert len(triples) == len(set(triples))  # each triple once
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


def about(triples, predicate) -> dict[str, str]:
    return {s: o for s, p, o in triples if p == str(predicate)}


def test_a_relation_is_an_agreement_between_the_publisher_and_the_partner_with_its_start():
    frankfurt = world().lookup("フランクフルト", "city")[0]
    span = Span(3, 3, LINES[2])
    triples = mapped(("relation", span, {"type": "sister", "partner": frankfurt,
                                         "start": PartialDate(1961, 5, 1), "derived": False,
                                         "anniversary": None}))
    [agreement] = [s for s, p, o in triples if o == str(CKG.SisterCityAgreement)]
    parties = {o for s, p, o in triples if s == agreement and p == str(CKG.party)}
    assert parties == {resolve_publisher("横浜市").iri, frankfurt.iri}
    assert about(triples, CKG.startDate)[agreement] == "1961-05-01"
    assert about(triples, CKG.datePrecision)[agreement] == "day"
    assert about(triples, CKG.startDerived)[agreement] == "false"
    # its provenance: the span of line 3, with the line's text
    [span_node] = [o for s, p, o in triples if s == agreement and p.endswith("wasDerivedFrom")]
    assert about(triples, CKG.firstLine)[span_node] == "3"
    assert about(triples, CKG.text)[span_node] == LINES[2]


def test_the_same_iris_from_the_same_facts():
    frankfurt = world().lookup("フランクフルト", "city")[0]
    fact = ("relation", Span(3, 3, LINES[2]), {"type": "friendship", "partner": frankfurt,
                                               "start": None, "derived": False, "anniversary": 60})
    first, again = mapped(fact), mapped(fact)
    assert first == again
    anniversaries = [s for s, p, o in first if o == str(CKG.Anniversary)]
    assert len(anniversaries) == 1 and anniversaries[0].endswith("/60")
    assert not about(first, CKG.startDate)


def test_a_unit_is_labelled_in_both_languages():
    triples = mapped(("unit", Span(1, 1, LINES[0]), {"name": "国際局"}))
    labels = {o for s, p, o in triples if p.endswith("#label")}
    assert "国際局" in labels and any(label.isascii() for label in labels)
