"""App configuration for youpin.demo."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.demo"
    verbose_name = "演示数据"
