"""Carriers, parcels and their tracking events."""

from __future__ import annotations

from django.db import models

from youpin.core.models import TimeStamped


class Carrier(models.Model):
    """An express carrier with its codes in the aggregators' schemes."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=40)
    kuaidi100_code = models.CharField("快递100编码", max_length=40, blank=True)
    kdniao_code = models.CharField("快递鸟编码", max_length=10, blank=True)
    waybill_pattern = models.CharField("运单号格式（正则）", max_length=120, blank=True)

    class Meta:
        verbose_name = "快递公司"
        verbose_name_plural = "快递公司"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TrackingStatus(models.TextChoices):
    """Canonical parcel statuses (the multi-carrier convention plus station states)."""

    PENDING = "pending", "待揽收"
    PICKED_UP = "picked_up", "已揽收"
    IN_TRANSIT = "in_transit", "运输中"
    OUT_FOR_DELIVERY = "out_for_delivery", "派送中"
    READY_FOR_PICKUP = "ready_for_pickup", "待取件"
    DELIVERED = "delivered", "已签收"
    DELIVERY_FAILED = "delivery_failed", "派送失败"
    DELIVERY_DELAYED = "delivery_delayed", "派送延误"
    ON_HOLD = "on_hold", "滞留"
    RETURN_TO_SENDER = "return_to_sender", "退回"
    CANCELLED = "cancelled", "已取消"
    UNKNOWN = "unknown", "未知"


class Parcel(TimeStamped):
    """A parcel identified by its carrier and waybill number."""

    carrier = models.ForeignKey(
        Carrier, verbose_name="快递公司", on_delete=models.PROTECT, related_name="parcels"
    )
    waybill_no = models.CharField("运单号", max_length=40)
    status = models.CharField(
        "当前状态",
        max_length=20,
        choices=TrackingStatus.choices,
        default=TrackingStatus.PENDING,
        db_index=True,
    )
    weight_g = models.PositiveIntegerField("重量（克）", default=0)
    volume_cm3 = models.PositiveIntegerField("体积（立方厘米）", default=0)
    cold_chain = models.BooleanField("冷链", default=False)
    e_waybill = models.BooleanField("电子面单", default=True)
    sender_place = models.ForeignKey(
        "geo.Place",
        verbose_name="寄件地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_place = models.ForeignKey(
        "geo.Place",
        verbose_name="收件地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField("收件人", max_length=60, blank=True)
    recipient_phone = models.CharField("收件人电话", max_length=20, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="所在站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parcels",
    )
    collected_at = models.DateTimeField("揽收时间", null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "包裹"
        verbose_name_plural = "包裹"
        constraints = [
            models.UniqueConstraint(fields=["carrier", "waybill_no"], name="parcel_unique_waybill")
        ]
        indexes = [models.Index(fields=["waybill_no"])]

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.waybill_no}"


class TrackingEvent(models.Model):
    """One event in a parcel's timeline: canonical status beside the raw code and text."""

    parcel = models.ForeignKey(
        Parcel, verbose_name="包裹", on_delete=models.CASCADE, related_name="events"
    )
    occurred_at = models.DateTimeField("时间")
    status = models.CharField("状态", max_length=20, choices=TrackingStatus.choices)
    raw_code = models.CharField("原始状态码", max_length=20, blank=True)
    raw_text = models.CharField("原始描述", max_length=500, blank=True)
    place = models.ForeignKey(
        "geo.Place",
        verbose_name="地点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    source = models.CharField("来源", max_length=20, blank=True)

    class Meta:
        verbose_name = "轨迹事件"
        verbose_name_plural = "轨迹事件"
        ordering = ["parcel", "occurred_at"]
        indexes = [models.Index(fields=["parcel", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"
