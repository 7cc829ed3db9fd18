"""Import an order (or refund) export into the order book: `orders_import(...) -> ImportBatch`.

The file is kept and hashed (batches.py), parsed — in a second process for large
files (orders_worker.py) — into prepared rows (orders_source.py, orders_prepare.py),
and loaded in chunks, one transaction each (loading.py, orders_loader.py, refunds.py)
with set-based statements (orders_store.py) — on PostgreSQL a large file into a small
order book as one transaction with the indexes built after (orders_bulk.py). A file
that is not an export, or whose shop cannot be known, is refused before anything is
written (ImportRefused, with the batch that records it). A batch that stopped half-way
is resumed by importing the same file with the same options again. The design:
docs/adr/0003-order-import.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from youpin.catalog.models import Merchant
from youpin.connectors.platforms import PLATFORM_FORMATS, ColumnMapping
from youpin.connectors.platforms.detect import FORMATS
from youpin.geo.selectors import division_table
from youpin.ingest.batches import (
    ImportRefused,
    StoredFile,
    batch_fail,
    batch_for_file,
    batch_refuse,
    batch_start,
    file_store,
)
from youpin.ingest.collector import fewer_collections
from youpin.ingest.links import carrier_names, station_names
from youpin.ingest.loading import Progress, RefundLoader
from youpin.ingest.models import BatchKind, BatchSource, ImportBatch
from youpin.ingest.orders_bulk import bulk_load
from youpin.ingest.orders_loader import OrderLoader
from youpin.ingest.orders_source import FileInfo, SourceSpec
from youpin.ingest.orders_worker import order_chunks

CHUNK_SIZE = 5000
SQLITE_CACHE_KIB = 64 * 1024  # page cache while loading on SQLite
SQLITE_CHECKPOINT_PAGES = 16_000  # WAL pages between checkpoints while loading (≈ 64 MB)
PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # smaller files are parsed in the loading process
PLATFORM_CHOICES = ("auto", *PLATFORM_FORMATS, *FORMATS)


def orders_import(
    *,
    stream: IO[bytes],
    file_name: str,
    platform: str = "auto",
    mapping: ColumnMapping | None = None,
    merchant: Merchant | None = None,
    user: AbstractBaseUser | None = None,
    source: str = BatchSource.CLI,
    progress: Progress | None = None,
    parallel: bool | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportBatch:
    """Import an order or refund export; ImportRefused (with the batch) when it cannot be."""
    stored = file_store(stream, file_name)
    batch = batch_for_file(
        stored=stored,
        file_name=file_name,
        options=import_options(platform, mapping),
        merchant=merchant,
        user=user,
        source=source,
    )
    return batch_run(
        batch, mapping=mapping, progress=progress, parallel=parallel, chunk_size=chunk_size
    )


def import_options(platform: str, mapping: ColumnMapping | None) -> dict[str, Any]:
    """The options that make two imports of one file the same import."""
    if platform not in PLATFORM_CHOICES:
        raise ValueError(f"unknown platform {platform!r}")
    return {"platform": platform, "mapping": mapping.to_json() if mapping else ""}


def batch_run(
    batch: ImportBatch,
    *,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportBatch:
    """Run (or resume) a batch whose file is stored; ImportRefused when the file is refused."""
    options = (batch.report or {}).get("options", {})
    if mapping is None and options.get("mapping"):
        mapping = ColumnMapping.from_json(options["mapping"])
    resumed = batch_start(batch)
    stored = StoredFile(path=_path(batch), sha256=batch.file_sha256, size=batch.file_size)
    if parallel is None:
        parallel = stored.size >= PARALLEL_FROM_BYTES
    spec = SourceSpec(
        path=str(stored.path),
        platform=options.get("platform", "auto"),
        mapping_json=mapping.to_json() if mapping else "",
        divisions=tuple((d.code, d.name, d.level, d.parent_code) for d in division_table()),
        carriers=carrier_names(),
        stations=station_names(),
        postgres=connection.vendor == "postgresql",
        merchant_id=batch.merchant_id,
        chunk_size=chunk_size,
    )
    try:
        with _bulk_session(), fewer_collections():
            _run(batch, spec, resumed=resumed, progress=progress, parallel=parallel)
    except ImportRefused:
        raise
    except BaseException as exc:
        batch_fail(batch, f"{type(exc).__name__}: {exc}")
        raise
    return batch


@contextmanager
def _bulk_session() -> Iterator[None]:
    """On SQLite, a larger page cache and rarer WAL checkpoints while loading.

    Every chunk touches the same index pages; checkpointing after each chunk would copy
    them back into the database file again and again.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")


def _run(
    batch: ImportBatch,
    spec: SourceSpec,
    *,
    resumed: bool,
    progress: Progress | None,
    parallel: bool,
) -> None:
    """Parse and load: refuse the file, or load its chunks and finish the batch."""
    items = order_chunks(spec, parallel=parallel)
    bulk = False
    try:
        info = next(items)
        assert isinstance(info, FileInfo)
        _check_file(batch, info)
        loader_class = RefundLoader if info.kind == "refunds" else OrderLoader
        loader = loader_class(batch, info, spec, resumed=resumed, progress=progress)
        with bulk_load(batch.file_size if loader_class is OrderLoader else 0) as plan:
            bulk = loader.bulk = plan.active
            loader.empty_table = plan.empty
            loader.run(items)
            _close(items)
            loader.second_pass(parallel=parallel)
    except ImportRefused as exc:
        if bulk and exc.batch is not None:  # recorded in the transaction that was rolled back
            batch_refuse(exc.batch, exc.message)
        raise
    finally:
        _close(items)
    if bulk:
        batch.report = {**(batch.report or {}), "bulk_load": {"indexes_built": len(plan.dropped)}}
    loader.finish()


def _close(items: Iterator[object]) -> None:
    """Stop the parsing worker (its generator), if not already stopped."""
    close = getattr(items, "close", None)
    if close is not None:
        close()


def _path(batch: ImportBatch) -> Path:
    """The kept file of a batch."""
    return Path(batch.stored_path)


def _check_file(batch: ImportBatch, info: FileInfo) -> None:
    """Refuse a file that is not an export (nothing is imported); record its format otherwise."""
    if info.error is not None or not info.kind:
        text = info.error.text if info.error else "无法识别的文件"
        batch_refuse(batch, text, {"header": info.header})
        raise ImportRefused(text, batch)
    batch.kind = BatchKind.REFUNDS if info.kind == "refunds" else BatchKind.ORDERS
    batch.format = info.format
    batch.report = {
        **(batch.report or {}),
        "platform": info.platform,
        "format": info.format,
        "label": info.label,
        "records": info.kind,
        "header": info.header,
    }
    batch.save(update_fields=["kind", "format", "report"])
