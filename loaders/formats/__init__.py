"""Readers of the formats governments publish in, one module a format (`pdf`, `html`, `sheet`).
Each gives the document as lines, and per line its `Origin`: where the line is in the file as a
person would find it (a PDF's page and the line on it, an HTML element's source line, a
sheet's row and column), so a fact's source span can name the page or the cell."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

PDF_EXTENSIONS = {".pdf"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
SHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_EXTENSIONS = {".csv"}


@dataclass(frozen=True)
class Origin:
    page: int | None = None  # PDF: 1-based, as a viewer counts
    page_line: int | None = None  # PDF: the line on that page, 1-based
    source_line: int | None = None  # HTML: the element's line in the source
    sheet: str | None = None  # spreadsheets: the sheet's name
    row: int | None = None  # spreadsheets and CSV: the 1-based row
    column: int | None = None  # … and the 1-based column of the line's first cell (A = 1)
    # … and per cell of the line (its tab-separated fields) the (row, column) it was read from:
    # a fact's span names the cell it starts at (a budget sheet's view joins rows)
    cells: tuple[tuple[int, int], ...] | None = None

    def at_cell(self, index: int) -> Origin:
        """The origin of the line's cell `index` (0-based)."""
        if not self.cells or not 0 <= index < len(self.cells):
            return self
        row, column = self.cells[index]
        return replace(self, row=row, column=column)

    def label(self) -> str:
        """How the CLI names the place: "p.425", "sheet 予算 row 12 col C", "source line 80"."""
        if self.page:
            return f"p.{self.page}"
        if self.row:
            return (f"sheet {self.sheet} " if self.sheet else "") + f"row {self.row}" + (
                f" col {column_letters(self.column)}" if self.column else "")
        return f"source line {self.source_line}" if self.source_line else ""


def column_letters(column: int) -> str:
    """A spreadsheet's name of a 1-based column: 1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Lines:
    """What a reader gives: lines, one origin a line, notes for the load report (line number,
    message), e.g. a page whose text layer looks garbled, and the language the file declares."""
    lines: list[str]
    origins: list[Origin]
    notes: list[tuple[int, str]]
    kind: str
    language: str | None = None  # what the file declares (HTML's <html lang>), a BCP 47 tag


def kind_of(path: Path, data: bytes) -> str:
    """pdf, html, sheet, csv or text: by the bytes where they tell, else by the extension."""
    ext = path.suffix.lower()
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]:
        return "pdf"  # (readers accept a header after up to 1 KB of junk)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if any(n.startswith("xl/") for n in names) or "content.xml" in names:
            return "sheet"
    if data.startswith(b"\xd0\xcf\x11\xe0") and ext in SHEET_EXTENSIONS:
        return "sheet"  # an old .xls (OLE2)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (
            ext in HTML_EXTENSIONS and head.startswith(b"<")):
        return "html"
    for kind, extensions in (("pdf", PDF_EXTENSIONS), ("sheet", SHEET_EXTENSIONS),
                             ("html", HTML_EXTENSIONS)):
        if ext in extensions:
            return f"bad-{kind}"
    return "csv" if ext in CSV_EXTENSIONS else "text"
