"""Stage 3, segment: normalised lines to blocks — headings, paragraphs, list items, table rows.

Text extracted from PDFs breaks words across lines ("オデー" / "サ市"): a paragraph's lines are
joined before matching, and `Block.line_at` maps a character back to its source line.
"""
from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field

from citykg.loaders.normalise import CHANGE_COLUMN, FISCAL_YEAR_COLUMN

# Numbering styles of Japanese reports, outermost first; the index is the heading level.
HEADING_NUMBERS = [
    # "第1章", or a Roman numeral before a Japanese title ("III 姉妹都市の一覧")
    re.compile(r"^(?:第\s*(\d+)\s*[編章部]|([IVX]{1,4})(?:\s+|[.．]\s*)(?=[^\x00-\x7f]))"),
    re.compile(r"^(\d+)(?:\s+|[.．](?!\d)\s*)(?=\S)"),  # "3 交流", "3. Sister Cities"
    re.compile(r"^[(（](\d+)[)）]\s*(?=\S)"),
    re.compile(r"^([ア-ンｱ-ﾝ])\s+(?=\S)"),
    re.compile(r"^([①-⑳])\s*(?=\S)"),
]
BULLET = re.compile(r"^(?:[-‐・•●○◎◇◆■□▶▷►※*]\s*)+")
BRACKET_HEADING = re.compile(r"^[【<＜〈■◆]([^】>＞〉]{1,60})[】>＞〉]?\s*$")
REFERENCE_HEADING = re.compile(r"^[(（]参考\s*\d*[)）]\s*(\S.{0,59})$")  # "(参考2) 姉妹都市"
TOC_LEADER = re.compile(r"\s*(?:[・･·.…⋯]\s*){3,}\s*|\s*\$?\\cdots\$?\s*")
# A list entry without a bullet: a short line that starts with a name and a bracketed note
# ("シアトル市(アメリカ) 1957年10月21日提携"); joined to its neighbours it would read as prose.
ENTRY = re.compile(r"^(?:[^\s、。,(（]{2,20}|[A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+){0,3} ?)"
                   r"[(（][^)）]{1,20}[)）]\s*\S")  # "Jinju (Republic of Korea), 1999"
ENTRY_MAX = 60
# … or a line of any length that opens with a name and its kind of partnership in brackets
# ("B県A市 (友好都市)1990年提携、…"): one entry of a list, its note after it
KIND_ENTRY = re.compile(r"^[^\s、。,(（]{2,20}\s?[(（][^)）]{0,6}(?:姉妹|友好|パートナー)[^)）]{0,8}[)）]")
# … or a short line that ends in its year: "Munich, Germany (1972)", "Jinju, Korea, 1999"
ENTRY_END = re.compile(r"(?:[(（]\s*(?:1[89]\d\d|20\d\d)[^)）]{0,12}[)）]|[,、]\s*(?:1[89]\d\d|20\d\d))\s*$")
KEY_VALUE = re.compile(r"^([^\s:、。()\d]{2,10})\s*:\s*(\S.{0,29})$")  # short: not a caption
# "提携年月日   昭和37年12月19日": a record's key and value set apart by a run of spaces
# (not "ション推進事業      63,420": the end of a wrapped name and its amount)
SPACED_KEY_VALUE = re.compile(r"^([^\s:、。()\d]{2,8})\s{3,}(?![△▲]?[\d,.]+\s*$)(\S.*)$")
# Tables whose columns PDF extraction separated by spaces instead of tabs: a row is a label
# followed by two or more cells that are amounts, dashes, fiscal years or a change column.
SPACED_CELL = re.compile(r"[△▲+-]?\d[\d,]*(?:\.\d+)?(?:千|万|百万|億)?円?|[-－―—一]|"
                         rf"{FISCAL_YEAR_COLUMN.pattern}|"
                         rf"{CHANGE_COLUMN.pattern}|[\d.]+%")


@dataclass
class Block:
    kind: str  # heading | paragraph | item | row
    first_line: int  # 1-based, in the source document
    last_line: int
    text: str
    offsets: list[int] = field(default_factory=list)  # where each source line starts in text
    level: int | None = None  # headings: 0 = outermost numbering style
    number: str | None = None
    cells: list[str] = field(default_factory=list)  # rows: tab-separated cells

    def line_at(self, index: int) -> int:
        return self.first_line + max(bisect.bisect_right(self.offsets, index) - 1, 0)

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        return self.line_at(start), self.line_at(max(end - 1, start))

    def line_texts(self) -> list[str]:
        """The block's text cut where its source lines began."""
        ends = [*self.offsets[1:], len(self.text)]
        return [self.text[start:end] for start, end in zip(self.offsets, ends, strict=True)]


def _spaced_cells(line: str) -> list[str] | None:
    """[label, cell, …] when the line reads as a space-separated table row, else None."""
    fields = line.split()
    tail = 0
    while tail < len(fields) - 1 and SPACED_CELL.fullmatch(fields[-1 - tail]):
        tail += 1
    return [" ".join(fields[:-tail]), *fields[-tail:]] if tail >= 2 else None


def _short_row(line: str) -> list[str] | None:
    """A short line of three or more Japanese fields ending in a number or date (or one before
    a last column): a table row ("ミュンヘン市 ドイツ 1972年8月28日"), not prose (no 、。), a title (no digit last) or a
    table of contents' line (no leader dots)."""
    fields = line.split()
    if len(fields) >= 3 and len(" ".join(fields)) <= ENTRY_MAX and not re.search("[、。]", line) \
            and (re.search(r"\d", fields[-1]) or len(fields) >= 4 and re.search(r"\d", fields[-2])) \
            and sum(not f.isascii() for f in fields) >= 2 \
            and not TOC_LEADER.search(line):
        return fields
    return None


def _key_value(line: str) -> list[str] | None:
    """"提携日:1985年4月1日" (a short Japanese key, a colon, a value): a two-cell row, as a
    tabbed key–value record would be."""
    m = KEY_VALUE.match(line) or SPACED_KEY_VALUE.match(line)
    return [m[1], m[2]] if m and re.search(r"[^\x00-\x7f]", m[1]) else None


# A table whose cells PDF extraction put one per line ("シアトル市", "アメリカ", "1957年10月21日"):
# a run of at least CELL_RUN short lines; each stays a block of its own, not one paragraph.
CELL_MAX, CELL_RUN = 14, 4


def _cells(lines: list[str]) -> set[int]:
    """The (1-based) numbers of the lines that are cells of such a run."""
    short = [0 < len(s := line.strip()) <= CELL_MAX and not re.search("[、。]", s)
             for line in lines]
    out, run = set(), []
    for number, is_short in enumerate([*short, False], start=1):
        if is_short:
            run.append(number)
            continue
        if len(run) >= CELL_RUN:
            out.update(run)
        run = []
    return out


WEB_ADDRESS_LINE = re.compile(r"URL:\s*\S+$")


def segment(lines: list[str]) -> list[Block]:
    """Blocks in document order; `lines` are the normalised lines, line 1 first."""
    blocks: list[Block] = []
    para: list[tuple[int, str]] = []
    cell_lines = _cells(lines)
    csv_export = _is_csv(lines)
    pipe_rows = _pipe_rows(lines)
    one_a_line = not _wrapped(lines)
    skip_to = 0

    def close_paragraph() -> None:
        if para:
            blocks.append(_paragraph(para))
            para.clear()

    for number, raw in enumerate(lines, start=1):
        if number <= skip_to:
            continue
        if number in pipe_rows:
            close_paragraph()
            skip_to, cells = pipe_rows[number]
            blocks.append(Block("row", number, skip_to, " ".join(c for c in cells if c), [0],
                                cells=cells))
            continue
        if csv_export and "," in raw:
            raw = _csv_line(raw)
        elif raw.rstrip().endswith("|") and (raw.lstrip().startswith("|") or " | " in raw
                                             or re.fullmatch(r"[-:|\s]+", raw)):
            # a Markdown table: "| 都市名 | 国名 | 提携日 |", also without its first bar, as
            # pages converted from HTML have it ("提携年月日 | 1989/04/04 |")
            raw = _pipe_line(raw)
        line = raw.strip()
        if not line:
            close_paragraph()
            continue
        if WEB_ADDRESS_LINE.match(line):  # a saved page's "URL: …" line opens no paragraph
            close_paragraph()
            blocks.append(Block("paragraph", number, number, line, [0]))
            continue
        if "\t" in raw.strip(" ") or "\t" in raw:
            close_paragraph()
            cells = [c.strip() for c in raw.split("\t")]
            blocks.append(Block("row", number, number, " ".join(c for c in cells if c),
                                [0], cells=cells))
            continue
        cells = _spaced_cells(line)
        if cells:
            close_paragraph()
            blocks.append(Block("row", number, number, " ".join(cells), [0], cells=cells))
            continue
        heading = _heading(line)
        if heading:
            close_paragraph()
            level, num, title = heading
            blocks.append(Block("heading", number, number, title, [0], level=level, number=num))
            continue
        bullet = BULLET.match(line)
        if not bullet and (cells := _short_row(line) or _key_value(line)):
            close_paragraph()
            blocks.append(Block("row", number, number, " ".join(cells), [0], cells=cells))
            continue
        if bullet or KIND_ENTRY.match(line) or (
                (ENTRY.match(line) and not line.endswith(("、", ",")) and "。" not in line
                 or ENTRY_END.search(line) and "。" not in line) and len(line) <= ENTRY_MAX):
            close_paragraph()
            blocks.append(Block("item", number, number, line[bullet.end() if bullet else 0:],
                                [0]))
            continue
        para.append((number, line))
        if number in cell_lines or one_a_line and (
                SENTENCE_END.search(line) or number < len(lines) and _prose(lines[number])):
            # one element a line: a sentence ends its block, and a title is not joined to the
            # sentence after it (short lines of one entry still are: a name, its country)
            close_paragraph()
    close_paragraph()
    return blocks


LONG_LINE = 30
SENTENCE_END = re.compile(r"[。！？]\s*$|[a-z]{2}[.!?]\s*$")


def _wrapped(lines: list[str]) -> bool:
    """Lines wrapped at a width, as PDF text and printed reports have them: most long lines end
    mid-sentence. A page's text has one element a line: its long lines end their sentences, and
    a short line is a title of its own, not the end of a paragraph."""
    long = [line.rstrip() for line in lines if len(line.strip()) >= LONG_LINE
            and not BULLET.match(line.strip()) and not WEB_ADDRESS_LINE.match(line.strip())]
    if len(long) < 3:
        return True
    return sum(bool(SENTENCE_END.search(line)) for line in long) < 0.7 * len(long)


def _prose(line: str) -> bool:
    return bool(SENTENCE_END.search(line.rstrip()))


def _pipe_rows(lines: list[str]) -> dict[int, tuple[int, list[str]]]:
    """A table whose cells a page's text dump left one (or a few) a line, each cell closed by
    "|" and each row opened by it ("| 予算款 |" / "戦略計画" / "分野別計画 |" / "事業費 |" / "| 総務費 |"
    …; a cell's text may go on over lines): {first line: (last line, cells)} of each row."""
    out: dict[int, tuple[int, list[str]]] = {}
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].strip().startswith("|"):
            i += 1
            continue
        rows: list[tuple[int, int, list[str]]] = []
        cells: list[str] = []
        piece: list[str] = []
        first, closed, fragments, j = i, i, 0, i
        while j < n and (t := lines[j].strip()) and j - closed <= 3:
            if t.startswith("|"):
                if cells:
                    rows.append((first, closed, cells))
                cells, piece, first, t = [], [], j, t[1:].strip()
            if t.endswith("|"):
                parts = [p.strip() for p in t[:-1].split("|")]
                parts[0] = "".join([*piece, parts[0]])
                cells.extend(parts)
                piece, closed = [], j
                fragments += not lines[j].strip().startswith("|")
            else:
                piece.append(t)
            j += 1
        if cells:
            rows.append((first, closed, cells))
        if fragments >= 2:
            for start, end, row in rows:
                out[start + 1] = (end + 1, row)
        i = max(closed, i) + 1
    return out


def _is_csv(lines: list[str]) -> bool:
    """A spreadsheet saved as CSV: most lines padded with empty cells (",,") or ending in a
    comma, as Excel writes rows narrower than the sheet."""
    filled = [line for line in lines if line.strip()]
    padded = sum(",," in line or line.rstrip().endswith(",") for line in filled)
    return len(filled) >= 5 and padded >= 0.3 * len(filled)


def _csv_line(line: str) -> str:
    """A CSV line as the tab-separated row the rest of the stage reads (quoted fields keep
    their commas: "12,340"); a line with one field is just its text."""
    cells = next(csv.reader([line]))
    while cells and not cells[-1].strip():
        cells.pop()
    return "\t".join(cells) if len(cells) > 1 else (cells[0] if cells else "")


def _pipe_line(line: str) -> str:
    """A Markdown table's row as a tab-separated one; its rule ("|---|:--|") as nothing."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
        return ""
    return "\t".join(cells) if len(cells) > 1 else cells[0]


def _heading(line: str) -> tuple[int, str, str] | None:
    for level, pattern in enumerate(HEADING_NUMBERS):
        m = pattern.match(line)
        if m and len(line) - m.end() <= 80:
            return level, next(g for g in m.groups() if g), line[m.end():].strip()
    m = BRACKET_HEADING.match(line) or REFERENCE_HEADING.match(line)
    if m:
        return len(HEADING_NUMBERS), "", m.group(1).strip()
    return None


def _paragraph(lines: list[tuple[int, str]]) -> Block:
    text, offsets = "", []
    for _, line in lines:
        offsets.append(len(text))
        if text and _ascii_word_end(text) and _ascii_word_end(line[0]):
            text += " "
            offsets[-1] += 1
        text += line
    return Block("paragraph", lines[0][0], lines[-1][0], text, offsets)


def _ascii_word_end(text: str) -> bool:
    return text[-1].isascii() and text[-1].isalnum()


def strip_toc_leader(text: str) -> tuple[str, str | None]:
    """A table-of-contents entry without its dot leader, and its page number if any."""
    parts = TOC_LEADER.split(text)
    title = parts[0].strip()
    tail = " ".join(parts[1:]).strip()
    page = re.search(r"\d+", tail) if len(parts) > 1 else re.search(r"(?:\s|(?<=[)）]))(\d{1,3})$",
                                                                    title)
    if len(parts) == 1 and page:
        title = title[: page.start()].strip()
    return title, page.group(0) if page else None
