"""Whose agreement a partner's mention states: another Japanese local government's ("大阪市と
シカゴ市は姉妹都市" in Kobe's report, a table under "(参考)千葉県の…") is not the publisher's."""
from __future__ import annotations

import re

from citykg.core.gazetteer import Mention
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.words import RELATION_RE
from citykg.loaders.segment import Block


def other_owner(ctx: Context, block: Block, mention: Mention) -> str | None:
    """Another Japanese local government named before the partner in its sentence, with no
    word for the publisher between them ("大阪市とシカゴ市は姉妹都市" in Kobe's report is
    Osaka's), or anywhere in a sentence that says the partner is not the publisher's ("…are
    partners of Hiroshima Prefecture, not of the City"), or in the heading of the table
    ("(参考)千葉県の海外姉妹・友好提携先")."""
    if owner := ctx._other_owner:
        return owner
    for m in _other_governments(ctx, block):  # "A州(B県との姉妹提携州)": B県's partner
        if m.start > mention.end and BRACKET_OPEN.fullmatch(block.text, mention.end, m.start) \
                and block.text.startswith("との", m.end):
            return m.surface
    start = max(block.text.rfind("。", 0, mention.start) + 1, 0)
    end = block.text.find("。", mention.start)
    end = len(block.text) if end < 0 else end
    others = [m for m in _other_governments(ctx, block) if start <= m.start < end
              and (m.start < mention.start or NOT_OURS.search(block.text, start, end))
              and not (m.start < mention.end and mention.start < m.end)
              and not _locates(m, mention)]
    if not others:
        return None
    if others[-1].start > mention.start:
        return others[-1].surface
    before = [m for m in others if m.start < mention.start]
    between = block.text[before[-1].end:mention.start]
    return None if any(n in between for n in ctx.publisher_names()) else before[-1].surface


def _locates(m: Mention, mention: Mention) -> bool:
    """"滋賀県草津市": the prefecture right before a domestic partner only says where it is."""
    return m.end == mention.start and mention.entity.country == "jp" and any(
        e.kind == "prefecture" for e in m.entities)


# a note that the partners it names are not the publisher's ("…は本表に含まない")
NOT_OURS = re.compile(r"含ま(?:ない|れない|れません|ず)|ではありません|ではない|not of|not the")


def _other_governments(ctx: Context, block: Block) -> list[Mention]:
    """Japanese municipalities and prefectures in a block, other than the publisher (and in
    English, "Hiroshima Prefecture")."""
    cache = ctx._jp_mentions
    if id(block) not in cache:
        foreign = ctx.mentions(block, {"city", "country"})
        publisher = ctx.publisher.code if ctx.publisher else None
        found = [m for m in ctx.local_governments(block)
                 if not any(f.start <= m.start < f.end for f in foreign)
                 and all(e.code != publisher for e in m.entities)]
        named = ctx.local_governments(block)  # "Hyogo Prefecture" the gazetteer knows
        found += [Mention(m.start(), m.end(), m.group(0), ())
                  for m in PREFECTURE_EN.finditer(block.text)
                  if not any(k.start <= m.start() < k.end for k in named)]
        cache[id(block)] = sorted(found, key=lambda m: m.start)
    return cache[id(block)]


BRACKET_OPEN = re.compile(r"\s*[(（]\s*")
PREFECTURE_EN = re.compile(r"\b[A-Z][a-z]+ Prefecture(?:al Government)?\b")


def table_owner(ctx: Context, block: Block) -> str | None:
    """The other local government whose agreements a heading announces: "千葉県の…姉妹…"."""
    if "の" not in block.text or not RELATION_RE.search(block.text):
        return None
    for m in _other_governments(ctx, block):
        if block.text.startswith("の", m.end) and RELATION_RE.search(block.text, m.end):
            return m.surface
    return None
