"""Responses encoded with orjson, and a cache of them keyed by (path, parameters, variant,
store version): the store is read-mostly and a rebuild bumps its version, so a cached answer
is right until the version changes. Misses are computed in the thread pool, never on the
event loop."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from citykg.api.deps import BackendHolder


class OrjsonResponse(JSONResponse):
    """JSON through orjson (FastAPI's ORJSONResponse is deprecated, this is the same thing)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class ResponseCache:
    """An LRU of response bodies, bounded by count and by bytes (big bodies are not kept)."""

    def __init__(self, size: int = 4096, max_bytes: int = 256 << 20, max_item: int = 4 << 20):
        self.size, self.max_bytes, self.max_item = size, max_bytes, max_item
        self._items: OrderedDict[tuple, tuple[bytes, int, str, tuple]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
        body, status, media_type, headers = item
        return Response(body, status, dict(headers), media_type)

    def put(self, key: tuple, response: Response) -> None:
        body = bytes(response.body)
        if len(body) > self.max_item:
            return
        item = (body, response.status_code, response.media_type or "",
                tuple((k, v) for k, v in response.headers.items()
                      if k.lower() not in ("content-length", "content-type")))
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(body) - (len(old[0]) if old else 0)
            self._items[key] = item
            while self._items and (len(self._items) > self.size or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


async def cached(request: Request, holder: BackendHolder, compute: Callable[[], Response],
                 variant: str = "") -> Response:
    """The cached response for this request, or `compute()` run in a worker thread."""
    cache: ResponseCache = request.app.state.cache
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), variant,
           holder.version)
    hit = cache.get(key)
    if hit is not None:
        return hit
    response = await run_in_threadpool(compute)
    if response.status_code == 200:
        cache.put(key, response)
    return response
