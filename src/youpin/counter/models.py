"""The station counter: shelf layouts, parcels held at a station, notifications, sendings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from youpin.core.models import TimeStamped


class CodeStyle(models.TextChoices):
    """How a station writes its pickup codes."""

    SHELF = "shelf", "货架-层-序号（如 3-2-108）"
    DIGITS = "digits", "6 位数字"


class ShelfLayout(models.Model):
    """A station's shelves: shelves × tiers, each tier holding up to `capacity` parcels.

    `serial` is the station's running number for shelf-style codes; check-ins take the
    next one by an UPDATE of this row, which also makes concurrent check-ins at one
    station queue behind each other for the few milliseconds the allocation takes.
    """

    station = models.OneToOneField(
        "stations.Station",
        verbose_name="站点",
        on_delete=models.CASCADE,
        related_name="shelf_layout",
    )
    shelves = models.PositiveSmallIntegerField("货架数", default=6)
    tiers = models.PositiveSmallIntegerField("每架层数", default=5)
    capacity = models.PositiveSmallIntegerField("每层容量（件）", default=80)
    code_style = models.CharField(
        "取件码样式", max_length=8, choices=CodeStyle.choices, default=CodeStyle.SHELF
    )
    serial = models.PositiveIntegerField("当前序号", default=0)

    class Meta:
        verbose_name = "货架布局"
        verbose_name_plural = "货架布局"

    def __str__(self) -> str:
        return f"{self.station_id}: {self.shelves}×{self.tiers}×{self.capacity}"


class CustodyState(models.TextChoices):
    """Where a parcel held at a station stands."""

    WAITING = "waiting", "待取件"
    PICKED_UP = "picked_up", "已取件"
    EXCEPTION = "exception", "异常"
    RETURNED = "returned", "已退回快递"


class ExceptionKind(models.TextChoices):
    """Exceptions a keeper records at the counter."""

    DAMAGED = "damaged", "破损"
    REFUSED = "refused", "拒收"
    WRONG_ADDRESS = "wrong_address", "地址错误"


class Custody(models.Model):
    """A parcel held at a station, from its check-in to its pick-up or return.

    The shelf and tier say where it lies; the slot counts as taken only while the parcel
    is waiting, so leaving that state frees it in the same transaction.
    """

    parcel = models.ForeignKey(
        "logistics.Parcel", verbose_name="包裹", on_delete=models.CASCADE, related_name="custodies"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="站点", on_delete=models.CASCADE, related_name="custodies"
    )
    state = models.CharField(
        "状态", max_length=10, choices=CustodyState.choices, default=CustodyState.WAITING
    )
    shelf = models.PositiveSmallIntegerField("货架")
    tier = models.PositiveSmallIntegerField("层")
    pickup_code = models.CharField("取件码", max_length=12)
    phone_tail = models.CharField("手机尾号", max_length=4, blank=True)
    checked_in_at = models.DateTimeField("入库时间")
    closed_at = models.DateTimeField("出库时间", null=True, blank=True)
    reminder_stage = models.PositiveSmallIntegerField(
        "提醒阶段",
        default=0,
        help_text="0 未提醒，1 已发 24 小时提醒，2 已发 48 小时提醒，3 超过 72 小时待退回",
    )
    exception_kind = models.CharField(
        "异常类型", max_length=16, choices=ExceptionKind.choices, blank=True
    )
    note = models.CharField("备注", max_length=200, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入库人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出库人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "在站包裹"
        verbose_name_plural = "在站包裹"
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "pickup_code"],
                condition=Q(state="waiting"),
                name="custody_unique_waiting_code",
            ),
            models.UniqueConstraint(
                fields=["parcel"], condition=Q(state="waiting"), name="custody_one_waiting"
            ),
        ]
        indexes = [
            models.Index(
                fields=["station", "state", "checked_in_at"], name="custody_station_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.pickup_code}"


class OutboxState(models.TextChoices):
    """Where a notification stands."""

    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class MessageKind(models.TextChoices):
    """Why a notification is sent."""

    ARRIVAL = "arrival", "到站通知"
    REMINDER_24 = "reminder_24", "24 小时提醒"
    REMINDER_48 = "reminder_48", "48 小时提醒"


class OutboxMessage(models.Model):
    """A notification to a recipient, queued in the same transaction as its cause and sent
    later by the configured sender (`counter.outbox`)."""

    custody = models.ForeignKey(
        Custody, verbose_name="在站包裹", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField("类型", max_length=12, choices=MessageKind.choices)
    phone = models.CharField("手机号", max_length=20)
    body = models.CharField("内容", max_length=300)
    state = models.CharField(
        "状态", max_length=8, choices=OutboxState.choices, default=OutboxState.QUEUED
    )
    backend = models.CharField("发送通道", max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知发件箱"
        verbose_name_plural = "通知发件箱"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(state="queued"), name="outbox_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class ShipmentState(models.TextChoices):
    """Where a parcel sent from a station stands."""

    ACCEPTED = "accepted", "已收寄"
    HANDED_OVER = "handed_over", "已交快递"


class Shipment(TimeStamped):
    """A parcel a villager sends from a station (代寄), with the channel's three safety rules:
    real-name check, inspection on receipt, and screening for what needs it."""

    station = models.ForeignKey(
        "stations.Station", verbose_name="站点", on_delete=models.CASCADE, related_name="shipments"
    )
    parcel = models.OneToOneField(
        "logistics.Parcel", verbose_name="包裹", on_delete=models.PROTECT, related_name="shipment"
    )
    state = models.CharField(
        "状态", max_length=12, choices=ShipmentState.choices, default=ShipmentState.ACCEPTED
    )
    sender_name_masked = models.CharField("寄件人（已脱敏）", max_length=60)
    sender_id_masked = models.CharField("证件号（已脱敏）", max_length=30)
    real_name_checked = models.BooleanField("已实名查验", default=False)
    inspected = models.BooleanField("已开箱验视", default=False)
    screening_required = models.BooleanField("需安检", default=False)
    screened = models.BooleanField("已安检", default=False)
    goods = models.CharField("物品", max_length=120)
    weight_g = models.PositiveIntegerField("重量（克）")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收寄人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handed_over_at = models.DateTimeField("交寄时间", null=True, blank=True)

    class Meta:
        verbose_name = "代寄"
        verbose_name_plural = "代寄"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.parcel_id}"
