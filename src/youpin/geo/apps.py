"""App configuration for youpin.geo."""

from django.apps import AppConfig


class GeoConfig(AppConfig):
    """The geo context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.geo"
    verbose_name = "地理"
