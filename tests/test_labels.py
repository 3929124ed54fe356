"""English labels of Japanese names: the whole-name glossary, else composed from known terms
and gazetteer places ("AのB" as "B of A"), else a romanisation."""
import pytest

from citykg.loaders.labels import compose, english


@pytest.mark.parametrize(("ja", "en"), [
    ("国際局", "International Affairs Bureau"),  # the whole-name glossary
    ("英語教育推進事業", "English education promotion program"),
    ("行政運営の基本方針", "Basic policy of administrative management"),
    ("廃棄物分野における国際技術協力の推進",
     "Promotion of international technical cooperation in waste field"),
    ("国際連携の強化と海外活力の取り込み",
     "Strengthening of international partnership and bringing in of overseas vitality"),
    ("第8回横浜トリエンナーレの開催", "Holding of 8th Yokohama Triennale"),
    ("令和5年度 事業概要", "FY2023 overview of programs"),
    ("姉妹都市提携60周年記念式典", "Sister city affiliation 60th anniversary commemorative ceremony"),
    ("神奈川県国際交流ラウンジ", "Kanagawa international exchange lounge"),
    ("横浜市国際交流協会(YOKE)補助金", "Yokohama international association (YOKE) subsidy"),
])
def test_composed_from_known_terms_and_places(ja, en):
    assert english(ja) == en


def test_a_name_with_an_unknown_part_is_romanised_whole():
    assert compose("世界を目指す若者応援事業") is None
    assert english("世界を目指す若者応援事業") == "Sekai wo mezasu wakamono ouen jigyou"


def test_languages_and_peoples_keep_their_capital_inside_a_phrase():
    assert english("国際施策関連出版物(日本語)") == \
        "International measures related publications (Japanese language)"
    assert english("外国人への日本語学習支援").startswith("Japanese language learning")
