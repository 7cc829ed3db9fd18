"""App configuration for youpin.trust."""

from django.apps import AppConfig


class TrustConfig(AppConfig):
    """Trusted statistics: order verification by parcels, brushing signals, review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.trust"
    verbose_name = "数据可信度"
