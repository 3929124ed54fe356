"""What the benchmarks share: a free loopback port, percentiles, a server started and awaited."""
from __future__ import annotations

import socket
import subprocess
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float, digits: int = 3) -> float:
    """The p-th percentile (nearest rank), rounded; 0.0 for no values."""
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], digits) \
        if values else 0.0


def serve(cmd: list[str], health: str, env: dict | None = None,
          wait: float = 60) -> subprocess.Popen:
    """Start a server process and return it once `health` answers 2xx."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + wait
    while True:
        try:
            httpx.get(health, timeout=2).raise_for_status()
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise SystemExit(f"{cmd[:2]} did not start") from None
            time.sleep(0.3)
