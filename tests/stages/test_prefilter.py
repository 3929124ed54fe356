"""The cheap test before a costly pattern (loaders/prefilter.py) answers as the pattern does."""
from __future__ import annotations

import re

import pytest

from citykg.loaders.extract.organisations import FACILITY, LEGAL
from citykg.loaders.extract.words import KIND_CELL
from citykg.loaders.prefilter import needs

TEXTS = ["", "本市の国際交流", "市内の国際交流ラウンジ「ひろば」で", "公益財団法人サクラ国際交流協会",
         "フランクフルト市と姉妹都市・友好都市提携", "Sister City: Frankfurt", "3都市(A、B、C)"]


def span(m):
    return m and m.span()


@pytest.mark.parametrize("pattern", [FACILITY, LEGAL, KIND_CELL])
@pytest.mark.parametrize("text", TEXTS)
def test_every_method_answers_as_the_pattern(pattern, text):
    raw = pattern._re
    assert span(pattern.search(text)) == span(raw.search(text))
    assert pattern.findall(text) == raw.findall(text)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in raw.finditer(text)]
    assert pattern.sub("#", text) == raw.sub("#", text)
    assert bool(pattern.fullmatch(text)) == bool(raw.fullmatch(text))
    assert pattern.pattern == raw.pattern


def test_a_text_without_the_words_is_not_searched():
    calls = []

    class Spy:
        pattern = "x(?:ab|cd)"

        def search(self, text, *args):
            calls.append(text)
            return re.search(self.pattern, text)

    p = needs(Spy(), ("ab", "cd"))
    assert p.search("xyz") is None and calls == []
    assert p.search("xab") is not None and calls == ["xab"]


def test_a_hint_stands_for_words():
    p = needs(re.compile(r"(\d+)\s*都市"), hint=re.compile(r"\d\s*都市"))
    assert p.findall("姉妹都市が3 都市") == ["3"]
    assert p.findall("姉妹都市") == []
    with pytest.raises(ValueError):
        needs(re.compile("a"))
