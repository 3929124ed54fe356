"""A cheap test before a costly pattern. Python's `re` jumps ahead only to a pattern's first
character: one that may start almost anywhere (an optional prefix, a run of name characters
before its keyword) is tried at every position of every block. Most blocks hold none of the
words such a pattern needs, so `needs(PATTERN, words)` answers those at once, with exactly
what the pattern would answer (None, [], no match, the text unchanged), and searches the rest
as before."""
from __future__ import annotations

import re

import ahocorasick_rs


class Needs:
    """`pattern`, searched only in texts that hold one of `words` (or a match of `hint`):
    every match of the pattern must hold one. The test is of the whole string, whatever
    `pos` and `endpos` (a superset: never a match lost)."""

    __slots__ = ("_re", "_automaton", "_test", "_word", "_last", "pattern")

    def __init__(self, pattern: re.Pattern, words=(), hint: re.Pattern | None = None):
        self._re = pattern
        self.pattern = pattern.pattern
        words = list(dict.fromkeys(words))
        if not words and hint is None:
            raise ValueError("needs words or a hint")
        # one word: `in`; many: one Aho–Corasick scan; else an alternation of them
        self._word = words[0] if len(words) == 1 and hint is None else None
        self._automaton = ahocorasick_rs.AhoCorasick(words) if len(words) > 20 else None
        tests = [] if self._automaton or self._word else [re.escape(w) for w in words]
        tests += [f"(?:{hint.pattern})"] if hint is not None else []
        self._test = re.compile("|".join(tests), hint.flags if hint is not None else 0) \
            if tests else None
        self._last: tuple[str | None, bool] = (None, True)  # the same block, searched again

    def may_match(self, text: str) -> bool:
        if self._word is not None:
            return self._word in text
        last = self._last  # one tuple: threads never see a text with another's answer
        if last[0] is text:
            return last[1]
        may = self._automaton is not None and bool(self._automaton.find_matches_as_indexes(text)) \
            or self._test is not None and self._test.search(text) is not None
        self._last = (text, may)
        return may

    def search(self, text, *args):
        return self._re.search(text, *args) if self.may_match(text) else None

    def match(self, text, *args):
        return self._re.match(text, *args) if self.may_match(text) else None

    def fullmatch(self, text, *args):
        return self._re.fullmatch(text, *args) if self.may_match(text) else None

    def finditer(self, text, *args):
        return self._re.finditer(text, *args) if self.may_match(text) else iter(())

    def findall(self, text, *args):
        return self._re.findall(text, *args) if self.may_match(text) else []

    def sub(self, repl, text, count=0):
        return self._re.sub(repl, text, count) if self.may_match(text) else text

    def split(self, text, maxsplit=0):
        return self._re.split(text, maxsplit) if self.may_match(text) else [text]

    def __getattr__(self, name):  # groups, groupindex, flags
        return getattr(self._re, name)

    def __repr__(self) -> str:
        return f"needs({self._re!r}, {len(self._words)} words)"


def needs(pattern: re.Pattern, words=(), hint: re.Pattern | None = None) -> Needs:
    return Needs(pattern, words, hint)
