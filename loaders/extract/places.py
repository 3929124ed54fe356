"""Foreign cities named in a block: gazetteer matches, and names the gazetteer lacks that the
text marks as places by a country in brackets ("アカプルコ市(メキシコ)")."""
from __future__ import annotations

import re

import hanja
from korean_romanizer.romanizer import Romanizer
from pypinyin import lazy_pinyin

from citykg.core.gazetteer import Entity, Mention
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.words import WORD_RE
from citykg.loaders.labels import romanise
from citykg.loaders.segment import Block

CHINESE = {"cn", "tw", "hk", "mo"}
KOREAN = {"kr", "kp"}
KANJI = re.compile(r"[一-龥]+")
UNKNOWN_CITY = re.compile(
    r"(?<![ァ-ヺー・])([ァ-ヺー・]{2,20}|[一-龥]{1,6}?(?=特別市|広域市|市|区|郡|鎮))"
    r"(特別市|広域市|市|都|州|区|町|村|郡|鎮)?\s*[（(]([^）)]{1,30})[）)]")


# A bracket that says what a thing is rather than where: "(ペルーの民族楽器)"
DESCRIPTION = re.compile(r"の(?![^、,・\s]*(?:州|省|県|市|道|区|郡)$)[^、,・\s]+$")
# "Shelbyville, Indiana (United States of America)": an English name, maybe its state, then its
# country in brackets
ENGLISH_CITY = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3})"
                          r"(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?\s*\(([A-Z][^()]{1,40})\)")
# "アメリカ合衆国のボウマンビル市": a name the gazetteer lacks, qualified by its country before it
# ("米国・A市": or joined to it by a dot)
QUALIFIED_CITY = re.compile(r"[の・]([ァ-ヺー・]{2,20}|[一-龥]{1,5}?)(市|町|村|郡|州|区|県)(?![ァ-ヺー一-龥])")


IN_BRACKET = re.compile(r"\s*[(（〔][^)）〕]*")
# What may stand between a state and the city in it: nothing, の, a space
LOCATES = re.compile(r"\s*(?:の|にある|に位置する)?\s*")  # "オハイオ州にあるA市" too
# A city the gazetteer lacks, right after its state ("テキサス州ボウマン市")
CITY_AFTER = re.compile(r"\s*(?:の|にある|に位置する)?\s*((?<![ァ-ヺー])[ァ-ヺー・]{2,20}|[一-龥]{1,5}?)(市|町|村|郡)"
                        r"(?![ァ-ヺー一-龥])")
# A district right after its city, written in kanji ("上海市徐匯区", "ソウル特別市江南区")
DISTRICT_AFTER = re.compile(r"([一-龥]{1,4}区)(?![一-龥])")
# Words before 市/区 that pick cities out rather than name one ("浙江省各市", "州内の全市")
DETERMINER = re.compile(r"[各全両同本当他諸某]|[州省県道]?内の?[各全]?|一部の?|主要|周辺")
NOT_DISTRICT = re.compile(r"(園区|開発区|地区|市区|特区)$")  # parks, zones, "the city area"
# "Maple Grove, Minnesota": in English the state follows its city after a comma
STATE_AFTER_COMMA = re.compile(r",\s*")
# "フリーマントル港湾公社", "シアトル商工会議所": a body named after the city, not the city
ORGANISATION_AFTER = re.compile(r"港湾公社|港湾局|公社|大学|商工会議所|空港|銀行|港務局")


def partner_mentions(ctx: Context, block: Block) -> list[Mention]:
    """Cities (not countries, not the publisher) in a block, in text order."""
    cache_ = ctx._partners
    if id(block) not in cache_:
        known = []
        for m in ctx.mentions(block, {"city"}):
            if len(m.entities) > 1 and all(e.kind == "city" for e in m.entities):
                m = _by_country(ctx, block, m)
            if m and m.entity and m.entity.kind == "city":
                known.append(m)
        found = known + _unknown(ctx, block, known)
        found += _long_vowel_variants(ctx, block, found)
        found += _glued_to_country(ctx, block, found)
        found += _name_over_country(ctx, block, found)
        found += _domestic(ctx, block, found)
        found = _narrowest(ctx, block, sorted(found + _seen_unknown(ctx, block, found),
                                              key=lambda m: m.start))
        # "コーパスクリスティ市(米国テキサス州)": a state in the brackets after a city is where
        # the city lies, not a partner of its own
        cache_[id(block)] = [m for i, m in enumerate(found) if not (
            m.entity.division and i and (IN_BRACKET.fullmatch(block.text, found[i - 1].end, m.start)
                                         or STATE_AFTER_COMMA.fullmatch(block.text, found[i - 1].end, m.start))
            or ORGANISATION_AFTER.match(block.text, m.end))]
    return cache_[id(block)]


# "長野県松本市", "松本市(長野県)": the prefecture that tells a shared name apart
PREFECTURE_BRACKET = re.compile(r"\s*[(（]\s*([^)）]{2,5}[都道府県])\s*[)）]")


COUNTY = re.compile(r"(?:[一-龥]{1,4}郡)?")


def _domestic(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """Japanese municipalities named in a block (a domestic partner), not the publisher, not
    where a foreign name stands; a name several share is told apart by its prefecture. One in a
    sentence that names a foreign city is that city's other party, not the publisher's partner
    ("日本で最初の姉妹提携は、A市と米国のB市の間で結ばれた")."""
    publisher = ctx.publisher.code if ctx.publisher else None
    mentions = ctx.local_governments(block)
    out = []
    for i, m in enumerate(mentions):
        if any(k.start < m.end and m.start < k.end for k in found):
            continue
        cities = [e for e in m.entities if e.kind == "city"]
        if len(cities) > 1:
            before = mentions[i - 1] if i and mentions[i - 1].end == m.start else None
            after = PREFECTURE_BRACKET.match(block.text, m.end)
            prefecture = before.entity.label_ja if before and before.entity \
                and before.entity.kind == "prefecture" else after[1] if after else None
            cities = [e for e in cities if prefecture and _in_prefecture(ctx, e, prefecture)]
        if len(cities) != 1 or cities[0].code == publisher:
            continue
        sentence_start = block.text.rfind("。", 0, m.start) + 1
        sentence_end = block.text.find("。", m.end) % (len(block.text) + 1)
        if any(sentence_start <= k.start < sentence_end for k in found):
            continue
        start = m.start
        if i and mentions[i - 1].entity and mentions[i - 1].entity.kind == "prefecture" \
                and COUNTY.fullmatch(block.text, mentions[i - 1].end, m.start):
            start = mentions[i - 1].start  # "北海道虻田郡真狩村" names one place
        out.append(Mention(start, m.end, block.text[start:m.end], (cities[0],)))
    return out


def _in_prefecture(ctx: Context, city: Entity, prefecture: str) -> bool:
    found = ctx.japan.lookup(prefecture, "prefecture")
    return len(found) == 1 and city.parent == found[0].code


# a katakana name with the suffix that marks it a place: "…ール州", "…ーグ市"
SUFFIXED_KATAKANA = re.compile(r"(?<![ァ-ヺー・])([ァ-ヺ][ァ-ヺー・]{1,20})(州|省|市)(?![ァ-ヺー一-龥])")
_WITHOUT_LONG_VOWELS: dict[int, dict[str, list[Entity]]] = {}  # by id of the gazetteer


def _long_vowel_variants(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """A city or state the gazetteer has under another transcription of its long vowels
    ("…ゴイアース州" for "…ゴイアス州", "…ベーク市" for "…ベク市"): a katakana name marked a place
    by its suffix, matched without its ー, where that names one place only."""
    if "ー" not in block.text:
        return []
    index = _WITHOUT_LONG_VOWELS.get(id(ctx.world))
    if index is None:
        index = {}
        for e in ctx.world.entities:
            if e.kind == "city" and e.label_ja:
                index.setdefault(e.label_ja.replace("ー", ""), []).append(e)
        _WITHOUT_LONG_VOWELS[id(ctx.world)] = index
    out = []
    for m in SUFFIXED_KATAKANA.finditer(block.text):
        if "ー" not in m.group(1) or any(k.start < m.end() and m.start() < k.end for k in found):
            continue
        label = m.group(1) + m.group(2)
        if ctx.world.lookup(label):
            continue
        entities = index.get(label.replace("ー", ""), [])
        if len(entities) == 1:
            out.append(Mention(m.start(), m.end(), label, (entities[0],)))
    return out


_COUNTRY_PREFIXES: dict[int, list[str]] = {}  # katakana country names, longest first


def _glued_to_country(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """A state or city written right after its country, in one run of katakana ("ブラジル
    パラナ州" for ブラジルのパラナ州), which the gazetteer's search does not cut: the name after
    the country, where it names one place."""
    prefixes = _COUNTRY_PREFIXES.get(id(ctx.world))
    if prefixes is None:
        names = {n for e in ctx.world.entities if e.kind == "country"
                 for n in (e.label_ja, *e.aliases) if re.fullmatch(r"[ァ-ヺー]{2,12}", n or "")}
        prefixes = _COUNTRY_PREFIXES[id(ctx.world)] = sorted(names, key=len, reverse=True)
    out = []
    for m in SUFFIXED_KATAKANA.finditer(block.text):
        if any(k.start < m.end() and m.start() < k.end for k in found):
            continue
        country = next((c for c in prefixes if m.group(1).startswith(c)
                        and len(m.group(1)) - len(c) >= 2), None)
        if not country:
            continue
        start = m.start() + len(country)
        label = block.text[start:m.end()].lstrip("・")
        entities = [e for e in ctx.world.lookup(label) if e.kind == "city"]
        if len(entities) == 1 and not ctx.world.lookup(m.group(0)):
            out.append(Mention(m.end() - len(label), m.end(), label, (entities[0],)))
    return out


LATIN_NAME_LINE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}")
_CITIES_OF: dict[tuple[int, str], list[Entity]] = {}  # by id of the gazetteer and country


def _name_over_country(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """A line that is a bare English name, over a line that is a country only ("Springfeld" /
    "United States of America"), as pages of one-a-line entries have them: a city of that
    country; a name the gazetteer spells otherwise (a letter more, less or changed) is taken
    where one of that country's cities alone is that close; else a city it lacks."""
    if block.first_line == block.last_line:
        return []
    texts = block.line_texts()
    out = []
    for i, (offset, text) in enumerate(zip(block.offsets, texts, strict=True)):
        name = text.strip()
        if i + 1 >= len(texts) or not LATIN_NAME_LINE.fullmatch(name) or ctx.world.lookup(name):
            continue
        countries = ctx.world.lookup(texts[i + 1].strip(), "country")
        start = offset + text.find(name)
        if len(countries) != 1 or countries[0].key == "jp" or any(
                k.start < start + len(name) and start < k.end for k in found):
            continue
        key = (id(ctx.world), countries[0].key)
        if key not in _CITIES_OF:
            _CITIES_OF[key] = [e for e in ctx.world.entities if e.kind == "city"
                               and e.country == countries[0].key and not e.division]
        close = [e for e in _CITIES_OF[key] if _one_edit(name.lower(), e.label_en.lower())]
        entity = close[0] if len(close) == 1 else unknown_city(
            ctx, name, countries[0], block.line_at(start))
        out.append(Mention(start, start + len(name), name, (entity,)))
    return out


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter added, dropped or changed (not both short)."""
    if a == b or min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _seen_unknown(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """Cities the gazetteer lacks that the page marked as places earlier ("米国のオックスナード
    市"), where it names them again unmarked ("オックスナード市について")."""
    out = []
    for label, entity in ctx._unknown_cities.items():
        start = block.text.find(label)
        while start >= 0:
            end = start + len(label)
            if not any(m.start < end and start < m.end for m in found + out):
                out.append(Mention(start, end, label, (entity,)))
            start = block.text.find(label, end)
    return out


def _narrowest(ctx: Context, block: Block, found: list[Mention]) -> list[Mention]:
    """The party a run of place names means is its last, narrowest one: the city, not its
    state ("オレゴン州ビーバートン市", "ワシントン州のスポケーン市"), the district, not its
    city ("上海市徐匯区")."""
    out: list[Mention] = []
    for i, m in enumerate(found):
        after = found[i + 1] if i + 1 < len(found) else None
        if after and m.entity.division and LOCATES.fullmatch(block.text, m.end, after.start):
            continue  # the state only says where the city is
        if m.entity.division and (hit := CITY_AFTER.match(block.text, m.end)) \
                and DETERMINER.fullmatch(hit[1]):
            continue  # "浙江省各市": cities of the province, none named
        if m.entity.division and (hit := CITY_AFTER.match(block.text, m.end)) and not (
                after and after.start < hit.end()) and not ctx.world.lookup(hit[1]):
            label = hit[1] + hit[2]
            country = ctx.world.by_key("country", m.entity.country)
            m = Mention(hit.start(1), hit.end(), label,
                        (unknown_city(ctx, label, country, block.line_at(hit.start(1))),))
        elif m.entity.country in CHINESE | KOREAN and not m.entity.division and \
                (hit := DISTRICT_AFTER.match(block.text, m.end)) and not (
                after and after.start < hit.end()) and not NOT_DISTRICT.search(hit[1]) \
                and not DETERMINER.fullmatch(hit[1][:-1]):
            country = ctx.world.by_key("country", m.entity.country)
            m = Mention(hit.start(1), hit.end(), hit[1], (unknown_city(
                ctx, hit[1], country, block.line_at(hit.start(1))),))
        out.append(m)
    return out


def _by_country(ctx: Context, block: Block, m: Mention) -> Mention | None:
    """A name several cities share (オークランド: Auckland, Oakland) told apart by the country
    the block names: the one in brackets right after the name, else the only one named."""
    countries = [c for c in ctx.mentions(block, {"country"}) if c.entity]
    right_after = [c for c in countries if 0 <= c.start - m.end <= 2]
    for candidates in (right_after, countries):
        keys = {c.entity.key for c in candidates}
        found = [e for e in m.entities if e.country in keys]
        if len(found) == 1:
            return Mention(m.start, m.end, m.surface, (found[0],))
    reported = ctx._ambiguous
    if m.surface not in reported:
        reported.add(m.surface)
        ctx.out.report(block.line_at(m.start), f"city {m.surface} is ambiguous: "
                       f"{', '.join(e.label_en for e in m.entities)}; not used", m.surface)
    return None


def _unknown(ctx: Context, block: Block, known: list[Mention]) -> list[Mention]:
    found = []
    for m in UNKNOWN_CITY.finditer(block.text) if "(" in block.text else ():
        if any(k.start <= m.start(1) < k.end for k in known):
            continue
        country = _country(ctx, m.group(3))
        name = m.group(1).strip("・")
        if DESCRIPTION.search(m.group(3)):
            continue  # "ケーナ(ペルーの民族楽器)": what it is, not where
        if not country or country.key == "jp" or ctx.world.lookup(name):
            continue
        label = name + (m.group(2) or "")
        entity = unknown_city(ctx, label, country, block.line_at(m.start()))
        found.append(Mention(m.start(1), m.end(2) if m.group(2) else m.end(1), label, (entity,)))
    for m in ENGLISH_CITY.finditer(block.text) if "(" in block.text else ():
        if any(k.start < m.end(1) and m.start(1) < k.end for k in known + found):
            continue
        country = ctx.world.lookup(m.group(2).strip(), "country")
        name = re.sub(rf"^(?:{WORD_RE.pattern})\s+", "", m.group(1))  # "Sister City Shelbyville"
        if not name or len(name) < 3:
            continue
        if len(country) != 1 or country[0].key == "jp" or ctx.world.lookup(name):
            continue
        entity = unknown_city(ctx, name, country[0], block.line_at(m.start()))
        found.append(Mention(m.end(1) - len(name), m.end(1), name, (entity,)))
    for m in QUALIFIED_CITY.finditer(block.text):
        taken = known + found
        if any(k.start < m.end() and m.start(1) < k.end for k in taken):
            continue
        before = re.split(r"[\s、。,()・]", block.text[max(0, m.start() - 12):m.start()])[-1]
        country = _one_country(ctx, before)
        name = m.group(1).strip("・")
        if m.group(0)[0] == "・" and "・" in name:
            continue  # "サンタ・カタリナ州": a dot inside a name
        if not country or country.key == "jp" or ctx.world.lookup(name) or \
                KANJI.fullmatch(name) and (country.key not in CHINESE | KOREAN
                                           or m.group(2) == "町"):
            continue  # a kanji name abroad is Chinese or Korean ("東京都の港区" is not),
            # and neither names a place 町 ("中国の港町" is a port town)
        label = name + m.group(2)
        entity = unknown_city(ctx, label, country, block.line_at(m.start(1)))
        found.append(Mention(m.start(1), m.end(2), label, (entity,)))
    for c in ctx.mentions(block, {"country"}):
        # "カナダ国レイクカウチン町", "アメリカ合衆国ボウマン市": right after its country
        hit = COUNTRY_CITY.match(block.text, c.end)
        if not hit or not c.entity or c.entity.key == "jp" or any(
                k.start < hit.end() and hit.start(1) < k.end for k in known + found) \
                or ctx.world.lookup(hit[1] + hit[2]):
            continue
        label = hit[1] + hit[2]
        entity = unknown_city(ctx, label, c.entity, block.line_at(hit.start(1)))
        found.append(Mention(hit.start(1), hit.end(), label, (entity,)))
    for m in STATE_CITY.finditer(block.text) if "州" in block.text else ():
        if any(k.start < m.end() and m.start(2) < k.end for k in known + found):
            continue
        states = ctx.world.lookup(m.group(1))
        before = re.split(r"[\s、。,()・]", block.text[max(0, m.start() - 12):m.start()])[-1]
        country = _one_country(ctx, before) or (
            ctx.world.lookup(states[0].country, "country")[0]
            if len(states) == 1 and ctx.world.lookup(states[0].country, "country") else None)
        name = m.group(2).strip("・")
        if not country or country.key == "jp" or ctx.world.lookup(name + m.group(3)):
            continue
        label = name + m.group(3)
        entity = unknown_city(ctx, label, country, block.line_at(m.start(2)))
        found.append(Mention(m.start(2), m.end(3), label, (entity,)))
    return found


# "米国ケンタッキー州ジョージタウン市", "アメリカ合衆国オレゴン州ビーバートン市": a city the
# gazetteer lacks, after its state (and its country)
STATE_CITY = re.compile(r"([ァ-ヺー・]{2,12}州)([ァ-ヺー・]{2,20})(市|町|村)(?![ァ-ヺー一-龥])")


COUNTRY_CITY = re.compile(r"国?\s*([ァ-ヺー・]{2,20})(市|町|村)(?![ァ-ヺー一-龥])")


def _one_country(ctx: Context, text: str) -> Entity | None:
    """The country `text` ends with ("本市は、アメリカ合衆国" → the United States)."""
    for start in range(len(text) - 1):
        found = ctx.world.lookup(text[start:], "country")
        if found:
            return found[0] if len(found) == 1 else None
    return None


def unknown_city(ctx: Context, label: str, country: Entity | None, line: int) -> Entity:
    """A city the gazetteer lacks, keyed by its romanised name; reported for a person to add."""
    bare = re.sub(r"(特別市|広域市|市|都|州|区|町|村|郡|鎮)$", "", label) or label
    slug = _romanised(bare, country.key if country else "")
    where = country.label_en if country else "country unknown"
    ctx.out.report(line, f"city not in the gazetteer: {label} ({where}); "
                   "added without a Wikidata link", label)
    entity = Entity("city", slug, slug.replace("-", " ").title(), label,
                    country.key if country else "xx")
    if country and len(label) >= 3:
        ctx._unknown_cities.setdefault(label, entity)
    return entity


def _romanised(name: str, country: str) -> str:
    """A key for a name: a Chinese or Korean place written in kanji is read as Chinese or
    Korean read it (東城: Dongcheng, 栄州: Yeongju), not in Japanese (Tōjō, Eishū)."""
    if KANJI.fullmatch(name) and country in CHINESE:
        return "".join(lazy_pinyin(name))
    if KANJI.fullmatch(name) and country in KOREAN:
        return Romanizer(hanja.translate(name, "substitution")).romanize().replace(" ", "-")
    return romanise(name)


def _country(ctx: Context, text: str) -> Entity | None:
    """The country a bracket names first: "ベラルーシ", "オーストリア共和国 フォアアールベルク州",
    "米国テキサス州" (a country, then its state)."""
    for part in re.split(r"[、,・/\s]", text):
        part = part.strip()
        for end in range(len(part), 1, -1):
            found = ctx.world.lookup(part[:end], "country")
            if len(found) == 1:
                return found[0]
    return None
