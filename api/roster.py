"""Which workers of one `citykg serve` are serving, so that a worker retires only while another
one serves: runaways in every worker at once must not leave nobody accepting connections.

The supervisor makes a directory (CITYKG_WORKERS_DIR) that its workers inherit. A serving
worker holds an exclusive flock on a file there named by its pid; the kernel drops the lock
when the process ends, however it ends (kill -9 too), so a file whose lock can be taken belongs
to no live worker and is removed. Leaving takes the directory's own lock, counts the others
that serve, and gives up the file only if at least one does.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

DIR_ENV = "CITYKG_WORKERS_DIR"
COUNT_ENV = "CITYKG_WORKERS"


class Roster:
    def __init__(self, directory: Path | str, workers: int):
        self.directory, self.workers = Path(directory), workers
        self._fd: int | None = None

    @classmethod
    def from_env(cls) -> Roster | None:
        directory = os.environ.get(DIR_ENV)
        if not directory:
            return None
        return cls(directory, int(os.environ.get(COUNT_ENV) or 1))

    @property
    def mine(self) -> Path:
        return self.directory / str(os.getpid())

    def serve(self) -> None:
        """Count this worker as serving (once it accepts connections)."""
        if self._fd is not None:
            return
        # locked under a temporary name, then renamed: another worker never sees the file
        # unlocked and takes it for a dead worker's
        temporary = self.directory / f".new-{os.getpid()}"
        fd = os.open(temporary, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(temporary, self.mine)
        self._fd = fd

    def others_serving(self) -> int:
        count = 0
        for entry in os.scandir(self.directory):
            if not entry.name.isdigit() or entry.name == str(os.getpid()):
                continue
            try:
                fd = os.open(entry.path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                count += 1  # its worker holds it
            else:
                _remove(entry.path)  # left by a worker that has ended
            finally:
                os.close(fd)
        return count

    def leave(self) -> bool:
        """Stop counting as serving, if another worker serves (or this is the only worker
        there is); False when this one must go on serving for now."""
        with self._exclusive():
            if self.workers > 1 and self.others_serving() == 0:
                return False
            _remove(self.mine)
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            return True

    @contextmanager
    def _exclusive(self):
        fd = os.open(self.directory / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a directory listing: a moment
            yield
        finally:
            os.close(fd)


def _remove(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
