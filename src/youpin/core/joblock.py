"""One run at a time of a background job (facts refresh, trust refresh, counter sweeps).

`job_lock(name, wait=seconds)` holds a lock named after the job for the duration of a
`with` block, or raises `JobBusy` when another process (or thread) still holds it after
`wait` seconds. The lock is:

* on PostgreSQL, a session advisory lock (`pg_try_advisory_lock`) taken on a connection
  of its own, so it does not depend on the work's transactions (an aborted transaction
  cannot keep it) and it is released by the server when the process dies; it works
  across hosts that share the database;
* on SQLite, an exclusive `flock` on `VAR_DIR/locks/<name>.lock` (the database file lives
  in VAR_DIR, so every process that writes it sees the same lock file); the kernel drops
  it when the process dies.

Nested `job_lock` of the same name in the same thread is re-entrant (a service that
locks, called by a command that already locked).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

POLL_SECONDS = 0.2
_held = threading.local()


class JobBusy(Exception):
    """Another run of the job holds its lock."""

    def __init__(self, name: str) -> None:
        super().__init__(f"另一个「{name}」任务正在运行")
        self.name = name


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a job name (PostgreSQL advisory locks)."""
    digest = hashlib.sha256(f"youpin-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _held_counts() -> dict[str, int]:
    """The locks this thread holds, with their nesting depth."""
    counts = getattr(_held, "counts", None)
    if counts is None:
        counts = {}
        _held.counts = counts
    return counts


def locks_dir() -> Path:
    """The directory of the SQLite lock files (VAR_DIR/locks)."""
    path = Path(settings.VAR_DIR) / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _FileLock:
    """An exclusive flock on a file under VAR_DIR/locks."""

    def __init__(self, name: str) -> None:
        self.path = locks_dir() / f"{name}.lock"
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if free; True when taken."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return True

    def give_up(self) -> None:
        """Stop trying (nothing is held between attempts)."""

    def release(self) -> None:
        """Drop the lock."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class _AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self, name: str) -> None:
        self.key = lock_key(name)
        self.conn: Any = None

    def try_acquire(self) -> bool:
        """Take the lock if free; True when taken."""
        if self.conn is None:
            self.conn = connection.get_new_connection(connection.get_connection_params())
            self.conn.autocommit = True
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            return bool(cursor.fetchone()[0])

    def release(self) -> None:
        """Drop the lock (closing the connection drops it too)."""
        if self.conn is None:
            return
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
        finally:
            self._close()

    def give_up(self) -> None:
        """Stop trying (the lock was never taken): close the connection."""
        self._close()

    def _close(self) -> None:
        """Close the lock's connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@contextmanager
def job_lock(name: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the job's lock inside the block; JobBusy when still held by another after `wait` s."""
    counts = _held_counts()
    if counts.get(name):
        counts[name] += 1
        try:
            yield
        finally:
            counts[name] -= 1
        return
    lock: _FileLock | _AdvisoryLock = (
        _AdvisoryLock(name) if connection.vendor == "postgresql" else _FileLock(name)
    )
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        while not lock.try_acquire():
            if time.monotonic() >= deadline:
                raise JobBusy(name)
            time.sleep(POLL_SECONDS)
    except BaseException:
        lock.give_up()
        raise
    counts[name] = 1
    try:
        yield
    finally:
        counts[name] = 0
        lock.release()
