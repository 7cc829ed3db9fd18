"""Loading chunks of prepared orders: new, changed, unchanged, deferred or rejected.

Idempotence. Each order carries the hash of what the file said about it: the same
content again is "unchanged" and costs one indexed look-up; changed orders are
rewritten (their lines replaced); a field the file does not carry keeps its value.
Importing the same file again creates nothing; an overlapping later export updates
only the orders that changed.

Counting. An order counts as created when this batch first wrote it, updated when this
batch rewrote it, unchanged otherwise (the database says which: `first_batch`, `batch`),
so a resumed batch ends with the counts of an uninterrupted one.

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
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from youpin.commerce.models import Refund
from youpin.ingest import orders_store as store
from youpin.ingest.batches import ImportRefused, batch_refuse
from youpin.ingest.links import (
    Catalogue,
    LinkError,
    ShopLinker,
    refunded_total,
    refunds_of,
)
from youpin.ingest.loading import Loader, Rejects, chunk_transaction
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
from youpin.ingest.orders_source import Chunk
from youpin.ingest.orders_worker import order_chunks

SUMMARY_LINE_FORMATS = frozenset({"taobao_orders"})  # one summary line per order, not real lines


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
        with chunk_transaction(bulk=self.bulk):
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
            with chunk_transaction(bulk=self.bulk):
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
        existing: dict[str, store.Existing]
        if self.empty_table and not late:
            existing = {}  # every stored order is this pass's, and `seen` knows them
        else:
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
        # PostgreSQL: the ids are drawn first and written with the rows (no read-back)
        reserved = store.reserve_order_ids(len(new))
        rows = []
        for index, (order, shop_id, merchant_id) in enumerate(new):
            status, refunded, net = self._money(order, merchant_id, refunds)
            values = list(order.values)
            for amount in _AMOUNT_INDEXES:
                if values[amount] is None:
                    values[amount] = "0.00"
            content, lines = (
                ("", order.content_hash) if self.line_file else (order.content_hash, "")
            )
            row = (
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
            rows.append(row if reserved is None else (reserved[index], *row))
        store.insert_orders(rows)
        if reserved is None:
            ids = store.order_ids(self.platform, [order.platform_order_id for order, _, _ in new])
            reserved = [ids[order.platform_order_id] for order, _, _ in new]
        self._write_lines([(order, pk, m) for (order, _, m), pk in zip(new, reserved, strict=True)])
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
