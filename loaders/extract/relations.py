"""Agreements between the publishing city and others (sister, friendship, partner, cooperation)
and aid it gives, found by general rules: a relation word next to a city name, a sentence
that names one partner and an agreement being made, a list under a relation-word heading, or
a key–value record. Relation words, roles and gaps are data, not code paths."""
from __future__ import annotations

import bisect
import re

from citykg.core.gazetteer import Mention
from citykg.loaders import normalise
from citykg.loaders.extract import words
from citykg.loaders.extract.context import Context, listed_after, listed_before
from citykg.loaders.extract.dates import date_in, elapsed_start, sentences
from citykg.loaders.extract.entries import DATE_KEY, OTHER_EVENT, field_heading, is_prose, record_of, tied_date
from citykg.loaders.extract.owners import other_owner, table_owner
from citykg.loaders.extract.places import _one_country, partner_mentions, unknown_city
from citykg.loaders.extract.status import STATUS, mark_statuses
from citykg.loaders.extract.words import KIND_CELL, RELATION_RE, WORD_RE, collective, type_of
from citykg.loaders.facts import Fact, Span
from citykg.loaders.prefilter import needs
from citykg.loaders.segment import Block

ENTRY_BLOCK = 80  # a block no longer is an entry, with a record below it


def _entry_like(block: Block) -> bool:
    """A short block that is no sentence ("Sister City Shelbyville, Indiana", "上海市徐匯区(友好
    提携都市)"): an entry, whose record below may date it; prose is not."""
    return len(block.text) <= ENTRY_BLOCK and not is_prose(block.text)


def _entry_line(block: Block, mention: Mention) -> bool:
    """The block is an entry, or the line naming the partner is one, in a block that runs
    lines together ("Web: the old city's site" / "Friendship City Springfield" / "Signed: …")."""
    if _entry_like(block):
        return True
    line = bisect.bisect_right(block.offsets, mention.start) - 1
    end = block.offsets[line + 1] if line + 1 < len(block.offsets) else len(block.text)
    text = block.text[block.offsets[line]:end]
    return len(text) <= ENTRY_BLOCK and not is_prose(text)
# What may stand between a relation word and the partner's name that follows it.
# ("姉妹友好都市である米国・A市、ブラジル・B市": である opens a list too)
GAP_AFTER = re.compile(r"^(?:提携|締結|盟約)?(?:\s*(\d+)\s*周年を(迎える|迎えた|記念する))?\s*"
                       r"(?:の|(?P<list>である|は|としては|として|には)\s*、?"
                       r"|として[^、。\s]{1,8}?[いな])?\s*$")  # 姉妹都市は、A市、B市; として交流の深い
# … and between the partner's name and a relation word after it.
# ("…蘇州市など、現在8都市と姉妹都市": a count of the list may come between)
GAP_BEFORE = re.compile(r"^\s*(?:[(（][^)）]{1,20}[)）])?\s*(?:等|など)?"  # its country in brackets
                        r"\s*(?:、?\s*(?:現在|計|合計)?\s*[0-9]+\s*(?:都市|市|自治体))?"
                        r"\s*(?:と|との|の|とは|とも)?\s*(?:間の|間で)?\s*[(（]?\s*$")
# an agreement being prepared, not made: "提携に向けた協議", "提携を検討", "締結予定"
PLANNED = words.PLANNED
# a date right after the relation word: "(姉妹都市) 1959年", "姉妹都市提携 1959.10.1"
DATE_AFTER = re.compile(r"\s*[)）]?\s*(?:提携|締結)?\s*[)）]?\s*[(（:]?\s*(?=[0-9明大昭平令MTSHR])")
# "昭和37年にアメリカ合衆国のバッファロー市と姉妹都市提携": the date that opens the clause
# ("昭和34年に旧小倉市がアメリカ・ワシントン州のタコマ市と": a subject may come between)
DATE_BEFORE = re.compile(r"(?:^|[、。])([^、。]*?[年月日])\s*(?:に|、)\s*(?:[^、。\s]{1,8}が)?"
                         r"\s*(?:[^、。\s]{1,12}の)?\s*$")
# "A市は、姉妹都市ではなく「友好都市」": the word it is not, between the partner and its own
NOT_BUT = re.compile(rf"^\s*(?:は|とは)\s*、?\s*(?:{WORD_RE.pattern})\s*ではなく\s*[「『]?\s*$")
MAKING = re.compile(r"提携|締結|盟約|調印|結[びんぶ]")
BARE_YEAR = re.compile(r"(?<![\w.\-/])(1[89]\d\d|20\d\d)(?![\w.\-/年])")
ANNIVERSARY = re.compile(r"(\d+)\s*周年を?(迎える|迎えた|記念)")
AID = re.compile(r"^(?:等|など)?(?:へ|に対する|に対して|を)(?:の)?(?:[^。、]{0,6})?(?:支援|援助)")
KV_PARTNER = re.compile(r"^(?:提携先|提携|相手|姉妹|友好)(?:先)?(?:都市|自治体)名?$|^提携相手先?(?:名)?$")
KV_COUNTRY = re.compile(r"^(?:相手|提携先)?国(?:・地域)?名?$")
KV_DATE = re.compile(r"^(?:提携|締結|調印)(?:年月日|日|年月|年)?$")
KV_STATE = re.compile(r"^(?:州・省・県|州・省|州|省)名?$")  # where the partner lies, not a partner
KV_TYPE = re.compile(r"^(?:提携|交流)?(?:の)?(?:種別|区分|種類|形態)$")


def extract_relations(ctx: Context) -> None:
    _relations(ctx)
    _flush_record(ctx)
    _drop_collective(ctx)
    mark_statuses(ctx)


TWINNING = {"sister", "friendship", "partner", "twinning"}


def _drop_collective(ctx: Context) -> None:
    """A partner named under a collective word, or typed only by its list's heading, and
    elsewhere with its own type keeps only that (its date passing to it); one named only under
    a collective word is a twinning of unstated type, reported."""
    collective = ctx._collective
    yielding = ctx._yielding

    def rank(f: Fact) -> int:
        return 0 if id(f) in collective else 1 if id(f) in yielding else 2

    best: dict[str, list[Fact]] = {}
    for f in ctx.out.facts:
        if f.kind != "relation" or f.data["type"] == "aid":
            continue
        held = best.setdefault(f.data["partner"].key, [])
        if not held or rank(f) == rank(held[0]):
            held.append(f)
        elif rank(f) > rank(held[0]):
            held[:] = [f]
    kept = []
    for f in ctx.out.facts:
        better = best.get(f.data["partner"].key, []) if f.kind == "relation" else []
        if better and rank(f) < rank(better[0]) and (
                id(f) in collective or f.data["type"] in TWINNING
                and any(g.data["type"] in TWINNING for g in better)):
            # its date still counts: "提携日 1970年1月1日" in the list's entry
            for g in better if f.data["start"] else ():
                if g.data["start"] is None or g.data["derived"] and not f.data["derived"]:
                    g.data["start"], g.data["derived"] = f.data["start"], f.data["derived"]
            continue
        if id(f) in collective:
            ctx.out.report(f.span.first_line, f"type of the agreement with "
                           f"{f.data['partner'].label_ja} not stated (a list of several kinds); "
                           f"taken as {f.data['type']}", f.span.text)
        kept.append(f)
    ctx.out.facts = kept


def _relations(ctx: Context) -> None:
    heading_type: str | None = None
    introduced = False  # heading_type comes from a sentence introducing the items below it
    blocks = ctx.blocks
    for i, block in enumerate(blocks):
        if introduced and block.kind != "item":
            heading_type, introduced = None, False
        if block.kind == "heading":
            ctx._other_owner = table_owner(ctx, block)
            ctx._kind_last = False
        elif block.kind in ("paragraph", "row") and len(block.text) < 40 \
                and RELATION_RE.search(block.text) and not partner_mentions(ctx, block):
            # a caption: "(参考)千葉県の海外姉妹・友好提携先" (a row's kind cell keeps it)
            owner = table_owner(ctx, block)
            if owner or block.kind == "paragraph" and not _is_kind_cell(block):
                ctx._other_owner = owner
        if block.kind == "row" and (_dated_field(ctx, block) or _kv_record(ctx, block)):
            continue
        if row_type := _typed_row(ctx, block):
            # the kind cell spans the rows below it until the next kind
            heading_type, ctx._collective_heading = row_type, False
            continue
        continued = _continued(ctx, block)
        # "金沢市には7つの姉妹都市があります。" over a bulleted list introduces it as a heading would
        introduces = block.kind == "paragraph" and i + 1 < len(blocks) and blocks[i + 1].kind == "item"
        if not continued and not DATE_KEY.match(block.line_texts()[-1]) and (
                block.kind == "heading" or introduces
                or block.kind == "paragraph" and len(block.text) < 40
                and not is_prose(block.text)):  # "…友好都市を提携。" is no title
            # ("Affiliated as a Sister City since:" is a record's field, no title)
            words = RELATION_RE.findall(block.text)
            if words and not partner_mentions(ctx, block) \
                    and _domestic_entry(ctx, block, type_of(words[0])):
                continue  # "姉妹都市 A市(B県)": a domestic partner's entry, not a heading
            if words and not partner_mentions(ctx, block):
                heading_type, introduced = type_of(words[0]), introduces and block.kind == "paragraph"
                ctx._collective_heading = collective(words[0]) or bool(
                    re.search(re.escape(words[0]) + r"\s*(?:等|など)", block.text))  # 姉妹都市等
                continue
        found = continued or _relation_words(ctx, block) | _agreementsentences(ctx, block)
        found |= _counted_list(ctx, block, heading_type, found)
        if not found and heading_type and block.kind in ("item", "row", "paragraph") \
                and (not is_prose(block.text) or block.kind == "item"):
            # a sentence under the heading is no entry; a bulleted one opening with its
            # partner is ("・ポートランド市(米国) 県内で初めての姉妹都市縁組。…")
            found = _name_list(ctx, block, heading_type) or _name_field(ctx, block, heading_type) \
                or _domestic_entry(ctx, block, heading_type) or _list_item(ctx, block, heading_type)
            if not is_prose(block.text):
                found |= _line_entries(ctx, block, heading_type, found)
        elif not found and heading_type and block.kind == "heading":
            # "(1) ガルベストン市(アメリカ合衆国) 昭和40年10月14日締結": numbered like a
            # sub-heading, an entry of the list when it dates a partner
            found = _list_item(ctx, block, heading_type, dated_only=True)
        if block.kind == "heading" and not found and not RELATION_RE.search(block.text) \
                and not field_heading(block):  # "<昭和47年10月3日締結>": an entry's field
            heading_type = None
        _aid(ctx, block)


def _relation_words(ctx: Context, block: Block) -> set[str]:
    """A relation word with a partner's name right after or right before it."""
    text, found = block.text, set()
    words = list(RELATION_RE.finditer(text))
    partners = partner_mentions(ctx, block) if words else []
    for rel in words:
        if _planned(ctx, block, rel) or text.startswith("ではなく", rel.end()):
            continue  # "姉妹都市ではなく「友好都市」": not the one it is
        rtype = type_of(rel.group(0))
        after = next((m for m in partners if m.start >= rel.end()), None)
        gap = GAP_AFTER.match(_without_countries(ctx, block, rel.end(), after.start)) \
            if after else None
        if after and gap and "。" not in text[rel.end():after.start]:
            owner = next((m for m in reversed(partners) if m.end <= rel.start()), None)
            if owner and re.fullmatch(r"\s*の\s*", text[owner.end:rel.start()]):
                ctx.out.report(block.line_at(after.start), f"{owner.surface}'s agreement with "
                               f"{after.surface}, not the publisher's: not recorded",
                               text[owner.start:after.end])  # "キーウ市の姉妹都市であるミュンヘン市"
                continue
            years = int(gap.group(1)) if gap.group(1) else None
            # an entry such as "Sister City" / "Springfield, Ohio": dated by its record
            record = record_of(ctx, block, after) if _entry_line(block, after) and not \
                listed_after(partners, after, text) else None
            facts = [_add(ctx, block, after, rtype, rel.start(), after.end, anniversary=years,
                          upcoming=bool(gap.group(2) and gap.group(2).startswith("迎える")),
                          date=record and record.date, derived=bool(record and record.derived))]
            found.add(after.entity.key)
            for m in listed_after(partners, after, text) if gap.group("list") else ():
                facts.append(_add(ctx, block, m, rtype, rel.start(), m.end))  # "姉妹都市は、A市、B市"
                found.add(m.entity.key)
            if collective(rel.group(0)):  # "姉妹友好都市であるA市、B市": a type stated elsewhere wins
                ctx._collective.update(id(f) for f in facts if f)
            continue
        before = next((m for m in reversed(partners) if m.end <= rel.start()), None)
        if before is None:
            continue
        between = NOT_BUT.sub("", _strip_publisher(ctx, text[before.end:rel.start()]))
        if GAP_BEFORE.match(between) and (other := _japanese_partner_after(ctx, block, rel)):
            ctx.out.report(block.line_at(before.start), f"{other}'s agreement with "
                           f"{before.surface}, not the publisher's: not recorded",
                           text[before.start:rel.end() + 12])  # "A市の姉妹都市であるB市"
            continue
        if GAP_BEFORE.match(between):
            tail = text[rel.end():rel.end() + 20]
            ann = ANNIVERSARY.match(re.sub(r"^(?:提携|締結)", "", tail))
            listed = listed_before(partners, before, text)
            date, derived = _clause_anniversary(text, before.start, tail), False
            derived = date is not None
            opening = DATE_BEFORE.search(text, 0, before.start) if not listed and not date \
                else None
            date = date or (date_in(ctx, block, opening.group(1)) if opening else None)
            if date is None and not listed and DATE_AFTER.match(text, rel.end()):
                date = date_in(ctx, block, text[rel.end():rel.end() + 30].split("。")[0])
            if date is None and (year := BARE_YEAR.search(between)):
                date = normalise.PartialDate(int(year.group(1)))  # "長春市(中国・1980)友好都市"
            if date is None:  # "…と姉妹都市を提携してから、今年で40周年を迎えます"
                date = elapsed_start(ctx, text[rel.end():rel.end() + 40].split("。")[0])
                derived = date is not None
            if date is None and not listed and _entry_like(block) \
                    and (record := record_of(ctx, block, before)):
                # "上海市(友好提携都市)" / "・1994年10月「友好都市提携」を締結": dated below
                date, derived = record.date, record.derived
            facts = [_add(ctx, block, before, rtype, before.start, rel.end(), date=date,
                          anniversary=int(ann.group(1)) if ann else None,
                          upcoming=bool(ann and ann.group(2).startswith("迎える")), derived=derived)]
            found.add(before.entity.key)
            # "A市、B市、C市と姉妹都市": the cities listed before it
            for m in listed:
                facts.append(_add(ctx, block, m, rtype, m.start, rel.end(),
                                  date=date if derived else None, derived=derived))
                found.add(m.entity.key)
            if collective(rel.group(0)):
                ctx._collective.update(id(f) for f in facts if f)
    return found


# a count of years right after the relation word: "…との姉妹都市25周年", "友好都市提携の10周年"
COUNT_AFTER = re.compile(r"^(?:提携|締結)?の?\s*(\d+)\s*周年")


def _clause_anniversary(text: str, start: int, tail: str):
    """The start an anniversary implies when the partner's own clause names the year it falls
    in ("2015年度にA市との姉妹都市25周年、2017年度にB市との友好都市10周年を迎える": 1990, 2007),
    each clause its own year; None without both."""
    count = COUNT_AFTER.match(tail)
    if not count:
        return None
    clause = text[max(text.rfind("、", 0, start), text.rfind("。", 0, start)) + 1:start]
    try:
        year = normalise.parse_fiscal_year(clause) or normalise.parse_year(clause)
    except normalise.NormaliseError:
        return None
    return normalise.PartialDate(year - int(count.group(1))) if year else None


# "5都市〔ポートランド市、…、蘇州(そしゅう)市〕", "米国の3市(ボイシ、タルサ、フレズノ)": a
# count, then as many names in brackets (a country before it may qualify them)
COUNTED = needs(re.compile(r"(?:([^\s、。]{1,10}?)の)?(\d+)\s*(?:都市|市|自治体|か国)\s*"
                           r"(?:〔(?P<a>[^〕]{2,200})〕|[(（](?P<b>[^()（）]{2,200})[)）])"),
                hint=re.compile(r"\d\s*(?:都市|市|自治体|か国)\s*[〔(（]"))  # its count, then a bracket
READING = re.compile(r"[(（][ぁ-ゖー]+[)）]")  # "蘇州(そしゅう)市"


def _counted_list(ctx: Context, block: Block, heading_type: str | None,
                  taken: set[str]) -> set[str]:
    """The partners of a counted enumeration, typed by the relation word its sentence goes on
    to name, else by its heading; every name must be a city, and as many as counted."""
    if "(" not in block.text and "〔" not in block.text:
        return set()
    found = set()
    for m in COUNTED.finditer(block.text):
        names = re.split(r"\s*[、,・]\s*", READING.sub("", m.group("a") or m.group("b")).strip())
        if len(names) != int(m.group(2)):
            continue
        sentence_end = block.text.find("。", m.end())
        rel = RELATION_RE.search(block.text, m.end(), len(block.text) if sentence_end < 0 else sentence_end)
        if rel and _planned(ctx, block, rel):
            continue
        rtype = type_of(rel.group(0)) if rel else heading_type
        country = _one_country(ctx, m.group(1)) if m.group(1) else None  # "…には米国の2市"
        countries = [country] if country else []
        cities = [_named_city(ctx, name, countries, block) for name in names]
        if not rtype or not all(cities):
            continue
        start = m.start("a") if m.group("a") else m.start("b")
        for name, city in zip(names, cities, strict=True):
            if city.key in taken:
                continue
            at = block.text.find(name[:2], start)
            mention = Mention(at, at + len(name), name, (city,))
            fact = _add(ctx, block, mention, rtype, m.start(), m.end())
            if fact and not rel:
                _mark_untyped(ctx, fact)
            found.add(city.key)
    return found


def _named_city(ctx: Context, name: str, countries: list, block: Block):
    """The city a bare name in a list names ("オマハ" is オマハ市), told apart by the country
    that qualifies the list; one the gazetteer lacks is taken where that country is given."""
    if not re.search(r"[ァ-ヺ一-龥A-Za-z]", name):
        return None
    found = ctx.world.lookup(name, "city") or ctx.world.lookup(name + "市", "city")
    if len(found) > 1 and len(countries) == 1:
        found = [e for e in found if e.country == countries[0].key]
    if len(found) == 1:
        return found[0]
    if not found and len(countries) == 1 and countries[0].key != "jp" \
            and re.fullmatch(r"[ァ-ヺー・]{2,20}(?:市|町|村)?", name):
        return unknown_city(ctx, name, countries[0], block.first_line)
    return None


def _without_countries(ctx: Context, block: Block, start: int, end: int) -> str:
    """The text between a relation word and the partner after it, without the country that
    qualifies the partner ("友好都市中国・青島市", "友好都市である中国の青島市")."""
    text = block.text[start:end]
    if text and ctx.world.lookup(text.strip(" ・の"), "country"):
        return ""  # "姉妹州県ブラジルパラナ州": the country glued to the name
    for m in ctx.mentions(block, {"country"}) if text else ():
        if start <= m.start and m.end <= end:
            text = text.replace(m.surface, "", 1)
    return re.sub(r"[・の]\s*$", "", text) if len(text) < end - start else text


# a record's field naming the kind and dating it: "姉妹都市提携:1978年5月9日", "友好都市提携日"
FIELD_KEY = re.compile(rf"(?:{RELATION_RE.pattern})(?:提携|締結|縁組)(?:年月日|日)?")
NAME_LINE = 24  # a line that only names the entry is short


def _dated_field(ctx: Context, block: Block) -> bool:
    """A kind-and-date field right under the line that names its entry ("長野県大町市" /
    "姉妹都市提携:1978年5月9日"): the entry a foreign city, or a Japanese municipality
    named alone on its line (a domestic partner)."""
    cells = [c for c in block.cells if c]
    if len(cells) != 2 or not FIELD_KEY.fullmatch(cells[0].replace(" ", "")):
        return False
    position = ctx.position(block)
    before = ctx.blocks[position - 1] if position else None
    if before is None or before.last_line != block.first_line - 1:
        return False
    date = date_in(ctx, block, cells[1])
    line_start = before.offsets[-1]
    line = before.text[line_start:]
    if not date or len(line) > NAME_LINE:
        return False
    foreign = [m for m in partner_mentions(ctx, before) if m.start >= line_start
               and m.entity.country != "jp"]
    domestic = [m for m in ctx.local_governments(before) if m.start >= line_start
                and m.entity and m.entity.kind == "city"
                and not (ctx.publisher and m.entity.code == ctx.publisher.code)]
    named = foreign or domestic
    rest = line
    for m in ctx.local_governments(before) + foreign:
        if m.start >= line_start:
            rest = rest.replace(m.surface, "")
    if not named or (not foreign and len(rest.strip(" ()")) > 2):
        return False  # a domestic name stands alone on its line
    rtype = type_of(RELATION_RE.match(cells[0].replace(" ", "")).group(0))
    span = Span(before.last_line, block.first_line,
                "\n".join(ctx.lines[before.last_line - 1:block.first_line]))
    _add(ctx, before, named[-1] if not foreign else named[0], rtype, line_start, len(before.text),
         date=date, span=span, domestic=not foreign)
    return True


def _continued(ctx: Context, block: Block) -> set[str]:
    """A bracketed note that wrapped to the next line, under a line naming one partner:
    "プロヴディフ市(ブルガリア共和国)" / "〔昭和47年 姉妹都市提携〕 ...... 9"."""
    if block.text[:1] not in "〔[(（":
        return set()
    position = ctx.position(block)
    rel = RELATION_RE.search(block.text)
    if not rel or not position or partner_mentions(ctx, block):
        return set()
    before = ctx.blocks[position - 1]
    partners = partner_mentions(ctx, before)
    if before.last_line != block.first_line - 1 or len(partners) != 1 \
            or RELATION_RE.search(before.text):
        return set()
    fact = _add(ctx, before, partners[0], type_of(rel.group(0)), 0, len(before.text),
                date=date_in(ctx, block, block.text[:rel.start()]),
                span=ctx.block_span(before, block))
    return {partners[0].entity.key} if fact else set()


def _plans(text: str, end: int) -> str | None:
    """The clause after a relation word (ending at `end`), when it prepares the agreement
    ("提携に向けた協議"), not an anniversary of it ("友好都市50周年に向けた交流")."""
    clause = re.split(r"[、。]", text[end:end + 40])[0][:25]
    m = PLANNED.search(clause)
    return clause if m and "周年" not in clause[:m.start()] else None


def _planned(ctx: Context, block: Block, rel: re.Match) -> bool:
    """The relation word's clause speaks of an agreement being prepared: reported, not taken."""
    clause = _plans(block.text, rel.end())
    if not clause:
        return False
    ctx.out.report(block.line_at(rel.start()), "an agreement in preparation, not recorded: "
                   f"{rel.group(0)}{clause}", block.text[max(0, rel.start() - 20):rel.end() + 25])
    return True


# a day without its year: "そして9月21日、…で姉妹都市提携の調印が"
MONTH_DAY = re.compile(r"(?<![0-9年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _date_after(ctx: Context, block: Block, text: str):
    """The first date after the relation word, unless the text before it counts it from the
    agreement ("姉妹都市提携の翌年2014年から")."""
    date = date_in(ctx, block, text)
    if date is None:
        return None
    at = re.search(r"\d{4}|[明大昭平令][^\s、。]{0,2}\d|[A-Z][a-z]+ \d", text)
    return None if at and words.RELATIVE.search(text[:at.start()]) else date


def _in_year_before(text: str, day: re.Match):
    """A day the sentence gives without its year, in the year the paragraph named last before
    it ("その翌年の1976年、…。…そして9月21日、…調印"): the year a narrative carries on in."""
    try:
        last = normalise.last_date(text)
        return normalise.PartialDate(last.year, int(day[1]), int(day[2])) if last else None
    except normalise.NormaliseError:
        return None


def _agreementsentences(ctx: Context, block: Block) -> set[str]:
    """"A市とB市は、…1965年に姉妹都市提携を行い": one partner, a relation word, a making verb."""
    found = set()
    for start, sentence in sentences(block.text) if RELATION_RE.search(block.text) else ():
        # the first relation word of an agreement made, not proposed ("…提携をしたいとの申し出
        # があり、翌年…友好都市提携を結んだ")
        rel = next((r for r in RELATION_RE.finditer(sentence)
                    if MAKING.search(sentence[r.start():]) and not _plans(sentence, r.end())), None)
        if not rel:
            continue
        partners = {m.entity.key: m for m in partner_mentions(ctx, block)
                    if start <= m.start < start + len(sentence)}
        cities = {k: m for k, m in partners.items() if not m.entity.division}
        partners = cities or partners  # "西オーストラリア州のフリーマントル市": the city
        if len(partners) > 1:
            # "…A市との間で始めたが、2010年に本市とB市が姉妹都市となり": the relation word's clause
            clause = start + max(sentence.rfind("、", 0, rel.start()), 0)
            partners = {m.entity.key: m for m in partner_mentions(ctx, block)
                        if clause <= m.start < start + rel.start() and not m.entity.division}
        if len(partners) != 1:
            continue
        mention = next(iter(partners.values()))
        # "…との友好都市提携は2020年に解消した": the date of its end, not of its making
        made = STATUS.sub(lambda m: " " * len(m.group(0)), sentence[:rel.end() + 12])
        # the date tied to the relation word, not the first one of the sentence ("昭和36年に交流が
        # 始まり、…、平成元年4月4日に…姉妹都市提携をしました")
        date = tied_date(made, rel.start()) or _date_after(ctx, block, made[rel.start():])
        days = list(MONTH_DAY.finditer(made[:rel.start()]))
        if date is None and days and not OTHER_EVENT.search(made[days[-1].end():rel.start()]):
            date = _in_year_before(block.text[:start + days[-1].start()], days[-1])
        derived = False
        ann = ANNIVERSARY.search(sentence, rel.end(), rel.end() + 16)
        if date is None and ann and ann.group(2).startswith("迎える"):
            # "来年度(令和6年度)に姉妹都市提携45周年を迎える": the year it names, else the report's
            year = normalise.parse_fiscal_year(sentence[:ann.start()]) or ctx.fiscal_year
            if year:
                date, derived = normalise.PartialDate(year - int(ann.group(1))), True
        if date is None and _entry_like(block) and (record := record_of(ctx, block, mention)):
            date, derived = record.date, record.derived  # an entry line, dated by its record
        _add(ctx, block, mention, type_of(rel.group(0)), start, start + len(sentence),
             date=date, derived=derived)
        found.add(mention.entity.key)
    return found


def _list_item(ctx: Context, block: Block, rtype: str, dated_only: bool = False) -> set[str]:
    """An item under a relation-word heading: "アカプルコ市(メキシコ)-1973(昭和48)年10月23日締結"."""
    partners = partner_mentions(ctx, block)
    first = _entry_name(ctx, block, partners)
    if first is None:
        return set()
    date = date_in(ctx, block, block.text[first.end:])
    if date is None and (year := BARE_YEAR.search(block.text, first.end)):
        date = normalise.PartialDate(int(year.group(1)))  # "Munich (Germany) - 1972"
    last, kind = block, None
    if date is None and block.first_line == block.last_line:
        date, kind, last = _next_cells(ctx, block)
    if date is None:
        date, last, record_kind = _date_in_record(ctx, block)
        kind = kind or record_kind
    span = None
    derived = False
    if date is None and (record := record_of(ctx, block, first)):
        date, kind, derived = record.date, kind or record.kind, record.derived
        span = Span(block.first_line, record.last,
                    "\n".join(ctx.lines[block.first_line - 1:record.last]))
    if date is None and dated_only:
        return set()
    own = RELATION_RE.search(block.text, first.end)  # "… 1973.6.24 友好都市提携": the item's own
    rtype = type_of(own.group(0)) if own else type_of(kind) if kind else rtype
    found = set()
    # "ブルーミントン市・ノーマル市(アメリカ合衆国)": one agreement with two cities
    joined = []
    for m in partners[partners.index(first) + 1:]:
        if m.entity.division or not re.fullmatch(r"\s*(?:・|、|及び|および|と)\s*",
                                                  block.text[(joined or [first])[-1].end:m.start]):
            break
        joined.append(m)
    for m in [first, *joined]:
        fact = _add(ctx, block, m, rtype, 0, len(block.text), date=date, derived=derived,
                    span=span or ctx.block_span(block, last))
        if fact and not own and not kind:  # typed by its heading only
            _mark_untyped(ctx, fact)
        found.add(m.entity.key)
    return found


# a line of names only, between bars: "[ A | B | C ]", "A市 | B市 | C市" (links to sections)
NAME_LIST = re.compile(r"^\s*[\[［【]?\s*([^\[\]［］【】]+?)\s*[\]］】]?\s*$")
LIST_BAR = re.compile(r"\s*[|｜]\s*")


def _name_list(ctx: Context, block: Block, rtype: str) -> set[str]:
    """A line listing partners by name alone, between bars, under a relation-word heading (a
    page's links to its partners' sections): each name a city, foreign or Japanese (in English,
    by its romaji), every one known; each a partner of the heading's kind."""
    if block.first_line != block.last_line or "|" not in block.text and "｜" not in block.text:
        return set()
    m = NAME_LIST.match(block.text)
    names = [n for n in LIST_BAR.split(m.group(1))] if m else []
    if len(names) < 3 or any(not n or len(n) > 30 for n in names):
        return set()
    named = []
    for name in names:
        found = ctx.world.lookup(name, "city") or ctx.world.lookup(name + "市", "city")
        domestic = not found
        found = found or _japanese_city(ctx, name)
        if len(found) != 1:
            return set()
        named.append((name, found[0], domestic))
    out = set()
    at = 0
    for name, entity, domestic in named:
        at = block.text.find(name, at)
        if ctx.publisher and entity.code and entity.code == ctx.publisher.code:
            continue
        fact = _add(ctx, block, Mention(at, at + len(name), name, (entity,)), rtype, at,
                    at + len(name), domestic=domestic)
        if fact:
            _mark_untyped(ctx, fact)
            out.add(entity.key)
    return out


# a record's field naming the partner: "City name: Springfield, Ohio, USA (since …)", "都市名:…"
NAME_FIELD = re.compile(r"^\s*(?:(?:Partner|Sister|Friendship|Twin)\s+)?(?:City|Town|Partner)"
                        r"(?:'s)?\s+[Nn]ame\s*[:：]\s*|^\s*(?:相手)?都市名\s*[:：]\s*")


def _name_field(ctx: Context, block: Block, rtype: str) -> set[str]:
    """An entry opened by a field for the partner's name, under a relation-word heading: the
    name up to its state and country, the date in the rest of the line ("(since June 1, 1980)");
    the partner foreign or Japanese."""
    key = NAME_FIELD.match(block.text)
    if not key or block.first_line != block.last_line:
        return set()
    value = block.text[key.end():]
    name = re.split(r"\s*[,、(（]", value, maxsplit=1)[0].strip()
    bare = re.sub(r"\s+(?:City|Town|Village)$", "", name)
    found = ctx.world.lookup(name, "city") or ctx.world.lookup(bare, "city")
    domestic = not found
    found = found or _japanese_city(ctx, name)
    if len(found) != 1 or ctx.publisher and found[0].code and found[0].code == ctx.publisher.code:
        return set()
    at = key.end() + value.find(name)
    own = RELATION_RE.search(block.text, at + len(name))
    fact = _add(ctx, block, Mention(at, at + len(name), name, (found[0],)),
                type_of(own.group(0)) if own else rtype, 0, len(block.text),
                date=date_in(ctx, block, block.text[at + len(name):]), domestic=domestic)
    if fact and not own:
        _mark_untyped(ctx, fact)
    return {found[0].key} if fact else set()


def _domestic_entry(ctx: Context, block: Block, rtype: str) -> set[str]:
    """A Japanese municipality named on a line of its own with its prefecture ("A市(B県)",
    "B県A市"), under a relation-word heading: a domestic partner's entry, dated and typed by
    its record below."""
    if block.first_line != block.last_line or len(block.text) > 30:
        return set()
    named = ctx.local_governments(block)
    cities = [m for m in named if m.entity and m.entity.kind == "city"]
    if len(cities) > 1 and len(named) == 3:  # "北海道C郡A村" may read "C郡" as a name too
        cities = [cities[-1]]
        named = [m for m in named if m.entity and m.entity.kind == "prefecture"] + cities
    prefectures = {m.entity.code for m in named if m.entity and m.entity.kind == "prefecture"}
    if len(cities) != 1 or len(named) != 2 or cities[0].entity.parent not in prefectures:
        return set()
    mention = cities[0]
    if ctx.publisher and mention.entity.code == ctx.publisher.code:
        return set()
    rest = block.text
    for m in named:
        rest = rest.replace(m.surface, "")
    own = RELATION_RE.match(rest.strip())  # "姉妹都市 A市(B県)": the entry's own kind
    rest = rest.replace(own.group(0), "", 1) if own else rest
    if re.sub(r"[\s()（）\d.・\-①-⑳]|[一-龥]{1,4}郡", "", rest):
        return set()  # more than the names, their district and brackets ("B県C郡A村")
    record = record_of(ctx, block, mention)
    kind = own.group(0) if own else record.kind if record else None
    span = Span(block.first_line, record.last, "\n".join(
        ctx.lines[block.first_line - 1:record.last])) if record else None
    fact = _add(ctx, block, mention, type_of(kind) if kind else rtype, 0, len(block.text),
                date=record.date if record else None, derived=bool(record and record.derived),
                span=span, domestic=True)
    if fact and not kind:
        _mark_untyped(ctx, fact)
    return {mention.entity.key} if fact else set()


def _japanese_partner_after(ctx: Context, block: Block, rel: re.Match) -> str | None:
    """A Japanese municipality other than the publisher named right after the relation word
    ("クリチバの姉妹都市である姫路市" in a prefecture's page): the partner is that one's."""
    after = re.match(r"\s*(?:である|の)\s*", block.text[rel.end():])
    if not after:
        return None
    at = rel.end() + after.end()
    for m in ctx.local_governments(block):
        if m.start == at and m.entity and m.entity.kind == "city" and not (
                ctx.publisher and m.entity.code == ctx.publisher.code):
            return m.surface
    return None


def _japanese_city(ctx: Context, name: str) -> list:
    """A Japanese municipality a name means, in kanji or in romaji ("Springfield" is none)."""
    from citykg.loaders.extract.publisher import _by_romaji, romaji_key

    found = [e for e in ctx.japan.lookup(name, "city")]
    if not found and re.fullmatch(r"[A-Za-z][A-Za-z\- ]{2,30}", name):
        bare = re.sub(r"\s+(?:City|Town|Village)$", "", name)
        found = [e for e in _by_romaji(ctx.japan).get(romaji_key(bare), ()) if e.kind == "city"]
    return found


def _mark_untyped(ctx: Context, fact: Fact) -> None:
    """An entry typed only by the heading it stands under: a type the partner is given
    elsewhere wins ("…A市は、姉妹都市ではなく「友好都市」")."""
    (ctx._collective if ctx._collective_heading else ctx._yielding).add(id(fact))


def _line_entries(ctx: Context, block: Block, rtype: str, taken: set[str]) -> set[str]:
    """Entries a paragraph holds one a line, as pages dumped from layouts do ("11,300 km from
    Kurashiki" / "St Polten" / "Republic of Austria"): each partner opening a line after the
    first, dated by the rest of its line or by its record."""
    found = set()
    for m in partner_mentions(ctx, block):
        line = bisect.bisect_right(block.offsets, m.start) - 1
        if line == 0 or m.entity.key in taken | found or m.entity.division \
                or len(block.text[block.offsets[line]:m.start].strip(" ・-()0123456789.")) > 0:
            continue
        end = block.offsets[line + 1] if line + 1 < len(block.offsets) else len(block.text)
        date = date_in(ctx, block, block.text[m.end:end])
        own = RELATION_RE.search(block.text, m.end, end)
        kind, span, derived = own.group(0) if own else None, None, False
        if date is None and (record := record_of(ctx, block, m)):
            date, kind, derived = record.date, kind or record.kind, record.derived
            span = Span(block.line_at(m.start), record.last,
                        "\n".join(ctx.lines[block.line_at(m.start) - 1:record.last]))
        fact = _add(ctx, block, m, type_of(kind) if kind else rtype, m.start, end, date=date,
                    span=span, derived=derived)
        if fact and not kind:
            _mark_untyped(ctx, fact)
        found.add(m.entity.key)
    return found


ADMIN_AREA = re.compile(r"(?<!\S)\S{2,12}?(?:州|省|自治区|特別行政区|道|県|地域圏|郡)(?=\s)")


def _entry_name(ctx: Context, block: Block, partners: list[Mention]) -> Mention | None:
    """The partner an entry opens with, after the country and state that may qualify it
    ("米国 テキサス州 サンアントニオ市(昭和62年10月)")."""
    if not partners:
        return None
    if partners[0].start <= 4 and not partners[0].entity.division:
        return partners[0]  # "(1) シアトル市…": the usual entry
    qualifiers = [*ctx.mentions(block, {"country", "region"}),
                  *(m for m in partners if m.entity.division)]
    for m in partners:
        if m.entity.division and m is not partners[-1]:
            continue  # a state before the city it qualifies; alone, a partner of its own
        lead = block.text[:m.start]
        for q in qualifiers:
            if q.end <= m.start:
                lead = lead[:q.start] + " " * (q.end - q.start) + lead[q.end:]
        lead = ADMIN_AREA.sub("", lead)  # "広西チワン族自治区", a state the gazetteer lacks
        lead = re.sub(r"[\s・、]", "", lead)
        # "(1) ", "① ": a number, not words ("市はカリフォルニア州で…" opens no entry)
        return m if len(lead) <= 4 and not re.search(r"[ぁ-ゖ]", lead) else None
    return None


def _next_cells(ctx: Context, block: Block):
    """A table dumped one cell a line: the date in the cells after the partner's, before the
    next partner's ("シアトル市" / "アメリカ" / "1957年10月21日"), and the kind when the table
    has it in a column after the name ("… / 1977年4月1日 / 姉妹都市"): (date, kind, the
    last block taken)."""
    date, kind, last = None, None, block
    position = ctx.position(block)
    previous = block
    for nxt in ctx.blocks[position + 1:position + 5]:
        if nxt.first_line != nxt.last_line or nxt.first_line != previous.last_line + 1 \
                or len(nxt.text) > 20 or nxt.kind == "heading" or partner_mentions(ctx, nxt):
            break
        previous = nxt
        if date is None and re.search(r"\d", nxt.text) and (date := date_in(ctx, nxt, nxt.text)):
            last = nxt
        elif kind is None and (word := _kind_in(nxt)):
            kind, last = word, nxt
    before = ctx.blocks[position - 1] if position else None
    # a kind cell right before the name is the kind of a kind-first table, unless the
    # table has shown its kind after the name already
    if kind and before and _is_kind_cell(before) and not ctx._kind_last:
        return date, None, last if date else block
    ctx._kind_last = bool(kind)
    return date, kind, last if date or kind else block


def _date_in_record(ctx: Context, block: Block):
    """An entry followed by its record: "1 バッファロー市(アメリカ合衆国)" / "区分:姉妹都市" /
    "提携年月日   昭和37年12月19日" / "人口 …". (date, the date's block, kind) or (None, block,
    kind)."""
    own = {m.entity.key for m in partner_mentions(ctx, block)}
    kind = None
    for nxt in ctx.blocks[ctx.position(block) + 1:ctx.position(block) + 8]:
        if nxt.kind in ("heading", "item") or nxt.kind != "row" and any(
                m.entity.key not in own for m in partner_mentions(ctx, nxt)):
            break
        cells = [c for c in nxt.cells if c]
        if nxt.kind != "row" or len(cells) != 2:
            continue
        if word := _kind_in(nxt):
            kind = word
        elif KV_DATE.match(cells[0].replace(" ", "")):
            return date_in(ctx, nxt, cells[1]), nxt, kind
    return None, block, kind


def _kind_in(block: Block) -> str | None:
    """The relation word of a kind cell ("姉妹都市") or of a record's kind ("区分:姉妹都市")."""
    if _is_kind_cell(block):
        return block.text
    cells = [c for c in block.cells if c]
    if block.kind == "row" and len(cells) == 2 and KV_TYPE.match(cells[0].replace(" ", "")) \
            and (word := RELATION_RE.search(cells[1])):
        return word.group(0)
    return None


def _is_kind_cell(block: Block) -> bool:
    return block.first_line == block.last_line and bool(RELATION_RE.fullmatch(block.text))


def _typed_row(ctx: Context, block: Block) -> str | None:
    """A table row with a column for the kind: "オマハ市 | アメリカ合衆国 | 1965年5月24日 | 姉妹都市"
    (tabs, or spaces where a numbered row reads as a heading)."""
    if block.kind not in ("row", "heading") or not RELATION_RE.search(block.text):
        return None
    cells = block.cells if block.kind == "row" else block.text.split()
    # "姉妹都市", "姉妹都市提携", "連携協定(観光分野)", "青少年交流協定"
    kinds = [c for c in cells if c and KIND_CELL.fullmatch(
        re.sub(r"提携$|\s*[(（][^)）]{1,20}[)）]$", "", c))]
    if len(kinds) != 1:
        return None
    found = partner_mentions(ctx, block)
    # a state in a country's cell ("アメリカ合衆国(カリフォルニア州)") qualifies the partner
    partners = [m for m in found if not m.entity.division] or _unknown_in_cells(ctx, block) \
        or found
    partners = list({m.entity.key: m for m in reversed(partners)}.values())  # "光州広域市〔クァンジュ〕"
    if len(partners) != 1:
        return None
    partner = partners[0]
    rtype = type_of(RELATION_RE.search(kinds[0]).group(0))
    _add(ctx, block, partner, rtype, 0, len(block.text),
         date=date_in(ctx, block, block.text[partner.end:]))
    return rtype


def _unknown_in_cells(ctx: Context, block: Block) -> list[Mention]:
    """A city the gazetteer lacks, in a row with its country in a cell of its own (its
    state in brackets, a footnote mark after the name: "ソノマ郡※2")."""
    cells = [c for c in (re.sub(r"\s*[(（][^)）]*[)）]$|※\d*$", "", c)
                         for c in (block.cells or block.text.split())) if c]
    countries = [e for c in cells for e in ctx.world.lookup(c, "country")]
    names = [c for c in cells if re.fullmatch(r"[^\d\s]{1,20}(?:市|区|州|郡|町|村)", c)
             and not RELATION_RE.search(c)]
    if len(countries) != 1 or len(names) != 1 or countries[0].key == "jp":
        return []
    start = block.text.find(names[0])
    city = unknown_city(ctx, names[0], countries[0], block.first_line)
    return [Mention(start, start + len(names[0]), names[0], (city,))]


def _kv_record(ctx: Context, block: Block) -> bool:
    """CLAIR-style records: "提携先都市名<TAB>ロチェスター市", "国名<TAB>アメリカ合衆国",
    "提携年月日<TAB>1996/11/18", "提携の種類<TAB>姉妹都市"; a record ends at a blank line."""
    cells = [c for c in block.cells if c]
    if len(cells) != 2:  # more cells: a table row ("姉妹都市 | アスンシオン市 | パラグアイ | …")
        return False
    key, value = cells[0].replace(" ", ""), cells[1]
    record = ctx._record
    # a blank line ends it; a table's rule ("|---|---|") or a sub-title ("提携情報") does not
    if record and any(not line.strip() for line in
                      ctx.lines[record["last"].last_line:block.first_line - 1]):
        _flush_record(ctx)
    if KV_PARTNER.match(key) or RELATION_RE.fullmatch(key):
        if record:
            _flush_record(ctx)
        record.update(partner=value, first=block, last=block)
        if RELATION_RE.fullmatch(key):  # "姉妹都市:ダルエスサラーム市": the key is the type
            record["type"] = key
        return True
    field = ("date" if KV_DATE.match(key) else "type" if KV_TYPE.match(key)
             else "country" if KV_COUNTRY.match(key) else "state" if KV_STATE.match(key) else None)
    if field and record:
        record[field], record["last"] = value, block
        return True
    return False


def _flush_record(ctx: Context) -> None:
    record = ctx._record
    if "partner" not in record:
        record.clear()
        return
    first, last = record["first"], record["last"]
    partner = _record_partner(ctx, record["partner"], record.get("country", ""), last)
    rtype = "sister"
    if "type" in record:
        words = RELATION_RE.findall(record["type"])
        rtype = type_of(words[0]) if words else "cooperation"
    date = date_in(ctx, last, record["date"]) if "date" in record else None
    record.clear()
    if partner:
        ctx.out.add("relation", ctx.block_span(first, last), type=rtype, partner=partner,
                    start=date, derived=False, anniversary=None)


def _record_partner(ctx: Context, name: str, country: str, block: Block):
    if m := re.fullmatch(r"(.+?)\s*[(（]([^)）]{1,20})[)）]", name.strip()):
        name, country = m[1], country or m[2]  # "ダルエスサラーム市(タンザニア)"
    found = ctx.world.lookup(name, "city")
    countries = ctx.world.lookup(country, "country") if country else []
    if len(found) > 1 and len(countries) == 1:
        found = [e for e in found if e.country == countries[0].key]
    if len(found) == 1:
        return found[0]
    if found:
        ctx.out.report(block.first_line, f"partner {name} is ambiguous: "
                       f"{', '.join(e.label_en for e in found)}", name)
        return None
    return unknown_city(ctx, name, countries[0] if len(countries) == 1 else None, block.first_line)


def _aid(ctx: Context, block: Block) -> None:
    if "支援" not in block.text and "援助" not in block.text:
        return  # what AID ends in: no need to look for partners
    for m in partner_mentions(ctx, block):
        hit = AID.match(block.text[m.end:m.end + 16])
        if hit:
            ctx.out.add("relation", ctx.span(block, m.start, m.end + hit.end()), type="aid",
                        partner=m.entity, start=None, derived=False, anniversary=None)


def _add(ctx: Context, block: Block, mention: Mention, rtype: str, start: int, end: int, *,
         date=None, anniversary: int | None = None, upcoming: bool = False,
         span: Span | None = None, derived: bool = False, domestic: bool = False) -> Fact | None:
    if not domestic and (other := other_owner(ctx, block, mention)):
        ctx.out.report(block.line_at(mention.start), f"{other}'s agreement with {mention.surface}, "
                       "not the publisher's: not recorded", block.text[:120])
        return None
    if date is None and anniversary and upcoming and ctx.fiscal_year:
        date, derived = normalise.PartialDate(ctx.fiscal_year - anniversary), True
    return ctx.out.add("relation", span or ctx.span(block, start, end), type=rtype,
                       partner=mention.entity, start=date, derived=derived,
                       anniversary=anniversary)


def _strip_publisher(ctx: Context, text: str) -> str:
    for name in sorted(ctx.publisher_names(), key=len, reverse=True):
        text = text.replace(name, "")
    return text


def merge_relations(facts) -> None:
    """Keep one start per (type, partner): an explicit date wins over a derived one."""
    best: dict[tuple[str, str], tuple] = {}
    for f in facts:
        if f.kind != "relation" or not f.data.get("start"):
            continue
        k = (f.data["type"], f.data["partner"].key)
        rank = (not f.data["derived"], f.data["start"].precision != "year")
        if k not in best or rank > best[k][0]:
            best[k] = (rank, f.data["start"], f.data["derived"])
    for f in facts:
        if f.kind == "relation":
            k = (f.data["type"], f.data["partner"].key)
            if k in best:
                f.data["start"], f.data["derived"] = best[k][1], best[k][2]
