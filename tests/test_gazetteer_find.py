"""`Gazetteer.find`: the Aho–Corasick search gives what trying every start and end would."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citykg.core.gazetteer import Entity, Gazetteer, _fold_char, world

NAMES = {"New York": "ニューヨーク", "York": "ヨーク", "San Francisco": "サンフランシスコ",
         "Lima": "リマ", "Saitama": "さいたま市", "Paris": "パリ", "Paris City": "パリ市",
         "Lyon": "リヨン", "Iji": "イジ", "Xf": "エックス"}
PIECES = [*NAMES.values(), *NAMES, "ニュー・ヨーク", "ニュー ヨーク", "San  Francisco", "あります",
          "ります", "の", "市", "（", "）", "、", " ", "・", "㈱", "①", "ー", "ス", "x", "。", "ﾊﾟﾘ",
          "ﬁ", "ji", "㎞"]  # ﬁ folds to two letters: "ﬁji" holds no name "Iji", "xﬁ" no "Xf"


def small() -> Gazetteer:
    gaz = Gazetteer()
    for en, ja in NAMES.items():
        gaz.add(Entity("city", en.lower().replace(" ", "-"), en, ja, "xx"), {en, ja})
    return gaz.freeze()


def brute_force(gaz: Gazetteer, text: str, kinds=None) -> list:
    """Every start left to right, every end from the longest: the definition `find` keeps."""
    folds = [_fold_char(c) for c in text]
    found, i = [], 0
    while i < len(text):
        hit = None
        if folds[i] and gaz._may_start(text, i):
            for j in range(len(text), i, -1):
                key = "".join(folds[i:j])
                if folds[j - 1] and key in gaz._index:
                    hit = gaz._longest(text, i, [(j, key)], kinds)
                    if hit:
                        break
        found.append(hit) if hit else None
        i = hit.end if hit else i + 1
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_find_is_the_longest_match_from_the_left(pieces):
    gaz, text = small(), "".join(pieces)
    assert gaz.find(text) == brute_force(gaz, text)


def test_names_across_spaces_and_dots_and_not_inside_words():
    gaz = small()
    assert [m.surface for m in gaz.find("ニュー・ヨーク市とサン フランシスコ、パリ市")] == \
        ["ニュー・ヨーク", "サン フランシスコ", "パリ市"]
    assert gaz.find("リヨンス") == []  # would end inside a katakana word
    assert gaz.find("あります") == []  # hiragana is not a katakana name
    assert [m.surface for m in gaz.find("さいたま市")] == ["さいたま市"]
    assert gaz.find("ﬁji") == gaz.find("xﬁ") == []  # names begin and end on a whole character


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["横浜市は", "リマ市（ペルー）", "と姉妹都市", "サンディエゴ市",
                                 "アメリカ合衆国", "中華人民共和国", " ", "・", "、", "あります"]),
                max_size=10))
def test_world_gazetteer_agrees_with_brute_force(pieces):
    text = "".join(pieces)
    assert world().find(text) == brute_force(world(), text)
