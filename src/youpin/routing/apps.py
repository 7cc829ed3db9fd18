"""App configuration for youpin.routing."""

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    """The routing context: vehicle-routing problems, the solver adapter and the checker."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.routing"
    verbose_name = "路径优化"
