"""Back office for roles and API tokens."""

from django.contrib import admin

from youpin.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Who has which role and scope."""

    list_display = ("user", "role", "region", "merchant", "station", "carrier")
    list_filter = ("role",)
    search_fields = ("user__username", "display_name")
    raw_id_fields = ("user", "region", "merchant", "station", "carrier")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed by prefix; keys are never stored or shown."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
