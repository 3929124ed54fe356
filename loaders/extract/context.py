"""What every extraction rule sees: the document's blocks, the gazetteers, its publisher and
fiscal year, and the `Extraction` the rules add facts and problems to."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from citykg.gazetteer import Entity, Gazetteer, Mention, Prepared, prepare
from citykg.loaders.facts import Extraction, Span
from citykg.loaders.segment import Block

# What joins the names of a list: "A市、B市及びC市", "シティネット及びメトロポリス"
# ("ブラジルのポルト・アレグレ市、イタリアのミラノ市": each name may come with its country)
# ("ヒューストン市(アメリカ)、モントルー市(スイス)": or with its country in brackets after it)
# ("…A州、中華人民共和国B省": or with its country, written "…国", right before it)
ENUMERATION = re.compile(r"^\s*(?:[(（][^)）]{1,20}[)）])?\s*(?:、|・|,|及び|および|並びに|と|や)\s*"
                         r"(?:[^\s、。]{1,12}[の・]|[^\s、。の]{1,10}国)?\s*$")


def listed_before(mentions: list[Mention], last: Mention, text: str) -> list[Mention]:
    """The mentions enumerated right before `last` in `text`, in text order."""
    i = mentions.index(last)
    first = i
    while first > 0 and ENUMERATION.match(text[mentions[first - 1].end:mentions[first].start]):
        first -= 1
    return mentions[first:i]


def listed_after(mentions: list[Mention], first: Mention, text: str) -> list[Mention]:
    """The mentions enumerated right after `first` in `text`, in text order."""
    i = last = mentions.index(first)
    while last + 1 < len(mentions) and \
            ENUMERATION.match(text[mentions[last].end:mentions[last + 1].start]):
        last += 1
    return mentions[i + 1:last + 1]


@dataclass
class Context:
    name: str  # the document's file name, for messages
    lines: list[str]
    blocks: list[Block]
    world: Gazetteer
    japan: Gazetteer
    publisher: Entity | None = None
    fiscal_year: int | None = None
    language: str | None = None  # the document's: the one it declares, else by its script
    out: Extraction = field(default_factory=Extraction)
    # caches, one entry a block (keyed by id: blocks compare by value)
    _prepared: dict[int, Prepared] = field(default_factory=dict, init=False, repr=False)
    _mentions: dict[tuple[int, frozenset[str] | None], list[Mention]] = field(
        default_factory=dict, init=False, repr=False)
    _local_governments: dict[int, list[Mention]] = field(default_factory=dict, init=False,
                                                         repr=False)
    _jp_mentions: dict[int, list[Mention]] = field(default_factory=dict, init=False, repr=False)
    _partners: dict[int, list[Mention]] = field(default_factory=dict, init=False, repr=False)
    # the rules' state across blocks, declared here rather than kept as ctx.__dict__ entries
    _other_owner: str | None = field(default=None, init=False)  # whose table is being read
    _kind_last: bool = field(default=False, init=False)  # the last row ended in a kind cell
    _collective_heading: bool = field(default=False, init=False)  # 姉妹・友好都市 over a list
    _collective: set[int] = field(default_factory=set, init=False)  # facts listed under one
    # facts typed only by the heading of their list, which a type stated elsewhere overrides
    _yielding: set[int] = field(default_factory=set, init=False)
    _record: dict = field(default_factory=dict, init=False)  # the key–value record being read
    _ambiguous: set[str] = field(default_factory=set, init=False)  # names reported as such
    # cities the gazetteer lacks that the page marked as places, by the label it gave them
    _unknown_cities: dict[str, Entity] = field(default_factory=dict, init=False)
    _page_year: int | None = field(default=None, init=False)  # the year the page is dated
    _page_year_read: bool = field(default=False, init=False)  # _page_year looked for already
    _pillar_headings: list[tuple[int, int, str]] = field(default_factory=list, init=False)
    _recent_network: list = field(default_factory=lambda: [None, -10], init=False)
    _toc_paths: set[str] = field(default_factory=set, init=False)
    _toc_emitted: set = field(default_factory=set, init=False)

    def span(self, block: Block, start: int = 0, end: int | None = None) -> Span:
        end = len(block.text) if end is None else end
        first, last = block.lines_of(start, end)
        return Span(first, last, block.text[start:end])

    def block_span(self, first: Block, last: Block) -> Span:
        text = "\n".join(self.lines[first.first_line - 1:last.last_line])
        return Span(first.first_line, last.last_line, text)

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {id(b): i for i, b in enumerate(self.blocks)}

    def position(self, block: Block) -> int:
        """The block's index in the document (blocks compare by value: `list.index` would
        compare texts, block by block)."""
        return self._positions[id(block)]

    @cached_property
    def _sections(self) -> dict[int, Block | None]:
        heading, sections = None, {}
        for b in self.blocks:
            heading = b if b.kind == "heading" else heading
            sections[id(b)] = heading
        return sections

    def section(self, block: Block) -> Block | None:
        """The heading the block stands under (itself, if it is one)."""
        return self._sections[id(block)]

    def prepared(self, block: Block) -> Prepared:
        """The block's text as the gazetteers search it (both search every block)."""
        cache = self._prepared
        if id(block) not in cache:
            cache[id(block)] = prepare(block.text)
        return cache[id(block)]

    def mentions(self, block: Block, kinds: set[str]) -> list[Mention]:
        """The world gazetteer's names in a block, of the given kinds; searched once a block,
        and only for the blocks a rule asks about."""
        cache = self._mentions
        key = (id(block), frozenset(kinds))
        if key not in cache:
            every = (id(block), None)
            if every not in cache:
                cache[every] = self.world.find(block.text, prepared=self.prepared(block))
            cache[key] = [m for m in cache[every] if any(e.kind in kinds for e in m.entities)] \
                if cache[every] else []
        return cache[key]

    def local_governments(self, block: Block) -> list[Mention]:
        """Japan's municipalities and prefectures named in a block; searched once a block."""
        cache = self._local_governments
        if id(block) not in cache:
            cache[id(block)] = self.japan.find(block.text, {"city", "prefecture"},
                                               self.prepared(block))
        return cache[id(block)]

    def publisher_names(self) -> set[str]:
        p = self.publisher
        if not p:
            return set()
        names = {p.label_ja, p.label_en, *p.aliases}
        if p.label_ja.endswith(("市", "町", "村", "区", "都", "県", "府")):
            names.add(p.label_ja[:-1])
        names.update({"本市", "当市", "本区", "本町", "本村", "本県", "本都"})
        return {n for n in names if n}
