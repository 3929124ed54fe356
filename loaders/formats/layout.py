"""A PDF page's text runs to lines in reading order (used by `pdf`): pdfium's text rectangles,
cut at their spaces with the characters' boxes, split into columns at vertical gutters, grouped
into lines by their baselines and read top-down, column by column; cells of a table row joined
by tabs (what the segmenter reads as a row). Runs taller than wide are vertical text, read in
tiers top-down and in a tier column by column from the right."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

CELL_GAP = 1.8  # a gap wider than this many character heights separates table cells
SPACE_GAP = 0.25  # … narrower than this joins runs without a space
GUTTER = 1.0  # a column gutter: no text across at least this many character heights
MIN_COLUMN = 4.0  # … between columns at least this many character heights wide
WIDE = 7.0  # … and text right of it in phrases at least this many character heights long
SPREAD = 10.0  # … or a gap this wide (two pages side by side, or far apart blocks)
AMOUNT = re.compile(r"[△▲+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


class Run:
    """A run of text on one line with its box (PDF points, y upwards)."""
    __slots__ = ("x0", "y0", "x1", "y1", "text", "height", "middle", "bare", "reach")

    def __init__(self, x0: float, y0: float, x1: float, y1: float, text: str):
        self.x0, self.y0, self.x1, self.y1, self.text = x0, y0, x1, y1, text
        self.height, self.middle = y1 - y0, (y0 + y1) / 2
        self.bare = False  # an amount with no text close after it on its line
        self.reach = x1  # where the phrase it starts ends: the runs after it in the same cell


@dataclass
class PageLine:
    text: str
    top: float
    bottom: float


def page_lines(textpage) -> tuple[list[PageLine], bool]:
    """A page's lines in reading order, and whether most of its text is vertical."""
    runs = _runs(textpage)
    if not runs:
        return [], False
    upright = [r for r in runs if not _is_vertical(r)]
    tall = [r for r in runs if _is_vertical(r)]
    lines = _horizontal(upright)
    if tall:
        lines += _vertical(textpage, tall)
    return lines, sum(len(r.text) for r in tall) > sum(len(r.text) for r in upright)


def _is_vertical(run: Run) -> bool:
    return len(run.text) >= 2 and run.height > 1.8 * (run.x1 - run.x0)


def _runs(textpage) -> list[Run]:
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        # pdfium gives a hyphen that ends a line as U+0002
        text = text.replace("\r", "").replace("\n", "").replace("\x02", "-").strip()
        if not text:
            continue
        run = Run(left, bottom, right, top, text)
        if re.search(r"\s", text) and not _is_vertical(run):
            runs.extend(_split(textpage, run))
        else:
            runs.append(run)
    return runs


def _char(textpage, index: int) -> str:
    char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
    return "-" if char == "\x02" else char  # pdfium's hyphen at the end of a line


def _chars(textpage, run: Run) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The characters of a run with their boxes, in the text layer's order."""
    index = textpage.get_index(run.x0 + 0.5, run.middle, 2.0, run.height)
    if index is None or index < 0:
        return []
    out, count = [], textpage.count_chars()
    while index < count and len(out) < len(run.text) + 4:
        char = _char(textpage, index)
        box = textpage.get_charbox(index)
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if not char.isspace() and box[2] > box[0]:
            if not (run.x0 - 1 <= cx <= run.x1 + 1 and run.y0 - 1 <= cy <= run.y1 + 1):
                break
            out.append((char, box))
        elif char.isspace():
            out.append((" ", box))
        index += 1
    return out


def _split(textpage, run: Run) -> list[Run]:
    """A run cut at its spaces, each piece with its own box ("18,610 2": an amount of one
    column and the number of an entry in the next)."""
    pieces, current = [], []
    for char, box in [*_chars(textpage, run), (" ", None)]:
        if char == " " or char == "\u3000":
            if current:
                pieces.append(Run(min(b[0] for _, b in current), run.y0,
                                  max(b[2] for _, b in current), run.y1,
                                  "".join(c for c, _ in current)))
                current = []
        else:
            current.append((char, box))
    return pieces or [run]


def _horizontal(runs: list[Run]) -> list[PageLine]:
    if not runs:
        return []
    height = statistics.median(r.height for r in runs) or 1.0
    for row in _rows(runs):
        for r, after in reversed(list(zip(row, [*row[1:], None], strict=True))):
            r.bare = bool(AMOUNT.fullmatch(r.text)) and (
                after is None or after.x0 - r.x1 >= 1.5 * height)
            if after is not None and after.x0 - r.x1 < CELL_GAP * height:
                r.reach = after.reach
    columns = _columns(runs, height)
    lines: list[PageLine] = []
    for column in columns:
        lines.extend(_lines_of(column, height))
    return lines


def _columns(runs: list[Run], height: float) -> list[list[Run]]:
    """The runs cut into columns at gutters: an x band that no run crosses, with text on both
    sides, whose left side's lines mostly reach it, whose right side does not start with bare
    amounts and holds lines of a column's width unless the gap is very wide: a table's columns
    of names, dates or numbers belong to their rows."""
    width = max(r.x1 for r in runs) - min(r.x0 for r in runs)
    spans = sorted((r.x0, r.x1) for r in runs if r.x1 - r.x0 < 0.4 * width)
    gaps, reach = [], None
    for x0, x1 in spans:
        if reach is not None and x0 - reach >= GUTTER * height:
            gaps.append((reach, x0))
        reach = x1 if reach is None else max(reach, x1)
    cuts, start = [], min(r.x0 for r in runs)
    right_end = max(r.x1 for r in runs)
    for g0, g1 in gaps:
        if g0 - start < MIN_COLUMN * height or right_end - g1 < MIN_COLUMN * height:
            continue
        if _starts_with_amounts(runs, g1, height) or not _flush_left_of(runs, g0, height) or not (
                _wide_right_of(runs, g1, height) or g1 - g0 >= SPREAD * height):
            continue
        left = {round(r.middle) for r in runs if r.x1 <= g0 and r.x1 > g0 - MIN_COLUMN * height}
        right = {round(r.middle) for r in runs if g1 <= r.x0 < g1 + MIN_COLUMN * height}
        if len(left) < 3 or len(right) < 3:
            continue
        cuts.append((g0 + g1) / 2)
        start = g1
    columns: list[list[Run]] = [[] for _ in range(len(cuts) + 1)]
    for r in runs:
        columns[sum(r.x0 >= c for c in cuts)].append(r)
    return [c for c in columns if c]


def _flush_left_of(runs: list[Run], x: float, height: float) -> bool:
    """Whether the lines left of a gap mostly reach it, as a column's justified or
    right-aligned lines do; a table's text cells end ragged, each as long as its text."""
    ends = [r.x1 for r in runs if x - MIN_COLUMN * height < r.x1 <= x + 0.5]
    return sum(x - end <= height for end in ends) >= 0.6 * len(ends)


def _wide_right_of(runs: list[Run], x: float, height: float) -> bool:
    """Whether the text right of a gap runs in lines of a column's width, not in a table's
    short cells ("姉妹都市")."""
    widths = [r.reach - r.x0 for r in runs if x <= r.x0 < x + 3 * height]
    return bool(widths) and statistics.median(widths) >= WIDE * height


def _starts_with_amounts(runs: list[Run], x: float, height: float) -> bool:
    first = [r for r in runs if x <= r.x0 < x + 3 * height]
    if not first:
        return True
    return sum(r.bare for r in first) >= 0.5 * len(first)


def _rows(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped by their baselines, top-down, each row left to right."""
    rows: list[list[Run]] = []
    first = None
    for r in sorted(runs, key=lambda r: -r.middle):
        if first is not None and abs(first.middle - r.middle) < 0.5 * min(r.height, first.height):
            rows[-1].append(r)
        else:
            rows.append([r])
            first = r
    for row in rows:
        row.sort(key=lambda r: r.x0)
    return rows


def _lines_of(runs: list[Run], height: float) -> list[PageLine]:
    out = []
    for row in _rows(runs):
        text, prev = "", None
        for r in row:
            if prev is not None:
                gap = r.x0 - prev.x1
                h = max(min(r.height, prev.height), 0.5 * height)
                text += "\t" if gap > CELL_GAP * h else " " if gap > SPACE_GAP * h else ""
            text += r.text
            prev = r
        out.append(PageLine(text, max(r.y1 for r in row), min(r.y0 for r in row)))
    return out


def _vertical(textpage, runs: list[Run]) -> list[PageLine]:
    """Vertical columns: tiers top-down, in a tier the columns from the right, each column's
    characters top-down."""
    tiers: list[list[Run]] = []
    for r in sorted(runs, key=lambda r: -r.y1):
        tier = next((t for t in tiers if r.y1 > min(o.y0 for o in t) and r.y0 < max(o.y1 for o in t)),
                    None)
        if tier is None:
            tiers.append([r])
        else:
            tier.append(r)
    chars = _page_chars(textpage)
    out = []
    for tier in tiers:
        for r in sorted(tier, key=lambda r: -r.x1):
            inside = [(b[3], c) for c, b in chars if r.x0 - 0.5 <= (b[0] + b[2]) / 2 <= r.x1 + 0.5
                      and r.y0 - 0.5 <= (b[1] + b[3]) / 2 <= r.y1 + 0.5]
            text = "".join(c for _, c in sorted(inside, key=lambda tc: -tc[0])) or r.text
            out.append(PageLine(text, r.y1, r.y0))
    return out


def _page_chars(textpage) -> list[tuple[str, tuple[float, float, float, float]]]:
    out = []
    for index in range(textpage.count_chars()):
        char = _char(textpage, index)
        if not char.isspace():
            out.append((char, textpage.get_charbox(index)))
    return out
