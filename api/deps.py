"""Settings and the injected backend.

Routers get the backend through `get_backend` (or the `BackendHolder` through `get_holder`,
which also knows the store version responses are cached under). A read-only store sees the
data as of its opening, so the holder reopens an on-disk store every `refresh_seconds` and
swaps it in when a build has changed its version.

URLs the server writes (the reconciliation manifest, redirects) start with `public_base`:
CITYKG_PUBLIC_URL, or else the address the connection was accepted on, never the request's
`Host` header (which any client sets).
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request

from citykg.core.backends import Backend, open_backend
from citykg.core.paths import default_store
from citykg.core.store import GraphStore


@dataclass(frozen=True)
class Settings:
    store: Path | None = None
    endpoint: str | None = None
    query_timeout: float = 10.0
    refresh_seconds: float = 5.0
    public_url: str | None = None  # scheme://host[:port][/path], no trailing slash

    @classmethod
    def from_env(cls, store: Path | str | None = None, endpoint: str | None = None) -> Settings:
        endpoint = endpoint or os.environ.get("CITYKG_SPARQL_URL") or None
        path = None if endpoint else Path(store) if store else default_store()
        return cls(store=path, endpoint=endpoint,
                   query_timeout=_number("CITYKG_QUERY_TIMEOUT", 10.0),
                   refresh_seconds=_number("CITYKG_REFRESH_SECONDS", 5.0),
                   public_url=_public_url("CITYKG_PUBLIC_URL"))


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"${name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"${name} must be positive, not {raw!r}")
    return value


def _public_url(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or \
            parts.username is not None or parts.query or parts.fragment or "\\" in raw or \
            any(c.isspace() or ord(c) < 32 for c in raw):
        raise ValueError(f"${name} must be the server's public http(s) URL, such as "
                         f"https://citykg.example.org or http://127.0.0.1:8000, not {raw!r}")
    return raw.rstrip("/")


def public_base(request: Request) -> str:
    """The URL this server is reached at, without a trailing slash: CITYKG_PUBLIC_URL, else
    the local address the connection came in on (the socket's, not the client's word)."""
    configured = request.app.state.settings.public_url
    if configured:
        return configured
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}" if port in (None, 80) else f"http://{host}:{port}"


class BackendHolder:
    """The current backend and its store version, refreshed at most every few seconds."""

    def __init__(self, settings: Settings, backend: Backend | None = None):
        self.settings = settings
        self._reopen = backend is None and settings.store is not None
        self._backend = backend or open_backend(settings.store, settings.endpoint)
        self._version = str(self._backend.version())
        self._files = _files(settings.store) if self._reopen else None
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    @property
    def backend(self) -> Backend:
        self._maybe_refresh()
        return self._backend

    @property
    def version(self) -> str:
        self._maybe_refresh()
        return self._version

    def refresh(self) -> None:
        """Look at the store now: reopen it (on disk) or ask its version (other backends)."""
        with self._lock:
            self._refresh()

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._checked < self.settings.refresh_seconds:
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._refresh()
        except Exception:  # noqa: BLE001 - a store being rebuilt: keep serving the old view
            pass
        finally:
            self._lock.release()

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        if self._reopen:
            files = _files(self.settings.store)
            if files == self._files:
                return  # nothing written since the last look: no need to reopen
            self._files = files
            fresh = GraphStore(self.settings.store, read_only=True)
            version = fresh.version()
            if version != self._version:
                self._backend, self._version = fresh, version
        else:
            self._version = str(self._backend.version())


def _files(directory: Path) -> tuple:
    """Names, sizes and times of the store's files: they change when anything is written."""
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                            for e in os.scandir(directory)))
    except OSError:
        return ()


def get_holder(request: Request) -> BackendHolder:
    return request.app.state.holder


def get_backend(request: Request) -> Backend:
    return request.app.state.holder.backend


def get_settings(request: Request) -> Settings:
    return request.app.state.holder.settings
