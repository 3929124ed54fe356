"""Responses encoded with orjson, and a cache of them keyed by (path, parameters, variant,
store version): the store is read-mostly and a rebuild bumps its version, so a cached answer
is right until the version changes. Misses are computed by the app's query runner (a thread,
under the time limit), never on the event loop."""
from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse

from citykg.api.deps import BackendHolder, get_runner
from citykg.api.evaluate import QueryFailed


class OrjsonResponse(JSONResponse):
    """JSON through orjson (FastAPI's ORJSONResponse is deprecated, this is the same thing)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class ResponseCache:
    """An LRU of response bodies, bounded by count and by bytes (body and key text; big bodies
    are not kept). Per worker process: 64k entries hold every point lookup of a 40k-city
    graph, the whole budget costs at most `max_bytes`."""

    def __init__(self, size: int = 65536, max_bytes: int = 128 << 20, max_item: int = 4 << 20):
        self.size, self.max_bytes, self.max_item = size, max_bytes, max_item
        self._items: OrderedDict[tuple, tuple[bytes, int, str, tuple, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
        body, status, media_type, headers, _ = item
        return Response(body, status, dict(headers), media_type)

    def put(self, key: tuple, response: Response) -> None:
        body = bytes(response.body)
        if len(body) > self.max_item:
            return
        cost = len(body) + sum(len(part) for part in key if isinstance(part, str))
        item = (body, response.status_code, response.media_type or "",
                tuple((k, v) for k, v in response.headers.items()
                      if k.lower() not in ("content-length", "content-type")), cost)
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += cost - (old[4] if old else 0)
            self._items[key] = item
            while self._items and (len(self._items) > self.size or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped[4]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


async def cached(request: Request, holder: BackendHolder, compute: Callable[[], Response],
                 variant: str = "") -> Response:
    """The cached response for this request, or `compute()` run under the time limit. Calls
    that arrive while the same one is being computed wait for it instead of computing it
    again (a cold worker met by many clients asking the same thing)."""
    cache: ResponseCache = request.app.state.cache
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), variant,
           holder.version)
    hit = cache.get(key)
    if hit is not None:
        return hit
    inflight: dict = request.app.state.inflight
    if key in inflight:
        runner = get_runner(request)
        try:
            await asyncio.wait_for(asyncio.shield(inflight[key]), runner.timeout)
        except TimeoutError:
            raise QueryFailed(503, f"query exceeded the time limit of {runner.timeout:g} s"
                              ) from None
        except Exception:  # noqa: BLE001 - the first caller reports its error; we try ourselves
            pass
        hit = cache.get(key)
        if hit is not None:
            return hit

    loop = asyncio.get_running_loop()
    inflight[key] = loop.create_future()

    def finished() -> None:  # on the loop, once the computation is over (even if late)
        done = inflight.pop(key, None)
        if done is not None and not done.done():
            done.set_result(None)

    started = False

    def attempt() -> Response:
        nonlocal started
        started = True
        try:
            try:
                response = compute()
            except HTTPException as exc:  # a 404 is an answer like any other: keep it too
                if exc.status_code != 404 or exc.headers:
                    raise
                response = OrjsonResponse({"detail": exc.detail}, status_code=404)
            if response.status_code in (200, 404):
                cache.put(key, response)  # here, so that an answer too late for its
            return response               # request still serves the next one
        finally:
            loop.call_soon_threadsafe(finished)

    try:
        return await get_runner(request).run(attempt, "request", untrusted=False)
    except QueryFailed:
        if not started:  # refused before it ran: nothing else will clear its entry
            finished()
        raise
