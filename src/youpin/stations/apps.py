"""App configuration for youpin.stations."""

from django.apps import AppConfig


class StationsConfig(AppConfig):
    """The stations context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.stations"
    verbose_name = "站点网络"
