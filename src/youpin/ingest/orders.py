"""Import an order (or refund) export into the order book: `orders_import(...) -> ImportBatch`.

The file is kept and hashed, parsed (in a second process for large files), and loaded
in chunks of a few thousand orders. Each chunk is one transaction that also writes
its rejected rows and moves the batch's `progress_rows` mark, so after a crash or a
kill the database holds whole chunks and the batch says which rows they were: every
row up to `progress_rows` is imported or rejected, except the rows of the orders
listed under `report["deferred"]` (waiting for the second pass below).

Idempotence. Each order carries the hash of what the file said about it: the same
content again is "unchanged" and costs one indexed look-up; changed orders are
rewritten (their lines replaced); a field the file does not carry keeps its value.
Importing the same file again creates nothing; an overlapping later export updates
only the orders that changed. Resuming a batch (the same file, the same options,
after its process died) skips the rows it had committed and finishes the rest;
its counts end as if it had never stopped.

Counting. An order counts as created when this batch first wrote it, updated when this
batch rewrote it, unchanged otherwise (the database says which: `first_batch`, `batch`).

Orders split over rows that are not adjacent are merged (`merge_orders`). Within a
chunk this happens at once; a fragment whose order was already loaded by an earlier
chunk is deferred, and a second pass reads the file again for those orders only,
merges all their fragments and loads them. An order stored from such a merge is
deferred to that pass too whenever a single fragment of it is met again.

Refunds. `refunded_amount` = max(the export's own refund figure, the sum of the
successful refunds stored from refund files for that order by its merchant or the
operator): both describe the same money, so they are never added. `net_amount` =
paid − refunded; the status becomes `refunded` when the refunds cover the payment.
The Taobao order sheet and the Tmall sub-order sheet describe one order: the order
sheet's status and amounts win, the sub-order sheet's lines win (see `_merged`).
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from youpin.catalog.models import Merchant
from youpin.commerce.models import Refund
from youpin.connectors.messages import Message
from youpin.connectors.platforms import PLATFORM_FORMATS, ColumnMapping
from youpin.connectors.platforms.detect import FORMATS
from youpin.geo.selectors import division_table
from youpin.ingest import orders_store as store
from youpin.ingest.batches import (
    ImportRefused,
    StoredFile,
    batch_fail,
    batch_for_file,
    batch_refuse,
    batch_start,
    file_store,
    runner_name,
)
from youpin.ingest.links import (
    Catalogue,
    LinkError,
    ShopLinker,
    carrier_names,
    refunded_total,
    refunds_of,
    station_names,
)
from youpin.ingest.models import BatchKind, BatchSource, BatchStatus, ImportBatch, RejectedRow
from youpin.ingest.orders_prepare import (
    COMPLETED_AT,
    EXPORT_REFUNDED,
    MERGED_PREFIX,
    PAID,
    PAID_AT,
    SHIPPED_AT,
    VALUE_COLUMNS,
    PreparedOrder,
    final_state,
    infer_state,
)
from youpin.ingest.orders_source import Chunk, FileInfo, SourceSpec, order_chunks
from youpin.ingest.rejects import REASON_HEADER, rejects_fill_raw, without_reason_column

CHUNK_SIZE = 5000
SQLITE_CACHE_KIB = 64 * 1024  # page cache while loading on SQLite
SQLITE_CHECKPOINT_PAGES = 16_000  # WAL pages between checkpoints while loading (≈ 64 MB)
PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # smaller files are parsed in the loading process
SUMMARY_LINE_FORMATS = frozenset({"taobao_orders"})  # one summary line per order, not real lines
MAX_WARNINGS = 50
PLATFORM_CHOICES = ("auto", *PLATFORM_FORMATS, *FORMATS)

Progress = Callable[[int], None]


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
        with _bulk_session():
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


@contextmanager
def chunk_transaction() -> Iterator[None]:
    """One chunk's transaction; on PostgreSQL its commit does not wait for the disk.

    The chunk's rows and the batch's progress mark are in the same transaction, so a
    crash right after a commit can lose that commit only whole: the batch then says
    exactly which rows are in, and importing the file again resumes from there.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


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
    try:
        info = next(items)
        assert isinstance(info, FileInfo)
        _check_file(batch, info)
        loader_class = RefundLoader if info.kind == "refunds" else OrderLoader
        loader = loader_class(batch, info, spec, resumed=resumed, progress=progress)
        loader.run(items)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
    if info.kind != "refunds":
        loader.second_pass(parallel=parallel)
    loader.finish()


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


# --- the common part of both loaders ----------------------------------------------------------


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


# --- orders -----------------------------------------------------------------------------------


def _key(order_id: str) -> int | str:
    """A compact key for the set of order ids seen (an int for all-digit ids)."""
    if order_id.isascii() and order_id.isdigit() and order_id[0] != "0" and len(order_id) < 19:
        return int(order_id)
    return order_id


class OrderLoader(Loader):
    """Loads chunks of prepared orders."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Set up the links, the seen set and the deferred fragments."""
        super().__init__(*args, **kwargs)
        merchant = self.batch.merchant
        self.line_file = self.info.kind == "order_lines"
        self.shops = ShopLinker(self.platform, merchant)
        self.catalogue = Catalogue()
        self.has_refunds = Refund.objects.filter(platform=self.platform).exists()
        self.seen: set[int | str] = set()
        self.rejected_ids: set[str] = set()
        deferred = (self.batch.report or {}).get("deferred", {}) if self.resume_mark else {}
        self.deferred: dict[str, dict[str, Any]] = dict(deferred)
        self.first_checked = False
        self.batch_id = self.batch.pk

    def run(self, items: Iterator[Any]) -> None:
        """Load every chunk of the first pass."""
        for chunk in items:
            assert isinstance(chunk, Chunk)
            if not self.first_checked:
                self._check_shop_known(chunk)
            self.rows_read = chunk.rows_read
            self.position = chunk.position
            self._load_chunk(chunk)

    def _check_shop_known(self, chunk: Chunk) -> None:
        """Refuse, before any order is written, a file whose (first) shop cannot be linked."""
        self.first_checked = True
        first = next((o for o in chunk.orders if not o.error), None)
        if first is None:
            return
        if not first.shop_key and self.batch.merchant_id is None:
            text = (
                "无法确定这些订单属于哪个店铺：文件里没有店铺ID，也没有指定商户。"
                "请指定商户（--merchant 或上传时选择商户）后再导入"
            )
        else:
            try:
                self.shops.link(first.shop_key, first.shop_name)
                return
            except LinkError as exc:
                text = exc.message
        batch_refuse(self.batch, text)
        raise ImportRefused(text, self.batch)

    def _load_chunk(self, chunk: Chunk) -> None:
        """Sort the chunk's orders into new, changed, unchanged, deferred, rejected; write."""
        rejects = Rejects()
        todo: list[PreparedOrder] = []
        mark = 0
        for order in chunk.orders:
            last_row = max(order.rows) if order.rows else 0
            mark = max(mark, last_row)
            order_id = order.platform_order_id
            key = _key(order_id)
            if last_row and last_row <= self.resume_mark:
                self.seen.add(key)
                continue
            if order_id in self.deferred:
                self.deferred[order_id]["rows"] += order.rows
                continue
            if order_id in self.rejected_ids:
                self._reject_rows(rejects, order.rows, "order_rejected", "同一订单的其他行已被拒收")
                continue
            if key in self.seen:
                self.deferred[order_id] = {"rows": list(order.rows), "counted": True}
                continue
            self.seen.add(key)
            todo.append(order)
        if chunk.last:
            mark = max(mark, *(m.row or 0 for m in [*self.carry, *chunk.messages]), 0)
        with chunk_transaction():
            rejects_now = self._take_messages(chunk.messages, None if chunk.last else mark)
            rejects.rows += rejects_now.rows
            rejects.by_code.update(rejects_now.by_code)
            self._apply(todo, rejects, late=False)
            self._commit(rejects, mark, {"deferred": self.deferred})

    def second_pass(self, *, parallel: bool) -> None:
        """Read the file again for the deferred orders, merge all their fragments, load them."""
        if not self.deferred:
            return
        spec = dataclasses.replace(self.spec, only_ids=frozenset(self.deferred))
        items = order_chunks(spec, parallel=parallel)
        next(items)  # the same FileInfo as the first pass
        self.rejected_ids.clear()
        for chunk in items:
            assert isinstance(chunk, Chunk)
            if not chunk.orders:
                continue
            rejects = Rejects()
            with chunk_transaction():
                self._apply(chunk.orders, rejects, late=True)
                for order in chunk.orders:
                    self.deferred[order.platform_order_id]["counted"] = True
                self._commit(rejects, self.batch.progress_rows, {"deferred": self.deferred})
        self.batch.report = {
            **(self.batch.report or {}),
            "merged_orders": len(self.deferred),
            "deferred": {},
        }
        self.deferred = {}

    # the work of one chunk ---------------------------------------------------------------

    def _classify(self, first_batch_id: int | None, batch_id: int | None) -> str:
        """Created, updated or unchanged, as far as this batch is concerned."""
        if first_batch_id == self.batch_id:
            return "created"
        if batch_id == self.batch_id:
            return "updated"
        return "unchanged"

    def _apply(self, orders: list[PreparedOrder], rejects: Rejects, *, late: bool) -> None:
        """Write the orders of one chunk (inside its transaction) and count them."""
        ready: list[tuple[PreparedOrder, int, int]] = []
        for order in orders:
            if order.error:
                self._reject(rejects, order, order.error_code, order.error)
                continue
            try:
                link = self.shops.link(order.shop_key, order.shop_name)
            except LinkError as exc:
                self._reject(rejects, order, exc.code, exc.message)
                continue
            ready.append((order, link.shop_id, link.merchant_id))
        ids = [order.platform_order_id for order, _, _ in ready]
        existing = store.existing_orders(self.platform, ids)
        refunds = refunds_of(self.platform, ids) if self.has_refunds else {}
        new: list[tuple[PreparedOrder, int, int]] = []
        changed: list[tuple[PreparedOrder, int, int, store.Existing]] = []
        for order, shop_id, merchant_id in ready:
            found = existing.get(order.platform_order_id)
            if late and self.deferred[order.platform_order_id]["counted"] and found is not None:
                self.tally.add(self._classify(found.first_batch_id, found.batch_id), -1)
            if found is None:
                new.append((order, shop_id, merchant_id))
                continue
            if found.merchant_id != merchant_id:
                self._reject(rejects, order, "order_of_other_merchant", "该订单已属于其他商户")
                continue
            stored_hash = found.lines_hash if self.line_file else found.content_hash
            if stored_hash == order.content_hash:
                self.tally.add(self._classify(found.first_batch_id, found.batch_id))
            elif (
                not late
                and not self.line_file
                and stored_hash.startswith(MERGED_PREFIX)
                and not order.content_hash.startswith(MERGED_PREFIX)
            ):
                self.deferred[order.platform_order_id] = {
                    "rows": list(order.rows),
                    "counted": False,
                }
            else:
                changed.append((order, shop_id, merchant_id, found))
        self._insert(new, refunds)
        self._update(changed, refunds)

    def _reject(self, rejects: Rejects, order: PreparedOrder, code: str, reason: str) -> None:
        """Reject all rows of an order, and its fragments met later."""
        self.rejected_ids.add(order.platform_order_id)
        self._reject_rows(rejects, order.rows, code, reason)

    def _money(self, order: PreparedOrder, merchant_id: int, refunds: Any) -> tuple[str, str, str]:
        """(status, refunded, net) of a new order."""
        values = order.values
        paid_text = values[PAID] or "0.00"
        exported = values[EXPORT_REFUNDED]
        if (exported is None or exported == "0.00") and order.platform_order_id not in refunds:
            # nothing refunded: status as exported (or from the times), net = paid
            return order.export_state or order.fallback_state, "0.00", str(paid_text)
        paid = Decimal(str(paid_text))
        refunded = Decimal(str(values[EXPORT_REFUNDED] or "0.00"))
        rows = refunds.get(order.platform_order_id)
        if rows:
            refunded = max(refunded, refunded_total(rows, merchant_id))
        status = final_state(order.export_state, order.fallback_state, paid, refunded)
        return status, f"{refunded:.2f}", f"{paid - refunded:.2f}"

    def _insert(self, new: list[tuple[PreparedOrder, int, int]], refunds: Any) -> None:
        """Insert new orders and their lines."""
        if not new:
            return
        now = store.now_text()
        rows = []
        for order, shop_id, merchant_id in new:
            status, refunded, net = self._money(order, merchant_id, refunds)
            values = list(order.values)
            for index in _AMOUNT_INDEXES:
                if values[index] is None:
                    values[index] = "0.00"
            content, lines = (
                ("", order.content_hash) if self.line_file else (order.content_hash, "")
            )
            rows.append(
                (
                    self.platform,
                    order.platform_order_id,
                    shop_id,
                    merchant_id,
                    status,
                    *values,
                    refunded,
                    net,
                    content,
                    lines,
                    self.batch_id,
                    self.batch_id,
                    False,
                    now,
                    now,
                )
            )
        store.insert_orders(rows)
        ids = store.order_ids(self.platform, [order.platform_order_id for order, _, _ in new])
        self._write_lines([(order, ids[order.platform_order_id], m) for order, _, m in new])
        self.tally.add("created", len(new))

    def _write_lines(self, orders: list[tuple[PreparedOrder, int, int]]) -> None:
        """Insert the lines of orders (order, database id, merchant id)."""
        rows = []
        product = self.catalogue.product
        for order, order_pk, merchant_id in orders:
            for number, line in enumerate(order.lines, start=1):
                line_id, title, sku, quantity, price, amount, refunded, merchant_sku = line
                rows.append(
                    (
                        order_pk,
                        number,
                        line_id,
                        product(merchant_id, merchant_sku, title),
                        title,
                        sku,
                        quantity,
                        price,
                        amount,
                        refunded,
                    )
                )
        store.insert_lines(rows)

    def _update(
        self, changed: list[tuple[PreparedOrder, int, int, store.Existing]], refunds: Any
    ) -> None:
        """Rewrite changed orders from the stored row and the file; replace their lines."""
        if not changed:
            return
        full = store.full_rows([found.id for *_, found in changed])
        now = store.now_text()
        rows = []
        relined: list[tuple[PreparedOrder, int, int]] = []
        for order, shop_id, merchant_id, found in changed:
            stored = full[found.id]
            values, state = self._merged(order, stored)
            paid = Decimal(str(values[PAID] or "0.00"))
            refunded = Decimal(str(values[EXPORT_REFUNDED] or "0.00"))
            rows_of = refunds.get(order.platform_order_id)
            if rows_of:
                refunded = max(refunded, refunded_total(rows_of, merchant_id))
            fallback = infer_state(values[PAID_AT], values[SHIPPED_AT], values[COMPLETED_AT])
            status = final_state(state, fallback, paid, refunded)
            if self.line_file:
                content, lines_hash = stored["content_hash"], order.content_hash
                keep_lines = False
            else:
                content, lines_hash = order.content_hash, stored["lines_hash"]
                keep_lines = self.info.format in SUMMARY_LINE_FORMATS and bool(lines_hash)
            rows.append(
                (
                    shop_id,
                    merchant_id,
                    status,
                    *values,
                    f"{refunded:.2f}",
                    f"{paid - refunded:.2f}",
                    content,
                    lines_hash,
                    self.batch_id,
                    now,
                    found.id,
                )
            )
            if not keep_lines:
                relined.append((order, found.id, merchant_id))
            self.tally.add("created" if found.first_batch_id == self.batch_id else "updated")
        store.update_orders(rows)
        store.delete_lines([pk for _, pk, _ in relined])
        self._write_lines(relined)

    def _merged(self, order: PreparedOrder, stored: dict[str, Any]) -> tuple[list[Any], str]:
        """The values to store (text) and the export's status, from the file over the stored row.

        Orders export: the file's value wherever it has one. Sub-order sheet on an order
        the order sheet already gave: only the refunds (summed from the lines) and fields
        still empty are taken from it.
        """
        sheet_backed = self.line_file and bool(stored["content_hash"])
        values: list[Any] = []
        for index, column in enumerate(VALUE_COLUMNS):
            incoming = order.values[index]
            current = store.db_text(column, stored[column])
            keep = incoming in (None, "") or (
                sheet_backed and index != EXPORT_REFUNDED and current not in (None, "")
            )
            values.append(current if keep else incoming)
        previous = stored["status"] if stored["status"] != "refunded" else ""
        state = previous if sheet_backed else (order.export_state or previous)
        return values, state


_AMOUNT_INDEXES = tuple(
    i for i, c in enumerate(VALUE_COLUMNS) if c.endswith("_amount") or c.startswith("discount_")
)


class RefundLoader(Loader):
    """Loads chunks of refunds (see refunds.py)."""

    def run(self, items: Iterator[Any]) -> None:
        """Load every chunk of refunds and net them against their orders."""
        from youpin.ingest.refunds import refunds_apply

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
