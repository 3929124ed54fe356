"""Policy: the pillars a city names ("「多文化共生」「国際協力」の2本の柱"), the plans, ordinances
and basic policies that define them, which programs implement which pillar, and events."""
from __future__ import annotations

import re

from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.prefilter import needs
from citykg.loaders.segment import Block, strip_toc_leader

KANJI_NUMBERS = "一二三四五六七八九十"
# "「A」「B」の2本の柱", "「A」及び「B」を2本柱に", "「A」…「D」の4つを多文化共生施策の柱とし"
PILLARS = re.compile(rf"((?:「[^」]{{2,30}}」\s*(?:[、・と]|及び|および|並びに)*\s*){{2,}})[のを]?\s*"
                     rf"([\d{KANJI_NUMBERS}]+)\s*(?:本|つ)\s*[のを]?\s*(?:[^、。「」\s]{{0,12}}?の)?"
                     r"(?:柱|政策|施策|目標|重点)")
COUNT_OPENING = re.compile(rf"^\s*[のを]\s*[\d{KANJI_NUMBERS}]+\s*(?:つ|本)")  # "の4つを…の柱とし"
QUOTED_LINE = re.compile(r"「[^「」]{2,30}」")
QUOTED_END = re.compile(r"「[^「」]{2,30}」$")
# a quoted pillar's own number: "「Ⅰ情報の多言語化」" (Ⅰ folded to I), "「1 生活支援」"
PILLAR_MARK = re.compile(r"^\s*(?:[IVX]{1,4}|\d{1,2}|[①-⑳])\s*[.．、:)）]?\s*(?=[^\x00-\x7f])")
# a pillar as a heading of its own: "基本目標I 多文化共生のまちづくり", "施策の柱2:国際協力の推進",
# "【施策の柱1】 国際交流の推進  67,640" (with its amounts), "Goal 1: Building a Peaceful World"
PILLAR_WORDS = (r"基本目標|基本方針|基本方向|基本的方向|施策の分野|施策の柱|政策の柱|重点目標|施策目標|政策目標|"
                r"重点施策|重点分野|施策の方向性|柱")
PILLAR_HEADING = re.compile(rf"^[【\[]?\s*(?:{PILLAR_WORDS}|Goal|Pillar|Policy [Gg]oal)\s*"
                            rf"([IVX]+|\d+|[{KANJI_NUMBERS}]+)\s*[】\]]?\s*[:.、)]?\s*"
                            r"(\S.{1,60}?)(?:\s+[△▲]?\d[\d,]{2,}(?:\s.*)?)?$")
# the word and number alone, the name on the next line: "基本方針Ⅰ" / "誰もが暮らしやすい地域づくり"
PILLAR_NUMBER_ONLY = re.compile(rf"^[【\[<〈]?\s*(?:{PILLAR_WORDS})\s*([IVX]+|\d+|[{KANJI_NUMBERS}])\s*[】\]>〉]?"
                                r"\s*[:.、]?$")
# "次の3つの柱に沿って", "以下の施策を柱に": the pillars are the numbered lines that follow
ANNOUNCED = re.compile(rf"(?:次の|以下の)\s*([\d{KANJI_NUMBERS}]+)?\s*(?:つ|本)?[のを]?\s*"
                       r"(?:施策[をの]?|政策の?)?(?:柱|基本目標|基本方針|重点目標|方向性|方針|目標)")
# a line that only names what the numbered lines after it are: "施策の分野", "【基本目標】",
# "基本方向", "<施策の柱>"
PILLAR_LABEL = re.compile(r"^[【\[<〈■◆●]?\s*(?:施策の分野|基本目標|基本方針|基本方向|基本的方向|施策の方向性?|"
                          r"施策の柱|政策の柱|重点目標|施策目標|政策目標|基本施策|重点施策|重点分野|"
                          r"施策の体系|施策体系)\s*[】\]>〉]?$")
PILLAR_SECTION = re.compile(r"(?:施策|政策)の柱|基本目標|重点施策|施策体系|Policy [Gg]oals|Pillars")
# a numbered line whose name goes on on the next line ("I 外国の県民と日本の県民が、")
WRAPPED = re.compile(r"[、とのや・及並が]$")
# not a pillar's name: a total ("柱3 計"), or a name cut where the line wrapped ("…発信と")
NOT_A_PILLAR = re.compile(r"^(?:計|合計|小計|総計)(?:\s|$)|[とのや・、及並]$")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
PILLAR_NUMBER = re.compile(r"「?([^「」【】\s]{2,20}?)」?\s*【(?:[^】・]*・)?政策\s*(\d+)】")
TAGGED = needs(re.compile(r"^(.{2,60}?)\s*【([^】・]{2,20})(?:・政策\s*(\d+))?】\s*$"), ("【",))
POLICY_KINDS = [("条例", "ordinance"), ("基本方針", "basic_policy"), ("方針", "basic_policy"),
                ("アクションプラン", "plan"), ("計画", "plan"), ("ビジョン", "plan"),
                ("戦略", "plan"), ("プラン", "plan")]
KIND_RE = "|".join(k for k, _ in POLICY_KINDS)
QUOTED_POLICY = re.compile(rf"「([^」]{{2,60}}?(?:{KIND_RE})[^」]{{0,15}})」")
BARE_POLICY = needs(re.compile(r"(?:^|(?<=[\s「『(（]))(第\d+次|(?:令和|平成)?\d+年度)?"
                               rf"[一-龥ぁ-んァ-ヺー・·]{{2,30}}(?:{KIND_RE})(?:\s*[・·]?\s*"
                               rf"(?:アクションプラン))?(?:\s*\d{{4}}(?:[～〜~-]\d{{4}})?)?"),
                    [k for k, _ in POLICY_KINDS])
ENACTED = re.compile(r"(制定|策定|施行)")
CONFERENCE_WORDS = "会議|サミット|フォーラム|総会|大会|シンポジウム|コンベンション|講演会|理事会"
CONFERENCE = re.compile(rf"{CONFERENCE_WORDS}|[Ss]ummit|SUMMIT|[Ff]orum|FORUM|[Cc]onference|"
                        r"CONFERENCE|[Cc]ongress|CONGRESS")  # no IGNORECASE: 20x slower
EVENT_WORDS = (f"{CONFERENCE_WORDS}|見本市|トリエンナーレ|ビエンナーレ|"
               "フェスティバル|フェスタ|まつり|祭り|博覧会|映画祭|音楽祭")
EVENT_WORD = re.compile(EVENT_WORDS)  # a cheap test before EVENT, which tries every position
EVENT = re.compile(rf"(第\s*(\d+)\s*回\s*)?([一-龥ァ-ヺーA-Za-z・]{{2,24}}?(?:{EVENT_WORDS}))"
                   r"(?:\s*(\d{4}))?(?:\s*[(（]([A-Z][A-Za-z0-9\-]{1,10})[)）])?")
EVENT_QUOTED = needs(re.compile(r"(?:国際コンベンション|イベント|サミット)「([^」]{2,30})」|"
                                rf"「([^」]{{1,30}}(?:{EVENT_WORDS})\s*(?:\d{{4}})?)」"), ("「",))
GENERIC_EVENTS = {"国際会議", "会議", "サミット", "フォーラム", "総会", "大会", "セミナー", "実行委員会",
                  "国際コンベンション", "コンベンション", "見本市", "シンポジウム"}


def extract_policy(ctx: Context) -> None:
    pillars: dict[str, str | None] = {}
    policies = {f.data["name"]: f for f in ctx.out.facts if f.kind == "policy"}
    for block in ctx.blocks:
        scanned = _after_quoted_lines(ctx, block) if COUNT_OPENING.match(block.text) else block
        for m in PILLARS.finditer(scanned.text) if "」" in scanned.text else ():
            for quoted in re.findall(r"「([^」]+)」", m.group(1)):
                label = PILLAR_MARK.sub("", re.sub(r"【[^】]*】", "", quoted)).strip()
                if label not in pillars:
                    pillars[label] = None
                    ctx.out.add("pillar", ctx.span(scanned, m.start(), m.end()), label=label,
                                number=None)
                if number := re.search(r"政策\s*(\d+)", quoted):
                    _number(ctx, pillars, label, number.group(1))
            _defined_by(ctx, scanned, m.start())
        for m in PILLAR_NUMBER.finditer(block.text) if "【" in block.text else ():
            if m.group(1) in pillars:
                _number(ctx, pillars, m.group(1), m.group(2))
        # a heading, a short line, or a line of a paragraph ("柱1 …" / "柱2 …", or the line a
        # paragraph opens with: "施策の方向性1 …")
        lines = [block.text] if block.kind == "heading" or len(block.offsets) < 2 \
            else block.line_texts()
        for line, offset in zip(lines, block.offsets if len(lines) > 1 else [0], strict=True):
            if len(line) <= 80 and (m := PILLAR_HEADING.match(line)) \
                    and not NOT_A_PILLAR.search(m.group(2)):
                _pillar_heading(ctx, block, m, pillars, offset)
            elif len(line) <= 12 and (m := PILLAR_NUMBER_ONLY.match(line)):
                _name_below(ctx, block, offset + len(line), m.group(1), pillars)
        if block.kind == "paragraph" and (m := ANNOUNCED.search(block.text)):
            _announced_pillars(ctx, block, m, pillars)
        if len(block.text) <= 20 and PILLAR_LABEL.match(block.text) and block.kind in (
                "paragraph", "heading") and not block.number:
            _labelled_pillars(ctx, block, pillars)
        elif block.kind == "heading" and PILLAR_SECTION.search(block.text):
            _pillar_chapter(ctx, block, pillars)
        if block.kind == "row" and len(cells := [c for c in block.cells if c]) == 2 \
                and re.fullmatch(rf"[\dIVX{KANJI_NUMBERS}]{{1,3}}", cells[0]) \
                and (section := ctx.section(block)) and PILLAR_SECTION.fullmatch(section.text) \
                and cells[1] not in pillars:  # a table of pillars: "1 | 姉妹都市との交流の推進"
            pillars[cells[1]] = cells[0]
            ctx.out.add("pillar", ctx.span(block), label=cells[1], number=cells[0])
        _policies(ctx, block, policies)
    _implements(ctx, pillars)
    _under_pillar_headings(ctx)
    events = {f.data["name"] for f in ctx.out.facts if f.kind == "event"}
    for block in ctx.blocks:
        _events(ctx, block, events)


def _after_quoted_lines(ctx: Context, block) -> Block:
    """"「A」" / "「B」" / "の2つを柱に": short quoted lines the segmenter kept apart, joined
    again with the line that counts them."""
    i = first = ctx.position(block)
    while first > 0 and (b := ctx.blocks[first - 1]).last_line == ctx.blocks[first].first_line - 1 \
            and QUOTED_END.search(b.text):
        first -= 1
        if not QUOTED_LINE.fullmatch(b.text):
            break  # the sentence the quoted lines continue
    if first == i:
        return block
    text, offsets = "", []
    for b in ctx.blocks[first:i + 1]:
        offsets.extend(len(text) + o for o in b.offsets)
        text += b.text
    return Block("paragraph", ctx.blocks[first].first_line, block.last_line, text, offsets)


def _pillar_chapter(ctx: Context, chapter, pillars: dict) -> None:
    """A chapter on the pillars ("第2章 施策の柱と主な取組"): its first style of numbered
    heading names them ("①多文化共生の地域づくり 6", a table of contents' page number off)."""
    found, level = [], None
    for b in ctx.blocks[ctx.position(chapter) + 1:]:
        if b.kind != "heading":
            continue
        if b.level is not None and chapter.level is not None and b.level <= chapter.level:
            break
        level = b.level if level is None else level
        if b.level == level:
            found.append(b)
    # the page number ends it, OCR'd at times with O and l ("5O", "1l", "2 0")
    labels = [re.sub(r"\s*\d[\dOl]*(?:\s+\d+)?$", "", b.text).strip() for b in found]
    if not 2 <= len(found) <= 8 or any(normalise.find_amounts(b.text) for b in found):
        return  # programs with their amounts, not pillars
    for number, (b, label) in enumerate(zip(found, labels, strict=True), start=1):
        if label and label not in pillars:
            pillars[label] = b.number or str(number)
            ctx.out.add("pillar", ctx.span(b), label=label, number=pillars[label])


def _name_below(ctx: Context, block, end: int, mark: str, pillars: dict) -> None:
    """"基本方針Ⅰ" on a line of its own (ending at `end` of the block): the short line after
    it is the pillar's name."""
    if end < len(block.text):
        start = end
        stop = next((o for o in block.offsets if o > end), len(block.text))
        where = block
    else:
        i = ctx.position(block) + 1
        where = ctx.blocks[i] if i < len(ctx.blocks) else None
        if not where or where.first_line > block.last_line + 2:
            return
        start, stop = 0, where.offsets[1] if len(where.offsets) > 1 else len(where.text)
    label = where.text[start:stop].strip()
    if 2 <= len(label) <= 40 and "。" not in label and label not in pillars \
            and not NOT_A_PILLAR.search(label) and not PILLAR_NUMBER_ONLY.match(label):
        number = str(ROMAN.get(mark) or (KANJI_NUMBERS.index(mark) + 1 if mark in KANJI_NUMBERS
                                         else mark))
        pillars[label] = number
        ctx.out.add("pillar", ctx.span(where, start, stop), label=label, number=number)


def _labelled_pillars(ctx: Context, label, pillars: dict) -> None:
    """The numbered lines after a label ("施策の分野" / "1. …まち(参画)" / its description /
    "2. …"): one style of numbering, counting up; a description may stand between them."""
    found, level, gap = [], None, 0
    wrapped: dict[int, list] = {}  # a numbered line's name that wrapped: the lines it goes on on
    for b in ctx.blocks[ctx.position(label) + 1:]:
        if b.kind == "heading" and b.number and (level is None or b.level == level) \
                and _counts_on(found, b.number) and len(b.text) <= 60 and "。" not in b.text:
            level, gap = b.level, 0
            found.append(b)
            continue
        if found and b.kind == "paragraph" and len(b.text) <= 60 and "。" not in b.text \
                and WRAPPED.search(found[-1].text + "".join(x.text for x in wrapped.get(
                    id(found[-1]), []))):
            wrapped.setdefault(id(found[-1]), []).append(b)  # "I A県民が、" / "暮らせる県づくり"
            continue
        gap += 1
        if b.kind == "heading" or gap > (1 if found else 0) or not found and b.kind != "paragraph":
            break
    if len(found) < 2:
        return
    for b in found:
        more = wrapped.get(id(b), [])
        text = strip_toc_leader(b.text + "".join(x.text for x in more))[0]
        if text not in pillars and not NOT_A_PILLAR.search(text):
            pillars[text] = b.number
            ctx.out.add("pillar", ctx.block_span(b, more[-1]) if more else ctx.span(b),
                        label=text, number=b.number)


def _counts_on(found: list, number: str) -> bool:
    """`number` is the first ("1", "I", "①") or the one after the last of `found`."""
    if not found:
        return number in ("1", "I", "①")
    last = found[-1].number
    if last.isdigit():
        return number == str(int(last) + 1)
    if last in ROMAN:
        return ROMAN.get(number) == ROMAN[last] + 1
    return len(last) == 1 and number == chr(ord(last) + 1)


def _announced_pillars(ctx: Context, block, m: re.Match, pillars: dict) -> None:
    count = m.group(1)
    count = int(count) if count and count.isdigit() else \
        KANJI_NUMBERS.index(count) + 1 if count else 9
    found = []
    for b in ctx.blocks[ctx.position(block) + 1:]:
        if len(found) == count:
            break
        cells = [c for c in b.cells if c]
        if b.kind == "paragraph" and b.text.isascii() or PILLAR_SECTION.fullmatch(b.text) \
                or b.kind == "row" and len(cells) == 2 and PILLAR_SECTION.fullmatch(cells[1]):
            continue  # an English translation under each line; "● 施策の柱", a table's header
        if b.kind == "row" and len(cells) == 2 and cells[0].isdigit():
            found.append((b, cells[1]))  # "| 1 | 多文化共生社会の実現 |"
            continue
        counted = count != 9 and b.kind == "heading" and b.number == str(len(found) + 1)
        if b.kind not in ("heading", "item") or b.kind == "heading" and (b.level or 0) <= 1 \
                and not counted \
                or len(b.text) > 40 or "。" in b.text:
            break
        found.append((b, b.text.strip()))
    for number, (b, label) in enumerate(found, start=1):
        if label not in pillars:
            pillars[label] = str(number)
            ctx.out.add("pillar", ctx.span(b), label=label, number=str(number))


def _pillar_heading(ctx: Context, block, m: re.Match, pillars: dict, offset: int = 0) -> None:
    label, mark = m.group(2).strip(), m.group(1)
    number = str(ROMAN.get(mark) or (KANJI_NUMBERS.index(mark) + 1 if mark in KANJI_NUMBERS
                                     else mark))
    if label not in pillars:
        pillars[label] = number
        ctx.out.add("pillar", ctx.span(block, offset, offset + m.end()), label=label,
                    number=number)
    # its programs follow, up to the next pillar or the next major section ("3 海外事務所")
    end = next((b.first_line - 1 for b in ctx.blocks[ctx.position(block) + 1:]
                if PILLAR_HEADING.match(b.text) or b.kind == "heading" and (b.level or 0) <= 1),
               len(ctx.lines))
    ctx._pillar_headings.append((block.first_line, end, label))


def _under_pillar_headings(ctx: Context) -> None:
    """Programs listed under a pillar's own heading implement it."""
    headings = ctx._pillar_headings
    if not headings:
        return
    done = {(f.data["program"], f.data["pillar"]) for f in ctx.out.facts if f.kind == "implements"}
    for f in [f for f in ctx.out.facts if f.kind == "program"]:
        for first, last, label in headings:
            if first < f.span.first_line <= last and (f.data["name"], label) not in done:
                done.add((f.data["name"], label))
                ctx.out.add("implements", f.span, program=f.data["name"], pillar=label)


def _number(ctx: Context, pillars: dict, label: str, number: str) -> None:
    if pillars.get(label) is None:
        pillars[label] = number
        for f in ctx.out.facts:
            if f.kind == "pillar" and f.data["label"] == label:
                f.data["number"] = number


def _defined_by(ctx: Context, block, index: int) -> None:
    sentence_start = block.text.rfind("。", 0, index) + 1
    sentence_end = block.text.find("。", index)
    sentence = block.text[sentence_start: sentence_end if sentence_end >= 0 else None]
    for m in QUOTED_POLICY.finditer(sentence):
        ctx.out.add("defines", ctx.span(block, sentence_start + m.start(), sentence_start + m.end()),
                    policy=_clean(m.group(1)))


def _policies(ctx: Context, block, known: dict) -> None:
    """Policies named in the block; `known`: those found so far, by name (updated)."""
    found = [(m.start(), m.end(), m.group(1)) for m in QUOTED_POLICY.finditer(block.text)]
    if block.kind in ("heading", "item") or len(block.text) < 60:
        found += [(m.start(), m.end(), m.group(0)) for m in BARE_POLICY.finditer(block.text)
                  if not any(s <= m.start() < e for s, e, _ in found)]
    for start, end, raw in found:
        name = _clean(raw)
        if len(name) < 5:
            continue
        enacted = _enacted(block.text, start, end)
        if name in known:
            if enacted and not known[name].data["enacted"]:
                known[name].data["enacted"] = enacted
            continue
        kind = next(k for s, k in POLICY_KINDS if s in name)
        known[name] = ctx.out.add("policy", ctx.span(block, start, end), name=name, type=kind,
                                  enacted=enacted)


def _enacted(text: str, start: int, end: int):
    """"令和4年12月に策定された「…計画」" or "平成30年に「…条例」を制定": a date just before the
    name, with a verb of enacting between them or right after the name."""
    before = text[max(0, text.rfind("。", 0, start) + 1, start - 24):start]
    after = text[end:end + 8]
    date_at = re.search(r"(?:(?:令和|平成|昭和)[\d元]+|\d{4})年(?:\d{1,2}月)?(?:\d{1,2}日)?"
                        r"(?:\s*[(（]\d{4}年?[)）])?(?=[^「」]*$)", before)
    if not date_at or not (ENACTED.search(before[date_at.end():]) or ENACTED.match(after.lstrip("をが"))):
        return None
    try:
        return normalise.parse_date(date_at.group(0))
    except normalise.NormaliseError:
        return None


def _implements(ctx: Context, pillars: dict[str, str | None]) -> None:
    """A program implements a pillar its name carries, or the one it is tagged with (【…】);
    programs inside a head inherit the head's pillar."""
    programs = [f for f in ctx.out.facts if f.kind == "program"]
    for block in ctx.blocks:
        m = TAGGED.match(block.text)
        if m and m.group(2) in pillars:
            name = m.group(1).strip()
            ctx.out.add("program", ctx.span(block), name=name, parent=None, head=False)
            ctx.out.add("implements", ctx.span(block), program=name, pillar=m.group(2))
    done = set()
    for f in programs:
        name = f.data["name"]
        hits = [p for p in pillars if p in name]
        parent = f.data.get("parent")
        if not hits and parent:
            hits = [p for p in pillars if p in parent]
        for pillar in hits:
            if (name, pillar) not in done:
                done.add((name, pillar))
                ctx.out.add("implements", f.span, program=name, pillar=pillar)


def _events(ctx: Context, block, seen: set[str]) -> None:
    """Events named in the block; `seen`: names of those found so far (updated)."""
    # quoted names first: "「おかやま国際フェスティバル2023」" holds 国際フェスティバル2023
    found = [(m.start(), m.end(), m.group(1) or m.group(2), None, None, None)
             for m in EVENT_QUOTED.finditer(block.text)]
    found += [(m.start(), m.end(), m.group(3), m.group(2), m.group(5), m.group(4))
              for m in EVENT.finditer(block.text)] if EVENT_WORD.search(block.text) else []
    for start, end, name, edition, acronym, year in found:
        name = re.sub(r"^(?:本市主催|本市|市主催|主催|毎年|過去\d+回の?|での|の|年度)", "", name)
        if name in GENERIC_EVENTS or len(name) < 3 or name.endswith("実行委員会"):
            continue
        full = f"第{edition}回{name}" if edition else name
        full = f"{full}{year}" if year else full
        if full in seen or any(s.endswith(full) or s.startswith(full) for s in seen):
            continue
        seen.add(full)
        date = None
        tail = block.text[end:end + 16]
        if m := re.match(r"\s*[(（](\d{4}年\d{1,2}月)[)）]", tail):
            date = normalise.parse_date(m.group(1))
        ctx.out.add("event", ctx.span(block, start, end), name=full,
                    edition=int(edition) if edition else None, acronym=acronym, date=date)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("·", "・")
