"""Stage 1, read: bytes on disk to a decoded `Document`, or a `LoadError` naming the file.
Text files are decoded here; PDF, HTML, spreadsheets and CSV are read by `loaders/formats/`,
chosen by the file's bytes (and its extension where the bytes do not tell)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from citykg.loaders.formats import Origin, kind_of

# The encodings Japanese offices publish text in, tried in this order of preference.
JAPANESE_ENCODINGS = ("utf_8", "cp932", "euc_jp", "utf_16")
# … and every Japanese encoding Python knows, each tried strictly before a file is refused
STRICT_FALLBACK = ("cp932", "shift_jis", "shift_jis_2004", "euc_jp", "euc_jis_2004",
                   "iso2022_jp_2004")
ODD = re.compile("[\ue000-\uf8ff\x80-\x9f]")  # what CP932 makes of bytes that are no character
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # one line stays one
MAX_REPLACED = 0.01  # at most this share of a file's characters may be undecodable bytes
MAX_BYTES = 100 * 1024 * 1024


class LoadError(Exception):
    """Input that cannot be loaded; the message names the file (and line where known)."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path, self.line = str(path), line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Document:
    path: Path
    text: str
    encoding: str  # of a text file; the format ("pdf", "html", "sheet") of others
    sha256: str
    # per line (1-based line n at index n-1) where it is in the file; None: the line itself
    origins: tuple[Origin, ...] | None = None
    notes: tuple[tuple[int, str], ...] = field(default=())  # (line, message) for the report
    language: str | None = None  # the language the file declares (HTML's <html lang>)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def read_document(path: Path | str,
                  progress: Callable[[int, int], None] | None = None) -> Document:
    """`progress(done, total)` is called as the pages of a PDF are read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(path, f"file of {size:,} bytes is larger than the {MAX_BYTES:,} allowed")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    kind = kind_of(path, data)
    if kind.startswith("bad-"):
        what = {"pdf": "PDF", "sheet": "a spreadsheet (XLSX, XLS, ODS)", "html": "HTML"}[kind[4:]]
        raise LoadError(path, f"named {path.suffix} but its bytes are not {what} "
                              f"(it starts with {data[:8]!r})")
    if kind == "pdf":
        from citykg.loaders.formats import pdf

        return _document(path, data, pdf.read(path, progress))
    if kind in ("html", "sheet", "csv"):
        from citykg.loaders.formats import html, sheet

        reader = {"html": html.read, "sheet": sheet.read_workbook, "csv": sheet.read_csv}[kind]
        return _document(path, data, reader(path, data))
    return decode_document(path, data)


def _document(path: Path, data: bytes, read) -> Document:
    if not any(line.strip() for line in read.lines):
        raise LoadError(path, f"no text in this {read.kind.upper()} file")
    return Document(path, "\n".join(LINE_BREAKS.sub(" ", line) for line in read.lines), read.kind,
                    hashlib.sha256(data).hexdigest(), tuple(read.origins), tuple(read.notes),
                    read.language)


def decode_document(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise LoadError(path, "empty document")
    text, encoding = decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return Document(path, text, encoding, hashlib.sha256(data).hexdigest(),
                    notes=_replaced_lines(text))


def _replaced_lines(text: str) -> tuple[tuple[int, str], ...]:
    lines = [n for n, line in enumerate(text.split("\n"), start=1) if "\ufffd" in line]
    if not lines:
        return ()
    shown = ", ".join(map(str, lines[:20])) + (" …" if len(lines) > 20 else "")
    return ((lines[0], f"undecodable bytes replaced by U+FFFD on line{'s' * (len(lines) > 1)} "
                       f"{shown}"),)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a file in UTF-8 or a Japanese encoding, and the encoding's name."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(path, "binary file (NUL bytes), not a text document",
                        line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError as exc:
        first_error = exc
    best = from_bytes(data, cp_isolation=list(JAPANESE_ENCODINGS)).best()
    if best is None or best.encoding not in JAPANESE_ENCODINGS:
        text, encoding = _fallback(data)
        if text is None:
            line = data[: first_error.start].count(b"\n") + 1
            raise LoadError(path, "not text in UTF-8, Shift_JIS/CP932 or EUC-JP "
                            f"(undecodable bytes from offset {first_error.start})", line=line)
    else:
        text, encoding = str(best), best.encoding
    if _control_ratio(text) > 0.05:
        raise LoadError(path, "binary file (control characters), not a text document")
    return text, encoding


def _fallback(data: bytes) -> tuple[str | None, str]:
    """A strict decode in each Japanese encoding; failing that, the one with the fewest
    undecodable bytes, those replaced by U+FFFD, if they are few."""
    for encoding in STRICT_FALLBACK:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _odd(text) <= MAX_REPLACED * len(text):
            return text, encoding
    text, encoding = min(((data.decode(e, errors="replace"), e) for e in ("cp932", "euc_jp")),
                         key=lambda te: _odd(te[0]))
    if _odd(text) > max(MAX_REPLACED * len(text), 8) or _control_ratio(text) > 0.05:
        return None, ""
    return ODD.sub("\ufffd", text), encoding


def _odd(text: str) -> int:
    return text.count("\ufffd") + len(ODD.findall(text))


def _control_ratio(text: str) -> float:
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return control / max(len(text), 1)
