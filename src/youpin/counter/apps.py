"""App configuration for youpin.counter."""

from django.apps import AppConfig


class CounterConfig(AppConfig):
    """The station counter: check-in, pick-up, sending and exceptions at a station."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.counter"
    verbose_name = "站点柜台"
