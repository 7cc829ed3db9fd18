"""App configuration for youpin.metrics."""

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Metrics defined once (Ibis) and run on the database, DuckDB over Parquet and Spark."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.metrics"
    verbose_name = "指标引擎"
