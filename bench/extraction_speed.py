"""Extraction throughput: megabytes of report text per second per core.

    python bench/extraction_speed.py                       # seeds ×20 and a generated corpus
    python bench/extraction_speed.py --profile prof.txt    # and where the time goes (pyinstrument)

Two corpora: the seed reports (../shared/seeds) read 20 times over, and documents from
bench/gen_reports.py. For each, the CPU time (one process, one core) of
`extract_document` (read → normalise → segment → extract) and of `load_document` (plus the
mapping to triples and the materialised inferences), after one warm-up document (the
gazetteers load once per process and are not counted). MB are 10^6 bytes of the files.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))


def measure(paths: list[Path], full: bool) -> tuple[float, float]:
    """(MB, CPU seconds) to extract (or fully load) every file."""
    from citykg.loaders.pipeline import extract_document, load_document

    run = load_document if full else extract_document
    run(paths[0])  # warm-up: gazetteers, regexes
    size = sum(p.stat().st_size for p in paths) / 1e6
    t = time.process_time()
    for p in paths:
        run(p)
    return size, time.process_time() - t


def corpora(work: Path, documents: int, size: int) -> dict[str, list[Path]]:
    generated = work / "reports"
    if not generated.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_reports.py"), str(generated),
                        "--documents", str(documents), "--size", str(size)], check=True)
    return {"seeds x20": SEEDS * 20, "generated": sorted(generated.glob("*.txt"))}


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "citykg-extract")
    ap.add_argument("--documents", type=int, default=40)
    ap.add_argument("--size", type=int, default=60_000)
    ap.add_argument("--profile", type=Path, help="write a pyinstrument profile (text) here")
    args = ap.parse_args(argv)
    results = []
    for name, paths in corpora(args.workdir, args.documents, args.size).items():
        for full in (False, True):
            mb, cpu = measure(paths, full)
            row = {"corpus": name, "stage": "load_document" if full else "extract_document",
                   "documents": len(paths), "MB": round(mb, 2), "cpu_s": round(cpu, 2),
                   "MB_per_s_per_core": round(mb / cpu, 2)}
            print(json.dumps(row))
            results.append(row)
    if args.profile:
        from pyinstrument import Profiler  # pip install pyinstrument

        from citykg.loaders.pipeline import load_document

        paths = corpora(args.workdir, args.documents, args.size)["generated"]
        load_document(paths[0])
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for p in paths:
            load_document(p)
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True, show_all=False))
        print(f"profile: {args.profile}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
