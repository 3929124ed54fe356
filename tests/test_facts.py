"""The typed plumbing between extract and map: one dataclass per fact kind, a mapper per kind,
and an error for a kind or a field no one declared."""
import json

import pytest

from citykg.core.gazetteer import japan, world
from citykg.loaders.facts import KINDS, Extraction, Fact, RelationData, Span, UnknownFactKind
from citykg.loaders.gold import GoldError, read_gold
from citykg.loaders.map import MAPPERS, Mapper

SPAN = Span(3, 3, "text")


def test_every_kind_has_a_mapper():
    assert set(MAPPERS) == set(KINDS)


def test_a_misspelt_kind_is_refused():
    with pytest.raises(UnknownFactKind, match="relaton"):
        Extraction().add("relaton", SPAN, type="sister", partner=None)


def test_a_misspelt_field_is_refused():
    with pytest.raises(TypeError, match="partnr"):
        Extraction().add("relation", SPAN, type="sister", partnr=None)


def test_facts_are_typed_and_read_like_mappings():
    partner = world().lookup("シアトル", "city")[0]
    fact = Extraction().add("relation", SPAN, type="sister", partner=partner)
    assert isinstance(fact.data, RelationData)
    assert fact.data["partner"] is partner and fact.data.get("status") == "active"
    fact.data["status"] = "suspended"
    assert fact.data.status == "suspended"
    with pytest.raises(KeyError):
        fact.data["stauts"] = "ended"


def test_the_mapper_maps_typed_facts():
    publisher = japan().lookup("横浜市", "city")[0]
    partner = world().lookup("シアトル", "city")[0]
    facts = [Fact("document", {"publisher": publisher, "title": "報告"}, SPAN),
             Fact("relation", {"type": "sister", "partner": partner}, SPAN)]
    triples = Mapper("ab" * 32, "r.txt", publisher).triples(facts)
    assert any(t.object.value == partner.iri for t in triples)


def test_a_gold_file_with_an_unknown_kind_names_its_line(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"publisher": "yokohama"}) + "\n"
                    + json.dumps({"kind": "relaton", "lines": 2, "type": "sister"}) + "\n",
                    encoding="utf-8")
    with pytest.raises(GoldError, match=r"g\.jsonl:2: .*relaton"):
        read_gold(path)
