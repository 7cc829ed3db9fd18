"""Every recorded sample imports with the totals a hand count of its rows gives, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from youpin.catalog.models import Shop
from youpin.commerce.models import Order, OrderLine
from youpin.connectors.platforms import ColumnMapping
from youpin.ingest.models import BatchStatus, RejectedRow
from youpin.ingest.tests.orders_support import (
    DOUYIN,
    JD,
    KUAISHOU,
    KUAISHOU_MAPPING,
    PDD,
    TAOBAO,
    TAOBAO_BAD,
    _merchant,  # noqa: F401  (fixture)
    _var_dir,  # noqa: F401  (fixture)
    cell,
    csv_rows,
    db_totals,
    grouped,
    import_sample,
    money,
    sample_bytes,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db


def test_douyin_sample_totals(merchant):
    """Douyin: one order per 主订单编号, 应付 counted once per order, every sub-order a line."""
    rows = csv_rows(DOUYIN)
    orders = grouped(rows, "主订单编号")
    batch = import_sample(DOUYIN, merchant=merchant)
    assert batch.status == BatchStatus.SUCCEEDED
    assert (batch.rows_read, batch.created, batch.rejected) == (len(rows), len(orders), 0)
    totals = db_totals(platform="douyin")
    assert totals["orders"] == len(orders)
    assert totals["paid"] == sum(money(g[0]["订单应付金额"]) for g in orders.values())
    assert totals["goods"] == sum(money(r["商品金额"]) for r in rows)
    assert totals["lines"] == len(rows)
    assert totals["net"] == totals["paid"]
    shipping = sum(money(g[0]["运费"]) for g in orders.values())
    assert sum(o.shipping_amount for o in Order.objects.all()) == shipping


def test_douyin_reimport_changes_nothing(merchant):
    """The same file twice: all unchanged, nothing duplicated, nothing rewritten."""
    first = import_sample(DOUYIN, merchant=merchant)
    stamps = dict(Order.objects.values_list("id", "updated_at"))
    again = import_sample(DOUYIN, merchant=merchant)
    assert again.pk != first.pk
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert Order.objects.count() == first.created
    assert dict(Order.objects.values_list("id", "updated_at")) == stamps
    assert OrderLine.objects.count() == len(csv_rows(DOUYIN))


def test_douyin_order_fields(merchant):
    """Attribution, waybill, status, times and a village-level destination are stored."""
    import_sample(DOUYIN, merchant=merchant)
    live = Order.objects.get(platform_order_id="6923456789012345678")
    assert (live.host_id, live.host_nickname) == ("71234567890", "中卫小枸杞")
    assert (live.traffic_source, live.traffic_type, live.traffic_channel) == (
        "达人直播",
        "直播",
        "精选联盟",
    )
    assert live.waybill_no == "JT0001234567890"
    assert (live.status, live.raw_status) == ("completed", "已完成")
    assert live.discount_host == Decimal("2.80")
    assert live.destination_place_id is not None
    assert live.destination_place_id.startswith("640502")  # 沙坡头区
    assert live.buyer_name == "王小明"
    assert live.buyer_phone == "13995512345"
    assert live.merchant_id == merchant.pk
    shop = Shop.objects.get(pk=live.shop_id)
    assert (shop.merchant_id, shop.platform) == (merchant.pk, "douyin")
    closed = Order.objects.get(platform_order_id="6923456789012345900")
    assert closed.status == "closed"
    lines = list(live.lines.order_by("line_no"))
    assert [ln.line_no for ln in lines] == [1, 2, 3]
    assert lines[1].quantity == 2
    assert lines[1].unit_price == Decimal("59.00")  # 118.00 ÷ 2: the file has no price column


def test_taobao_sample_totals(merchant):
    """Taobao order sheet: one order per row, 实际支付 as paid, the shop from 店铺Id."""
    rows = csv_rows(TAOBAO)
    batch = import_sample(TAOBAO, merchant=merchant)
    assert (batch.created, batch.rejected) == (len(rows), 0)
    totals = db_totals(platform="taobao")
    assert totals["paid"] == sum(money(r["买家实际支付金额"]) for r in rows)
    assert totals["goods"] == sum(money(r["买家应付货款"]) for r in rows)
    shop_ids = {cell(r["店铺Id"]) for r in rows}
    shops = Shop.objects.filter(platform="taobao").values_list("platform_shop_id", flat=True)
    assert set(shops) == shop_ids
    modified = Order.objects.get(platform_order_id="386123456789012345")
    assert "枸杞大道88号" in modified.destination_text  # 修改后的收货地址 wins


def test_pinduoduo_sample_totals(merchant):
    """Pinduoduo: 用户实付 as paid; an order refunded in its status text keeps its money."""
    rows = csv_rows(PDD)
    batch = import_sample(PDD, merchant=merchant)
    assert (batch.created, batch.rejected) == (len(rows), 0)
    totals = db_totals(platform="pinduoduo")
    assert totals["paid"] == sum(money(r["用户实付金额(元)"]) for r in rows)
    assert totals["goods"] == sum(money(r["商品总价(元)"]) for r in rows)
    assert totals["refunded"] == 0  # the refunds come with the 售后 file
    refunded_text = Order.objects.get(platform_order_id="251104-384756192837468")
    assert refunded_text.raw_status == "未发货，退款成功"
    assert refunded_text.status == "paid"  # no canonical state in the text: from its times


def test_jd_sample_totals(merchant):
    """JD: rows grouped by 订单号, paid = 应付金额 + 余额支付 once per order."""
    rows = csv_rows(JD)
    orders = grouped(rows, "订单号")
    batch = import_sample(JD, merchant=merchant)
    assert (batch.rows_read, batch.created) == (len(rows), len(orders))
    totals = db_totals(platform="jd")
    expected = sum(money(g[0]["应付金额"]) + money(g[0]["余额支付"]) for g in orders.values())
    assert totals["paid"] == expected
    assert totals["lines"] == len(rows)


def test_kuaishou_with_mapping(merchant):
    """Kuaishou through the saved template; the row whose id Excel mangled is rejected."""
    rows = xlsx_rows(KUAISHOU)
    good = [r for r in rows if isinstance(r["订单号"], str)]
    mapping = ColumnMapping.from_json(sample_bytes(KUAISHOU_MAPPING))
    batch = import_sample(KUAISHOU, merchant=merchant, mapping=mapping)
    assert (batch.created, batch.rejected) == (len(good), len(rows) - len(good))
    totals = db_totals(platform="kuaishou")
    assert totals["paid"] == sum(money(r["实付款"]) for r in good)
    rejected = RejectedRow.objects.get(batch=batch)
    assert rejected.row_number == len(rows) + 1
    assert "科学计数法" in rejected.reason


def test_bad_rows_are_kept_with_reasons(merchant):
    """Each bad row is kept with its number, raw cells and a reason; the other rows go in."""
    rows = csv_rows(TAOBAO_BAD)
    batch = import_sample(TAOBAO_BAD, merchant=merchant)
    good = [
        r
        for r in rows
        if cell(r["订单编号"]).isdigit()
        and "," not in cell(r["买家实际支付金额"])
        and not cell(r["订单创建时间"]).startswith("2025-13")
    ]
    assert batch.rows_read == len(rows)
    assert (batch.created, batch.rejected) == (len(good), len(rows) - len(good))
    rejected = list(RejectedRow.objects.filter(batch=batch).order_by("row_number"))
    assert [r.row_number for r in rejected] == [
        number for number, r in enumerate(rows, start=2) if r not in good
    ]
    assert all(r.raw.get("订单编号") is not None for r in rejected)
    assert any(r.reason == "订单编号为空" for r in rejected)
    assert any("12,3.4" in r.reason for r in rejected)
