"""The words that name an agreement and its kind (姉妹都市, 友好都市, パートナー都市, 協定…), in
Japanese and English: data the relation, status and ownership rules share."""
from __future__ import annotations

import re

from citykg.loaders.prefilter import needs

# Longest first: 友好姉妹都市 must win over 姉妹都市. "twinning": a word for sister and
# friendship cities together, which does not say which a partner is.
RELATION_WORDS = [
    ("友好姉妹都市", "twinning"), ("姉妹友好都市", "twinning"), ("姉妹・友好都市", "twinning"),
    ("国際友好交流都市", "twinning"), ("国際友好都市", "twinning"), ("姉妹交流都市", "twinning"),
    ("姉妹都市", "sister"),
    ("兄弟都市", "sister"), ("姉妹提携", "sister"),
    ("姉妹県州", "sister"), ("姉妹県省", "sister"), ("姉妹州県", "sister"),
    ("姉妹州", "sister"), ("姉妹県", "sister"), ("姉妹省", "sister"),
    ("友好県省", "friendship"), ("友好県州", "friendship"), ("友好省県", "friendship"),
    ("友好州県", "friendship"), ("友好県道", "friendship"),
    ("友好交流都市", "friendship"), ("友好協力都市", "friendship"), ("友好親善都市", "friendship"),
    ("友好交流協定", "friendship"), ("友好都市", "friendship"), ("友好協定", "friendship"),
    ("友好州", "friendship"), ("友好省", "friendship"), ("友好提携", "friendship"),
    ("友情盟約", "sister"),
    ("姉妹・友好締結", "twinning"), ("姉妹友好締結", "twinning"),
    ("姉妹締結", "sister"), ("友好締結", "friendship"),  # "A州と姉妹締結を行いました"
    ("パートナーシップ都市", "partner"), ("パートナー都市", "partner"), ("親善協力都市", "partner"),
    ("パートナーシティ", "partner"), ("経済交流都市", "partner"),
    ("交流協定", "cooperation"), ("協力協定", "cooperation"), ("連携協定", "cooperation"),
    ("に関する協定", "cooperation"), ("交流促進協定", "cooperation"),
    ("覚書", "cooperation"), ("MOU", "cooperation"), ("共同声明", "cooperation"),
    ("sister / friendship cities", "twinning"), ("sister/friendship cities", "twinning"),
    ("sister and friendship cities", "twinning"), ("sister & friendship cities", "twinning"),
    ("sister cities", "sister"), ("sister city", "sister"), ("twin cities", "sister"),
    ("twin city", "sister"), ("twinned", "sister"), ("sister state", "sister"),
    ("friendship cities", "friendship"), ("friendship city", "friendship"),
    ("partner cities", "partner"), ("partner city", "partner"),
    ("friendship and cooperation agreement", "cooperation"),
    ("cooperation agreement", "cooperation"),
]
# English words as written in lower, Capitalised, Title and UPPER case: a case-insensitive
# flag, even on a part of the pattern, makes every search ~20x slower (no prefix scan)
WORDS = [v for w, _ in RELATION_WORDS for v in dict.fromkeys((w, w.capitalize(), w.title(), w.upper()))]
WORD = "|".join(re.escape(v) for v in WORDS)
WORD_RE = re.compile(WORD)
# one relation word, or several joined ("姉妹都市・友好交流都市", "Sister City, Friendship
# City"): a collective word too
RELATION_RE = re.compile(rf"(?:{WORD})(?:\s*(?:・|、|,|及び|および|並びに|や|/|&|and)\s*(?:{WORD}))*")
TYPE_OF = {w.lower(): t for w, t in RELATION_WORDS}
# a table's kind cell: a relation word, maybe narrowed ("青少年交流協定"); tried only on texts
# holding a relation word (its optional lead would be tried at every position)
KIND_CELL = needs(re.compile(rf"[^\s\d]{{0,6}}?(?:{RELATION_RE.pattern})"), WORDS)


def type_of(words: str) -> str:
    """The type a relation word names; "twinning" for several twinning kinds joined
    ("姉妹都市・友好都市", "Sister / Friendship Cities"): the words do not say which."""
    types = {TYPE_OF[w.lower()] for w in WORD_RE.findall(words)}
    if len(types) > 1 and types <= {"sister", "friendship", "partner", "twinning"}:
        return "twinning"
    return TYPE_OF[WORD_RE.match(words).group(0).lower()]


def collective(words: str) -> bool:
    """A word for a list of several kinds ("姉妹・友好都市", "姉妹都市・交流協定都市"): a partner's
    own type stated elsewhere wins."""
    return type_of(words) == "twinning" or len({TYPE_OF[w.lower()] for w in WORD_RE.findall(words)}) > 1
# an agreement being prepared, not made: "提携に向けた協議", "提携を検討", "締結予定", and a partner
# still sought ("姉妹都市となる相手を探し")
PLANNED = re.compile(r"に向け|を目指|目指して|検討|協議中|予定|準備|打診|調整中|したい|申し入れ|申し出|探し|探す|候補|"
                     r"planned|proposed")
# a date counted from the agreement, not its own: "提携の翌年2014年から", "締結後の2005年"
RELATIVE = re.compile(r"翌|\d+\s*年後|後の|以降|以来|を経て")
