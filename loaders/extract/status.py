"""An agreement's status: exchanges suspended or the agreement ended, from the sentences that
say so ("2022年以降交流を停止", "提携を解消した"), unless they say it was resumed or deny it."""
from __future__ import annotations

import re

from citykg.gazetteer import Mention
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.dates import date_in, last_date_in, sentences
from citykg.loaders.extract.places import partner_mentions
from citykg.loaders.prefilter import needs
from citykg.loaders.segment import Block

# An agreement's exchanges stopped or the agreement ended: "2022年以降交流を停止している",
# "提携を解消した"; "…休止していたが再開した" leaves it active.
STATUS_VERBS = ("休止", "停止", "中断", "中止", "凍結", "見合わせ", "見合せ", "解消", "終了", "廃止", "解除", "破棄")
STATUS = needs(re.compile(r"(?:交流|提携|関係|協定|活動|覚書|派遣)[^。、]{0,20}?"
                          rf"({'|'.join(STATUS_VERBS)})"
                          r"|([Ss]uspended|[Tt]erminated|[Dd]issolved|[Ff]rozen)"),
               (*STATUS_VERBS, "uspended", "erminated", "issolved", "rozen"))
STATUS_OF = {**dict.fromkeys(("休止", "停止", "中断", "中止", "凍結", "見合わせ", "見合せ", "suspended",
                              "frozen"), "suspended"),
             **dict.fromkeys(("解消", "終了", "廃止", "解除", "破棄", "terminated", "dissolved"),
                             "ended")}
# ("再開の見通しは立っていない" is no resumption)
RESUMED = re.compile(r"再開(?!の(?:見通し|目途|めど|予定)|は未定|され(?:てい)?ない|していない|に向け)"
                     r"|[Rr]esumed")


def mark_statuses(ctx: Context) -> None:
    """A sentence naming partners and a stop or an end of exchanges with them sets the status
    of every agreement the document states with them."""
    agreements = [f for f in ctx.out.facts if f.kind == "relation" and f.data["type"] != "aid"]
    for block in ctx.blocks if agreements else ():
        if not STATUS.search(block.text):
            continue
        for start, sentence in sentences(block.text):
            last = ([None] + [m for m in STATUS.finditer(sentence)
                              if not _negated(sentence, m)])[-1]
            if last is None or RESUMED.search(sentence, last.end()):
                continue
            status = STATUS_OF[(last.group(1) or last.group(2)).lower()]
            span = ctx.span(block, start, start + len(sentence))
            # "提携は2021年に解消した": the date in the clause that ends it
            # (a table's remark: "覚書期間満了により令和5年3月31日終了", after the start's cell)
            clause = re.split(r"[、,]", sentence[:last.end()])[-1]
            ended = (date_in(ctx, block, last.group(0)) or last_date_in(clause[-40:])
                     or date_in(ctx, block, clause)) if status == "ended" else None
            named = [m for m in partner_mentions(ctx, block)
                     if start <= m.start < start + len(sentence)]
            for m in named or _entry_partner(ctx, block):
                facts = [f for f in agreements if f.data["partner"].key == m.entity.key]
                if not facts:
                    ctx.out.report(span.first_line, f"exchanges with {m.surface} {status}, but "
                                   "no agreement with it is stated", sentence)
                for f in facts:
                    f.data["status"], f.data["status_span"] = status, span
                    if ended:
                        f.data["end"] = ended


def _entry_partner(ctx: Context, block: Block) -> list[Mention]:
    """The partner of the entry a record's line stands under ("3 イルクーツク市(ロシア連邦)" /
    "交流の経緯   …交流事業を見合わせている"), when the sentence itself names none."""
    section = ctx.section(block)
    if section is None or section is block:
        return []
    partners = partner_mentions(ctx, section)
    return partners[:1] if partners and partners[0].start <= 4 else []  # the entry's own name


# ("関係を解消したわけではない": the agreement stands)
NEGATED = re.compile(r"(?:は|も)?(?:して|されて|し|され)(?:い)?(?:ない|ません)|されず|せず"
                     r"|(?:した|する|された)(?:もの|わけ)では(?:ない|ありません|なく)")


def _negated(sentence: str, m: re.Match) -> bool:
    """"提携は解消していない", "has not been dissolved": no change of status."""
    if m.group(2):
        return bool(re.search(r"\bnot (?:been |yet )?$", sentence[max(0, m.start(2) - 12):m.start(2)]))
    return bool(NEGATED.match(sentence, m.end()))
