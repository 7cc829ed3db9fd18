"""App configuration for youpin.reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports for the leading group's office: the monthly report as XLSX and PDF."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.reports"
    verbose_name = "月度报告"
