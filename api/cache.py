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
    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[tuple, tuple[bytes, int, str, tuple]] = OrderedDict()
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
        item = (bytes(response.body), response.status_code, response.media_type or "",
                tuple((k, v) for k, v in response.headers.items()
                      if k.lower() not in ("content-length", "content-type")))
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


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
