"""Stage 6's inferences alone (loaders/materialise.py), on triples we write by hand."""
from __future__ import annotations

import pyoxigraph as ox

from citykg.loaders.materialise import RDF_TYPE, inferred, with_inferences
from citykg.terms import CKG

A, B, C = (ox.NamedNode(f"https://w3id.org/citykg/id/city/test/{x}") for x in "abc")
AGREEMENT = ox.NamedNode("https://w3id.org/citykg/id/agreement/test")
PARTY = ox.NamedNode(str(CKG.party))
TWINNED = ox.NamedNode(str(CKG.twinnedWith))


def agreement(cls) -> list[ox.Triple]:
    return [ox.Triple(AGREEMENT, RDF_TYPE, ox.NamedNode(str(cls))),
            ox.Triple(AGREEMENT, PARTY, A), ox.Triple(AGREEMENT, PARTY, B)]


def test_a_sister_city_agreement_twins_its_parties_both_ways_and_is_an_agreement():
    out = set(inferred(agreement(CKG.SisterCityAgreement)))
    assert {ox.Triple(A, TWINNED, B), ox.Triple(B, TWINNED, A)} <= out
    assert ox.Triple(AGREEMENT, RDF_TYPE, ox.NamedNode(str(CKG.Agreement))) in out
    assert ox.Triple(A, TWINNED, A) not in out


def test_a_cooperation_agreement_twins_nobody():
    out = inferred(agreement(CKG.CooperationAgreement))
    assert not [t for t in out if t.predicate == TWINNED]
    assert ox.Triple(AGREEMENT, RDF_TYPE, ox.NamedNode(str(CKG.Agreement))) in out


def test_with_inferences_keeps_the_triples_first_and_adds_each_once():
    triples = agreement(CKG.FriendshipCityAgreement) + [ox.Triple(A, TWINNED, B)]
    out = with_inferences(triples)
    assert out[:len(triples)] == triples
    assert len(out) == len(set(out))
    assert ox.Triple(B, TWINNED, A) in out
