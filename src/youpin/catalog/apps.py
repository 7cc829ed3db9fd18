"""App configuration for youpin.catalog."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalog context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.catalog"
    verbose_name = "商户与商品"
