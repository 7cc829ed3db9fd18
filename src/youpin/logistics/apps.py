"""App configuration for youpin.logistics."""

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    """The logistics context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.logistics"
    verbose_name = "快递物流"
