"""Replacing a whole store directory at once: how a bulk import becomes visible.

pyoxigraph's bulk loader is fast because it writes sorted table files and ingests them
directly, outside any transaction, a million quads at a time: a reader could see half a file,
and a kill leaves half a file behind. So a build that bulk-loads writes a *new* store beside the
live one and swaps the two directories in one step:

1. take the build lock (`.<name>.citykg-lock` beside the store, `flock`: released when the
   process dies, so a killed build never leaves a stale lock);
2. remove what killed builds left beside the store (`.<name>.citykg-staging-*`);
3. make the staging store: a checkpoint of the live one (RocksDB hard-links its immutable table
   files: cheap, no copy) or a fresh store;
4. write the new graphs into the staging store (bulk loads, one transaction for the rest),
   flush it and close it;
5. exchange the two directories with `renameat2(RENAME_EXCHANGE)`: one system call, atomic;
   the live path now holds the new store, the staging path the old one;
6. delete the old one.

A kill before step 5 leaves the live store untouched (only a staging directory to clean up);
a kill after it leaves the new store complete. Readers that had the store open keep their view
(their files stay open); readers that open it afterwards see the new one; a reader opening
across the instant of the exchange notices (the directory's inode changed) and opens it again
(`citykg.core.store.open_read_only`).

Where the file system has no RENAME_EXCHANGE, two renames are used with a journal file beside
the store; the next build finishes or undoes an interrupted swap. Readers may then find no
store for the instant between the two renames.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from citykg.core.store import StoreError

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def live_path(path: Path | str) -> Path:
    """The store directory the swap works on: symlinks resolved, so the swap replaces the
    directory, never a link to it."""
    return Path(os.path.realpath(path))


def _sibling(path: Path, tag: str) -> Path:
    return path.parent / f".{path.name}.citykg-{tag}"


def is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def check_target(path: Path) -> None:
    """Refuse to build into a directory that holds something else than a store: the swap
    would replace it, and the old one is deleted."""
    path = live_path(path)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a directory")
    if path.is_dir() and not is_store(path) and any(path.iterdir()):
        raise StoreError(f"{path}: not empty and not a citykg store; give an empty or new "
                         "directory to --store")


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """One build at a time per store; fails at once, naming the store, if another holds it."""
    path = live_path(path)
    lock = _sibling(path, "lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the build lock {lock}: {exc.strerror or exc}"
                         ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{path}: another `citykg build` is writing this store; "
                             "try again when it has finished") from None
        _recover(path)
        yield
    finally:
        os.close(fd)


def staging_path(path: Path) -> Path:
    return _sibling(live_path(path), f"staging-{os.getpid()}")


def clean_stale(path: Path) -> None:
    """Remove what killed builds left beside the store. Call with the build lock held."""
    path = live_path(path)
    for leftover in path.parent.glob(f".{path.name}.citykg-staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def publish(staging: Path, path: Path) -> None:
    """Make the complete store at `staging` the live store at `path`, atomically; the old
    store is deleted. Call with the build lock held and every handle on `staging` closed."""
    path = live_path(path)
    _fsync_dir(staging)
    if not path.exists():
        os.rename(staging, path)
        _fsync_dir(path.parent)
        return
    if not path.is_dir():
        raise StoreError(f"{path}: not a directory")
    try:
        exchange(staging, path)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise StoreError(f"{path}: cannot swap the new store in: {exc.strerror or exc} "
                             "(the store is unchanged)") from exc
        _swap_by_renames(staging, path)
        return
    _fsync_dir(path.parent)
    fault_point("swapped")
    shutil.rmtree(staging, ignore_errors=True)  # the old store


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2 with RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None or os.environ.get("CITYKG_NO_RENAME_EXCHANGE"):
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _swap_by_renames(staging: Path, path: Path) -> None:
    """The fallback: path → old, staging → path, with a journal so that the next build can
    finish (or undo) a swap a kill interrupted."""
    old, journal = _sibling(path, "old"), _sibling(path, "swap")
    shutil.rmtree(old, ignore_errors=True)
    _write_durably(journal, f"{staging}\n")
    os.rename(path, old)
    try:
        os.rename(staging, path)
    except OSError:
        os.rename(old, path)
        journal.unlink()
        raise
    _fsync_dir(path.parent)
    journal.unlink()
    shutil.rmtree(old, ignore_errors=True)


def _recover(path: Path) -> None:
    """Finish a fallback swap that a kill interrupted (see _swap_by_renames)."""
    old, journal = _sibling(path, "old"), _sibling(path, "swap")
    if journal.exists():
        staging = Path(journal.read_text().strip())
        if not path.exists():
            # killed between the two renames: the staging store was complete, finish the swap
            os.rename(staging if is_store(staging) else old, path)
            _fsync_dir(path.parent)
        journal.unlink()
    if old.exists() and path.exists():
        shutil.rmtree(old, ignore_errors=True)


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fault_point(name: str) -> None:
    """For the fault tests: stop here (to be killed) when $CITYKG_FAULT_POINT names this point."""
    if os.environ.get("CITYKG_FAULT_POINT") == name:
        print(f"fault point {name}", file=sys.stderr, flush=True)
        time.sleep(600)
