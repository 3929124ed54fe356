"""Dates in a block's text, with what cannot be read reported against the block's line."""
from __future__ import annotations

import re

from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.segment import Block

ERA_LIKE = re.compile(r"([一-龥]{2})\s*([\d元]{1,2})\s*年\s*\d{1,2}\s*月")


def date_in(ctx: Context, block: Block, text: str):
    try:
        date = normalise.parse_date(text)
    except normalise.NormaliseError as exc:
        ctx.out.report(block.first_line, f"date not understood: {exc}", text)
        return None
    unknown = ERA_LIKE.search(text)
    if date is None and unknown and unknown.group(1) not in normalise.ERAS:
        ctx.out.report(block.first_line, f"unknown era name: {unknown.group(1)}", text)
    return date


def last_date_in(text: str):
    """The date nearest before the end: "2012年4月1日 令和4年3月31日 協定期間満了により終了"."""
    try:
        return normalise.last_date(text)
    except normalise.NormaliseError:
        return None


def sentences(text: str):
    for m in re.finditer(r"[^。]+。?", text):
        yield m.start(), m.group(0)
