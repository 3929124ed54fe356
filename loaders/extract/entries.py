"""An entry's record: the lines after a partner's entry, up to the next entry or heading, where a
page puts what it says of that partner ("提携日" / "1975年4月1日", "<昭和40年9月12日締結>",
"Partnership Established: March 3rd, 1966", "1963年、旧A町と姉妹都市となった…"). The
assembly step reads the agreement's date and its own relation word from there."""
from __future__ import annotations

import re
from dataclasses import dataclass

from citykg.core.gazetteer import Mention
from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.dates import elapsed_start
from citykg.loaders.extract.places import partner_mentions
from citykg.loaders.extract.status import STATUS
from citykg.loaders.extract.words import PLANNED, RELATION_RE, RELATIVE
from citykg.loaders.segment import Block

# A record's field for the agreement's date, its key alone or before its value:
# "提携日", "提携年月日", "姉妹都市提携:", "友好都市提携日:", "Partnership Established:", "est.",
# "The conclusion day :", "Date of Affiliation:"
DATE_KEY = re.compile(rf"^\s*[<＜〈‹(]?\s*(?:(?:{RELATION_RE.pattern})\s*)?"
                      r"(?:提携|締結|調印|縁組)(?:年月日|日|年月|年)?\s*(?:[:：]|$|\s)"
                      r"|^\s*(?:[Tt]he\s+)?(?:(?:Partnership|Agreement|Affiliation|Sister[- ]city|Twinning)\s+)?"
                      r"(?:[Ee]stablished|[Ss]igned|[Cc]oncluded|[Cc]onclusion(?:\s+(?:[Dd]ay|[Dd]ate))?"
                      r"|[Dd]ate\s+of\s+(?:[Aa]ffiliation|[Aa]greement|[Cc]onclusion|[Pp]artnership|[Ss]igning"
                      r"|[Tt]winning))\s*(?::|$|\s)|^\s*est\.\s*|^\s*いつから\s*(?:[:：]|$)"
                      # "Affiliated as a Sister City since:", "Sister city since"
                      r"|^\s*(?:[Aa]ffiliated|[Tt]winned|[Pp]artnered|[Ss]ister\s+[Cc]ity|[Ff]riendship\s+[Cc]ity)"
                      r"(?:\s+(?:as|with)\s+an?\s+[A-Za-z ]{3,30}?)?\s+since\s*(?::|$|\s)")
# A record's field naming the entry, its key alone on its line: "まちの名前", "都市名", "相手都市"
NAME_KEY = re.compile(r"^\s*(?:(?:まち|都市|市町村|自治体|相手|相手都市|提携先|提携都市)の?名(?:前|称)?"
                      r"|相手都市|提携先|名称)\s*[:：]?\s*$")
# What ties a date to the agreement in a sentence: a making verb, or a relation word it names
MAKING = re.compile(r"提携|締結|盟約|調印|縁組|結[びんぶ]|となっ|になっ|となり|になり|established|signed")
BECOMING = re.compile(r"となっ|になっ|となり|になり")  # a making verb only with a relation word
# the sentence is about a visit, a question, a merger: its date is not the agreement's
OTHER_EVENT = re.compile(r"訪問|来訪|視察|合併|質問|問い合わせ|開催|訪れ")
# clauses end at 、 and at the comma official texts also write (",", not "May 25, 1992")
CLAUSE_BREAK = re.compile(r"、|,(?![\s\d])")
# a visit on which the agreement was signed: "…代表団がA州を訪問し、同州知事と協定を結び" (the
# visit's clause runs on into the signing; "…を訪問した。" or "訪問の際" would not)
ON_THE_VISIT = re.compile(r"(?:を|に)(?:公式)?(?:訪問|来訪)し(?:、|,)(?=[^、,]*$)")
RECORD_LINES = 16  # how far a record may reach
# what may stand before the name that opens an entry: bullets and numbers, not words
# ("(1) ポートランド市", not "ちなみにA市は")
OPENING = re.compile(r"[^\s\d()（）.・\-‐*●○◆■①-⑳]")


@dataclass
class Record:
    date: normalise.PartialDate | None
    kind: str | None  # the record's own relation word
    last: int  # the record's last line used
    derived: bool = False  # the date follows from years elapsed ("32年前", "50周年")


def record_of(ctx: Context, block: Block, mention: Mention) -> Record | None:
    """What the entry `mention` opens says of its agreement: a date field first, else the
    first sentence that ties a date to a relation word or a making verb; also the relation
    word of that sentence or field. None when the record says nothing of either."""
    lines, others = _record_lines(ctx, block, mention)
    for i, (number, text) in enumerate(lines):
        key = DATE_KEY.match(text)
        if not key:
            continue
        value = text[key.end():].strip() or (lines[i + 1][1] if i + 1 < len(lines) else "")
        date = _date(value)
        if date:
            word = RELATION_RE.search(text[:key.end()])
            return Record(date, word.group(0) if word else None,
                          number if text[key.end():].strip() else lines[i + 1][0])
    kind, elapsed = None, None
    for number, text in lines:
        for sentence in sentences_of(text):
            if mention.surface not in sentence and any(o in sentence for o in others):
                continue  # a sentence about another partner
            word = RELATION_RE.search(sentence)
            making = MAKING.search(sentence)
            if making and not word and BECOMING.fullmatch(making.group(0)):
                making = None  # "…B県となり": becoming something, no agreement named
            anchors = [m.start() for m in (word, making) if m]
            if not anchors or STATUS.search(sentence):  # "…をもって提携を解消": its end's date
                continue
            if PLANNED.search(re.split(r"[、。]", sentence[max(anchors):])[0][:25]):
                continue  # "姉妹都市を結ぶ相手を探し始めた": not made yet
            own = word.group(0) if word else None
            if date := next((d for a in anchors if (d := tied_date(sentence, a))), None):
                return Record(date, own, number)
            if elapsed is None and (start := elapsed_start(ctx, sentence[min(anchors):])):
                elapsed = Record(start, own, number, derived=True)  # "姉妹都市になったのは27年前"
            kind = kind or (own if len(anchors) == 2 else None)
    if elapsed:
        return elapsed
    return Record(None, kind, lines[-1][0]) if kind else None


def tied_date(sentence: str, anchor: int):
    """The date tied to the relation word or making verb at `anchor`: the last one before it
    in its sentence, with no other event between ("1963年、旧A町と姉妹都市となった"; not
    "2001年4月、近隣3町と合併し、B市になりました"), or one right after it ("提携 1979年")."""
    parts = CLAUSE_BREAK.split(sentence[:anchor])
    for i in range(len(parts) - 1, -1, -1):
        if date := _date(parts[i]):
            between = "、".join(parts[i:])
            if OTHER_EVENT.search(ON_THE_VISIT.sub("", between)):
                return None
            return date
    after = re.split(r"[、。]", sentence[anchor:])[0][:50]  # "established on August 21, 1997"
    date = _date(after)
    at = re.search(r"\d{4}|[明大昭平令][^\s、。]{0,2}\d|[A-Z][a-z]+ \d", after) if date else None
    return None if at and RELATIVE.search(after[:at.start()]) else date  # "提携の翌年2014年"


def _record_lines(ctx: Context, block: Block,
                  mention: Mention) -> tuple[list[tuple[int, str]], set[str]]:
    """(line number, text) of the entry's line after the name, then of the lines after it, up
    to a heading or a line opening with another partner; and the names of the other partners
    these lines mention."""
    own = mention.entity.key
    out: list[tuple[int, str]] = []
    others: set[str] = set()
    start = ctx.position(block)
    for b in ctx.blocks[start:start + RECORD_LINES]:
        if b is not block and b.kind == "heading" and not field_heading(b):
            break
        partners = partner_mentions(ctx, b)
        others.update(m.surface for m in partners if m.entity.key != own)
        texts = b.line_texts()
        for offset, text in zip(b.offsets, texts, strict=True):
            if b is block and offset + len(text) <= mention.end:
                continue  # the lines before the entry's name
            if b is block and offset <= mention.start:
                text = block.text[mention.end:offset + len(text)]  # the entry's line after it
            elif any(m.entity.key != own and offset <= m.start <= offset + 6
                     and not OPENING.search(b.text, offset, m.start) for m in partners):
                return out, others  # the next entry
            out.append((b.line_at(offset), text))
            if len(out) >= RECORD_LINES:
                return out, others
    return out, others


def field_heading(block: Block) -> bool:
    """A heading that is a record's field: "<昭和32年5月26日締結>", or a field's key alone
    ("まちの名前", "いつから")."""
    return bool(MAKING.search(block.text)) and _date(block.text) is not None and len(block.text) < 30 \
        or bool(NAME_KEY.match(block.text) or DATE_KEY.fullmatch(block.text.strip()))


# a sentence: Japanese, or English ("…a World Heritage Site."; not "est. May 20")
SENTENCE_END = re.compile(r"。|(?<=[a-z]{2}[.!?])(?<!\best\.)(?:\s+(?=[A-Z])|\s*$)")


def is_prose(text: str) -> bool:
    """Text with a sentence in it, not a list's entry."""
    return bool(SENTENCE_END.search(text))


def sentences_of(text: str) -> list[str]:
    """The sentences of `text`, in order (the last may lack its end)."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    return [*out, text[start:]] if text[start:].strip() else out


def _date(text: str):
    try:
        return normalise.parse_date(text)
    except normalise.NormaliseError:
        return None
