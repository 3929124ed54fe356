"""Store work under a deadline, in threads of this process.

pyoxigraph has no query timeout, but it releases the GIL while it evaluates, so a query runs in
a thread here and its request waits at most `timeout` seconds. A thread cannot be stopped, so a
job past its deadline is answered 503, asked to stop (work that loops in Python, such as a
reconciliation batch, calls `check_deadline()` between items and ends there), and if it is
still running `grace` seconds later it is a runaway:
- under `citykg serve` (CITYKG_SUPERVISED=1) this worker process retires: it stops accepting,
  lets its other requests finish, and exits, which ends the runaway; the supervisor starts a
  fresh worker, and the others serve meanwhile (server.py: never all of them at once);
- anywhere else (TestClient, a bare `uvicorn`) the thread is abandoned to finish on its own;
  while MAX_ABANDONED of them run, new work is refused with 503 rather than piling up.

Every path runs here: /sparql (a user's query, no grace: a cartesian product holds gigabytes
within seconds), canned queries, lookups and reconciliation (ours, a grace of one more time
limit: a cold worker's lookup may end a little late, and retiring for it would only make
another cold worker).

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
_job = threading.local()  # the stop flag of the job a runner thread runs


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
        self.retiring = False  # decided: a runaway runs here; the worker leaves when it may
        self.closing = False  # leaving: responses ask their clients to reconnect elsewhere
        self._threads = _Threads()
        self._lock = threading.Lock()
        self._watchers: set[asyncio.Task] = set()

    async def run(self, fn: Callable[[], T], what: str = "query", untrusted: bool = True) -> T:
        """`fn()` in a thread; QueryFailed(503) when it outlives the deadline. A late job is
        asked to stop (`check_deadline`); if it still runs after its grace (none for a user's
        own query, `untrusted`: /sparql; one more time limit for ours), the worker retires."""
        if self.abandoned >= MAX_ABANDONED and not self.supervised:  # supervised: it retires
            raise QueryFailed(503, f"{self.abandoned} queries past the time limit are still "
                                   "running in this server; try again when they end (run it "
                                   "with `citykg serve`, which stops them)")
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        state = {"late": False, "ended": False, "thread": None, "stop": threading.Event()}

        def job() -> None:
            state["thread"] = threading.get_native_id()
            _job.stop = state["stop"]
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                result, error = None, exc
            finally:
                _job.stop = None
            with self._lock:
                state["ended"] = True
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
            with self._lock:
                state["late"] = True
                self.abandoned += 1
            state["stop"].set()
            if untrusted:
                self._runaway(state, what)
            else:
                watcher = loop.create_task(self._retire_if_running(state, what))
                self._watchers.add(watcher)  # a task nobody holds may be collected mid-way
                watcher.add_done_callback(self._watchers.discard)
            raise QueryFailed(503, f"query exceeded the time limit of {self.timeout:g} s"
                              ) from None

    async def _retire_if_running(self, state: dict, what: str) -> None:
        await asyncio.sleep(self.timeout)
        self._runaway(state, what)

    def _runaway(self, state: dict, what: str) -> None:
        with self._lock:  # under the lock: a job that ends now restores its own priority
            if state["ended"]:
                return
            if state["thread"] is not None:  # it yields the CPU until the worker exits
                _idle(state["thread"])
        self.retire(f"a {what} ran past the time limit of {self.timeout:g} s")

    def retire(self, reason: str) -> None:
        """Under the supervisor: retire this worker gracefully (api/server.py), as soon as
        another worker serves; the supervisor replaces it. Elsewhere under uvicorn's signals,
        SIGTERM does a plain graceful exit."""
        if not self.supervised or self.retiring:
            return
        self.retiring = True
        log.warning("%s; worker %d retires and is replaced", reason, os.getpid())
        from citykg.api.server import retire_worker  # noqa: PLC0415 - it imports us

        if not retire_worker(self.timeout, self._closing):
            os.kill(os.getpid(), signal.SIGTERM)

    def _closing(self) -> None:
        self.closing = True

    def exit_if_abandoned(self) -> None:
        """At shutdown: leave at once if a runaway still runs (it would only burn CPU)."""
        if self.supervised and self.abandoned:
            logging.shutdown()
            os._exit(0)


def check_deadline() -> None:
    """In a job of the runner: raise once its request has been answered 503 (work that loops
    over many items calls this between them, so that a late job ends instead of running on)."""
    stop = getattr(_job, "stop", None)
    if stop is not None and stop.is_set():
        raise QueryFailed(503, "stopped: past the time limit")


class CloseWhenRetiring:
    """ASGI middleware: while this worker retires, each response asks its client to close the
    connection, so that it reconnects to another worker instead of meeting a closed socket."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["app"].state.runner.closing:
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
