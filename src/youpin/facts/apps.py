"""App configuration for youpin.facts."""

from django.apps import AppConfig


class FactsConfig(AppConfig):
    """Daily pre-aggregated facts: sales, parcels, station operations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.facts"
    verbose_name = "每日事实表"
