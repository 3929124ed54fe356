"""Extraction on the real corpus: recall and precision per fact kind, as a Markdown table.

    python bench/corpus_scores.py                          # ../shared/corpus/text, this checkout
    python bench/corpus_scores.py --corpus DIR --save now.json
    python bench/corpus_scores.py --before before.json     # a before/after table

It runs the shared scorer (`../shared/checks/real-corpus`, report only) on this checkout and reads
its per-kind table; `--save` keeps the figures so a later run can print them as "before".
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "checks" / "real-corpus"
KINDS = ("relations", "budgets", "offices", "memberships", "pillars")
FRACTION = re.compile(r"(\d+)/(\d+)")


def scores(corpus: Path | None) -> dict[str, dict[str, list[int] | None]]:
    """{kind: {"recall": [hit, gold], "precision": [correct, extracted] or None, ...}}."""
    cmd = [sys.executable, str(SCORER), "--min-recall", "0", "--min-precision", "0", "--min-other-recall", "0"]
    if corpus:
        cmd += ["--corpus", str(corpus)]
    return parse(subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False).stdout)


def parse(out: str) -> dict[str, dict[str, list[int] | None]]:
    table: dict[str, dict[str, list[int] | None]] = {}
    for line in out.splitlines():
        name = line.split(" ", 1)[0]
        if name in KINDS:
            columns = re.split(r"\s{2,}", line.strip())
            pairs = [FRACTION.search(c) for c in columns[1:3]]
            table[name] = {key: [int(m[1]), int(m[2])] if m else None
                           for key, m in zip(("recall", "precision"), pairs, strict=True)}
            lenient = re.search(r"R (\d+)/(\d+) = [\d.]+\s+P (\d+)/(\d+)", line)
            if lenient:
                table[name]["lenient_recall"] = [int(lenient[1]), int(lenient[2])]
                table[name]["lenient_precision"] = [int(lenient[3]), int(lenient[4])]
        elif name == "publisher":
            m = FRACTION.search(line)
            table[name] = {"recall": [int(m[1]), int(m[2])], "precision": None} if m else {}
    if not table:
        raise SystemExit("the scorer printed no table:\n" + out[-2000:])
    return table


def cell(pair: list[int] | None) -> str:
    return f"{pair[0]}/{pair[1]} = {pair[0] / pair[1]:.2f}" if pair and pair[1] else "–"


def markdown(now: dict, before: dict | None) -> str:
    heads = ["kind", "recall", "precision"]
    if before:
        heads = ["kind", "recall before", "recall now", "precision before", "precision now"]
    rows = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for kind in (*KINDS, "publisher"):
        if kind not in now:
            continue
        n, b = now[kind], (before or {}).get(kind, {})
        if before:
            values = [cell(b.get("recall")), cell(n.get("recall")), cell(b.get("precision")), cell(n.get("precision"))]
        else:
            values = [cell(n.get("recall")), cell(n.get("precision"))]
        rows.append(f"| {kind} | " + " | ".join(values) + " |")
    if "lenient_recall" in now.get("relations", {}):
        r = now["relations"]
        rows.append(f"\nRelations, partner only: recall {cell(r['lenient_recall'])}, "
                    f"precision {cell(r['lenient_precision'])}.")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="a folder with pages/, gold/, manifest.csv")
    ap.add_argument("--before", type=Path, help="figures saved by an earlier --save")
    ap.add_argument("--save", type=Path, help="write this run's figures as JSON")
    args = ap.parse_args()
    if not SCORER.exists():
        raise SystemExit(f"no scorer at {SCORER}: this benchmark needs ../shared beside the checkout")
    now = scores(args.corpus)
    if args.save:
        args.save.write_text(json.dumps(now, indent=1))
    before = json.loads(args.before.read_text()) if args.before else None
    print(markdown(now, before))


if __name__ == "__main__":
    main()
