"""The relation rules (loaders/extract/relations.py, status.py) one shape at a time, on small
texts of our own."""
from __future__ import annotations

from citykg.loaders.extract.relations import extract_relations
from citykg.loaders.normalise import PartialDate

from .conftest import facts


def relations(ctx) -> set[tuple]:
    extract_relations(ctx)
    return {(d["type"], d["partner"].key, d["start"], d["status"]) for d in facts(ctx, "relation")}


def test_a_list_under_a_relation_word_heading_types_and_dates_each_item(context):
    ctx = context("姉妹都市\n・フランクフルト市(ドイツ) 1961年5月1日提携\n・マルセイユ市(フランス) 1971年9月2日提携")
    assert relations(ctx) == {("sister", "frankfurt", PartialDate(1961, 5, 1), "active"),
                              ("sister", "marseille", PartialDate(1971, 9, 2), "active")}


def test_a_sentence_making_an_agreement_dates_it_by_its_era_date(context):
    ctx = context("本市は、平成元年4月1日にフランクフルト市と友好都市提携を結んだ。")
    assert relations(ctx) == {("friendship", "frankfurt", PartialDate(1989, 4, 1), "active")}


def test_an_agreement_in_preparation_is_reported_not_recorded(context):
    ctx = context("マルセイユ市とは姉妹都市提携に向けた協議を進めている。")
    assert relations(ctx) == set()
    assert any("in preparation" in p.message for p in ctx.out.problems)


def test_another_governments_agreement_is_not_the_publishers(context):
    ctx = context("ソウル特別市の姉妹都市であるミラノ市の代表団が来訪した。")
    assert relations(ctx) == set()
    assert any("not the publisher's" in p.message for p in ctx.out.problems)


def test_an_ended_agreement_gets_its_status_and_end(context):
    ctx = context("本市は1980年にリヨン市と友好都市提携を結んだ。\n\nリヨン市との友好都市提携は2019年に解消した。")
    extract_relations(ctx)
    found = [d for d in facts(ctx, "relation") if d["start"]]
    assert found and all(d["status"] == "ended" and d["end"] == PartialDate(2019) for d in found)


def test_a_counted_list_in_brackets_needs_as_many_names_as_counted(context):
    ctx = context("本市はドイツの2都市(フランクフルト、ミュンヘン)と姉妹都市提携をしている。")
    assert {k for _, k, _, _ in relations(ctx)} == {"frankfurt", "munich"}
    ctx = context("本市はドイツの3都市(フランクフルト、ミュンヘン)と姉妹都市提携をしている。")
    assert relations(ctx) == set()


def test_a_text_without_any_relation_word_has_no_relation(context):
    ctx = context("フランクフルト市とミュンヘン市から視察団が来訪し、本市の施設を見学した。")
    assert relations(ctx) == set()
