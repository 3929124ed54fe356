"""A short soak (bench/soak.py): 8 clients for 10 s on the seed store with a runaway query every
2 s: no errors but the runaways', each runaway stopped by the time limit, memory bounded. The
60-second, 20-client version is a benchmark (BENCHMARKS.md)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_short_soak(seed_store):
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    result = soak.soak(seed_store, seconds=10, clients=8, runaway_every=2, timeout=2)
    assert result["error_count"] == 0, result["errors"]
    assert result["runaways"] and result["runaways_stopped"], result["runaways"]
    assert all(r["s"] < 2 + 10 for r in result["runaways"])
    assert result["requests"] > 50
    mem = result["memory_mib"]
    assert mem["max"] < 4 * max(mem["first"], 200), mem
