"""Organisation rules (loaders/extract/organisations.py) and the page's fiscal year
(document.py), on small texts of our own."""
from __future__ import annotations

from citykg.loaders.extract.document import fiscal_year
from citykg.loaders.extract.organisations import extract_organisations

from .conftest import facts


def organisations(ctx, kind: str) -> list[dict]:
    extract_organisations(ctx)
    return facts(ctx, kind)


def test_an_association_by_its_legal_form_and_whether_the_city_funds_it(context):
    [org] = organisations(context("公益財団法人サクラ国際交流協会に補助金を交付した。"), "organization")
    assert (org["name"], org["org_kind"], org["funded"]) == ("公益財団法人サクラ国際交流協会", "association", True)


def test_a_legal_form_damaged_by_ocr_is_kept_and_reported(context):
    ctx = context("公益材団法人モミジ交流会と連携した。")
    assert [o["name"] for o in organisations(ctx, "organization")] == ["公益材団法人モミジ交流会"]
    assert "OCR: legal form 公益材団法人 unreadable" in ctx.out.problems[0].message


def test_an_overseas_office_in_a_city_covers_its_country(context):
    [office] = organisations(context("本市の上海事務所を拠点に、海外事務所として活動している。"), "office")
    assert (office["name"], office["host"].key, office["covers"]) == ("上海事務所", "shanghai", ("cn",))


def test_a_named_facility_and_a_generic_one_in_the_publishers_wards(context):
    [lounge] = organisations(context("国際交流ラウンジ「ひろば」を開設した。"), "facility")
    assert (lounge["name"], lounge["type"]) == ("国際交流ラウンジ「ひろば」", "lounge")
    [centre] = organisations(context("市内2か所(中区、西区)のパスポートセンターで申請を受け付けた。"), "facility")
    assert centre["name"] == "横浜市パスポートセンター"
    assert [w.label_ja for w in centre["wards"]] == ["中区", "西区"]
    assert organisations(context("パスポートセンターで申請を受け付けた。"), "facility") == []


def test_networks_joined_in_one_sentence_are_each_a_membership(context):
    found = organisations(context("本市はシティネット及びメトロポリスに加盟している。"), "membership")
    assert [(m["network"].key, m["role_ja"]) for m in found] == [("citynet", "会員"), ("metropolis", "会員")]


def test_the_fiscal_year_is_the_one_named_most_not_a_periods_bounds(context):
    assert fiscal_year(context("令和5年度 事業概要\n\n令和5年度の予算\n\n令和4年度の実績")) == 2023
    assert fiscal_year(context("FY2021 report")) == 2021
    assert fiscal_year(context("2013年度~2017年度の計画")) is None


def test_every_wards_name_holds_ku_which_no_other_character_folds_to():
    # (_wards_near looks for wards only in a sentence holding 区)
    from citykg.gazetteer import fold, japan

    assert all("区" in key for key, entities in japan()._index.items()
               if any(e.kind == "ward" for e in entities))
    assert [c for c in map(chr, range(0x3000, 0xFFFF)) if c != "区" and "区" in fold(c)] == []
