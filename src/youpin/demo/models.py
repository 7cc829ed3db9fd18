"""A record of the synthetic demo dataset loaded, if any."""

from __future__ import annotations

from django.db import models


class DemoDataset(models.Model):
    """The one synthetic dataset in the database: its seed, scale and what it holds."""

    seed = models.IntegerField("随机种子")
    scale = models.FloatField("规模")
    generated_at = models.DateTimeField("生成时间", auto_now=True)
    summary = models.JSONField("内容概要", default=dict)

    class Meta:
        verbose_name = "演示数据集"
        verbose_name_plural = "演示数据集"

    def __str__(self) -> str:
        return f"演示数据 seed={self.seed} scale={self.scale}"
