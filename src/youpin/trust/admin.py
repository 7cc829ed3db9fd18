"""Back office of the trust context: the signal thresholds are edited here, as data."""

from django.contrib import admin

from youpin.trust.models import OrderVerification, ReviewCase, ReviewEvent, ShopSignal, SignalRule


@admin.register(SignalRule)
class SignalRuleAdmin(admin.ModelAdmin):
    """Signals with their thresholds; a change applies at the next `youpin trust refresh`."""

    list_display = ("code", "name", "enabled", "params", "updated_at")
    list_editable = ("enabled",)
    readonly_fields = ("code",)


class ShopSignalInline(admin.TabularInline):
    """A case's signals."""

    model = ShopSignal
    extra = 0
    can_delete = False
    readonly_fields = ("rule", "start_ts", "end_ts", "orders", "value", "evidence", "detected_at")
    fields = readonly_fields


class ReviewEventInline(admin.TabularInline):
    """A case's audit trail (read only)."""

    model = ReviewEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "user", "action", "note")
    fields = readonly_fields


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    """Review cases; decisions are taken on the review page so they are audited."""

    list_display = ("pk", "shop", "status", "opened_at", "decided_at", "decided_by")
    list_filter = ("status",)
    readonly_fields = ("shop", "status", "opened_at", "decided_at", "decided_by", "note")
    inlines = (ShopSignalInline, ReviewEventInline)


@admin.register(OrderVerification)
class OrderVerificationAdmin(admin.ModelAdmin):
    """Verification rows (computed; read only)."""

    list_display = ("order_id", "state", "reasons", "parcel_id", "computed_at")
    list_filter = ("state",)
    readonly_fields = ("order", "shop_id", "parcel_id", "ordered_ts", "state", "reasons")
    raw_id_fields = ("order",)
