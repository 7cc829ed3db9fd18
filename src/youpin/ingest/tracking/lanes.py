"""Who applies a chunk: the caller's own connection, or parallel lanes on PostgreSQL.

A `Lane` owns one database connection with its staging and touched-parcel tables, and
applies its share of every chunk. `InlineLane` works in the caller's thread and
connection (SQLite, pushes, and anything inside a transaction). On PostgreSQL a big file
is split by parcel between two `ThreadLane`s, each with its own connection: the server
runs each statement on one core, so two connections use two. A parcel always goes to
the same lane, so the lanes never touch the same rows.

`Lookahead` parses the next chunk in a background thread while the database works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from queue import Queue

from django.db import connection, transaction

from youpin.connectors.records import TrackingEventRecord
from youpin.ingest.tracking.loader import ChunkResult, StageLoader

Rows = list[tuple[object, ...]]


@dataclass
class LaneResult:
    """What one lane did with its share of a chunk."""

    chunk: ChunkResult
    parcels: list[tuple[int, str, int]] = field(default_factory=list)


class InlineLane:
    """Applies chunks in the caller's thread, on the caller's connection."""

    def __init__(self, *, bulk: bool, batch_id: int | None, now: datetime) -> None:
        self.loader = StageLoader()
        self.bulk = bulk
        self.batch_id = batch_id
        self.now = now
        self.loader.prepare(bulk=bulk)
        self._result: LaneResult | None = None
        self._first_parcels = 0  # the touched count when there is one chunk

    def submit(self, rows: Rows, on_staged: Callable[[], None]) -> None:
        """Stage and apply rows in one transaction; `on_staged` runs between the two."""
        if self._result is None:
            self._first_parcels = len({(row[0], row[1]) for row in rows})
        with transaction.atomic(savepoint=False):
            self.loader.stage(rows)
            on_staged()
            chunk = self.loader.apply(staged=len(rows), batch_id=self.batch_id, now=self.now)
            parcels = self.loader.staged_parcels() if self.bulk and rows else []
        self._result = LaneResult(chunk, parcels)

    def result(self) -> LaneResult:
        """What the last chunk did."""
        assert self._result is not None
        return self._result

    def finish(self, *, one_chunk: bool) -> tuple[int, int]:
        """Derive the touched parcels' states; (parcels changed, parcels touched)."""
        if one_chunk:  # a push: its few parcels in one statement, counted already
            with transaction.atomic(savepoint=False):
                changed = self.loader.recompute(0, 2**62, now=self.now)
            return changed, self._first_parcels
        return _recompute(self.loader, one_chunk=False, now=self.now)

    def close(self) -> None:
        """Nothing to release."""


class ThreadLane:
    """Applies its share of each chunk in its own thread and database connection."""

    def __init__(self, *, batch_id: int | None, now: datetime) -> None:
        self._jobs: Queue[Callable[[], object] | None] = Queue()
        self._answers: Queue[tuple[object, BaseException | None]] = Queue()
        self._thread = threading.Thread(target=self._serve, name="tracking-lane", daemon=True)
        self._thread.start()
        self.batch_id = batch_id
        self.now = now
        self.loader: StageLoader | None = None
        self._call(self._prepare)

    def _serve(self) -> None:
        """Run jobs until told to stop, then close this thread's connection."""
        try:
            while (job := self._jobs.get()) is not None:
                try:
                    self._answers.put((job(), None))
                except BaseException as exc:  # handed to the caller
                    self._answers.put((None, exc))
        finally:
            connection.close()

    def _call(self, job: Callable[[], object]) -> object:
        """Run a job in the lane and wait for it."""
        self._jobs.put(job)
        return self._wait()

    def _wait(self) -> object:
        """The answer of the job sent last; its error raised here."""
        answer, error = self._answers.get()
        if error is not None:
            raise error
        return answer

    def _prepare(self) -> None:
        """Make the lane's staging tables."""
        self.loader = StageLoader()
        self.loader.prepare(bulk=True)

    def submit(self, rows: Rows, on_staged: Callable[[], None]) -> None:
        """Start applying rows in the lane; `result` waits for it."""
        del on_staged  # the caller starts its reader itself: the lanes release the interpreter

        def apply() -> LaneResult:
            """Stage and apply in one transaction of the lane's connection."""
            assert self.loader is not None
            with transaction.atomic(savepoint=False):
                self.loader.stage(rows)
                chunk = self.loader.apply(staged=len(rows), batch_id=self.batch_id, now=self.now)
                return LaneResult(chunk, self.loader.staged_parcels() if rows else [])

        self._jobs.put(apply)

    def result(self) -> LaneResult:
        """Wait for the chunk submitted last."""
        answer = self._wait()
        assert isinstance(answer, LaneResult)
        return answer

    def finish(self, *, one_chunk: bool) -> tuple[int, int]:
        """Derive the lane's touched parcels' states; (parcels changed, parcels touched)."""
        assert self.loader is not None
        loader = self.loader
        answer = self._call(lambda: _recompute(loader, one_chunk=one_chunk, now=self.now))
        assert isinstance(answer, tuple)
        return answer

    def close(self) -> None:
        """Stop the lane's thread (closing its connection)."""
        self._jobs.put(None)
        self._thread.join()


def _recompute(loader: StageLoader, *, one_chunk: bool, now: datetime) -> tuple[int, int]:
    """Recompute a loader's touched parcels, slice by slice; (changed, touched)."""
    if one_chunk:  # a push: its few parcels in one statement
        with transaction.atomic(savepoint=False):
            return loader.recompute(0, 2**62, now=now), loader.touched_count()
    loader.refresh_statistics()
    changed = 0
    for low, high in loader.touched_slices():
        with transaction.atomic(savepoint=False):
            changed += loader.recompute(low, high, now=now)
    return changed, loader.touched_count()


Lane = InlineLane | ThreadLane


def lanes_for(*, bulk: bool, batch_id: int | None, now: datetime) -> list[Lane]:
    """Two connections for a big file on PostgreSQL (outside a transaction), else one."""
    parallel = bulk and connection.vendor == "postgresql" and not connection.in_atomic_block
    if parallel:
        return [ThreadLane(batch_id=batch_id, now=now) for _ in range(2)]
    return [InlineLane(bulk=bulk, batch_id=batch_id, now=now)]


def split(rows: Rows, parts: int) -> list[Rows]:
    """Rows shared out by parcel (carrier id, waybill): one parcel's rows stay together."""
    if parts == 1:
        return [rows]
    shares: list[Rows] = [[] for _ in range(parts)]
    for row in rows:
        shares[hash((row[0], row[1])) % parts].append(row)
    return shares


class Lookahead:
    """Reads the next chunk in a background thread while the database applies this one.

    Parsing is pure Python; applying a chunk is SQL that leaves the interpreter free. The
    reader runs only during that SQL — never while rows are built or bulk-loaded through
    the caller's connection, which need the interpreter themselves — so on two cores the
    parse of chunk n+1 hides behind the statements of chunk n. The reader touches no
    database; its error is raised by `take`.
    """

    def __init__(self, chunks: Iterator[list[TrackingEventRecord]]) -> None:
        self._chunks = chunks
        self._next: list[TrackingEventRecord] = []
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin reading the next chunk (once per chunk)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._read, name="tracking-reader", daemon=True)
            self._thread.start()

    def _read(self) -> None:
        """Read one chunk (empty at the end)."""
        try:
            self._next = next(self._chunks, [])
        except BaseException as exc:  # raised again in the caller's thread by take()
            self._error = exc

    def take(self) -> list[TrackingEventRecord]:
        """The chunk read in the background (reading it now if no reader was started)."""
        if self._thread is None:
            return next(self._chunks, [])
        self._thread.join()
        self._thread = None
        if self._error is not None:
            raise self._error
        return self._next

    def stop(self) -> None:
        """Wait for a reader still running (after an error in the caller)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
