import os
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
DOCUMENTS = ROOT / "tests" / "documents"
YOKOHAMA = SHARED / "seeds" / "004_1f68e00701a21ecf.txt"
SAPPORO = SHARED / "seeds" / "000_d5c9530cca281613.txt"


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    if not SEEDS:
        pytest.skip(f"the seed documents are not at {SHARED / 'seeds'}")
    return SEEDS


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, seeds) -> Path:
    """A store built once from the bundled data and the two seed documents."""
    from citykg.commands.build import build

    path = tmp_path_factory.mktemp("seed-store")
    build(path, seeds, validate=False)
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(command: list[str], env: dict | None = None, wait: float = 60):
    """A real server process on 127.0.0.1 (`command` gets `--port PORT` appended); yields its
    base URL once /health answers, and stops it afterwards."""
    import httpx

    port = free_port()
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=dict(os.environ, **(env or {})))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"{command[:4]} exited: " + proc.stderr.read().decode()[-800:])
            if time.monotonic() > deadline:
                pytest.fail(f"{command[:4]} did not answer /health within {wait:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Trap:
    """A listener on 127.0.0.1: any connection to it is recorded, and fails the test."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port, self.hits, self.stop = self.sock.getsockname()[1], [], False
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        while not self.stop:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                continue
            self.hits.append(peer)
            conn.close()

    def close(self):
        self.stop = True
        time.sleep(0.2)
        self.sock.close()


# Chromium for the browser tests (the explorer, Swagger UI): the Debian package scripts/setup.sh
# installs, started with what a sandboxed CI machine needs
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def missing(reason: str) -> None:
    """A tool the tests need is absent: skipped here, a failure on CI (which must have it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: see scripts/setup.sh)")
    pytest.skip(reason)
