"""Which local government published a document: the one its web address names (the first
`URL:` line: `city.<name>.lg.jp`, `pref.<name>.jp`…), else the one its text names most, the
title and headings counting more. Prefectures publish too."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from citykg.gazetteer import Entity, Gazetteer, Mention
from citykg.loaders.extract.context import Context
from citykg.loaders.prefilter import needs

URL_LINE = re.compile(r"^\s*URL\s*[:：]\s*(\S+)", re.IGNORECASE)
HOST = re.compile(r"(?<![a-z0-9.-])((?:[a-z0-9-]+\.)+jp)(?![a-z0-9-])")
# The host label before a local government's name says its level, and so which suffixes its
# Japanese name may end in (city.kitakyushu.lg.jp, town.x.y.jp, pref.hyogo.lg.jp).
DOMAIN_LEVELS = {"city": ("市", "区"), "town": ("町",), "vill": ("村",),
                 "pref": ("県", "府", "道", "都"), "metro": ("都",)}
# Romaji as domains spell it, folded to one form: long vowels written or not (oh, ou, uu),
# m or n before b/p/m, Kunrei or Hepburn (si/shi, ti/chi, tu/tsu, hu/fu, zi/ji).
ROMAJI_FOLDS = ((r"[^a-z]", ""), (r"o[uh](?![aeiou])", "o"), (r"ou", "o"), (r"uu", "u"),
                (r"aa", "a"), (r"m(?=[bpm])", "n"), (r"nn", "n"), (r"shi", "si"),
                (r"chi", "ti"), (r"tsu", "tu"), (r"fu", "hu"), (r"ji", "zi"), (r"sh", "sy"),
                (r"ch", "ty"), (r"j", "zy"))
# A prefecture's name that only says where a municipality lies (長野県大町市, 兵庫県内の都市),
# or that begins an association's name or a payment to one (静岡県協議会負担金), is not the
# prefecture as subject.
PREFECTURE_AS_PLACE = re.compile(r"\s*(?:内|下|在住|出身)|[一-龥ァ-ヶー・]{0,12}?(?:協議会|協会|連合会|振興会"
                                 r"|負担金|補助金|交付金)")
TITLE_WEIGHT, HEADING_WEIGHT = 3, 2
# Words a government uses of itself and its people, by level: a page that speaks as a
# prefecture (本県, 県民, 県立, 知事) is the prefecture's even where it names cities more.
SELF_WORDS = {"prefecture": re.compile(r"(?<![一-龥])(?:本県|当県|本道)|県民|県立|県内|県庁|県事務所|"
                                       r"知事|道民|府民|府立|都民|都立"),
              "city": re.compile(r"(?<![一-龥])(?:本市|当市|本町|本村)|市民|市立|市内|市役所|市長|町民|"
                                 r"町長|村民|村長|区民|区長")}  # not 松本市
# (each tried only on blocks holding one of its words, most hold none: its alternatives, the
# lookbehind left out)
_SELF = {level: re.sub(r"\(\?<!\[一-龥\]\)|\(\?:|\)", "", w.pattern).split("|")
         for level, w in SELF_WORDS.items()}
assert all(re.escape(w) == w for words in _SELF.values() for w in words), "SELF_WORDS: words only"
SELF_WORDS = {level: needs(w, _SELF[level]) for level, w in SELF_WORDS.items()}
# The government a sentence is about: named first, as its topic ("A市は、…", "本県では")
SUBJECT_AFTER = re.compile(r"\s*(?:は|では|が|として)")
SUBJECT_BEFORE = re.compile(r"(?:^|[。\n]|^\s*[・\-■◆●○])\s*$")


def romaji_key(text: str) -> str:
    key = text.lower()
    for pattern, repl in ROMAJI_FOLDS:
        key = re.sub(pattern, repl, key)
    return key


_ROMAJI: dict[int, dict[str, list[Entity]]] = {}  # by id of the gazetteer


def _by_romaji(japan: Gazetteer) -> dict[str, list[Entity]]:
    if id(japan) not in _ROMAJI:
        index: dict[str, list[Entity]] = defaultdict(list)
        for e in japan.entities:
            if e.kind in ("city", "prefecture") and e.label_en:
                index[romaji_key(e.label_en)].append(e)
        _ROMAJI[id(japan)] = index
    return _ROMAJI[id(japan)]


def url_of(ctx: Context) -> str | None:
    for line in ctx.lines[:3]:
        if m := URL_LINE.match(line):
            return m[1]
    return None


def from_domain(ctx: Context, url: str) -> Entity | None:
    """The local government a host name names: `city.himi.toyama.jp` → 氷見市 (the prefecture's
    label telling apart names several share), `web.pref.hyogo.lg.jp` → 兵庫県."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    # the host first, then any a proxy or cache carries in its path (…/https://www.pref.x.jp/)
    for candidate in dict.fromkeys([host, *HOST.findall(url.lower())]):
        if found := _government_of(ctx, candidate, url):
            return found
    return None


def _government_of(ctx: Context, host: str, url: str) -> Entity | None:
    labels = host.split(".")
    index = _by_romaji(ctx.japan)
    for i, label in enumerate(labels[:-1]):
        suffixes = DOMAIN_LEVELS.get(label)
        if not suffixes:
            continue
        found = [e for e in index.get(romaji_key(labels[i + 1]), ())
                 if e.label_ja.endswith(suffixes) and (e.kind == "prefecture") == (label in (
                     "pref", "metro"))]
        if len(found) > 1 and i + 2 < len(labels):
            prefectures = {e.code for e in index.get(romaji_key(labels[i + 2]), ())
                           if e.kind == "prefecture"}
            found = [e for e in found if e.parent in prefectures] or found
        if len(found) > 1:
            found = _designated(found) or found
        if len(found) == 1:
            return found[0]
        if found:
            ctx.out.report(1, f"the web address {host} names several local governments: "
                           f"{', '.join(e.label_ja for e in found)}", url)
    return None


def _designated(found: list[Entity]) -> list[Entity]:
    """Of the municipalities a bare host label names, the designated city: a name several share
    without a prefecture label in the host is the designated city's (the others' hosts carry
    their prefecture), e.g. a `city.<name>.lg.jp` shared by a designated city and a small town."""
    from citykg import jp_gazetteer

    table = jp_gazetteer.load()
    return [e for e in found if (m := table.by_code(e.code)) and m.kind == "designated_city"]


def infer_publisher(ctx: Context) -> Entity | None:
    url = url_of(ctx)
    if url and (found := from_domain(ctx, url)):
        return found
    counts = _counts(ctx)
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2) + [(None, 0)]
    if n > rest[0][1]:
        return best
    tied = [e for e, k in counts.items() if k == n]
    inside = [e for e in tied if e.kind == "city" and any(
        p.kind == "prefecture" and e.parent == p.code for p in tied)]
    if len(tied) == 2 and len(inside) == 1:
        return inside[0]  # 音威子府村 as often as 北海道: the prefecture says where the village is
    ctx.out.report(1, "the text names " + ", ".join(f"{e.label_ja} ({k})" for e, k in
                   counts.most_common(4)) + " as often as each other", "")
    return None


def _counts(ctx: Context) -> Counter[Entity]:
    """How often the text names each Japanese local government, the title and headings
    counting more. A name several municipalities share (伊達市) counts for the one in a
    prefecture named in the same block, else for none."""
    counts: Counter[Entity] = Counter()
    words = {level: sum(len(w.findall(b.text)) for b in ctx.blocks)
             for level, w in SELF_WORDS.items()}
    as_prefecture = words["prefecture"] >= 3 and words["prefecture"] > 2 * words["city"]
    for number, block in enumerate(ctx.blocks):
        mentions = ctx.local_governments(block)
        if URL_LINE.match(block.text):
            continue
        foreign = ctx.mentions(block, {"city"}) if mentions else []
        prefectures = {e.code for m in mentions for e in m.entities if e.kind == "prefecture"}
        weight = TITLE_WEIGHT if number == 0 or number == 1 and URL_LINE.match(
            ctx.blocks[0].text) else HEADING_WEIGHT if block.kind == "heading" else 1
        for i, m in enumerate(mentions):
            if any(w.start < m.start and m.end <= w.end for w in foreign):
                continue  # 津市 inside 天津市
            if as_prefecture:
                found = next((e for e in m.entities if e.kind == "prefecture"), None)
            else:
                found = _named(ctx, block, mentions, i, prefectures)
            if found:
                counts[found] += weight + _as_subject(block.text, m)
    return counts


def _as_subject(text: str, m: Mention) -> int:
    """1 where a sentence opens with the name as its topic, else 0."""
    return int(bool(SUBJECT_AFTER.match(text, m.end)
                    and SUBJECT_BEFORE.search(text[max(0, m.start - 4):m.start])))


def _named(ctx: Context, block, mentions: list[Mention], i: int,
           prefectures: set[str]) -> Entity | None:
    m = mentions[i]
    found = [e for e in m.entities if e.kind == "city"]
    if not found:
        prefecture = next((e for e in m.entities if e.kind == "prefecture"), None)
        after = mentions[i + 1] if i + 1 < len(mentions) else None
        if prefecture is None or after and after.start == m.end \
                or PREFECTURE_AS_PLACE.match(block.text, m.end):
            return None  # 長野県大町市: the prefecture only says where the city is
        return prefecture
    if len(found) > 1:
        found = [e for e in found if e.parent in prefectures]
        if len(found) != 1:
            ctx.out.report(block.first_line, f"{m.surface} names several municipalities; "
                           "name the prefecture nearby", m.surface)
    return found[0] if len(found) == 1 else None
