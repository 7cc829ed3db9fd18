"""Import batches, rejected rows kept for re-import, and pushes kept before parsing."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchKind(models.TextChoices):
    """What a batch brings in."""

    ORDERS = "orders", "订单"
    REFUNDS = "refunds", "售后退款"
    TRACKING = "tracking", "物流轨迹"


class BatchSource(models.TextChoices):
    """How the data reached Youpin."""

    CLI = "cli", "命令行"
    UPLOAD = "upload", "网页上传"
    API = "api", "接口"
    PUSH = "push", "推送"


class BatchStatus(models.TextChoices):
    """Where a batch is in its life."""

    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class ImportBatch(models.Model):
    """One file (or push) brought in: who, when, what it was, and what it changed."""

    kind = models.CharField("类型", max_length=10, choices=BatchKind.choices)
    source = models.CharField("来源", max_length=10, choices=BatchSource.choices)
    format = models.CharField("格式", max_length=40, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    file_sha256 = models.CharField("文件摘要", max_length=64, blank=True, db_index=True)
    file_size = models.BigIntegerField("文件大小（字节）", default=0)
    stored_path = models.CharField("存档路径", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        verbose_name="商户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    status = models.CharField(
        "状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    rejected = models.PositiveIntegerField("拒收", default=0)
    progress_rows = models.PositiveIntegerField("已处理行数", default=0)
    runner = models.CharField("执行进程", max_length=120, blank=True, db_default="")
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    report = models.JSONField("报告", default=dict, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.file_name}"


class RejectedRow(models.Model):
    """A row that could not be imported: kept whole with its reason, to fix and re-import."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="rejected_rows"
    )
    row_number = models.PositiveIntegerField("行号", null=True, blank=True)
    code = models.CharField("原因代码", max_length=40)
    reason = models.CharField("原因", max_length=500)
    raw = models.JSONField("原始内容", default=dict)

    class Meta:
        verbose_name = "拒收行"
        verbose_name_plural = "拒收行"
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"第{self.row_number}行：{self.reason}"


class PushStatus(models.TextChoices):
    """What became of a received push."""

    RECEIVED = "received", "已接收"
    APPLIED = "applied", "已入库"
    REJECTED = "rejected", "已拒收"
    FAILED = "failed", "解析失败"


class InboundPush(models.Model):
    """A push from a provider, stored before it is parsed so none is ever lost."""

    provider = models.CharField("推送方", max_length=20)
    received_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField("来源地址", null=True, blank=True)
    content_type = models.CharField("内容类型", max_length=100, blank=True)
    body = models.TextField("原始内容")
    body_sha256 = models.CharField(
        "内容摘要",
        max_length=64,
        db_index=False,  # a plain index below: the `_like` copy a text db_index gets is unused
    )
    signature_ok = models.BooleanField("签名有效", null=True)
    status = models.CharField(
        "状态", max_length=10, choices=PushStatus.choices, default=PushStatus.RECEIVED
    )
    reason = models.CharField("原因", max_length=500, blank=True)
    events = models.PositiveIntegerField("事件数", default=0)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pushes",
    )
    replayed_at = models.DateTimeField("重放时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["body_sha256"], name="push_body_sha256")]

    def __str__(self) -> str:
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M:%S} {self.status}"
