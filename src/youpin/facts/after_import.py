"""After an import batch: the facts of the days it touched and the verification of its orders.

`refresh_after_import(kind=…, since=…, batch=…)` is called once, at the end of a batch and
after its commit, by every import path (orders: the CLI, the upload runner, the API;
tracking: the CLI file import and the replay of stored pushes). It

1. finds the days the batch touched — the sale days of the orders, or the collection and
   delivery days of the parcels, updated since the batch started (less a margin) — and
   recomputes those days of the sales facts (orders) or the parcel facts (tracking);
2. re-runs the verification and brushing signals incrementally for the same rows
   (`verification_refresh(since=…)`).

It never fails the import: an error (or another refresh holding the lock too long) is
logged without personal data, recorded in the batch's report under `refresh`, and left to
the next `youpin facts refresh` / `youpin trust refresh --changed`, whose watermarks this
hook does not move. Single pushes and counter scans are not refreshed one by one: cron
runs those commands (docs/OPERATIONS.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from youpin.core.joblock import JobBusy
from youpin.core.masking import mask_phones_in_text
from youpin.facts.refresh import (
    PARCELS,
    SALES,
    days_of_orders_changed,
    days_of_parcels_changed,
    facts_refresh_days,
)
from youpin.ingest.models import ImportBatch
from youpin.trust.services import verification_refresh

logger = logging.getLogger(__name__)

ORDERS, TRACKING = "orders", "tracking"
# The batch's rows are stamped by the process running it, after it started (a tracking file
# takes its clock a moment before it records the start); the margin covers that moment.
MARGIN = timedelta(seconds=1)
# How long the hook waits for a refresh already running (cron's) before giving up; an
# import through the API waits less (its caller is waiting for the answer).
LOCK_WAIT = 600.0
API_LOCK_WAIT = 30.0


@dataclass
class ImportRefresh:
    """What the refresh after one batch did: per step ok / failed / busy, days, seconds."""

    kind: str
    status: str = "ok"  # ok, failed (a step failed or was busy), off (not run)
    days: int = 0
    steps: dict[str, str] = field(default_factory=dict)
    facts_rows: dict[str, int] = field(default_factory=dict)
    verified_orders: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (what the batch report keeps)."""
        return {
            "kind": self.kind,
            "status": self.status,
            "days": self.days,
            "steps": self.steps,
            "facts_rows": self.facts_rows,
            "verified_orders": self.verified_orders,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


def refresh_after_import_enabled() -> bool:
    """Whether imports refresh facts and verification themselves (YOUPIN_REFRESH_AFTER_IMPORT)."""
    return bool(getattr(settings, "YOUPIN_REFRESH_AFTER_IMPORT", True))


def _error_text(exc: BaseException) -> str:
    """An error for the batch report: its type and first line, phone numbers masked."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {mask_phones_in_text(first)[:300]}".rstrip(": ")


def refresh_after_import(
    *, kind: str, since: datetime, batch: ImportBatch | None = None, wait: float = LOCK_WAIT
) -> ImportRefresh:
    """Refresh the facts of the days a finished batch touched and re-verify its rows.

    `kind` is "orders" (order and refund files) or "tracking"; `since` is when the batch
    started. Never raises for a failed step: the outcome says which step failed and is
    written into `batch.report["refresh"]` when a batch is given.
    """
    if kind not in (ORDERS, TRACKING):
        raise ValueError(f"unknown import kind {kind!r}")
    started = time.perf_counter()
    outcome = ImportRefresh(kind=kind)
    moment = since - MARGIN
    batch_id = batch.pk if batch is not None else None
    try:
        if kind == ORDERS:
            days, tables = days_of_orders_changed(moment), (SALES,)
        else:
            days, tables = days_of_parcels_changed(moment), (PARCELS,)
        outcome.days = len(days)
        if days:
            facts = facts_refresh_days(days, tables, wait=wait)
            outcome.facts_rows = dict(facts.rows)
        outcome.steps["facts"] = "ok"
    except Exception as exc:
        _record_failure(outcome, "facts", exc, batch_id)
    try:
        trust = verification_refresh(moment, wait=wait)
        outcome.verified_orders = trust.orders
        outcome.steps["trust"] = "ok"
    except Exception as exc:
        _record_failure(outcome, "trust", exc, batch_id)
    outcome.seconds = time.perf_counter() - started
    if batch is not None:
        _report_on_batch(batch, outcome)
    return outcome


def _record_failure(
    outcome: ImportRefresh, step: str, exc: Exception, batch_id: int | None
) -> None:
    """Note a failed (or busy) step in the outcome and the log — without the error's text."""
    busy = isinstance(exc, JobBusy)
    outcome.steps[step] = "busy" if busy else "failed"
    outcome.status = "failed"
    outcome.errors.append(
        f"{step}: 另一个刷新正在运行，等待超时" if busy else f"{step}: {_error_text(exc)}"
    )
    # The error's own text may quote row values; the log keeps only where and what type.
    logger.warning(
        "refresh after import batch %s: step %s %s (%s); the next scheduled refresh catches up",
        batch_id if batch_id is not None else "-",
        step,
        "busy" if busy else "failed",
        type(exc).__name__,
    )


def _report_on_batch(batch: ImportBatch, outcome: ImportRefresh) -> None:
    """Keep the outcome in the batch's report (the rest of the report is left as it is)."""
    report = ImportBatch.objects.filter(pk=batch.pk).values_list("report", flat=True).first() or {}
    report = {**report, "refresh": outcome.as_dict()}
    ImportBatch.objects.filter(pk=batch.pk).update(report=report)
    batch.report = report


def refresh_skipped(batch: ImportBatch | None, kind: str) -> ImportRefresh:
    """Record that a batch was imported without the refresh (`--no-refresh`, or turned off)."""
    outcome = ImportRefresh(kind=kind, status="off")
    if batch is not None:
        _report_on_batch(batch, outcome)
    return outcome


def after_batch(
    *,
    kind: str,
    since: datetime | None,
    batch: ImportBatch | None,
    refresh: bool = True,
    wait: float = LOCK_WAIT,
) -> ImportRefresh:
    """The importers' one call at the end of a batch: refresh, or note that it was skipped.

    `wait` bounds the wait for a refresh already running (the API passes a short one: the
    request should not hang while cron's refresh finishes; the timer catches up instead).
    """
    if since is None:  # a batch that never started (refused before loading)
        return ImportRefresh(kind=kind, status="off")
    if refresh and refresh_after_import_enabled():
        return refresh_after_import(kind=kind, since=since, batch=batch, wait=wait)
    return refresh_skipped(batch, kind)
