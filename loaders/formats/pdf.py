"""PDF: text page by page (pypdfium2), one page open in pdfium at a time; each page's lines
in reading order come from `layout` (columns, table cells, vertical text). Here: page numbers
and the lines repeated in the top or bottom margin of many pages (running headers and footers)
are dropped after their first appearance; pages without a text layer and pages whose kanji fall
outside JIS X 0208 (a text layer that garbles glyphs: 都市 read as 邴市) are reported with their
page, and a file without any text is refused naming its pages.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from citykg.loaders.formats import Lines, Origin
from citykg.loaders.formats.layout import PageLine, page_lines

MARGIN = 0.08  # the top and bottom share of a page where running headers and footers sit
PAGE_NUMBER = re.compile(r"[-－―–—‐]?\s*(?:p\.?\s*)?\d{1,4}\s*(?:/\s*\d{1,4})?\s*[-－―–—‐]?|[(（]\s*\d{1,4}\s*[)）]",
                         re.IGNORECASE)
HYPHEN_END = re.compile(r"[A-Za-z]{2,}-$")


def read(path: Path, progress: Callable[[int, int], None] | None = None) -> Lines:
    """The document's lines; `progress(done, total)` after each page. One page is held in
    pdfium at a time."""
    from citykg.loaders.read import LoadError

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise LoadError(path, f"not a readable PDF: {exc}") from exc
    pages: list[list[PageLine]] = []
    heights: list[float] = []
    no_text, images, garbled, vertical = [], [], [], []
    try:
        total = len(pdf)
        for index in range(total):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    number = index + 1
                    lines, is_vertical = page_lines(textpage)
                    if textpage.count_chars() == 0:
                        no_text.append(number)
                        if _drawn(page):
                            images.append(number)
                    if is_vertical:
                        vertical.append(number)
                    odd = _outside_jis("".join(line.text for line in lines))
                    if odd:
                        garbled.append((number, odd))
                finally:
                    textpage.close()
                heights.append(page.get_height())
            finally:
                page.close()
            pages.append(lines)
            if progress:
                progress(index + 1, total)
    finally:
        pdf.close()
    if total and len(no_text) == total:
        what = "drawn as images or outlines" if images else "blank"
        raise LoadError(path, f"no text layer on any page ({_ranges(no_text)} of {total}, "
                              f"{what}); OCR is not supported: convert it to text first")
    return _assemble(pages, heights, no_text, images, garbled, vertical)


def _assemble(pages, heights, no_text, images, garbled, vertical) -> Lines:
    repeated = _repeated_margins(pages, heights)
    out, origins, notes = [], [], []
    starts: dict[int, int] = {}
    seen: set[str] = set()  # a running header is kept where it first appears (a title, a 款)
    for number, (lines, height) in enumerate(zip(pages, heights, strict=True), start=1):
        if out:
            out.append("")
            origins.append(Origin(page=number))
        starts[number] = len(out) + 1
        # lines on a page are counted as a reader sees them, dropped headers included
        for on_page, line in enumerate(lines, start=1):
            if _margin_noise(line, height, repeated, seen):
                continue
            if out and out[-1] and HYPHEN_END.search(out[-1]) and line.text[:1].islower():
                out[-1] = out[-1][:-1] + line.text  # "inter-" / "national"
                continue
            out.append(line.text)
            origins.append(Origin(page=number, page_line=on_page))
    for number in no_text:
        if number in images:
            notes.append((starts[number], f"page {number}: no text layer (drawn as an image or "
                                          "outlines); not read"))
    for number, odd in garbled:
        notes.append((starts[number], f"page {number}: kanji outside JIS X 0208 ({odd}): the "
                                      "text layer may garble glyphs (都市 read as 邴市)"))
    if vertical:
        notes.append((starts[vertical[0]], f"vertical text on {_ranges(vertical)}: read "
                                           "column by column from the right"))
    return Lines(out, origins, notes, "pdf")


def _margin_noise(line: PageLine, height: float, repeated: set[str], seen: set[str]) -> bool:
    if line.bottom > MARGIN * height and line.top < (1 - MARGIN) * height:
        return False
    text = line.text.strip()
    if PAGE_NUMBER.fullmatch(text):
        return True
    key = _key(text)
    if key not in repeated:
        return False
    if key in seen:
        return True
    seen.add(key)
    return False


def _repeated_margins(pages: list[list[PageLine]], heights: list[float]) -> set[str]:
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        counts.update({_key(line.text) for line in lines
                       if line.bottom <= MARGIN * height or line.top >= (1 - MARGIN) * height})
    least = max(3, len(pages) // 4)
    return {key for key, count in counts.items() if count >= least}


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip()))


def _outside_jis(text: str) -> str:
    odd = []
    for c in text:
        if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\u2e80" <= c <= "\u2fdf" \
                or "\uf900" <= c <= "\ufaff" or "\U00020000" <= c:
            try:
                c.encode("cp932")
            except UnicodeEncodeError:
                odd.append(c)
    return "".join(dict.fromkeys(odd))[:12]


def _drawn(page) -> bool:
    """Whether a page without text shows anything (images, or text drawn as outlines)."""
    return pdfium_c.FPDFPage_CountObjects(page.raw) > 0


def _ranges(numbers: list[int]) -> str:
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(f"{start}" if start == n else f"{start}–{n}")
            start = None
    return ("pages " if len(numbers) > 1 else "page ") + ", ".join(parts)
