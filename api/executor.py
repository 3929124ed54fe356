"""Killable SPARQL execution: a small pool of worker processes, each with its own read-only
view of the store. pyoxigraph has no query timeout, so a query past its deadline is stopped by
killing (SIGKILL) the worker that runs it; a fresh one takes its place.

Workers are plain child processes (`python -m citykg.api.executor STORE`) speaking length-
prefixed frames over their stdin/stdout. They serialize the results themselves and send bytes.
The parent awaits a reply with `loop.add_reader` on the pipe, so the event loop never blocks
and any running loop can use the pool (no thread hop, no loop bound at construction).
A worker reopens its read-only view when the store's files change (a rebuild): it looks (one
`scandir`, ~30 µs) at most every STAMP_EVERY s; reopening costs ~40 ms, so it is not done per
query.
"""
from __future__ import annotations

import asyncio
import collections
import itertools
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

try:
    from orjson import dumps, loads
except ImportError:  # pragma: no cover
    from json import loads

    def dumps(obj) -> bytes:
        import json

        return json.dumps(obj).encode()

HEADER = struct.Struct(">II")  # length of the JSON meta, length of the body
STAMP_EVERY = 0.2  # seconds between looks at the store's files
PREFIXES = {"ckg": "https://w3id.org/citykg/ontology#", "id": "https://w3id.org/citykg/id/",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
            "wd": "http://www.wikidata.org/entity/"}


class QueryFailed(Exception):
    """A query that gets no results: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@dataclass
class Reply:
    media_type: str
    body: bytes


# ---------------------------------------------------------------- serializing (both sides) ----
class _Capped:
    """A writer for pyoxigraph's serializers that gives up past `limit` bytes."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size = limit, [], 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise QueryFailed(413, f"the result is larger than {self.limit} bytes; "
                                   "add a LIMIT or select fewer variables")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _media(fmt) -> str:
    mt = fmt.media_type
    return mt if "charset" in mt or not mt.startswith("text/") else mt + "; charset=utf-8"


def serialize_result(result, results_format: str | None, graph_format: str | None,
                     max_rows: int, max_bytes: int) -> Reply:
    """Serialize a pyoxigraph query result (from a store or parsed from a remote endpoint)
    into the negotiated format, refusing more than `max_rows` rows/triples or `max_bytes`."""
    import pyoxigraph as ox

    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        if results_format is None:
            raise QueryFailed(406, "a SELECT/ASK result cannot be given in the requested type; "
                                   "use JSON, XML, CSV or TSV results")
        fmt = getattr(ox.QueryResultsFormat, results_format)
        out = _Capped(max_bytes)
        result.serialize(out, format=fmt)
        body = b"".join(out.parts)
        # a row takes at least one byte, so only a body this long can hold too many rows
        if isinstance(result, ox.QuerySolutions) and len(body) > max_rows:
            rows = sum(1 for _ in ox.parse_query_results(body, format=fmt))
            if rows > max_rows:
                raise QueryFailed(413, f"the result has more than {max_rows} rows; add a LIMIT")
        return Reply(_media(fmt), body)
    if graph_format is None:
        raise QueryFailed(406, "a CONSTRUCT/DESCRIBE result cannot be given in the requested "
                               "type; use Turtle, N-Triples, JSON-LD or RDF/XML")
    fmt = getattr(ox.RdfFormat, graph_format)
    triples = list(itertools.islice(result, max_rows + 1))
    if len(triples) > max_rows:
        raise QueryFailed(413, f"the result has more than {max_rows} triples; add a LIMIT")
    out = _Capped(max_bytes)
    kwargs = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
    ox.serialize(triples, out, format=fmt, **kwargs)
    return Reply(_media(fmt), b"".join(out.parts))


def syntax_error(exc: BaseException) -> QueryFailed:
    """pyoxigraph says 'error at 1:25: expected …': name the line and column."""
    text = str(exc)
    head, sep, rest = text.partition(": ")
    pos = head.rsplit(" ", 1)[-1]
    line, _, col = pos.partition(":")
    if sep and line.isdigit() and col.isdigit():
        return QueryFailed(400, f"SPARQL syntax error at line {line}, column {col}: {rest}",
                           line=int(line), column=int(col))
    return QueryFailed(400, f"SPARQL syntax error: {text}")


# ---------------------------------------------------------------------------- the worker ----
def _stamp(path: str) -> tuple:
    """What changes when another process writes the store (WAL, manifest, tables)."""
    return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                        for e in os.scandir(path) if not e.name.startswith(("LOG", "LOCK"))))


def _answer(view: dict, req: dict) -> tuple[dict, bytes]:
    import pyoxigraph as ox

    path, now = view["path"], time.monotonic()
    if "store" not in view or now - view["checked"] >= STAMP_EVERY:
        try:
            stamp = _stamp(path)
            if stamp != view.get("stamp"):
                view["store"], view["stamp"] = ox.Store.read_only(path), stamp
            view["checked"] = now
        except OSError as exc:
            view.pop("store", None)
            view.pop("stamp", None)
            raise QueryFailed(503, f"the store at {path} cannot be opened: {exc}") from exc
    try:
        kwargs = {"default_graph": [ox.NamedNode(g) for g in req["dg"]]} if req.get("dg") \
            else {"use_default_graph_as_union": True}
        if req.get("ng"):
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["ng"]]
        result = view["store"].query(req["q"], **kwargs)
        reply = serialize_result(result, req.get("rf"), req.get("gf"), req["rows"], req["bytes"])
    except SyntaxError as exc:
        raise syntax_error(exc) from exc
    except (ValueError, TypeError) as exc:
        raise QueryFailed(400, f"query failed: {exc}") from exc
    except OSError as exc:
        raise QueryFailed(500, f"query evaluation failed: {exc}") from exc
    return {"media": reply.media_type}, reply.body


def _read_exact(fd: int, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _write_frame(fd: int, meta: dict, body: bytes) -> None:
    head = dumps(meta)
    view = memoryview(HEADER.pack(len(head), len(body)) + head + body)
    while view:
        view = view[os.write(fd, view):]


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def worker_main(path: str) -> None:
    out = os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the frames
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; it stops us
    try:  # no wakeup preemption: a woken worker must not stall the server's event loop
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    view = {"path": path}
    try:
        _answer(view, {"q": "ASK {}", "rf": "JSON", "rows": 1, "bytes": 100})  # open early
    except QueryFailed:
        pass
    while True:
        head = _read_exact(0, 4)
        if head is None:
            return
        req = loads(_read_exact(0, struct.unpack(">I", head)[0]) or b"{}")
        try:
            meta, body = _answer(view, req)
        except QueryFailed as exc:
            meta, body = {"status": exc.status, "error": exc.message, **exc.extra}, b""
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            meta, body = {"status": 500, "error": f"{type(exc).__name__}: {exc}"}, b""
        _write_frame(out, meta, body)


# ------------------------------------------------------------------------------ the pool ----
class WorkerDied(Exception):
    pass


class _Worker:
    def __init__(self, store: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "citykg.api.executor", str(store)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.rfd, self.wfd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        for fd in (self.rfd, self.wfd):
            os.set_blocking(fd, False)
            try:
                import fcntl

                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
            except (ImportError, AttributeError, OSError):
                pass

    def kill(self) -> None:
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.stdin.close()
        self.proc.stdout.close()
        threading.Thread(target=self.proc.wait, daemon=True).start()  # reap

    async def exchange(self, payload: bytes, timeout: float) -> tuple[dict, bytes]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()
        buf = bytearray()

        def readable():
            try:
                chunk = os.read(self.rfd, 1 << 20)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                loop.remove_reader(self.rfd)
                if not done.done():
                    done.set_exception(WorkerDied())
                return
            buf.extend(chunk)
            if len(buf) >= HEADER.size:
                mlen, blen = HEADER.unpack_from(buf)
                if len(buf) >= HEADER.size + mlen + blen and not done.done():
                    loop.remove_reader(self.rfd)
                    meta = loads(bytes(buf[HEADER.size:HEADER.size + mlen]))
                    done.set_result((meta, bytes(buf[HEADER.size + mlen:])))

        loop.add_reader(self.rfd, readable)
        try:
            async with asyncio.timeout(timeout):
                await self._send(loop, payload)
                return await done
        finally:
            loop.remove_reader(self.rfd)

    async def _send(self, loop, payload: bytes) -> None:
        view = memoryview(struct.pack(">I", len(payload)) + payload)
        while view:
            try:
                view = view[os.write(self.wfd, view):]
            except BlockingIOError:
                ready = loop.create_future()
                loop.add_writer(self.wfd, lambda f=ready: f.done() or f.set_result(None))
                try:
                    await ready
                finally:
                    loop.remove_writer(self.wfd)
            except BrokenPipeError as exc:
                raise WorkerDied() from exc


class QueryPool:
    def __init__(self, store: Path | str, *, size: int = 2, timeout: float = 10.0,
                 max_rows: int = 100_000, max_bytes: int = 100 << 20):
        self.store, self.size, self.timeout = Path(store), max(1, size), timeout
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiters: collections.deque = collections.deque()
        self._closed = False
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        worker = _Worker(self.store)
        with self._lock:
            self._all.add(worker)
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                return
            while self._waiters:
                loop, fut = self._waiters.popleft()
                if fut.done():
                    continue
                try:
                    loop.call_soon_threadsafe(self._hand, fut, worker)
                    return
                except RuntimeError:  # that loop is closed
                    continue
            self._idle.append(worker)

    def _hand(self, fut: asyncio.Future, worker: _Worker) -> None:
        if fut.done():
            self._release(worker)
        else:
            fut.set_result(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        if not self._closed:
            self._spawn()

    async def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise QueryFailed(503, "the query service is shutting down")
            if self._idle:
                return self._idle.pop()
            fut = asyncio.get_running_loop().create_future()
            self._waiters.append((asyncio.get_running_loop(), fut))
        try:
            return await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            raise QueryFailed(503, f"all {self.size} query workers stayed busy for "
                                   f"{self.timeout:g} s; try again later") from None

    async def run(self, query: str, results_format: str | None, graph_format: str | None,
                  default_graphs: list[str] = (), named_graphs: list[str] = ()) -> Reply:
        payload = dumps({"q": query, "rf": results_format, "gf": graph_format,
                         "dg": list(default_graphs), "ng": list(named_graphs),
                         "rows": self.max_rows, "bytes": self.max_bytes})
        worker = await self._acquire()
        try:
            meta, body = await worker.exchange(payload, self.timeout)
        except TimeoutError:
            self._replace(worker)
            raise QueryFailed(503, f"query exceeded the time limit of {self.timeout:g} s"
                              ) from None
        except WorkerDied:
            self._replace(worker)
            raise QueryFailed(500, "the query worker died while running this query "
                                   "(out of memory?)") from None
        except BaseException:  # cancelled: the worker may still be busy
            self._replace(worker)
            raise
        self._release(worker)
        if "error" in meta:
            extra = {k: v for k, v in meta.items() if k not in ("status", "error")}
            raise QueryFailed(meta["status"], meta["error"], **extra)
        return Reply(meta["media"], body)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._idle = list(self._all), []
            self._all.clear()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":
    worker_main(sys.argv[1])
