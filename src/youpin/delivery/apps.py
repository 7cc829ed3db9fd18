"""App configuration for youpin.delivery."""

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """The joint-delivery context: hubs, fleet, freight lines and the daily delivery plan."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.delivery"
    verbose_name = "共同配送"
