"""App configuration for youpin.core."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.core"
    verbose_name = "公共"
