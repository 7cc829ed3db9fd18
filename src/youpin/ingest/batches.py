"""Import batches: the kept file, opening or resuming a batch, and its life until it ends.

The original file is kept under `VAR_DIR/imports/<sha256>.<ext>` (written while it is
hashed, so a file of any size passes through in bounded memory). A batch that stopped
half-way — its process killed, or an error — stays `running` or `failed` with the
rows it had committed; importing the same file again with the same options resumes
that batch (see orders.py), unless its process is still alive, in which case the
second import is refused.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.db import transaction
from django.utils import timezone

from youpin.catalog.models import Merchant
from youpin.ingest.models import BatchKind, BatchStatus, ImportBatch

COPY_BLOCK = 1024 * 1024
STALE_AFTER = timedelta(minutes=10)  # a batch of another host silent this long is dead
_EXTENSIONS = {".csv", ".xlsx", ".txt", ".tsv", ".xls", ".json"}


class ImportRefused(Exception):
    """The file (or the request) cannot be imported; the message says why, in Chinese."""

    def __init__(self, message: str, batch: ImportBatch | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.batch = batch


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file kept under VAR_DIR/imports."""

    path: Path
    sha256: str
    size: int


def imports_dir() -> Path:
    """The directory where imported files are kept."""
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_store(stream: IO[bytes], file_name: str) -> StoredFile:
    """Copy a stream into the imports directory while hashing it; the same bytes are kept once."""
    folder = imports_dir()
    suffix = Path(file_name).suffix.lower()
    extension = suffix if suffix in _EXTENSIONS else ".bin"
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while block := stream.read(COPY_BLOCK):
                digest.update(block)
                out.write(block)
                size += len(block)
        sha = digest.hexdigest()
        final = folder / f"{sha}{extension}"
        if final.exists():
            os.unlink(temp_name)
        else:
            os.replace(temp_name, final)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
    return StoredFile(path=final, sha256=sha, size=size)


def runner_name() -> str:
    """This process, as recorded on the batches it runs: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def runner_alive(batch: ImportBatch) -> bool:
    """Whether the process recorded on a running batch may still be working on it."""
    if batch.status != BatchStatus.RUNNING or not batch.runner:
        return False
    host, _, pid = batch.runner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    beat = batch.heartbeat_at or batch.started_at or batch.created_at
    return beat is not None and timezone.now() - beat < STALE_AFTER


def batch_for_file(
    *,
    stored: StoredFile,
    file_name: str,
    options: dict[str, Any],
    merchant: Merchant | None,
    user: AbstractBaseUser | None,
    source: str,
    kind: str = BatchKind.ORDERS,
) -> ImportBatch:
    """The unfinished batch of the same file and options to resume, else a new pending one."""
    with transaction.atomic():
        candidates = ImportBatch.objects.select_for_update().filter(
            file_sha256=stored.sha256,
            merchant=merchant,
            status__in=[BatchStatus.RUNNING, BatchStatus.FAILED, BatchStatus.PENDING],
        )
        for batch in candidates.order_by("-id"):
            report = batch.report or {}
            if not report.get("resumable") or report.get("options") != options:
                continue
            if runner_alive(batch):
                raise ImportRefused(f"同一文件正在导入中（批次 #{batch.pk}），请等它结束后再试")
            if batch.status == BatchStatus.PENDING and source != batch.source:
                continue
            return batch
        return ImportBatch.objects.create(
            kind=kind,
            source=source,
            file_name=file_name[:255],
            file_sha256=stored.sha256,
            file_size=stored.size,
            stored_path=str(stored.path),
            created_by=user if isinstance(user, User) else None,
            merchant=merchant,
            status=BatchStatus.PENDING,
            report={"resumable": True, "options": options},
        )


def batch_start(batch: ImportBatch) -> bool:
    """Mark a batch running in this process; True when it resumes rows committed before."""
    resumed = batch.progress_rows > 0 or batch.status in (BatchStatus.FAILED, BatchStatus.RUNNING)
    now = timezone.now()
    batch.status = BatchStatus.RUNNING
    batch.runner = runner_name()
    batch.heartbeat_at = now
    batch.started_at = batch.started_at or now
    batch.error = ""
    batch.save(update_fields=["status", "runner", "heartbeat_at", "started_at", "error"])
    return resumed


def batch_fail(batch: ImportBatch, error: str) -> None:
    """Record that a batch stopped with an error (the rows it committed stay recorded)."""
    batch.status = BatchStatus.FAILED
    batch.error = error[:2000]
    batch.finished_at = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=batch.status, error=batch.error, finished_at=batch.finished_at
    )


def batch_refuse(batch: ImportBatch, error: str, report: dict[str, Any] | None = None) -> None:
    """Record a refused file: failed, nothing imported, not to be resumed."""
    batch.report = {**(batch.report or {}), **(report or {}), "resumable": False}
    batch.status = BatchStatus.FAILED
    batch.error = error[:2000]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["report", "status", "error", "finished_at"])
