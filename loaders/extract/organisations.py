"""Organisations a city works with or through: its overseas offices (and the regions they
cover), city networks and its role in them, associations and foundations (by legal form,
OCR-damaged forms included), international organisations, and facilities."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from citykg.loaders.extract.context import Context, listed_before
from citykg.loaders.labels import english
from citykg.loaders.prefilter import needs
from citykg.loaders.segment import Block

NAME_CHARS = r"[一-龥々ァ-ヺーA-Za-z0-9・\-]"
OFFICE = re.compile(rf"((?![0-9\-・])(?:(?!事務所){NAME_CHARS}){{1,12}}事務所)\s*(?:《([^》]+)》|[(（]([^)）]+)[)）])?")
OFFICE_KIND = re.compile(r"(?:駐在員|駐在|代表|連絡)?事務所$")
OFFICE_CONTEXT = re.compile(r"海外事務所|海外駐在|駐在員事務所")
ROLES = {"名誉会長": "honorary president", "副会長": "vice president", "会長": "president",
         "副議長": "vice chair", "議長": "chair", "理事": "board member", "幹事": "executive member",
         "事務局": "secretariat", "執行委員": "executive committee member", "会員": "member",
         "創設": "founding member"}
ROLE = re.compile(rf"(?:({NAME_CHARS}{{1,12}}(?:分科会|委員会|部会))の)?"
                  rf"({'|'.join(sorted(ROLES, key=len, reverse=True))})(?:都市|市|団体)")
ROLE_TAKEN = re.compile(r"\s*(?:として|を務め|に就任|に選出|である|です)")
# after the names: "…に加盟", "(ICLEI)にも加盟", "…には、創設メンバーとして参加"
JOINED = re.compile(r"^\s*(?:[(（][^)）]{1,40}[)）])?\s*(?:等|など)?\s*に[はも]?、?\s*"
                    r"(?:[^、。]{0,12}?)(?:加盟|加入|参加|参画)")
MEMBER_AS = re.compile(r"\s*(?:[(（][^)）]{1,40}[)）])?\s*の\s*(?:正会員|会員|加盟都市)\s*(?:として|である|となっ)")
# "加盟している国際ネットワーク", "国際ネットワークへの参加", "Memberships": its list
MEMBERS_HEADING = re.compile(r"加盟|加入|参画|会員|ネットワークへの参加|[Mm]ember|MEMBER"
                             r"|ネットワーク$|[Nn]etworks$")  # its entries are networks
MEMBER_OF = re.compile(r"(?:[Mm]ember|[Mm]embers|[Mm]embership) (?:city )?(?:of|in) (?:the )?$")
LEGAL_FORMS = ("一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人", "特定非営利活動法人",
               "独立行政法人", "NPO法人")
LEGAL = needs(re.compile(rf"({'|'.join(LEGAL_FORMS)}|\S{{2,3}}[団財]法人)\s*({NAME_CHARS}{{2,30}})"), ("法人",))
ASSOCIATION_KINDS = ("国際交流協会", "国際協会", "国際交流財団", "国際化協会", "国際交流センター協会", "国際プラザ")
ASSOCIATION = needs(re.compile(rf"({NAME_CHARS}{{2,20}}(?:{'|'.join(ASSOCIATION_KINDS)}))"
                               r"(?:\s*[(（]([A-Za-z\-]{2,10})[)）])?"), ASSOCIATION_KINDS)
FUNDED = re.compile(r"補助金|に対し[^。]{0,30}補助|助成|出資|負担金")
FACILITY_TYPES = [("留学生交流センター", "student"), ("留学生会館", "student"),
                  ("パスポートセンター", "passport"), ("国際交流ラウンジ", "lounge"),
                  ("ラウンジ", "lounge"), ("国際交流館", "exchange"), ("国際交流センター", "exchange"),
                  ("国際センター", "exchange"), ("国際協力センター", "other"),
                  ("相談センター", "other"), ("学習支援センター", "other"), ("交流カフェ", "other")]
FACILITY = needs(re.compile(rf"({NAME_CHARS}*?(?:{'|'.join(t for t, _ in FACILITY_TYPES)}))"
                            r"(?:「([^」]{1,20})」)?"), [t for t, _ in FACILITY_TYPES])
GENERIC_LEAD = re.compile(r"^(?:本市|当市|市内|新たに|各|同|市|県|都)")


def extract_organisations(ctx: Context) -> None:
    for i, block in enumerate(ctx.blocks):
        _offices(ctx, block, i)
        _networks(ctx, block)
        _associations(ctx, block)
        _facilities(ctx, block)


def _offices(ctx: Context, block: Block, i: int) -> None:
    if "事務所" not in block.text:
        return
    section = ctx.section(block)
    context = any(OFFICE_CONTEXT.search(b.text) for b in ctx.blocks[max(0, i - 2):i + 1]) or \
        bool(section and OFFICE_CONTEXT.search(section.text))
    for m in OFFICE.finditer(block.text):
        region = m.group(2) or m.group(3)
        if OFFICE_CONTEXT.fullmatch(m.group(1)):
            continue
        name = re.sub(r"^(?:本市の?|市の?)", "", m.group(1))
        if other := _other_government(ctx, name):  # "石川県上海事務所", "北海道ソウル事務所"
            ctx.out.report(block.line_at(m.start()), f"{name} is {other}'s office, not the "
                           "publisher's: not recorded", m.group(0))
            continue
        own_name = False
        for own in sorted(ctx.publisher_names(), key=len, reverse=True):  # 福岡市釜山事務所
            if name.startswith(own) and len(name) > len(own) + 3:
                name, own_name = name[len(own):], True
                break
        # "北九州市大連事務所": the city's name and a place abroad name an office of its own
        if not (m.group(2) or context or own_name and
                _one(ctx.world.lookup(OFFICE_KIND.sub("", name), "city"))):
            continue
        if name in ("海外事務所", "事務所") or name.startswith(("各", "同")) or "駐日" in name \
                or "連携事務所" in name:
            continue
        place = OFFICE_KIND.sub("", name)  # バンコク駐在員事務所: the place is バンコク
        host = _one(ctx.world.lookup(place, "city"))
        covers = tuple(e for part in re.split(r"[・、,]", region or "")
                       if (e := _region(ctx, re.sub(r"(等|など)$", "", part.strip()))))
        if not covers and not host and not region:
            country = _one(ctx.world.lookup(place, "country"))
            region_entity = _region(ctx, place)
            covers = tuple(e for e in (country or region_entity,) if e)
        if host and not covers:
            covers = tuple(e for e in (ctx.world.by_key("country", host.country),) if e)
        ctx.out.add("office", ctx.span(block, m.start(), m.end()), name=name,
                    covers=tuple(e.key for e in covers), covers_entities=covers, host=host,
                    named=host or _region(ctx, place))  # the place the name gives


def _other_government(ctx: Context, name: str) -> str | None:
    """Another Japanese local government whose name opens an office's name."""
    if not re.search(r"[都道府県市町村]", name[:-3]):
        return None
    found = ctx.japan.find(name, {"city", "prefecture"})
    publisher = ctx.publisher.code if ctx.publisher else None
    if found and found[0].start == 0 and all(e.code != publisher for e in found[0].entities):
        return found[0].surface
    return None


def _region(ctx: Context, text: str):
    if not text:
        return None
    return _one(ctx.world.lookup(text, "region")) or _one(ctx.world.lookup(text, "country"))


def _one(found):
    return found[0] if len(found) == 1 else None


def _networks(ctx: Context, block: Block) -> None:
    networks = ctx.mentions(block, {"network", "intl_org"})
    for m in networks:
        ctx.out.add("organization", ctx.span(block, m.start, m.end), name=m.entity.label_ja,
                    org_kind=m.entity.kind, entity=m.entity, funded=False)
    nets = [m for m in networks if m.entity.kind == "network"]
    _joined(ctx, block, nets)
    for net in nets:  # "a member of CITYNET", "シティネット(CITYNET)の正会員として"
        if MEMBER_OF.search(block.text, 0, net.start) or MEMBER_AS.match(block.text, net.end):
            ctx.out.add("membership", ctx.span(block, max(0, net.start - 12), net.end),
                        network=net.entity, role_ja="会員", role_en=ROLES["会員"])
    if nets and (block.kind != "row" or nets[0].start == 0) and _under_members_heading(ctx, block):
        ctx.out.add("membership", ctx.span(block, nets[0].start, nets[0].end),
                    network=nets[0].entity, role_ja="会員", role_en=ROLES["会員"])
    recent = ctx._recent_network
    if nets:
        recent[:] = [nets[-1], ctx.position(block)]
    elif recent[0] and ctx.position(block) - recent[1] <= 3 and block.kind == "heading":
        nets = [recent[0]]  # "会員都市" as a sub-heading of a network's section
    if not nets:
        return
    for r in ROLE.finditer(block.text):
        if block.kind != "heading" and not ROLE_TAKEN.match(block.text[r.end():]):
            continue  # "会員都市への…" speaks of other members, not of the city's own role
        if _someone_else(ctx, block.text[block.text.rfind("。", 0, r.start()) + 1:r.start()]):
            continue  # "広島市は平和首長会議の会長都市です": Hiroshima's role (members records it)
        net = next((m for m in reversed(nets) if m.start < r.start()), None) or nets[0]
        role = r.group(2)
        committee = r.group(1)
        ctx.out.add("membership", ctx.span(block, min(net.start, r.start()), r.end()),
                    network=net.entity, role_ja=f"{committee} {role}" if committee else role,
                    role_en=f"{ROLES[role]} ({english(committee)})" if committee else ROLES[role])


def _someone_else(ctx: Context, head: str) -> bool:
    from citykg.loaders.extract.members import subject  # members reads this module's headings
    return subject(ctx, head) is not None


def _under_members_heading(ctx: Context, block: Block) -> bool:
    """An entry (a list item, or a numbered line of a table of contents) under a heading
    about the networks the city belongs to, or right after a sentence saying it joined them
    ("本市は以下の国際的な都市ネットワークに加盟しています。")."""
    if block.kind not in ("item", "heading", "row"):
        return False
    position = ctx.position(block)
    for before in reversed(ctx.blocks[max(0, position - 8):position + (block.kind != "heading")]):
        if before.kind in ("item", "row") or before is block:
            continue
        if before.kind == "paragraph" and JOINED_SENTENCE.search(before.text):
            return True
        if before.kind == "heading" and (block.kind != "heading" or before.level is None
                                         or block.level is None or before.level < block.level):
            return bool(MEMBERS_HEADING.search(before.text))
    return False


JOINED_SENTENCE = re.compile(r"(?:ネットワーク|組織|団体)に(?:加盟|加入|参加|参画)して(?:おり|います)")


def _joined(ctx: Context, block: Block, nets: list) -> None:
    """"シティネット及びメトロポリスに加盟": the city is a member of each network listed."""
    for net in nets:
        if not JOINED.match(block.text[net.end:]):
            continue
        for m in [*listed_before(nets, net, block.text), net]:
            ctx.out.add("membership", ctx.span(block, m.start, net.end), network=m.entity,
                        role_ja="会員", role_en=ROLES["会員"])


def _associations(ctx: Context, block: Block) -> None:
    funded = bool(FUNDED.search(block.text))
    for m in LEGAL.finditer(block.text):
        form = m.group(1)
        if form not in LEGAL_FORMS:
            scored = sorted(((SequenceMatcher(None, f, form).ratio(), f) for f in LEGAL_FORMS),
                            reverse=True)
            if scored[0][0] < 0.8:
                continue
            if scored[1][0] == scored[0][0]:
                ctx.out.report(block.line_at(m.start()), f"OCR: legal form {form} unreadable "
                               f"({scored[0][1]} or {scored[1][1]}); kept as written", m.group(0))
            else:
                ctx.out.report(block.line_at(m.start()), f"OCR: read {form} as {scored[0][1]}",
                               m.group(0))
                form = scored[0][1]
        ctx.out.add("organization", ctx.span(block, m.start(), m.end()),
                    name=f"{form}{m.group(2).rstrip('・')}", org_kind="association", entity=None,
                    funded=funded)
    for m in ASSOCIATION.finditer(block.text):
        name = GENERIC_LEAD.sub("", m.group(1)) if len(m.group(1)) > 8 else m.group(1)
        if any(name in f.data.get("name", "") for f in ctx.out.facts[-3:]
               if f.kind == "organization"):
            continue
        ctx.out.add("organization", ctx.span(block, m.start(), m.end()), name=name,
                    org_kind="association", entity=None, funded=funded, abbreviation=m.group(2))


def _facilities(ctx: Context, block: Block) -> None:
    for m in FACILITY.finditer(block.text):
        name = m.group(1)
        name = name.lstrip("・-")
        while GENERIC_LEAD.match(name) and len(name) > 6:
            name = GENERIC_LEAD.sub("", name, count=1)
        ftype = next(t for s, t in FACILITY_TYPES if name.endswith(s))
        wards = _wards_near(ctx, block, m.start())
        if name in {s for s, _ in FACILITY_TYPES} and not m.group(2):
            if not wards:
                continue  # a generic noun ("the passport centre"), not a named facility
            name = ctx.publisher.label_ja + name  # "the city's passport centres, in 中区 and 都筑区"
        if m.group(2):
            name = f"{name}「{m.group(2)}」"
        ctx.out.add("facility", ctx.span(block, m.start(), m.end()), name=name, type=ftype,
                    wards=wards)


def _wards_near(ctx: Context, block: Block, index: int) -> tuple:
    """The publisher's wards named in the facility's sentence ("市内2か所（中区、都筑区）の…")."""
    if not ctx.publisher or not ctx.publisher.code:
        return ()
    start = block.text.rfind("。", 0, index) + 1
    end = block.text.find("。", index)
    sentence = block.text[start:end if end >= 0 else None]
    if "区" not in sentence:  # every ward's name ends in it (and no other character folds to it)
        return ()
    found = []
    for m in ctx.japan.find(sentence, {"ward"}):
        own = [e for e in m.entities if e.parent == ctx.publisher.code]
        if len(own) == 1 and own[0] not in found:
            found.append(own[0])
    return tuple(found)
