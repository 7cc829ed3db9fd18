"""App configuration for youpin.cockpit."""

from django.apps import AppConfig


class CockpitConfig(AppConfig):
    """The cockpit: one tile per plan target, drill-down and the county map, read from facts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.cockpit"
    verbose_name = "驾驶舱"
