"""Canonical orders from every sales channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from youpin.catalog.models import Platform
from youpin.core.models import ZERO, TimeStamped, money


class OrderStatus(models.TextChoices):
    """Canonical order statuses across platforms."""

    PENDING_PAYMENT = "pending_payment", "待付款"
    PAID = "paid", "已付款待发货"
    SHIPPED = "shipped", "已发货"
    COMPLETED = "completed", "已完成"
    CLOSED = "closed", "已关闭"
    REFUNDED = "refunded", "已退款"


class Order(TimeStamped):
    """One order on one platform, with amounts, times, destination and attribution."""

    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    platform_order_id = models.CharField("平台订单号", max_length=40)
    # Foreign keys the importer guarantees carry no database constraint (ADR 0005): the
    # ORM still applies on_delete, and `youpin import check` finds dangling references.
    shop = models.ForeignKey(
        "catalog.Shop",
        verbose_name="店铺",
        on_delete=models.PROTECT,
        related_name="orders",
        db_constraint=False,
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        verbose_name="商户",
        on_delete=models.PROTECT,
        related_name="orders",
        db_constraint=False,
        db_index=False,  # covered by the (merchant, ordered_at) index
    )
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices)
    raw_status = models.CharField("原始状态", max_length=60, blank=True)
    goods_amount = money("商品金额")
    shipping_amount = money("运费")
    discount_platform = money("平台优惠")
    discount_merchant = money("商家优惠")
    discount_host = money("达人优惠")
    paid_amount = money("实付金额")
    refunded_amount = money("退款金额")
    export_refunded_amount = money("导出文件中的退款金额", db_default=ZERO)
    net_amount = money("净额")
    ordered_at = models.DateTimeField("下单时间", db_index=True)
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    shipped_at = models.DateTimeField("发货时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    destination_text = models.CharField("收货地址", max_length=300, blank=True)
    destination_place = models.ForeignKey(
        "geo.Place",
        verbose_name="收货地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # a partial index below: often empty
    )
    buyer_name = models.CharField("收货人", max_length=60, blank=True)
    buyer_phone = models.CharField("收货电话", max_length=20, blank=True)
    buyer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="买家账户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        db_index=False,  # a partial index below: often empty
    )
    carrier = models.ForeignKey(
        "logistics.Carrier",
        verbose_name="快递公司",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        db_constraint=False,
        db_index=False,  # a partial index below: often empty
    )
    waybill_no = models.CharField("运单号", max_length=40, blank=True, db_index=True)
    parcel = models.ForeignKey(
        "logistics.Parcel",
        verbose_name="包裹",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        db_index=False,  # a partial index below: often empty
    )
    host_id = models.CharField("达人ID", max_length=40, blank=True)
    host_nickname = models.CharField("达人昵称", max_length=60, blank=True)
    traffic_source = models.CharField("流量来源", max_length=40, blank=True)
    traffic_type = models.CharField("流量类型", max_length=40, blank=True, db_default="")
    traffic_channel = models.CharField("流量渠道", max_length=40, blank=True, db_default="")
    group_leader = models.CharField("团长", max_length=60, blank=True)
    pickup_station = models.ForeignKey(
        "stations.Station",
        verbose_name="自提站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pickup_orders",
        db_constraint=False,
        db_index=False,  # a partial index below: often empty
    )
    is_demo = models.BooleanField("演示数据", default=False)  # a partial index below
    # What the importer needs to stay idempotent (see youpin.ingest.orders):
    content_hash = models.CharField("导入内容摘要", max_length=40, blank=True, db_default="")
    lines_hash = models.CharField("子订单内容摘要", max_length=40, blank=True, db_default="")
    batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name="最近导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    first_batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name="首次导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = "订单"
        verbose_name_plural = "订单"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_order_id"], name="order_unique_per_platform"
            )
        ]
        # Each index costs every imported row its upkeep (issue 3): the status without
        # the pattern-matching copy a `db_index` text field gets on PostgreSQL, and the
        # mostly-empty links and the demo flag as partial indexes, which serve the same
        # look-ups (`= id`, `IN (…)`, `is_demo`) and cost nothing for rows without one.
        indexes = [
            models.Index(fields=["merchant", "ordered_at"]),
            models.Index(fields=["status"], name="order_status"),
            models.Index(
                fields=["destination_place"],
                condition=Q(destination_place__isnull=False),
                name="order_destination_place",
            ),
            models.Index(
                fields=["buyer_user"],
                condition=Q(buyer_user__isnull=False),
                name="order_buyer_user",
            ),
            models.Index(
                fields=["carrier"],
                condition=Q(carrier__isnull=False),
                name="order_carrier",
            ),
            models.Index(
                fields=["parcel"],
                condition=Q(parcel__isnull=False),
                name="order_parcel",
            ),
            models.Index(
                fields=["pickup_station"],
                condition=Q(pickup_station__isnull=False),
                name="order_pickup_station",
            ),
            models.Index(fields=["is_demo"], condition=Q(is_demo=True), name="order_is_demo"),
            # The sale time the daily facts and the verification's shop totals filter by:
            # one day's orders are found without reading the table (docs/FACTS.md).
            # `ordered_at` keeps its own index: the order lists sort by it and the
            # verification's burst windows start from it.
            models.Index(Coalesce("paid_at", "ordered_at"), name="order_sale_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.platform_order_id}"


class OrderLine(models.Model):
    """One product line of an order."""

    order = models.ForeignKey(
        Order,
        verbose_name="订单",
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,  # the importer writes lines with their order (ADR 0005)
        db_index=False,  # covered by the unique (order, line_no) index
    )
    line_no = models.PositiveSmallIntegerField("行号", default=1)
    platform_line_id = models.CharField("子订单号", max_length=40, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name="商品",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
        db_constraint=False,
    )
    title = models.CharField("商品标题", max_length=200)
    sku = models.CharField("规格/编码", max_length=120, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    unit_price = money("单价")
    amount = money("金额")
    refunded_amount = money("退款金额")

    class Meta:
        verbose_name = "订单行"
        verbose_name_plural = "订单行"
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"


class Refund(TimeStamped):
    """An after-sales refund from a platform's refund file; nets against its order by id."""

    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    platform_order_id = models.CharField("平台订单号", max_length=40)
    refund_id = models.CharField("售后编号", max_length=40)
    amount = money("退款金额")
    status = models.CharField("售后状态", max_length=40, blank=True)
    kind = models.CharField("退款类型", max_length=40, blank=True)
    succeeded = models.BooleanField("退款成功", default=False)
    applied_at = models.DateTimeField("申请时间", null=True, blank=True)
    agreed_at = models.DateTimeField("同意时间", null=True, blank=True)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        verbose_name="导入商户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds",
    )
    batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds",
    )

    class Meta:
        verbose_name = "售后退款"
        verbose_name_plural = "售后退款"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "refund_id"], name="refund_unique_per_platform"
            )
        ]
        indexes = [models.Index(fields=["platform", "platform_order_id"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.refund_id} {self.amount}"
