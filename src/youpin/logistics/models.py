"""Carriers, parcels and their tracking events."""

from __future__ import annotations

from enum import IntFlag

from django.db import models
from django.db.models import Q

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
        Carrier,
        verbose_name="快递公司",
        on_delete=models.PROTECT,
        related_name="parcels",
        db_index=False,  # covered by the unique (carrier, waybill_no) index
    )
    waybill_no = models.CharField("运单号", max_length=40)
    status = models.CharField(
        "当前状态",
        max_length=20,
        choices=TrackingStatus.choices,
        default=TrackingStatus.PENDING,
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
        db_index=False,  # a partial index below: often empty
    )
    collected_at = models.DateTimeField("揽收时间", null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    last_event_at = models.DateTimeField("最近轨迹时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)  # a partial index below

    class Meta:
        verbose_name = "包裹"
        verbose_name_plural = "包裹"
        constraints = [
            models.UniqueConstraint(fields=["carrier", "waybill_no"], name="parcel_unique_waybill")
        ]
        # Kept light for tracking ingest (issue 4): the status without the pattern-matching
        # copy a `db_index` text field gets on PostgreSQL; the station and the demo flag
        # as partial indexes, which serve the same look-ups and skip the other rows.
        indexes = [
            models.Index(fields=["waybill_no"]),
            models.Index(fields=["status"], name="parcel_status"),
            models.Index(
                fields=["station"], condition=Q(station__isnull=False), name="parcel_station"
            ),
            models.Index(fields=["is_demo"], condition=Q(is_demo=True), name="parcel_is_demo"),
            # One day's deliveries for the daily facts (docs/FACTS.md); partial: parcels
            # on their way have none, and the ingest pays for it only once per delivery.
            models.Index(
                fields=["delivered_at"],
                condition=Q(delivered_at__isnull=False),
                name="parcel_delivered_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.waybill_no}"


class EventFlag(IntFlag):
    """What is doubtful about an event, as bits of `TrackingEvent.flags`."""

    FUTURE = 1  # dated more than an hour after it was received: kept, not used for the state
    TIME_ZONE_ASSUMED = 2  # the provider gave no offset; Asia/Shanghai was assumed
    PLACE_UNKNOWN = 4  # a place code that is not in our division table (kept in raw_place_code)


class StatusBasis(models.IntegerChoices):
    """How specific the code that decided an event's canonical status was."""

    NOT_RECORDED = 0, "未记录"
    WORDS = 1, "据描述文字判断"
    PARCEL_STATE = 2, "据包裹整体状态"
    EVENT_CODE = 3, "据事件状态码"


class TrackingEvent(models.Model):
    """One event in a parcel's timeline: canonical status beside the raw code and text.

    `dedupe_key` identifies the event within its parcel and moment by its raw text (or,
    without text, its raw code and status), so the same event received twice is stored
    once; when it comes back with a more specific reading (`status_basis`), that reading
    wins whatever the order of arrival.
    """

    parcel = models.ForeignKey(
        Parcel,
        verbose_name="包裹",
        on_delete=models.CASCADE,
        related_name="events",
        db_constraint=False,  # the ingest writes events with their parcel (ADR 0005)
        db_index=False,  # covered by the unique (parcel, occurred_at, dedupe_key) index
    )
    occurred_at = models.DateTimeField("时间")
    status = models.CharField("状态", max_length=20, choices=TrackingStatus.choices)
    raw_code = models.CharField("原始状态码", max_length=40, blank=True)
    raw_text = models.CharField("原始描述", max_length=500, blank=True)
    place = models.ForeignKey(
        "geo.Place",
        verbose_name="地点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # a partial index below: most events have no place we know
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_constraint=False,
        db_index=False,  # a partial index below: most events are not at a station
    )
    source = models.CharField("来源", max_length=20, blank=True)
    raw_place_code = models.CharField("原始地点编码", max_length=20, blank=True, db_default="")
    place_name = models.CharField("原始地点名称", max_length=120, blank=True, db_default="")
    facility = models.CharField("网点或站点（原文）", max_length=120, blank=True, db_default="")
    status_basis = models.PositiveSmallIntegerField(
        "状态依据", choices=StatusBasis.choices, default=0, db_default=0
    )
    flags = models.PositiveSmallIntegerField("标记", default=0, db_default=0)
    # NULL for rows written without a key (the demo's): NULLs never collide in the constraint.
    dedupe_key = models.CharField(  # noqa: DJ001
        "去重键", max_length=16, null=True, blank=True, editable=False
    )
    batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # kept light: five million events a batch
    )

    class Meta:
        verbose_name = "轨迹事件"
        verbose_name_plural = "轨迹事件"
        ordering = ["parcel", "occurred_at"]
        indexes = [
            models.Index(
                fields=["place"], condition=Q(place__isnull=False), name="tracking_event_place"
            ),
            # A station's events in time order: the counter's look-ups by station and one
            # day's station events for the daily facts (docs/FACTS.md).
            models.Index(
                fields=["station", "occurred_at"],
                condition=Q(station__isnull=False),
                name="tracking_event_station_time",
            ),
        ]
        constraints = [
            # Also the timeline's index: a parcel's events in time order.
            models.UniqueConstraint(
                fields=["parcel", "occurred_at", "dedupe_key"], name="tracking_event_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def flag_set(self) -> EventFlag:
        """The event's flags as an `EventFlag`."""
        return EventFlag(self.flags)
