"""Pages per second reading a PDF: our reader (loaders/formats/pdf.py: lines rebuilt from
positions, columns, headers dropped) against bare pypdfium2 on the same file, with positions
(every text rectangle and its text) and without (`get_text_range` per page); and each one's
peak memory (max RSS of its own process). The three run in turn, ROUNDS times, in fresh
processes; the median time is reported.

Usage: .venv/bin/python bench/pdf_speed.py [FILE.pdf] [ROUNDS]
(default: ../shared/corpus/pdf/files/fuji-r6-general-budget.pdf, 3 rounds)"""
from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpus/pdf/files/fuji-r6-general-budget.pdf"
WAYS = ("plain", "positioned", "citykg")


def one(way: str, path: str) -> dict:
    import pypdfium2 as pdfium

    start = time.perf_counter()
    if way == "citykg":
        from citykg.loaders.formats import pdf

        lines = pdf.read(Path(path)).lines
        pages, chars = None, sum(map(len, lines))
    else:
        doc, chars = pdfium.PdfDocument(path), 0
        pages = len(doc)
        for i in range(pages):
            page = doc[i]
            text = page.get_textpage()
            if way == "plain":
                chars += len(text.get_text_range())
            else:
                for k in range(text.count_rects()):
                    chars += len(text.get_text_bounded(*text.get_rect(k)))
            text.close()
            page.close()
    seconds = time.perf_counter() - start
    return {"way": way, "seconds": seconds, "chars": chars, "pages": pages,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(path: Path, rounds: int) -> None:
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(str(path)))
    runs: dict[str, list[dict]] = {w: [] for w in WAYS}
    for _ in range(rounds):
        for way in WAYS:
            out = subprocess.run([sys.executable, __file__, "--one", way, str(path)],
                                 check=True, capture_output=True, text=True).stdout
            runs[way].append(json.loads(out))
    base = statistics.median(r["seconds"] for r in runs["positioned"])
    print(f"{path.name}: {pages} pages, {rounds} rounds, median\n")
    print("| read | seconds | pages/s | × positioned | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    names = {"plain": "pypdfium2 `get_text_range` per page", "positioned":
             "pypdfium2 text rectangles with their text", "citykg": "citykg reader (lines, columns, pages)"}
    for way in WAYS:
        secs = statistics.median(r["seconds"] for r in runs[way])
        rss = max(r["max_rss_mb"] for r in runs[way])
        print(f"| {names[way]} | {secs:.2f} | {pages / secs:.0f} | {base / secs:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], sys.argv[3])))
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT,
             int(sys.argv[2]) if len(sys.argv) > 2 else 3)
