"""Store work under a deadline, in threads of this process.

pyoxigraph has no query timeout, but it releases the GIL while it evaluates, so a query runs in
a thread here and its request waits at most `timeout` seconds. A thread cannot be stopped, so a
query past its deadline is answered 503 and then:
- under `citykg serve` (CITYKG_SUPERVISED=1) this worker process retires: it stops accepting,
  lets its other requests finish, and exits, which ends the runaway; the supervisor starts a
  fresh worker, and the others serve meanwhile;
- anywhere else (TestClient, a bare `uvicorn`) the thread is abandoned to finish on its own;
  while MAX_ABANDONED of them run, new work is refused with 503 rather than piling up.

The threads are daemon threads, so an abandoned one never holds up the process's exit.
(concurrent.futures' and anyio's threads are joined at exit, which a runaway would block.)
Running in-process instead of handing queries to worker processes saves the round trip,
which cost half of a point lookup's time (BENCHMARKS.md §3).
"""
from __future__ import annotations

import asyncio
import logging
import os
import queue
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from citykg.api.evaluate import QueryFailed

T = TypeVar("T")
SUPERVISED = "CITYKG_SUPERVISED"
MAX_THREADS = 64  # at once per process; beyond that a request is refused (503)
MAX_ABANDONED = 2
log = logging.getLogger("citykg.api")


def _idle(thread_id: int) -> None:
    """Run a thread only when the CPU has nothing else to do (Linux threads have their own
    scheduling policy): a runaway, until its worker exits."""
    try:
        os.sched_setscheduler(thread_id, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def _foreground() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    except (AttributeError, OSError):
        pass


class _Threads:
    """A pool of daemon threads that grows to MAX_THREADS and reuses idle threads."""

    def __init__(self):
        self._idle: list[queue.SimpleQueue] = []
        self._count = 0
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], None]) -> bool:
        with self._lock:
            if self._idle:
                inbox = self._idle.pop()
            elif self._count < MAX_THREADS:
                self._count += 1
                inbox = queue.SimpleQueue()
                threading.Thread(target=self._serve, args=(inbox,), daemon=True,
                                 name="citykg-query").start()
            else:
                return False
        inbox.put(job)
        return True

    def _serve(self, inbox: queue.SimpleQueue) -> None:
        while True:
            inbox.get()()
            with self._lock:
                self._idle.append(inbox)


class QueryRunner:
    def __init__(self, timeout: float, supervised: bool | None = None):
        self.timeout = timeout
        self.supervised = os.environ.get(SUPERVISED) == "1" if supervised is None else supervised
        self.abandoned = 0
        self.retiring = False
        self._threads = _Threads()
        self._lock = threading.Lock()

    async def run(self, fn: Callable[[], T], what: str = "query", untrusted: bool = True) -> T:
        """`fn()` in a thread; QueryFailed(503) when it outlives the deadline. Only work with
        a user's own query (`untrusted`: /sparql) can run away: past the deadline it retires
        the worker. Our own queries and lookups end by themselves (a cold index can take
        seconds): a late one is answered 503 and left to finish."""
        if self.abandoned >= MAX_ABANDONED and not self.supervised:  # supervised: it retires
            raise QueryFailed(503, f"{self.abandoned} queries past the time limit are still "
                                   "running in this server; try again when they end (run it "
                                   "with `citykg serve`, which stops them)")
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        state = {"late": False, "thread": None}

        def job() -> None:
            state["thread"] = threading.get_native_id()
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                result, error = None, exc
            with self._lock:
                if state["late"]:
                    self.abandoned -= 1
                    _foreground()  # this thread serves again
                    return
            try:
                loop.call_soon_threadsafe(_settle, done, result, error)
            except RuntimeError:  # the loop has closed
                pass

        if not self._threads.submit(job):
            raise QueryFailed(503, f"{MAX_THREADS} queries are running at once; try again later")
        try:
            return await asyncio.wait_for(done, self.timeout)
        except TimeoutError:
            if untrusted:
                with self._lock:
                    state["late"] = True
                    self.abandoned += 1
                if state["thread"] is not None:  # it yields the CPU until the worker exits
                    _idle(state["thread"])
                self.retire(f"a {what} ran past the time limit of {self.timeout:g} s")
            raise QueryFailed(503, f"query exceeded the time limit of {self.timeout:g} s"
                              ) from None

    def retire(self, reason: str) -> None:
        """Under the supervisor: retire this worker gracefully (api/server.py); the supervisor
        replaces it. Elsewhere under uvicorn's signals, SIGTERM does a plain graceful exit."""
        if not self.supervised or self.retiring:
            return
        self.retiring = True
        log.warning("%s; worker %d retires and is replaced", reason, os.getpid())
        from citykg.api.server import retire_worker  # noqa: PLC0415 - it imports us

        if not retire_worker(self.timeout):
            os.kill(os.getpid(), signal.SIGTERM)

    def exit_if_abandoned(self) -> None:
        """At shutdown: leave at once if a runaway still runs (it would only burn CPU)."""
        if self.supervised and self.abandoned:
            logging.shutdown()
            os._exit(0)


class CloseWhenRetiring:
    """ASGI middleware: while this worker retires, each response asks its client to close the
    connection, so that it reconnects to another worker instead of meeting a closed socket."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["app"].state.runner.retiring:
            await self.app(scope, receive, send)
            return

        async def closing(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive, closing)


def _settle(done: asyncio.Future, result, error: BaseException | None) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
