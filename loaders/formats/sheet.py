"""Spreadsheets (.xlsx, .xls, .ods by python-calamine) and CSV (UTF-8 or CP932): each sheet as
table lines the segmenter reads as rows (cells joined by tabs), one line a row.

A sheet whose header names a fiscal year, a program and a budget amount (open budget data: one
record a program and year) is given as the table the budget rule reads: a row a program, a
column a fiscal year ("2026年度予算額(千円)"). The header names are data
(`data/formats/sheet_columns.csv`)."""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

from citykg.loaders.formats import Lines, Origin

UNIT = re.compile(r"[(（]\s*(千円|百万円|万円|円)\s*[)）]")


@cache
def columns() -> dict[str, list[tuple[str, str]]]:
    """role → [(header, unit the values are in when the header names none)]."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    text = resources.files("citykg.data").joinpath("formats/sheet_columns.csv").read_text("utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        out[row["role"]].append((row["header"], row["unit"]))
    return out


def read_csv(path: Path, data: bytes) -> Lines:
    from citykg.loaders.read import LoadError, decode

    if not data.strip():
        raise LoadError(path, "empty document")
    text, _ = decode(path, data)
    text = text.lstrip("\ufeff")
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise LoadError(path, f"not a readable CSV: {exc}") from exc
    return _render([(None, rows)], "csv")


def read_workbook(path: Path, data: bytes) -> Lines:
    from python_calamine import CalamineWorkbook

    from citykg.loaders.read import LoadError

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, [[_cell(v) for v in row] for row in book.get_sheet_by_name(name)
                          .to_python(skip_empty_area=False)]) for name in book.sheet_names]
    except Exception as exc:  # calamine raises its own error types for each broken format
        raise LoadError(path, f"not a readable spreadsheet: {exc}") from exc
    return _render(sheets, "sheet")


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _render(sheets: list[tuple[str | None, list[list[str]]]], kind: str) -> Lines:
    lines, origins, notes = [], [], []
    for name, rows in sheets:
        if lines:
            lines.append("")
            origins.append(Origin(sheet=name))
        header_at = next((i for i, r in enumerate(rows) if sum(bool(c.strip()) for c in r) >= 2),
                         None)
        budget = _budget_view(name, rows, header_at) if header_at is not None else None
        if budget:
            view, note = budget
            if note:
                notes.append((len(lines) + 1, note))
            for text, origin in view:
                lines.append(text)
                origins.append(origin)
            continue
        for number, row in enumerate(rows, start=1):
            cells = [c.strip().replace("\n", " ") for c in row]
            while cells and not cells[-1]:
                cells.pop()
            lines.append("\t".join(cells))
            first = next((col for col, c in enumerate(cells, start=1) if c), None)
            origins.append(Origin(sheet=name, row=number, column=first,
                                  cells=tuple((number, col) for col in range(1, len(cells) + 1))))
    return Lines(lines, origins, notes, kind)


def _find(header: list[str], role: str) -> tuple[int, str] | None:
    """The column of a role: the first header name of the table that a column bears."""
    bare = [UNIT.sub("", c).strip() for c in header]
    for name, unit in columns()[role]:
        if name in bare:
            col = bare.index(name)
            m = UNIT.search(header[col])
            return col, m[1] if m else unit
    return None


def _budget_view(sheet: str | None, rows: list[list[str]], header_at: int):
    header = [c.strip() for c in rows[header_at]]
    year, name, amount = (_find(header, role) for role in ("year", "name", "amount"))
    if not (year and name and amount):
        return None
    totals: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    first_row: dict[str, int] = {}
    year_row: dict[tuple[str, int], int] = {}  # the first row of a program's amount in a year
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if len(row) <= max(year[0], name[0], amount[0]):
            continue
        y = re.fullmatch(r"\s*(\d{4})\s*(?:年度?)?\s*", row[year[0]])
        value = re.fullmatch(r"\s*([△▲-]?)\s*([\d,]+)\s*", row[amount[0]])
        program = row[name[0]].strip()
        if not (y and value and program):
            continue
        sign = -1 if value[1] else 1
        totals[program][int(y[1])] += sign * int(value[2].replace(",", ""))
        first_row.setdefault(program, number)
        year_row.setdefault((program, int(y[1])), number)
    if not totals:
        return None
    years = sorted({y for by_year in totals.values() for y in by_year})
    unit = amount[1] or "円"
    # the view's cells: the program's name (its column), then a year's amount (the amount's
    # column, in the row that gives it)
    name_col, amount_col = name[0] + 1, amount[0] + 1
    view = [("\t".join([header[name[0]], *(f"{y}年度予算額({unit})" for y in years)]),
             Origin(sheet=sheet, row=header_at + 1, column=name_col,
                    cells=((header_at + 1, name_col),
                           *((header_at + 1, amount_col) for _ in years))))]
    for program, by_year in totals.items():
        cells = [f"{by_year[y]:,}" if y in by_year else "" for y in years]
        first = first_row[program]
        view.append(("\t".join([program, *cells]), Origin(
            sheet=sheet, row=first, column=name_col,
            cells=((first, name_col), *((year_row.get((program, y), first), amount_col)
                                        for y in years)))))
    note = None if UNIT.search(rows[header_at][amount[0]]) else (
        f"the header {header[amount[0]]!r} names no unit: amounts read as {unit}")
    return view, note
