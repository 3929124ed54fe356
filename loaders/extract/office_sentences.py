"""Overseas offices a sentence sets up without naming them as a list would: "新潟市が中国北京に
事務所を設置", "サンパウロには県事務所がある", "青島市に「駐青島A市経済事務所」を開設". The office
is the publisher's only where the sentence's subject is the publisher (or it has none) and,
for an office that just is somewhere, where the office is called the publisher's own (県事務所)."""
from __future__ import annotations

import re

from citykg.loaders.extract.context import Context
from citykg.loaders.segment import Block

KINDS = r"(?:駐在員事務所|代表事務所|連絡事務所|経済事務所|事務所|代表処)"
OWN = r"(?:本県|本市|当市|県|市|都|府|道)"
# "<place>に事務所を設置", "<place>に駐在員事務所を開設し", "<place>には県事務所がある"
# ("ソウルに職員が常駐する県事務所を開設", "ソウルの県事務所を開設": a short clause between)
SET_UP = re.compile(rf"(?:に[はも]?、?(?:[^、。「」]{{0,12}}?(?=(?:{OWN})(?:{KINDS})))?|の(?=(?:{OWN})(?:{KINDS})))"
                    rf"\s*(?P<own>{OWN})?(?P<kind>{KINDS})\s*(?:を|が)\s*(?:[^、。「」]{{0,10}}?に)?\s*"
                    r"(?:設置|開設|置|構え|開|設け|ある|あり|おか|置か|設立)")  # "…を10年ぶりに開設"
# "「駐青島A市経済事務所」": an office named after the place it is in and its city
RESIDENT = re.compile(rf"駐([一-龥ァ-ヺー])([一-龥ァ-ヺー]{{2,16}}?){KINDS}")
SUBJECT = re.compile(r"([^、。\s「」]{1,20}?)(?:は|が)(?!あ|な|い)")


def extract_office_sentences(ctx: Context) -> None:
    for block in ctx.blocks:
        if "事務所" not in block.text and "代表処" not in block.text:
            continue
        for m in SET_UP.finditer(block.text):
            _set_up(ctx, block, m)
        for m in RESIDENT.finditer(block.text):
            _resident(ctx, block, m)


def _set_up(ctx: Context, block: Block, m: re.Match) -> None:
    place = next((p for p in ctx.mentions(block, {"city", "country"}) if p.end == m.start()), None)
    if not place:
        return
    sentence = block.text.rfind("。", 0, place.start) + 1
    subject = _subject(ctx, block.text[sentence:place.start])
    if subject is False or (m["kind"] == "事務所" and not m["own"] and subject is None
                            and m.group(0).endswith(("ある", "あり"))):
        return  # someone else's, or an office that merely is there
    if m["own"] and (m["own"][-1] in "県都府道") != (ctx.publisher is not None
                                                 and ctx.publisher.kind == "prefecture"):
        return  # "県事務所" on a city's page: the prefecture's office, not the city's
    entity = place.entities[0] if len(place.entities) == 1 else None
    host = entity if entity and entity.kind == "city" else None
    country = entity if entity and entity.kind == "country" else (
        ctx.world.by_key("country", host.country) if host else None)
    name = place.surface + m["kind"]
    ctx.out.add("office", ctx.span(block, place.start, m.end()), name=name,
                covers=(country.key,) if country else (), covers_entities=(country,) if country else (),
                host=host, named=host or country)


def _resident(ctx: Context, block: Block, m: re.Match) -> None:
    """"駐青島A市経済事務所": the publisher's office in 青島."""
    body = m[1] + m[2]
    at = min((i for n in ctx.publisher_names() if len(n) >= 2 and (i := body.find(n)) > 0),
             default=None)
    found = ctx.world.lookup(body[:at], "city") if at else []
    host = found[0] if len(found) == 1 else None
    if not host:
        return
    country = ctx.world.by_key("country", host.country)
    ctx.out.add("office", ctx.span(block, m.start(), m.end()), name=m.group(0),
                covers=(country.key,) if country else (), covers_entities=(country,) if country else (),
                host=host, named=host)


def _subject(ctx: Context, head: str):
    """None: no subject, or the publisher; False: someone else."""
    found = SUBJECT.findall(head)
    if not found:
        return None
    who = re.sub(r"(?:で|に|と|も|として|としては)$", "", found[-1])
    names = ctx.publisher_names()
    if any(who.endswith(n) for n in names if len(n) >= 2):
        return None
    return False
