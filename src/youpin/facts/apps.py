"""App configuration for youpin.facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import AppConfig


def queue_sales_days(sender: Any, days: set[date], **kwargs: Any) -> None:
    """Orders changed verification state: their sales facts' days wait for the next refresh."""
    from youpin.facts.refresh import SALES, mark_days_changed

    mark_days_changed(days, (SALES,))


class FactsConfig(AppConfig):
    """Daily pre-aggregated facts: sales, parcels, station operations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.facts"
    verbose_name = "每日事实表"

    def ready(self) -> None:
        """Listen for verification changes (the sales facts split net sales by state)."""
        from youpin.trust.signals import states_changed

        states_changed.connect(queue_sales_days, dispatch_uid="facts-queue-sales-days")
