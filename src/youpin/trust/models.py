"""Order verification by parcels, tunable signal rules, shop signals and their review."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models

from youpin.trust.reasons import describe


class VerificationState(models.TextChoices):
    """Whether a real parcel is known to have carried an order."""

    VERIFIED = "verified", "已核实"
    UNVERIFIED = "unverified", "未核实"
    SUSPICIOUS = "suspicious", "可疑"


class OrderVerification(models.Model):
    """The evidence about one sold order, recomputed by `trust.services.verification_refresh`.

    `shop_id`, `parcel_id` and the times as Unix seconds are copied from the order so that the
    signals (bursts per shop and hour, reused waybills) run on this table and its indexes.
    """

    order = models.OneToOneField(
        "commerce.Order",
        verbose_name="订单",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="verification",
        db_constraint=False,
    )
    shop_id = models.BigIntegerField("店铺")
    parcel_id = models.BigIntegerField("包裹", null=True, blank=True, db_index=True)
    ordered_ts = models.BigIntegerField("下单时间（Unix 秒）")
    # The sale time the sales facts count the order on (payment, else order time), so that
    # a change of state names the facts' days to recompute without reading the orders.
    sold_ts = models.BigIntegerField("销售时间（Unix 秒，付款时间，无则下单时间）", null=True)
    state = models.CharField("核实状态", max_length=12, choices=VerificationState.choices)
    reasons = models.IntegerField("原因（位标记）", default=0)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "订单核实"
        verbose_name_plural = "订单核实"
        indexes = [
            models.Index(fields=["shop_id", "ordered_ts"], name="trust_verif_shop_time"),
            models.Index(fields=["ordered_ts"], name="trust_verif_time"),
            models.Index(fields=["state"], name="trust_verif_state"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.state}"

    @property
    def reason_labels(self) -> list[str]:
        """The reasons in Chinese."""
        return describe(self.reasons)


class SignalRule(models.Model):
    """A brushing or verification signal with its thresholds, editable as data."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    explanation = models.TextField("说明", blank=True)
    enabled = models.BooleanField("启用", default=True)
    params = models.JSONField("参数", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信号规则"
        verbose_name_plural = "信号规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    """Where a review case stands."""

    OPEN = "open", "待审核"
    CONFIRMED = "confirmed", "确认刷单"
    CLEARED = "cleared", "排除嫌疑"


class ReviewCase(models.Model):
    """Signals about one shop awaiting an official's decision; decided cases are kept."""

    shop = models.ForeignKey(
        "catalog.Shop", verbose_name="店铺", on_delete=models.CASCADE, related_name="review_cases"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_at = models.DateTimeField("立案时间")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("结论说明", blank=True)

    class Meta:
        verbose_name = "审核案件"
        verbose_name_plural = "审核案件"
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop"],
                condition=models.Q(status="open"),
                name="review_case_one_open_per_shop",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.shop_id} {self.status}"


class ShopSignal(models.Model):
    """One firing of a signal for a shop over a span of time, with its evidence."""

    shop = models.ForeignKey(
        "catalog.Shop", verbose_name="店铺", on_delete=models.CASCADE, related_name="signals"
    )
    rule = models.CharField("规则", max_length=40)
    start_ts = models.BigIntegerField("起（Unix 秒）")
    end_ts = models.BigIntegerField("止（Unix 秒，不含）")
    orders = models.PositiveIntegerField("涉及订单", default=0)
    value = models.DecimalField("指标值", max_digits=14, decimal_places=2, default=0)
    evidence = models.JSONField("证据", default=dict, blank=True)
    detected_at = models.DateTimeField("发现时间")
    case = models.ForeignKey(
        ReviewCase,
        verbose_name="审核案件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
    )

    class Meta:
        verbose_name = "店铺信号"
        verbose_name_plural = "店铺信号"
        ordering = ["shop", "rule", "start_ts"]
        indexes = [models.Index(fields=["shop", "rule", "start_ts"], name="trust_signal_span")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.rule} {self.start_ts}"

    @property
    def start(self) -> datetime:
        """The start of the span as an aware datetime."""
        return datetime.fromtimestamp(self.start_ts, tz=UTC)

    @property
    def end(self) -> datetime:
        """The (exclusive) end of the span as an aware datetime."""
        return datetime.fromtimestamp(self.end_ts, tz=UTC)


class ReviewEvent(models.Model):
    """The audit trail of a case: who did what, when."""

    case = models.ForeignKey(
        ReviewCase, verbose_name="案件", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class TrustState(models.Model):
    """Where the last `trust refresh --changed` stopped: the watermark the next one reads from.

    `rules_digest` is the signal and title rules' fingerprint at that run; when the rules
    change the next `--changed` run recomputes everything.
    """

    name = models.CharField("名称", max_length=20, primary_key=True, default="default")
    rows_changed_since = models.DateTimeField("订单与包裹变更起点", null=True, blank=True)
    rules_digest = models.CharField("规则指纹", max_length=64, blank=True)
    refreshed_at = models.DateTimeField("最近刷新时间", null=True, blank=True)
    last_full = models.BooleanField("最近一次为全部重算", default=False)
    last_orders = models.IntegerField("最近一次处理订单数", default=0)
    last_seconds = models.FloatField("最近一次用时（秒）", default=0)

    class Meta:
        verbose_name = "核实刷新状态"
        verbose_name_plural = "核实刷新状态"

    def __str__(self) -> str:
        return f"{self.name} {self.refreshed_at}"
