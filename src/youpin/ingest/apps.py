"""App configuration for youpin.ingest."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Import batches, their rejected rows, and received pushes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.ingest"
    verbose_name = "数据导入"
