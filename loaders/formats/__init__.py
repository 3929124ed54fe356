"""Readers of the formats governments publish in, one module a format (`pdf`, `html`, `sheet`).
Each gives the document as lines, and per line its `Origin`: where the line is in the file as a
person would find it (a PDF's page and the line on it, an HTML element's source line, a
sheet's row), so a fact's source span can name the page."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
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

    def label(self) -> str:
        """How the CLI names the place: "p.425", "sheet 予算 row 12", "source line 80"."""
        if self.page:
            return f"p.{self.page}"
        if self.row:
            return (f"sheet {self.sheet} " if self.sheet else "") + f"row {self.row}"
        return f"source line {self.source_line}" if self.source_line else ""


@dataclass
class Lines:
    """What a reader gives: lines, one origin a line, and notes for the load report
    (line number, message), e.g. a page whose text layer looks garbled."""
    lines: list[str]
    origins: list[Origin]
    notes: list[tuple[int, str]]
    kind: str


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
