"""Idempotence, overlapping exports, split orders, shops, products and refused files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from youpin.catalog.models import Shop
from youpin.commerce.models import Order, OrderLine
from youpin.ingest.batches import ImportRefused
from youpin.ingest.models import BatchStatus, ImportBatch, RejectedRow
from youpin.ingest.tests.orders_support import (
    DOUYIN,
    TAOBAO,
    TMALL_LINES,
    _merchant,  # noqa: F401  (fixture)
    _var_dir,  # noqa: F401  (fixture)
    cell,
    csv_rows,
    db_totals,
    douyin_table,
    grouped,
    import_sample,
    money,
    run_import,
    sample_bytes,
    write_csv,
)
from youpin.testing.factories import MerchantFactory, ProductFactory, ShopFactory

pytestmark = pytest.mark.django_db


def _douyin(rows: list[list[str]]) -> bytes:
    """A Douyin export with the sample's header and these rows."""
    header, _ = douyin_table()
    return write_csv(rows, header)


def _column(name: str) -> int:
    """The index of a Douyin column."""
    return douyin_table()[0].index(name)


def test_overlapping_export_updates_only_what_changed(merchant):
    """A later export with one status changed and one new order: 1 updated, 1 created."""
    _, rows = douyin_table()
    run_import(_douyin(rows), "first.csv", merchant=merchant)
    status, paid = _column("订单状态"), _column("订单应付金额")
    later = [list(r) for r in rows]
    for row in later:
        if cell(row[0]) == "6923456789012345800":
            row[status] = "已发货"
            row[_column("发货时间")] = "2025-11-04 10:00:00"
    new = list(later[-1])
    new[0], new[1], new[paid] = "'6923456789012346000", "'6923456789012346001", "35.00"
    batch = run_import(_douyin([*later, new]), "later.csv", merchant=merchant)
    orders = len(grouped(csv_rows(DOUYIN), "主订单编号"))
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, orders - 1)
    changed = Order.objects.get(platform_order_id="6923456789012345800")
    assert changed.status == "shipped"
    assert changed.batch_id == batch.pk
    assert changed.first_batch_id != batch.pk
    assert changed.lines.count() == 2
    assert Order.objects.count() == orders + 1


def test_order_split_over_rows_far_apart_is_merged(merchant):
    """Rows of one order separated by other orders, in one chunk or across chunks, merge."""
    _, rows = douyin_table()
    first = [r for r in rows if cell(r[0]) == "6923456789012345678"]
    others = [r for r in rows if cell(r[0]) != "6923456789012345678"]
    shuffled = [first[0], *others, *first[1:]]
    expected = db_totals_after(rows, merchant)
    for chunk_size in (100, 1):
        Order.objects.all().delete()
        batch = run_import(_douyin(shuffled), "split.csv", merchant=merchant, chunk_size=chunk_size)
        assert batch.created == expected["orders"], chunk_size
        assert db_totals() == expected, chunk_size
        merged = Order.objects.get(platform_order_id="6923456789012345678")
        assert merged.lines.count() == 3
        assert merged.goods_amount == sum(money(r[_column("商品金额")]) for r in first)
        again = run_import(_douyin(shuffled), "split.csv", merchant=merchant, chunk_size=chunk_size)
        assert (again.created, again.updated, again.unchanged) == (0, 0, expected["orders"])
        assert "deferred" not in again.report


def db_totals_after(rows: list[list[str]], merchant) -> dict:
    """The totals the plain sample gives (imported and removed again)."""
    run_import(_douyin(rows), "plain.csv", merchant=merchant)
    totals = db_totals()
    Order.objects.all().delete()
    return totals


def test_file_without_shop_and_merchant_is_refused(var_dir):
    """No shop id in the file and no merchant: one clear error, nothing imported."""
    with pytest.raises(ImportRefused) as refused:
        import_sample(DOUYIN)
    assert "指定商户" in refused.value.message
    assert Order.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert batch.error == refused.value.message


def test_unknown_shop_without_merchant_is_refused(var_dir):
    """A shop id nobody registered, imported by the operator without a merchant: refused."""
    with pytest.raises(ImportRefused) as refused:
        import_sample(TAOBAO)
    assert "57301234" in refused.value.message
    assert Order.objects.count() == 0


def test_registered_shop_links_its_merchant(var_dir):
    """The operator imports a file whose 店铺Id is registered: orders go to its merchant."""
    shop = ShopFactory(platform="taobao", platform_shop_id="57301234")
    batch = import_sample(TAOBAO)
    assert batch.created == len(csv_rows(TAOBAO))
    assert set(Order.objects.values_list("shop_id", "merchant_id")) == {(shop.pk, shop.merchant_id)}


def test_shop_of_another_merchant_is_rejected(merchant):
    """A merchant importing a file of another merchant's shop: refused before anything."""
    ShopFactory(platform="taobao", platform_shop_id="57301234")
    with pytest.raises(ImportRefused) as refused:
        import_sample(TAOBAO, merchant=merchant)
    assert "其他商户" in refused.value.message
    assert Order.objects.count() == 0


def test_order_of_another_merchant_is_not_taken_over(merchant):
    """An order already stored for another merchant is rejected, not reassigned."""
    other = MerchantFactory()
    import_sample(DOUYIN, merchant=other)
    batch = import_sample(DOUYIN, merchant=merchant)
    assert batch.created == batch.updated == 0
    assert batch.rejected == len(csv_rows(DOUYIN))
    assert set(RejectedRow.objects.filter(batch=batch).values_list("code", flat=True)) == {
        "order_of_other_merchant"
    }
    assert set(Order.objects.values_list("merchant_id", flat=True)) == {other.pk}
    assert all(r.raw for r in RejectedRow.objects.filter(batch=batch))


def test_lines_match_the_catalogue(merchant):
    """A line finds the merchant's product by 商家编码, else by exact title."""
    by_sku = ProductFactory(merchant=merchant, sku="GQ-500", name="另一个名字")
    by_title = ProductFactory(merchant=merchant, sku="", name="硒砂瓜 1个装")
    ProductFactory(sku="YJ-10", name="枸杞原浆 30ml*10袋")  # another merchant's
    import_sample(DOUYIN, merchant=merchant)
    lines = {ln.title: ln.product_id for ln in OrderLine.objects.all()}
    assert lines["中宁枸杞 特级 500g"] == by_sku.pk
    assert lines["硒砂瓜 1个装"] == by_title.pk
    assert lines["枸杞原浆 30ml*10袋"] is None


def test_destination_resolved_inside_the_region_only(merchant):
    """A Zhongwei village address gets its place; a Guangzhou address keeps only its text."""
    _, rows = douyin_table()
    local, far = list(rows[3]), list(rows[4])
    parts = [_column(c) for c in ("省", "市", "区", "街道", "详细地址")]
    near_parts = ["宁夏回族自治区", "中卫市", "中宁县", "鸣沙镇", "鸣沙村3组"]
    far_parts = ["广东省", "广州市", "天河区", "林和街道", "体育西路1号"]
    for index, near_value, far_value in zip(parts, near_parts, far_parts, strict=True):
        local[index], far[index] = near_value, far_value
    run_import(_douyin([local, far]), "places.csv", merchant=merchant)
    near = Order.objects.get(platform_order_id=cell(local[0]))
    away = Order.objects.get(platform_order_id=cell(far[0]))
    assert near.destination_place_id == "640521101202"  # 鸣沙村, 鸣沙镇, 中宁县
    assert away.destination_place_id is None
    assert away.destination_text == "广东省广州市天河区林和街道体育西路1号"


@pytest.mark.parametrize("name", ["stock_list.csv", "picture.csv", "empty.csv"])
def test_a_file_that_is_not_an_export_imports_nothing(merchant, name):
    """Not an order export: refused with one reason, no order, no rejected row."""
    with pytest.raises(ImportRefused) as refused:
        import_sample(name, merchant=merchant)
    assert refused.value.message
    assert Order.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert not RejectedRow.objects.exists()


def test_the_kept_file_is_the_upload(merchant, var_dir):
    """The original bytes are kept under VAR_DIR/imports/<sha256>.<ext> with their size."""
    batch = import_sample(DOUYIN, merchant=merchant)
    data = sample_bytes(DOUYIN)
    assert batch.file_size == len(data)
    kept = var_dir / "imports" / f"{batch.file_sha256}.csv"
    assert kept.read_bytes() == data
    assert batch.stored_path == str(kept)


def test_order_sheet_and_sub_order_sheet_in_either_order(merchant):
    """Tmall: sheet status and amounts win, sub-order lines win, refunds from the lines."""
    sheet = {cell(r["订单编号"]): r for r in csv_rows(TAOBAO)}
    details = grouped(csv_rows(TMALL_LINES), "主订单编号")
    for order in (TAOBAO, TMALL_LINES), (TMALL_LINES, TAOBAO):
        Order.objects.all().delete()
        for name in order:
            import_sample(name, merchant=merchant)
        for order_id, lines in details.items():
            stored = Order.objects.get(platform_order_id=order_id)
            assert stored.paid_amount == money(sheet[order_id]["买家实际支付金额"]), order
            assert stored.raw_status == cell(sheet[order_id]["订单状态"])
            assert stored.lines.count() == len(lines)
            refunds = sum((money(ln["退款金额"]) for ln in lines), Decimal("0.00"))
            assert stored.refunded_amount == refunds
            assert stored.net_amount == stored.paid_amount - refunds
        again = [import_sample(name, merchant=merchant) for name in order]
        assert all(b.created == b.updated == 0 for b in again)
    assert Shop.objects.filter(platform="taobao").count() == 1
