"""How fast the Japanese gazetteer loads, resolves names and finds them in text.

    .venv/bin/python bench/bench_jp_resolve.py
"""
from __future__ import annotations

import random
import statistics
import time

from citykg.core.jp_gazetteer import CSV_PATH, JPGazetteer, load, read_csv


def names_of(gaz: JPGazetteer) -> list[str]:
    """Every way the gazetteer's entries are commonly written: name, stem, kana, romaji."""
    names: list[str] = []
    for m in gaz.all():
        names += [m.name, m.stem, m.kana, m.romaji, m.romaji_full, m.code]
    return names


def bench_resolve(gaz: JPGazetteer, names: list[str], rounds: int = 3) -> list[float]:
    means = []
    for _ in range(rounds):
        t = time.perf_counter()
        for n in names:
            gaz.resolve(n)
        means.append((time.perf_counter() - t) / len(names))
    return means


def sample_text(gaz: JPGazetteer, size: int = 1_000_000) -> str:
    rng = random.Random(0)
    filler = ("本市は国際交流の推進に向けて、姉妹都市との市民交流事業を実施した。"
              "町内会や村の代表団、区役所の職員も参加し、都市間の協力を確認した。")
    names = [m.name for m in gaz.all()]
    parts, n = [], 0
    while n < size:
        part = rng.choice(names) + "と" + filler[: rng.randrange(20, len(filler))]
        parts.append(part)
        n += len(part)
    return "".join(parts)[:size]


def main() -> None:
    t = time.perf_counter()
    rows = read_csv(CSV_PATH)
    t_csv = time.perf_counter() - t
    t = time.perf_counter()
    cold = JPGazetteer(rows)
    t_index = time.perf_counter() - t
    print(f"load: read CSV {t_csv * 1e3:.1f} ms, build indexes {t_index * 1e3:.1f} ms "
          f"({len(rows)} entries)")

    names = names_of(cold)
    first, *warm = bench_resolve(cold, names)
    print(f"resolve(): {len(names)} names, mean {first * 1e6:.1f} µs per name (uncached), "
          f"{statistics.mean(warm) * 1e6:.1f} µs (cached)")
    ctx = time.perf_counter()
    for _ in range(1000):
        cold.resolve("中区", city="横浜市")
        cold.resolve("伊達市", prefecture="北海道")
    print(f"resolve() with context: {(time.perf_counter() - ctx) / 2000 * 1e6:.1f} µs per name")

    gaz = load()
    text = sample_text(gaz)
    t = time.perf_counter()
    found = gaz.find_in_text(text)
    dt = time.perf_counter() - t
    print(f"find_in_text(): {len(text) / 1e6:.1f} M characters in {dt * 1e3:.0f} ms "
          f"({len(text) / dt / 1e6:.1f} M characters/s), {len(found)} names")


if __name__ == "__main__":
    main()
