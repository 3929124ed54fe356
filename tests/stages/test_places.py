"""Which foreign cities a block names (loaders/extract/places.py: partner_mentions), on small
texts of our own."""
from __future__ import annotations

from citykg.loaders.extract.places import partner_mentions


def partners(ctx, index: int = 0) -> list[tuple[str, str, str]]:
    return [(m.surface, m.entity.key, m.entity.country)
            for m in partner_mentions(ctx, ctx.blocks[index])]


def test_a_state_before_its_city_only_says_where_the_city_is(context):
    assert partners(context("ワシントン州のタコマ市から訪問団が来た。")) == [("タコマ市", "tacoma", "us")]


def test_a_shared_name_is_told_apart_by_the_country_in_brackets(context):
    assert partners(context("オークランド市(ニュージーランド)と交流した。")) == [("オークランド市", "auckland", "nz")]


def test_a_shared_name_without_a_country_is_reported_and_not_used(context):
    ctx = context("オークランド市と交流した。")
    assert partners(ctx) == []
    assert [p.message for p in ctx.out.problems] == [
        "city オークランド市 is ambiguous: Auckland, Oakland; not used"]


def test_a_city_the_gazetteer_lacks_is_taken_where_its_country_follows_in_brackets(context):
    ctx = context("ミドルフィールド市(アメリカ合衆国)と交流した。")
    [(surface, _, country)] = partners(ctx)
    assert (surface, country) == ("ミドルフィールド市", "us")
    assert "not in the gazetteer" in ctx.out.problems[0].message


def test_countries_and_the_publisher_are_no_partners(context):
    assert partners(context("中国とフランスを訪問した。")) == []
    assert partners(context("横浜市は国際交流を進めている。")) == []


def test_a_chinese_citys_district_is_the_narrower_partner(context):
    [(surface, _, country)] = partners(context("上海市徐匯区と交流した。"))
    assert (surface, country) == ("徐匯区", "cn")


def test_mentions_are_searched_once_a_block(context):
    ctx = context("タコマ市と交流した。")
    assert partner_mentions(ctx, ctx.blocks[0]) is partner_mentions(ctx, ctx.blocks[0])
