"""Shared model pieces: money and timestamps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

ZERO = Decimal("0.00")


def money(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    """Return a field holding an amount in CNY with two decimal places."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, **kwargs)


class TimeStamped(models.Model):
    """Created and updated times for a row."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True
