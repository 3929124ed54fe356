"""Where the API reads from: the embedded on-disk store (default) or a remote SPARQL 1.1
endpoint. Both offer the same small interface: `select`, `ask`, `query`, `version`."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from citykg.core.store import GraphStore


class Backend(Protocol):
    def select(self, sparql: str) -> list[dict]: ...
    def ask(self, sparql: str) -> bool: ...
    def version(self) -> str: ...


def open_backend(store: Path | str | None = None, endpoint: str | None = None) -> Backend:
    if endpoint:
        from citykg.core.remote import RemoteBackend  # noqa: PLC0415

        return RemoteBackend(endpoint)
    return GraphStore(store, read_only=True)
