"""App configuration for youpin.accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts context."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "youpin.accounts"
    verbose_name = "账户与角色"
