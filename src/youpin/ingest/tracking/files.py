"""`tracking_file_import`: one tracking file (a carrier table or a saved push) as one batch."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from youpin.connectors.carriers import parse_tracking
from youpin.ingest.collector import fewer_collections
from youpin.ingest.models import BatchKind, BatchSource, BatchStatus, ImportBatch
from youpin.ingest.tracking.carriers import carrier_codes
from youpin.ingest.tracking.messages import MessageTally
from youpin.ingest.tracking.service import CHUNK_SIZE, TrackingIngestCounts, tracking_ingest


@dataclass
class TrackingImportReport:
    """What importing one file did: the batch, what was read, what changed, and why not."""

    batch_id: int
    file_name: str
    provider: str
    status: str
    encoding: str = ""
    mapping: str = ""
    items_read: int = 0
    rejected_rows: int = 0
    ingest: TrackingIngestCounts = field(default_factory=TrackingIngestCounts)
    unrecognised_codes: dict[str, int] = field(default_factory=dict)
    messages_by_code: dict[str, int] = field(default_factory=dict)
    messages: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    earlier_batch_id: int | None = None
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        """Events received per second of wall time."""
        return self.ingest.events_received / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        data = asdict(self)
        data["events_per_second"] = round(self.events_per_second, 1)
        data["seconds"] = round(self.seconds, 3)
        return data


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def tracking_file_import(
    *,
    path: Path,
    provider: str = "auto",
    mapping: object = None,
    created_by: Any = None,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[int, TrackingIngestCounts], None] | None = None,
) -> TrackingImportReport:
    """Import a tracking file as one `ImportBatch`, streaming it in bounded memory.

    `mapping` is a saved column mapping (dict) or a list of them, for tables.
    Rejected rows and held events are kept as `RejectedRow`s of the batch;
    `on_progress(bytes_read, counts)` is called after each chunk.
    """
    started = time.perf_counter()
    moment = now or timezone.now()
    sha256, size = file_digest(path)
    batch = ImportBatch.objects.create(
        kind=BatchKind.TRACKING,
        source=BatchSource.CLI,
        format=provider,
        file_name=path.name[:255],
        file_sha256=sha256,
        file_size=size,
        stored_path=str(path.resolve())[:500],
        created_by=created_by,
        status=BatchStatus.RUNNING,
        started_at=timezone.now(),
    )
    earlier = (
        ImportBatch.objects.filter(kind=BatchKind.TRACKING, file_sha256=sha256)
        .exclude(pk=batch.pk)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    tally = MessageTally()
    with fewer_collections(), path.open("rb") as stream:
        result = parse_tracking(
            stream,
            provider=provider,
            mapping=mapping,  # type: ignore[arg-type]
            now=moment,
            carrier_codes=carrier_codes().table,
        )

        def after_chunk(counts: TrackingIngestCounts) -> None:
            """File this chunk's messages and say how far the import is."""
            tally.drain(result.messages, batch)
            ImportBatch.objects.filter(pk=batch.pk).update(progress_rows=counts.events_received)
            if on_progress is not None:
                on_progress(stream.tell() if not stream.closed else size, counts)

        counts = tracking_ingest(
            events=result.events,
            source=result.provider,
            batch=batch,
            now=moment,
            chunk_size=chunk_size,
            after_chunk=after_chunk,
            bulk=True,
        )
        tally.drain(result.messages, batch)
    report = TrackingImportReport(
        batch_id=batch.pk,
        file_name=path.name,
        provider=result.provider,
        status=BatchStatus.FAILED if tally.errors else BatchStatus.SUCCEEDED,
        encoding=result.envelope.get("encoding", ""),
        mapping=result.envelope.get("mapping_chosen") or result.envelope.get("mapping", ""),
        items_read=result.counts.items,
        rejected_rows=tally.rejected_rows + counts.events_held,
        ingest=counts,
        unrecognised_codes=dict(result.counts.unrecognised_codes),
        messages_by_code=tally.by_code,
        messages=tally.listed,
        errors=tally.errors,
        earlier_batch_id=earlier,
        seconds=time.perf_counter() - started,
    )
    _finish_batch(batch, report)
    return report


def _finish_batch(batch: ImportBatch, report: TrackingImportReport) -> None:
    """Write the report's figures into the batch."""
    counts = report.ingest
    batch.format = report.provider
    batch.status = report.status
    batch.finished_at = timezone.now()
    batch.rows_read = report.items_read
    batch.created = counts.events_created
    batch.updated = counts.events_updated
    batch.unchanged = counts.events_unchanged
    batch.rejected = report.rejected_rows
    batch.progress_rows = counts.events_received
    batch.error = "\n".join(report.errors)
    batch.report = report.as_dict()
    batch.save()
