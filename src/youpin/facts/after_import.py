"""After an import batch: the facts of the days it touched and the verification of its orders.

`refresh_after_import(kind=…, since=…, batch=…)` is called once, at the end of a batch and
after its commit, by every import path (orders: the CLI, the upload runner, the API;
tracking: the CLI file import and the replay of stored pushes). It

1. re-runs the verification and brushing signals incrementally for the batch's rows
   (`verification_refresh(since=…)`), which names the sale days whose orders changed
   verification state (the sales facts split net sales by state);
2. finds the days the batch touched and recomputes those days of the sales facts (orders)
   or the parcel facts (tracking), and the sales facts of the days step 1 named: the days
   the importer passes (`days=`, counted while it
   read its rows: no query at all); else, for tracking, the collection and delivery days
   of the parcels of the events newer than the last facts refresh (by primary key), and
   for orders the sale days of the orders updated since the batch started (less a margin;
   a scan of the orders by `updated_at`).

It never fails the import: an error (or another refresh holding the lock too long) is
logged without personal data, recorded in the batch's report under `refresh`, and left to
the next `youpin facts refresh` / `youpin trust refresh --changed`, whose watermarks this
hook does not move: the batch's days go to the facts' `ChangedDay` ledger (or, for an
order batch whose days are unknown, a mark asking the next refresh to look for orders
updated since the batch started). A batch imported without the refresh leaves the same.
Single pushes and counter scans are not refreshed one by one: cron
runs those commands (docs/OPERATIONS.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings

from youpin.core.joblock import JobBusy
from youpin.core.masking import mask_phones_in_text
from youpin.facts.models import FactsState
from youpin.facts.refresh import (
    PARCELS,
    SALES,
    days_of_orders_changed,
    days_of_parcels_changed,
    days_of_parcels_with_events,
    facts_refresh_days,
    mark_days_changed,
    mark_rows_changed_since,
    max_event_id,
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


def _batch_days(kind: str, moment: datetime) -> set[date]:
    """The days a batch touched when its importer did not count them."""
    if kind == ORDERS:
        return days_of_orders_changed(moment)
    state = FactsState.objects.filter(name="default").first()
    if state is None or state.rows_changed_since is None:
        return days_of_parcels_changed(moment)  # no facts yet: nothing newer to start from
    return days_of_parcels_with_events(state.last_event_id, max_event_id())


def _days_per_table(kind: str, touched: set[date], state_days: set[date]) -> dict[str, set[date]]:
    """The days each fact table recomputes after a batch: its own, and those whose orders
    changed verification state (sales)."""
    plan: dict[str, set[date]] = {}
    own = SALES if kind == ORDERS else PARCELS
    if touched:
        plan[own] = set(touched)
    if state_days:
        plan[SALES] = plan.get(SALES, set()) | state_days
    return plan


def _leave_for_next_refresh(kind: str, moment: datetime, days: set[date] | None) -> None:
    """Note in the ledger what the next `facts refresh` must recompute for a batch."""
    table = SALES if kind == ORDERS else PARCELS
    if days is not None:
        mark_days_changed(days, (table,))
    elif kind == ORDERS:
        mark_rows_changed_since(moment, (SALES,))
    # A tracking batch's events are newer than the last refresh: it finds them by id.


def refresh_after_import(
    *,
    kind: str,
    since: datetime,
    batch: ImportBatch | None = None,
    wait: float = LOCK_WAIT,
    days: Iterable[date] | None = None,
) -> ImportRefresh:
    """Refresh the facts of the days a finished batch touched and re-verify its rows.

    `kind` is "orders" (order and refund files) or "tracking"; `since` is when the batch
    started; `days` the days its rows fall on, when the importer counted them (sale days
    of the orders; collection and delivery days of the parcels). Never raises for a failed
    step: the outcome says which step failed and is written into `batch.report["refresh"]`
    when a batch is given.
    """
    if kind not in (ORDERS, TRACKING):
        raise ValueError(f"unknown import kind {kind!r}")
    started = time.perf_counter()
    outcome = ImportRefresh(kind=kind)
    moment = since - MARGIN
    batch_id = batch.pk if batch is not None else None
    touched = None if days is None else set(days)
    # Verification first: the sales facts split net sales by state, so the days whose
    # orders changed state are recomputed with the batch's own (the trust refresh also
    # notes them in the ledger, in its transaction, in case this process stops here).
    state_days: set[date] = set()
    try:
        trust = verification_refresh(moment, wait=wait)
        outcome.verified_orders = trust.orders
        state_days = trust.changed_days
        outcome.steps["trust"] = "ok"
    except Exception as exc:
        _record_failure(outcome, "trust", exc, batch_id)
    try:
        if touched is None:
            touched = _batch_days(kind, moment)
        outcome.days = len(touched)
        for table, table_days in _days_per_table(kind, touched, state_days).items():
            facts = facts_refresh_days(table_days, (table,), wait=wait)
            outcome.facts_rows.update(facts.rows)
        outcome.steps["facts"] = "ok"
    except Exception as exc:
        _record_failure(outcome, "facts", exc, batch_id)
        try:
            _leave_for_next_refresh(kind, moment, touched)
        except Exception:  # the ledger too: the next `facts refresh --check` finds them
            logger.exception("refresh after import batch %s: ledger not written", batch_id)
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


def refresh_skipped(
    batch: ImportBatch | None,
    kind: str,
    since: datetime | None = None,
    days: Iterable[date] | None = None,
) -> ImportRefresh:
    """Record that a batch was imported without the refresh (`--no-refresh`, or turned off).

    What it changed is left to the next `facts refresh` (the ledger, see the module).
    """
    outcome = ImportRefresh(kind=kind, status="off")
    if since is not None:
        _leave_for_next_refresh(kind, since - MARGIN, None if days is None else set(days))
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
    days: Iterable[date] | None = None,
) -> ImportRefresh:
    """The importers' one call at the end of a batch: refresh, or note that it was skipped.

    `wait` bounds the wait for a refresh already running (the API passes a short one: the
    request should not hang while cron's refresh finishes; the timer catches up instead).
    `days`: the days the batch's rows fall on, if the importer counted them (then nothing
    is looked up to find them).
    """
    if since is None:  # a batch that never started (refused before loading)
        return ImportRefresh(kind=kind, status="off")
    if kind == ORDERS and batch is not None and batch.created == 0 and batch.updated == 0:
        # Nothing written (a re-import of the same export): no day and no order changed, so
        # there is nothing to look for (a scan of the orders by `updated_at` at 10 M rows).
        outcome = ImportRefresh(kind=kind, steps={"facts": "ok", "trust": "ok"})
        if refresh and refresh_after_import_enabled():
            _report_on_batch(batch, outcome)
        return outcome
    if refresh and refresh_after_import_enabled():
        return refresh_after_import(kind=kind, since=since, batch=batch, wait=wait, days=days)
    return refresh_skipped(batch, kind, since, days)
