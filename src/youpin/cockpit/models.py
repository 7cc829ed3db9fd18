"""Stored forecast fits: one row per fit's inputs, shared by every process (see `fits`)."""

from __future__ import annotations

from django.db import models


class ForecastFit(models.Model):
    """A forecast made once and kept: its key is the SHA-256 of its inputs and model version.

    `forecast` is the forecast as JSON (`forecast.forecast_to_json`); rows not used by a
    warm for a long time are pruned (`youpin.cockpit.warm`).
    """

    key = models.CharField("输入摘要（SHA-256）", max_length=64, primary_key=True)
    kind = models.CharField("类型", max_length=10)
    forecast = models.JSONField("预测（JSON）")
    fitted_at = models.DateTimeField("拟合时间", db_index=True)

    class Meta:
        verbose_name = "预测拟合结果"
        verbose_name_plural = "预测拟合结果"

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]} {self.fitted_at:%Y-%m-%d %H:%M}"
