"""A table of contents: its entries as numbered sections with pages, OCR noise tolerated and
reported; entries under a part about activities (取組, 事業) are the city's program areas."""
from __future__ import annotations

import re

from citykg.loaders.extract.context import Context
from citykg.loaders.segment import HEADING_NUMBERS, strip_toc_leader

TOC_START = re.compile(r"^目\s*次$")
PART = re.compile(r"^第\s*(\d+)\s*\S?\s*[編章部]\s*")
OCR_NOISE = re.compile(r"\$|\\[a-z]+|[±∀ℝ]")
SPLIT_ENTRIES = re.compile(r"\s+(?=[(（]\d+[)）]\s*\S)|(?<=[一-龥ぁ-んァ-ヺ])(?=\d{1,2}\s+[一-龥ァ-ヺ])")
ACTIVITY_PART = re.compile(r"取組|取り組み|事業")
MAX_ENTRIES = 300


def extract_toc(ctx: Context) -> None:
    blocks = ctx.blocks
    start = next((i for i, b in enumerate(blocks[:200]) if TOC_START.match(b.text.replace(" ", ""))),
                 None)
    if start is None:
        return
    stack: list[tuple[int, str, str]] = []  # (level, number path, title) of open entries
    for block in blocks[start + 1:start + 1 + MAX_ENTRIES]:
        if block.kind == "paragraph" and len(block.text) > 100:
            break
        text = ctx.lines[block.first_line - 1].strip() if block.kind == "heading" else block.text
        for entry in SPLIT_ENTRIES.split(text.replace("\t", " ")):
            _entry(ctx, block, entry.strip(), stack)


LATEX = [(re.compile(r"\\text\{([^}]*)\}"), r"\1"), (re.compile(r"\\c?dots|\\ldots"), "…"),
         (re.compile(r"\\q?quad"), " "), (re.compile(r"\$"), "")]


def _entry(ctx: Context, block, entry: str, stack: list) -> None:
    if not entry:
        return
    noisy = bool(OCR_NOISE.search(entry))
    for pattern, replacement in LATEX:
        entry = pattern.sub(replacement, entry).strip()
    level, number, rest = _numbering(entry)
    if level is None:
        if noisy:
            ctx.out.report(block.first_line, "OCR noise in a table-of-contents entry", entry)
        return
    title, page = strip_toc_leader(rest)
    title = title.rstrip("… ")
    if noisy:
        ctx.out.report(block.first_line, "OCR noise in a table-of-contents entry", entry)
        title = re.sub(r"\$[^$]*\$?|\\[a-zA-Z]+(\{[^}]*\})?", "", title).strip()
        if len(re.findall(r"[一-龥ァ-ヺA-Za-z]", title)) < 2:
            title = ""
    while stack and stack[-1][0] >= level:
        stack.pop()
    parent = stack[-1][1] if stack else None
    if parent and stack[-1][2] == title:
        return  # the same entry again (OCR read a line twice)
    path = f"{parent}.{number}" if parent else number
    used = ctx._toc_paths
    while path in used:
        path += "'"
    used.add(path)
    stack.append((level, path, title))
    if not title:
        stack[-1] = (level, path, "")
        return
    emitted = ctx._toc_emitted
    while parent and parent not in emitted:  # an entry OCR left without a title
        parent = parent.rpartition(".")[0] or None
    emitted.add(path)
    ctx.out.add("section", ctx.span(block), number=path, title=title, page=page, parent=parent)
    part = stack[0][2] if stack else ""
    if 1 <= level <= 2 and len(stack) >= 2 and ACTIVITY_PART.search(part):
        ctx.out.add("program", ctx.span(block), name=title, parent=None, head=False, area=True)


def _numbering(entry: str) -> tuple[int | None, str, str]:
    m = PART.match(entry)
    if m:
        return 0, m.group(1), entry[m.end():]
    for level, pattern in enumerate(HEADING_NUMBERS[1:], start=1):
        m = pattern.match(entry)
        if m:
            return level, m.group(1), entry[m.end():]
    return None, "", entry
