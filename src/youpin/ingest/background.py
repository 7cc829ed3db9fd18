"""Imports outside the request: uploads become pending batches, run by a thread or a worker.

An upload stores the file and creates a `pending` batch; the page then polls the batch.
Who runs it depends on `YOUPIN_IMPORT_RUNNER`:

* `thread` (default, the embedded `make demo` setup): a background thread of the web
  process starts at once;
* `worker`: nothing in the web process; `youpin import worker` (one or more, any host
  with the database and VAR_DIR) claims pending batches and runs them, and resumes
  batches whose process died;
* `inline`: run within the request (tests, tiny deployments).

A batch is claimed by one atomic UPDATE from `pending` to `running`, so a thread and
any number of workers never run the same batch twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone

from youpin.facts.after_import import ORDERS, after_batch
from youpin.ingest.batches import ImportRefused, runner_alive, runner_name
from youpin.ingest.models import BatchStatus, ImportBatch
from youpin.ingest.orders import batch_run

logger = logging.getLogger(__name__)

RUNNERS = ("thread", "worker", "inline")


def runner_mode() -> str:
    """How uploaded batches are run (YOUPIN_IMPORT_RUNNER: thread, worker or inline)."""
    mode = os.environ.get("YOUPIN_IMPORT_RUNNER", "thread").strip().lower()
    return mode if mode in RUNNERS else "thread"


def batch_claim(batch_id: int) -> ImportBatch | None:
    """Take a pending batch for this process; None when someone else already has it."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).update(
        status=BatchStatus.RUNNING, runner=runner_name(), heartbeat_at=timezone.now()
    )
    return ImportBatch.objects.get(pk=batch_id) if claimed else None


def batch_process(batch: ImportBatch) -> None:
    """Run a claimed (or dead) batch to its end; refusals and errors are recorded on it."""
    try:
        batch_run(batch)
    except ImportRefused:
        return  # the batch says why
    except Exception:
        logger.exception("import batch #%s failed", batch.pk)
        return
    after_batch(kind=ORDERS, since=batch.started_at, batch=batch)


def _in_thread(batch_id: int) -> None:
    """Thread body: claim and run one batch with a connection of its own."""
    try:
        batch = batch_claim(batch_id)
        if batch is not None:
            batch_process(batch)
    finally:
        connection.close()


def batch_dispatch(batch: ImportBatch) -> None:
    """Start a pending batch the way this deployment runs imports."""
    mode = runner_mode()
    if mode == "inline":
        claimed = batch_claim(batch.pk)
        if claimed is not None:
            batch_process(claimed)
    elif mode == "thread":
        thread = threading.Thread(
            target=_in_thread, args=(batch.pk,), name=f"import-{batch.pk}", daemon=True
        )
        thread.start()


def next_batch() -> ImportBatch | None:
    """The oldest pending batch, else a running one whose process has died (claimed)."""
    for batch_id in (
        ImportBatch.objects.filter(status=BatchStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    ):
        claimed = batch_claim(batch_id)
        if claimed is not None:
            return claimed
    for batch in ImportBatch.objects.filter(status=BatchStatus.RUNNING).order_by("id"):
        if (batch.report or {}).get("resumable") and not runner_alive(batch):
            taken = ImportBatch.objects.filter(
                pk=batch.pk, status=BatchStatus.RUNNING, runner=batch.runner
            ).update(runner=runner_name(), heartbeat_at=timezone.now())
            if taken:
                return ImportBatch.objects.get(pk=batch.pk)
    return None


def worker_loop(
    *, once: bool = False, poll_seconds: float = 2.0, report: Callable[[str], None] | None = None
) -> int:
    """Run pending batches until stopped (or until none is left with `once`); return how many."""
    done = 0
    while True:
        if not connection.in_atomic_block:
            close_old_connections()  # a long-running worker must not keep a broken connection
        batch = next_batch()
        if batch is None:
            if once:
                return done
            time.sleep(poll_seconds)
            continue
        batch_process(batch)
        batch.refresh_from_db()
        done += 1
        if report is not None:
            report(f"批次 #{batch.pk}（{batch.file_name}）：{batch.get_status_display()}")
