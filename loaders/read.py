"""Stage 1, read: bytes on disk to a decoded `Document`, or a `LoadError` naming the file."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

# The encodings Japanese offices publish text in, tried in this order of preference.
JAPANESE_ENCODINGS = ("utf_8", "cp932", "euc_jp", "utf_16")
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
    encoding: str
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def read_document(path: Path | str) -> Document:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(path, f"file of {size:,} bytes is larger than the {MAX_BYTES:,} allowed")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    return decode_document(path, data)


def decode_document(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise LoadError(path, "empty document")
    text, encoding = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return Document(path, text, encoding, hashlib.sha256(data).hexdigest())


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(path, "binary file (NUL bytes), not a text document",
                        line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError as exc:
        first_error = exc
    best = from_bytes(data, cp_isolation=list(JAPANESE_ENCODINGS)).best()
    if best is None or best.encoding not in JAPANESE_ENCODINGS:
        line = data[: first_error.start].count(b"\n") + 1
        raise LoadError(path, "not text in UTF-8, Shift_JIS/CP932 or EUC-JP "
                        f"(undecodable bytes from offset {first_error.start})", line=line)
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise LoadError(path, "binary file (control characters), not a text document")
    return text, best.encoding


def _control_ratio(text: str) -> float:
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return control / max(len(text), 1)
