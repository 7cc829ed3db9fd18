"""App configuration for youpin.portal."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The portal context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.portal"
    verbose_name = "门户"
