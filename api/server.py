"""`citykg serve`: uvicorn worker processes under uvicorn's supervisor, which shares the
listening socket among them and starts a fresh worker when one exits.

A worker retires when a query outlives the time limit (runner.py): it stops accepting, tells
each of its clients to reconnect (`Connection: close` on their next response, so keep-alive
clients move to another worker without an error), waits for its requests in flight, and
exits, which ends the runaway. It retires only while another worker serves (roster.py): with
runaways in every worker, they leave one at a time, each once the fresh worker replacing the
last one accepts. The supervisor is used even for one worker: while that worker restarts, new
connections wait in the socket's backlog.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Callable

import uvicorn
from uvicorn.supervisors import multiprocess

from citykg.api import roster
from citykg.api.deps import Settings
from citykg.api.runner import SUPERVISED

KEEP_ALIVE = 5  # s an idle connection stays open (uvicorn's default)
SETTLE = 0.5  # s a retiring worker gives its keep-alive clients to move elsewhere
WAIT = 0.1  # s between looks for another serving worker, when this one may not leave yet
_server: RetiringServer | None = None  # this worker's server, once it runs
_retiring: asyncio.Task | None = None  # held: a task nobody holds may be collected mid-way


def default_workers() -> int:
    """One per core, two at least (one serves while the other restarts), four at most."""
    return min(4, max(2, os.cpu_count() or 1))


class RetiringServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config):
        super().__init__(config)
        self.roster = roster.Roster.from_env()

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.roster is not None and not self.should_exit:
            self.roster.serve()  # the app has started and the socket accepts

    async def retire(self, grace: float, closing: Callable[[], None]) -> None:
        """Once another worker serves: stop accepting; once no request is in flight here (and
        active keep-alive clients have had SETTLE s to get their `Connection: close` and
        move), exit. Waiting longer would let the runaway grow: a cartesian product holds
        gigabytes within seconds. Until another worker serves, this one goes on serving."""
        while self.roster is not None and not self.roster.leave():
            await asyncio.sleep(WAIT)
        closing()
        for server in self.servers:
            server.close()  # this process's copy of the listening socket: the others accept
        start = time.monotonic()
        while time.monotonic() - start < grace:
            busy = any(_in_flight(c) for c in self.server_state.connections)
            if not busy and time.monotonic() - start >= SETTLE:
                break
            await asyncio.sleep(0.05)
        self.should_exit = True


def _in_flight(connection) -> bool:
    cycle = getattr(connection, "cycle", None)
    return cycle is not None and not getattr(cycle, "response_complete", True)


class _Worker(multiprocess.Process):
    """uvicorn's worker process, running a RetiringServer."""

    @property
    def server(self) -> RetiringServer:
        global _server
        if self._server is None:
            self._server = _server = RetiringServer(config=self.config)
        return self._server


def retire_worker(query_timeout: float, closing: Callable[[], None]) -> bool:
    """Begin retiring this worker (call on its event loop); False outside `citykg serve`.
    `closing()` is called when it stops accepting."""
    global _retiring
    if _server is None:
        return False
    grace = query_timeout + 1  # in-flight queries end by their limit
    _retiring = asyncio.get_running_loop().create_task(_server.retire(grace, closing))
    return True


def serve(host: str, port: int, workers: int) -> None:
    os.environ[SUPERVISED] = "1"  # the workers inherit the environment
    directory = tempfile.mkdtemp(prefix="citykg-workers-")
    os.environ[roster.DIR_ENV], os.environ[roster.COUNT_ENV] = directory, str(workers)
    try:
        _supervise(host, port, workers)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _supervise(host: str, port: int, workers: int) -> None:
    timeout = Settings.from_env().query_timeout
    config = uvicorn.Config("citykg.api.app:create_app", factory=True, host=host, port=port,
                            workers=workers, log_level="warning", access_log=False,
                            timeout_keep_alive=KEEP_ALIVE,
                            timeout_graceful_shutdown=int(timeout) + KEEP_ALIVE + 1)
    multiprocess.Process = _Worker  # this process only supervises: its workers are ours
    multiprocess.Multiprocess(config, sockets=[config.bind_socket()]).run()
