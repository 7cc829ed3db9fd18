"""App configuration for youpin.commerce."""

from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """The commerce context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.commerce"
    verbose_name = "订单"
