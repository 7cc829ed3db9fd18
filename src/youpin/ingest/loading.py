"""Loading chunks into the database: one transaction each, with the batch's record of progress.

Each chunk's transaction writes its orders (or refunds), its rejected rows and the
batch's `progress_rows` mark together, so after a crash or a kill the database holds
whole chunks and the batch says which rows they were: every row up to
`progress_rows` is imported or rejected, except the rows of the orders listed under
`report["deferred"]` (see orders_loader.py). Warnings are gathered for the report.
The order loader is in orders_loader.py; the refund loader is here.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from youpin.connectors.messages import Message
from youpin.ingest.batches import runner_name
from youpin.ingest.models import BatchStatus, ImportBatch, RejectedRow
from youpin.ingest.orders_source import Chunk, FileInfo, SourceSpec
from youpin.ingest.refunds import refunds_apply
from youpin.ingest.rejects import REASON_HEADER, rejects_fill_raw, without_reason_column

MAX_WARNINGS = 50

Progress = Callable[[int], None]  # told the rows read after each chunk


@contextmanager
def chunk_transaction(*, bulk: bool = False) -> Iterator[None]:
    """One chunk's transaction; on PostgreSQL its commit does not wait for the disk.

    The chunk's rows and the batch's progress mark are in the same transaction, so a
    crash right after a commit can lose that commit only whole: the batch then says
    exactly which rows are in, and importing the file again resumes from there.
    `bulk`: the chunk is part of the import's single transaction (orders_bulk.py), with
    no savepoint of its own (an error fails the whole import anyway).
    """
    if bulk:
        with transaction.atomic(savepoint=False):
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


@dataclass
class Tally:
    """Counts of one batch."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, outcome: str, by: int = 1) -> None:
        """Count an outcome ('created', 'updated', 'unchanged')."""
        setattr(self, outcome, getattr(self, outcome) + by)


@dataclass
class Rejects:
    """Rejected rows waiting for their chunk's transaction."""

    rows: list[RejectedRow] = field(default_factory=list)
    by_code: Counter[str] = field(default_factory=Counter)


class Loader:
    """Chunks into the database, one transaction each, with the batch's record of progress."""

    def __init__(
        self,
        batch: ImportBatch,
        info: FileInfo,
        spec: SourceSpec,
        *,
        resumed: bool,
        progress: Progress | None,
    ) -> None:
        """Prepare to load the batch (resuming after `progress_rows` when `resumed`)."""
        self.batch = batch
        self.info = info
        self.spec = spec
        self.platform = info.platform
        self.progress = progress
        self.resume_mark = batch.progress_rows if resumed else 0
        self.tally = (
            Tally(batch.created, batch.updated, batch.unchanged, batch.rejected)
            if resumed
            else Tally()
        )
        report = batch.report or {}
        self.by_code: Counter[str] = Counter(report.get("rejects_by_code", {}) if resumed else {})
        self.warnings: list[dict[str, Any]] = []
        self.warning_counts: Counter[str] = Counter()
        self.file_error = ""
        self.carry: list[Message] = []
        self.rows_read = 0
        self.position = 0
        self.started = time.monotonic()
        self.bulk = False  # one transaction for the whole import (orders_bulk.py)
        self.empty_table = False  # ... into an order table that held no order

    # messages --------------------------------------------------------------------------

    def _take_messages(self, messages: list[Message], mark: int | None) -> Rejects:
        """Rejected rows up to `mark` (all when None); warnings are gathered for the report."""
        rejects = Rejects()
        keep: list[Message] = []
        for message in [*self.carry, *messages]:
            if message.row is not None and message.row <= self.resume_mark:
                continue  # committed by the run this one resumes
            if not message.is_error:
                shown = without_reason_column(message)
                if shown is None:
                    continue
                message = shown
                self.warning_counts[message.code] += 1
                if len(self.warnings) < MAX_WARNINGS:
                    self.warnings.append(
                        {"code": message.code, "text": message.text, "row": message.row}
                    )
                continue
            if message.row is None:
                self.file_error = message.text
                continue
            if mark is not None and message.row > mark:
                keep.append(message)
                continue
            rejects.rows.append(
                RejectedRow(
                    batch=self.batch,
                    row_number=message.row,
                    code=message.code[:40],
                    reason=message.text[:500],
                    raw=message.raw,
                )
            )
            rejects.by_code[message.code] += 1
        self.carry = keep
        return rejects

    def _reject_rows(self, rejects: Rejects, rows: list[int], code: str, reason: str) -> None:
        """Reject every row of an order for a reason found while loading (raw filled later)."""
        for row in rows:
            rejects.rows.append(
                RejectedRow(batch=self.batch, row_number=row, code=code, reason=reason, raw={})
            )
        rejects.by_code[code] += len(rows)

    def _commit(self, rejects: Rejects, mark: int, report: dict[str, Any]) -> None:
        """Write the chunk's rejected rows and the batch's progress (inside the transaction)."""
        RejectedRow.objects.bulk_create(rejects.rows, batch_size=1000)
        self.tally.rejected += len(rejects.rows)
        self.by_code.update(rejects.by_code)
        batch = self.batch
        batch.progress_rows = max(batch.progress_rows, mark)
        batch.created = self.tally.created
        batch.updated = self.tally.updated
        batch.unchanged = self.tally.unchanged
        batch.rejected = self.tally.rejected
        batch.rows_read = max(batch.rows_read, self.rows_read)
        batch.heartbeat_at = timezone.now()
        batch.runner = runner_name()
        percent = min(99, 100 * self.position // batch.file_size) if batch.file_size else 0
        batch.report = {
            **(batch.report or {}),
            **report,
            "rejects_by_code": dict(self.by_code),
            "percent": percent,
        }
        batch.save(
            update_fields=[
                "progress_rows",
                "created",
                "updated",
                "unchanged",
                "rejected",
                "rows_read",
                "heartbeat_at",
                "runner",
                "report",
            ]
        )
        if self.progress is not None:
            self.progress(self.rows_read)

    def finish(self) -> None:
        """Fill in the raw rows of loader rejections and close the batch with its report."""
        rejects_fill_raw(self.batch, self.info.header)
        batch = self.batch
        seconds = time.monotonic() - self.started
        report = dict(batch.report or {})
        report.pop("deferred", None)
        report.update(
            {
                "rejects_by_code": dict(self.by_code),
                "warnings": self.warnings,
                "warning_counts": dict(self.warning_counts),
                "seconds": round(seconds, 3),
                "rows_per_second": round(self.rows_read / seconds) if seconds > 0 else None,
                "reject_reason_column": REASON_HEADER,
                "percent": 100,
            }
        )
        batch.report = report
        batch.rows_read = self.rows_read
        batch.finished_at = timezone.now()
        batch.heartbeat_at = batch.finished_at
        if self.file_error:
            batch.status = BatchStatus.FAILED
            batch.error = self.file_error[:2000]
        else:
            batch.status = BatchStatus.SUCCEEDED
        batch.save()

    def run(self, items: Iterator[Any]) -> None:
        """Load every chunk."""
        raise NotImplementedError

    def second_pass(self, *, parallel: bool) -> None:
        """Load what the first pass deferred (nothing by default)."""


class RefundLoader(Loader):
    """Loads chunks of refunds (see refunds.py)."""

    def run(self, items: Iterator[Any]) -> None:
        """Load every chunk of refunds and net them against their orders."""
        for chunk in items:
            assert isinstance(chunk, Chunk)
            self.rows_read = chunk.rows_read
            self.position = chunk.position
            rows = [r.source_row or 0 for r in chunk.refunds]
            mark = max([*rows, 0])
            if chunk.last:
                mark = max(mark, *(m.row or 0 for m in [*self.carry, *chunk.messages]), 0)
            with chunk_transaction():
                rejects = self._take_messages(chunk.messages, None if chunk.last else mark)
                todo = [r for r in chunk.refunds if (r.source_row or 0) > self.resume_mark]
                outcome = refunds_apply(
                    batch=self.batch, platform=self.platform, refunds=todo, tally=self.tally
                )
                for refund, code, reason in outcome.rejected:
                    self._reject_rows(rejects, [refund.source_row or 0], code, reason)
                report = dict(self.batch.report or {})
                netted = int(report.get("orders_netted", 0)) + outcome.orders_netted
                self._commit(rejects, mark, {"orders_netted": netted})
