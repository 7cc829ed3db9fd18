"""App configuration for youpin.plans."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Development plans as data: targets, trajectories, and the measures that track them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.plans"
    verbose_name = "规划目标"
