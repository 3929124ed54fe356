"""Memberships the gazetteer's networks alone would miss: bodies named in a sentence saying a
city joined them ("亀岡市は、AとB協議会に加盟"), and the members a page lists under a role or a
members' label ("【加盟都市】" / "(日本) A市、B市"; "会長" / "C市(日本)"). A member other
than the publisher is recorded as that city's membership, never as the publisher's."""
from __future__ import annotations

import re
from urllib.parse import quote

from citykg.gazetteer import Entity
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.organisations import MEMBERS_HEADING
from citykg.loaders.labels import english
from citykg.loaders.segment import Block

NAME_CHARS = r"[一-龥々ァ-ヺーA-Za-z0-9・]"
# what a body cities join is called at its end (a conference one attends is not joined)
BODY_ENDS = ("協議会", "連盟", "機構", "ネットワーク", "連合", "市長会", "首長会議", "首長会", "会議",
             "同盟", "フォーラム", "協会")
BODY = rf"(?!第\d){NAME_CHARS}{{2,30}}?(?:{'|'.join(BODY_ENDS)})"
# ("A会議に、平成25年4月1日にB協議会に加盟": each body with the date it was joined)
JOINERS = r"(?:と|、|・|及び|および|並びに|や|に、\s*[^、。]{0,16}?[年月日]\s*に)"
# the bodies enumerated right before "…に加盟" / "…にも加入"
JOINED = re.compile(rf"((?:{BODY}\s*{JOINERS}\s*)*{BODY})\s*(?:[(（][^)）]{{1,40}}[)）])?\s*"
                    r"(?:等|など)?\s*に[はも]?、?\s*(?:[^、。]{0,12}?)$")
JOIN_VERB = re.compile(r"加盟|加入")
# "…に加盟しています", "加盟をしています", "加入しました": the verb, not the noun (加盟都市)
JOINED_IT = re.compile(r"(?:加盟|加入)(?:を)?し(?:て|ま|た)")
SUBJECT = re.compile(r"([一-龥々ァ-ヺー]{1,12})(?:は|が)[、\s]*")
# a label the members or office-holders are listed under, and the role it gives them
MEMBER_LABELS = {"加盟都市": "member city", "構成都市": "member city", "会員都市": "member city",
                 "加盟自治体": "member", "構成団体": "member", "加盟団体": "member",
                 "会長": "president", "会長都市": "president", "副会長": "vice president",
                 "副会長都市": "vice president", "理事": "board member", "理事都市": "board member",
                 "監事": "auditor", "監事都市": "auditor", "幹事": "executive member",
                 "幹事都市": "executive member", "代表幹事": "lead executive member",
                 "代表幹事都市": "lead executive member", "事務局": "secretariat"}
MEMBER_LABEL = re.compile(rf"^[【\[<〈■◆●]?\s*({'|'.join(sorted(MEMBER_LABELS, key=len, reverse=True))})"
                          r"\s*[】\]>〉]?\s*[:]?$")
GENERIC_STEMS = {"国際", "都市", "国際都市", "自治体", "地域", "各種", "関係", "世界", "全国", "国内",
                 "海外", "国際的", "都市間", "首長", "市長", "環境"}
ROLE_WORDS = "|".join(sorted((r for r in MEMBER_LABELS if not r.endswith("都市")), key=len, reverse=True))
ROLE_WORD = re.compile(ROLE_WORDS)
# "本市は、…協議会の代表幹事を務めて", "平和首長会議の副会長都市として"
ROLE_OF = re.compile(rf"({BODY})\s*の\s*({ROLE_WORDS})(都市)?\s*(?:を務め|に就任|に選出|として|となっ|です|である)")
LIST_GAP = 2  # blocks of other text a list of members may span (a photo's caption)


def extract_members(ctx: Context) -> None:
    network: Entity | None = None
    members_page = any(len(b.text) <= 40 and "。" not in b.text and MEMBERS_HEADING.search(b.text)
                       for b in ctx.blocks[:6])  # a title: "世界をつなぐ環境の都市ネットワーク"
    since = -10  # the position of the block that named `network`
    for i, block in enumerate(ctx.blocks):
        named, mentioned = _named_network(ctx, block)
        if named and members_page:  # "アジア都市環境機構" alone, on a page of the city's networks
            ctx.out.add("membership", ctx.span(block), network=named, role_ja="会員",
                        role_en="member", member=None)
        if found := named or mentioned:
            network, since = found, i
        if JOIN_VERB.search(block.text) and not _joined(ctx, block) and network and i - since <= 3:
            _joined_section(ctx, block, network)
        if "の" in block.text and ROLE_WORD.search(block.text):
            _role_taken(ctx, block)
        if network and len(block.text) <= 12 and (m := MEMBER_LABEL.match(block.text)):
            _listed(ctx, i, network, m.group(1))


def _named_network(ctx: Context, block: Block) -> tuple[Entity | None, Entity | None]:
    """(a body's name alone on a short line, "アジア都市環境機構", "…機構 交通部会"; the first
    gazetteer network the block names)."""
    nets = ctx.mentions(block, {"network"})
    text = block.text.strip()
    alone = None
    if block.kind in ("paragraph", "heading") and len(text) <= 30 and \
            text.endswith((*BODY_ENDS, "部会", "分科会", "委員会")) and \
            (m := re.fullmatch(rf"({BODY})(?:\s+\S{{1,8}}(?:部会|分科会|委員会))?", text)) \
            and not _generic(m.group(1)):
        alone = _network(ctx, m.group(1))
    return alone, nets[0].entity if nets else None


def _generic(name: str) -> bool:
    """"都市ネットワーク", "同連盟", "国際的な…組織": a kind of body, not a body's name."""
    stem = next((name[:-len(e)] for e in BODY_ENDS if name.endswith(e)), name)
    return len(stem) < 2 or stem in GENERIC_STEMS or name.startswith(("同", "各", "当", "本"))


def _network(ctx: Context, name: str) -> Entity:
    found = ctx.world.lookup(name, "network")
    if len(found) == 1:
        return found[0]
    return Entity("network", "jp-" + quote(name, safe=""), english(name), name)


def _joined_section(ctx: Context, block: Block, network: Entity) -> None:
    """"平成21年9月1日に加盟をしています。" under the network's name: the publisher joined it."""
    for m in JOINED_IT.finditer(block.text):
        start = block.text.rfind("。", 0, m.start()) + 1
        if subject(ctx, block.text[start:m.start()]) is None:
            ctx.out.add("membership", ctx.span(block, start, m.end()), network=network,
                        role_ja="会員", role_en="member", member=None)


def _joined(ctx: Context, block: Block) -> bool:
    """Whether the block names a body joined (and records each)."""
    named = False
    for verb in JOIN_VERB.finditer(block.text):
        start = max(block.text.rfind("。", 0, verb.start()) + 1, verb.start() - 120)
        m = JOINED.search(block.text, start, verb.start())
        if not m:
            continue
        member = subject(ctx, block.text[start:m.start()])
        if member is False:
            continue
        known = ctx.mentions(block, {"network"})
        at = m.start(1)
        for name in re.split(rf"(\s*{JOINERS}\s*)", m.group(1)):
            start, at = at, at + len(name)
            if not re.fullmatch(BODY, name):
                continue
            # a gazetteer network the name is part of ("持続可能性をめざす自治体協議会")
            inside = next((k for k in known if k.start < at and start < k.end), None)
            if not inside and _generic(name):
                continue
            network = inside.entity if inside else _network(ctx, name)
            span = ctx.span(block, m.start(), verb.end())
            ctx.out.add("membership", span, network=network, role_ja="会員", role_en="member",
                        member=member)
            named = True
    return named


def _role_taken(ctx: Context, block: Block) -> None:
    """"本市は全国市長会議の代表幹事を務めています": the role a sentence says the city holds."""
    for m in ROLE_OF.finditer(block.text):
        start = block.text.rfind("。", 0, m.start()) + 1
        known = next((k for k in ctx.mentions(block, {"network"})
                      if k.start < m.end(1) and m.start(1) < k.end), None)
        if not known and _generic(m.group(1)):
            continue
        member = subject(ctx, block.text[start:m.start()])
        if member is False:
            continue
        role = m.group(2)  # "副会長都市" is the role 副会長, as organisations names it
        ctx.out.add("membership", ctx.span(block, m.start(), m.end()),
                    network=known.entity if known else _network(ctx, m.group(1)), role_ja=role,
                    role_en=MEMBER_LABELS[role], member=member)


def subject(ctx: Context, head: str):
    """Who a sentence says joined (or holds a role): None for the publisher (named, "本市", or
    no subject at all), another Japanese municipality's entity, or False for anyone else."""
    subjects = SUBJECT.findall(head)
    if not subjects:
        return None
    who = re.sub(r"(?<=[市町村区県都府道])(?:長|知事)$", "", subjects[-1])  # "横浜市長が…": the city
    if who in ctx.publisher_names() or any(who.endswith(n) for n in ("本市", "当市", "本県", "本町")):
        return None
    found = ctx.japan.find(who, {"city", "prefecture"})
    if found and found[0].end == len(who) and len(found[0].entities) == 1:
        entity = found[0].entities[0]
        return None if ctx.publisher and entity.code == ctx.publisher.code else entity
    return False


def _listed(ctx: Context, i: int, network: Entity, label: str) -> None:
    """The cities listed in the blocks after a members' or a role's label, up to the next
    label or heading."""
    gap = 0
    for b in ctx.blocks[i + 1:]:
        if b.kind == "heading" or MEMBER_LABEL.match(b.text) or "。" in b.text:
            break
        places = _places(ctx, b)
        if not places:
            gap += 1
            if gap > LIST_GAP:
                break
            continue
        gap = 0
        for start, end, entity in places:
            own = ctx.publisher is not None and entity.iri == ctx.publisher.iri
            ctx.out.add("membership", ctx.span(b, start, end), network=network, role_ja=label,
                        role_en=MEMBER_LABELS[label], member=None if own else entity)


def _places(ctx: Context, block: Block) -> list[tuple[int, int, Entity]]:
    """The cities a list block names; where a Japanese and a foreign name overlap (津市 in
    天津市) the longer one."""
    found = [(m.start, m.end, m.entities[0]) for m in ctx.local_governments(block)
             if len(m.entities) == 1 and m.entities[0].kind == "city"]
    for m in ctx.mentions(block, {"city"}):
        cities = [e for e in m.entities if e.kind == "city"]
        if len(cities) == 1:
            found.append((m.start, m.end, cities[0]))
    found.sort(key=lambda x: (x[0], x[0] - x[1]))
    out: list[tuple[int, int, Entity]] = []
    for start, end, entity in found:
        if out and start < out[-1][1]:
            if end - start > out[-1][1] - out[-1][0]:
                out[-1] = (start, end, entity)
            continue
        out.append((start, end, entity))
    return out
