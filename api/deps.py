"""The API's settings and what routers are given through `Depends`.

`Settings` is read from the environment once, when the app is made (`create_app`), and reaches
routers as the `AppSettings` dependency, the backend's holder as `Holder` (helpers handed only
the request use `get_settings`, `get_holder`, `get_runner`). A read-only store sees the data as
of its opening, so the holder reopens an on-disk store every `refresh_seconds` and swaps it in
when a build has changed its version; what is computed from a store version (the name index,
the relation graph, the organisations) is kept by a `PerVersion`.

URLs the server writes (the reconciliation manifest, redirects) start with `public_base`:
CITYKG_PUBLIC_URL, or else the address the connection was accepted on, never the request's
`Host` header (which any client sets).
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, Request
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from citykg.api.runner import QueryRunner
from citykg.core.backends import Backend, open_backend
from citykg.core.paths import default_store
from citykg.core.store import GraphStore

T = TypeVar("T")


class Settings(BaseSettings):
    """What the server is told, from CITYKG_* variables: CITYKG_STORE (store directory),
    CITYKG_SPARQL_URL (a remote SPARQL endpoint instead of the store), CITYKG_QUERY_TIMEOUT
    (seconds, default 10), CITYKG_REFRESH_SECONDS (how often to look for a rebuilt store,
    default 5), CITYKG_PUBLIC_URL (the URL clients reach the server at, for the URLs it writes;
    default the address served), CITYKG_MAX_RESULTS and CITYKG_MAX_RESULT_BYTES (the caps of a
    /sparql answer), CITYKG_SERVICE_ALLOW (the hosts SERVICE may reach, comma-separated)."""

    model_config = SettingsConfigDict(env_prefix="CITYKG_", frozen=True, extra="ignore")

    store: Path | None = None
    endpoint: str | None = Field(None, validation_alias="CITYKG_SPARQL_URL")
    query_timeout: float = 10.0
    refresh_seconds: float = 5.0
    public_url: str | None = None  # scheme://host[:port][/path], no trailing slash
    max_results: int = 100_000
    max_result_bytes: int = 100 << 20
    service_allow: Annotated[tuple[str, ...], NoDecode] = ()

    @classmethod
    def from_env(cls, store: Path | str | None = None, endpoint: str | None = None) -> Settings:
        """The environment's settings; `store` and `endpoint` (the command line's) win. With
        an endpoint there is no store; without either, $CITYKG_STORE or ./citykg-store."""
        given = {k: v for k, v in (("store", store), ("CITYKG_SPARQL_URL", endpoint)) if v}
        try:
            read = cls(**given)
        except ValidationError as exc:  # the variable's own words, not pydantic's report
            raise ValueError("; ".join(e["msg"].removeprefix("Value error, ")
                                       for e in exc.errors())) from None
        if read.endpoint:
            return read.model_copy(update={"store": None})
        return read if read.store else read.model_copy(update={"store": default_store()})

    @field_validator("endpoint", "store", mode="before")
    @classmethod
    def _blank_is_none(cls, raw: Any) -> Any:
        return raw or None

    @field_validator("query_timeout", "refresh_seconds", mode="before")
    @classmethod
    def _seconds(cls, raw: Any, info) -> Any:
        if not isinstance(raw, str):
            return raw
        name = f"CITYKG_{info.field_name.upper()}"
        if not raw.strip():
            return cls.model_fields[info.field_name].default
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"${name} must be a number of seconds, not {raw!r}") from None
        if value <= 0:
            raise ValueError(f"${name} must be positive, not {raw!r}")
        return value

    @field_validator("max_results", "max_result_bytes", mode="before")
    @classmethod
    def _count(cls, raw: Any, info) -> Any:
        if not isinstance(raw, str):
            return raw
        raw = raw.strip()
        return int(raw) if raw.isdigit() and int(raw) > 0 else cls.model_fields[info.field_name].default

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, raw: Any) -> str | None:
        return public_url(raw, "CITYKG_PUBLIC_URL")

    @field_validator("service_allow", mode="before")
    @classmethod
    def _hosts(cls, raw: Any) -> tuple[str, ...]:
        items = raw.split(",") if isinstance(raw, str) else raw
        return tuple(h.strip() for h in items if h.strip())


def public_url(raw: str | None, name: str) -> str | None:
    raw = (raw or "").strip()
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


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_holder(request: Request) -> BackendHolder:
    return request.app.state.holder


def get_runner(request: Request) -> QueryRunner:
    return request.app.state.runner


def public_base(request: Request) -> str:
    """The URL this server is reached at, without a trailing slash: CITYKG_PUBLIC_URL, else
    the local address the connection came in on (the socket's, not the client's word)."""
    configured = get_settings(request).public_url
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



class PerVersion(Generic[T]):
    """What `build(backend, version)` makes of the current store version (the name index, the
    relation graph): built on first use, built again once the version has changed."""

    def __init__(self, build: Callable[[Backend, str], T]):
        self._build = build
        self._value: T | None = None
        self._version: str | None = None
        self._lock = threading.Lock()

    def get(self, holder: BackendHolder) -> T:
        version = holder.version
        value = self._value
        if value is not None and self._version == version:
            return value
        with self._lock:
            if self._value is None or self._version != version:
                self._value, self._version = self._build(holder.backend, version), version
            return self._value


AppSettings = Annotated[Settings, Depends(get_settings)]
Holder = Annotated[BackendHolder, Depends(get_holder)]
