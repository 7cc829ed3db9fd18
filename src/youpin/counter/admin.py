"""Back office of the counter: layouts editable; custodies, notices and sendings read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from youpin.core.masking import mask_phone
from youpin.counter.models import Custody, OutboxMessage, ShelfLayout, Shipment


@admin.register(ShelfLayout)
class ShelfLayoutAdmin(admin.ModelAdmin):
    """Shelves, tiers, capacity and code style per station."""

    list_display = ["station", "shelves", "tiers", "capacity", "code_style", "serial"]
    search_fields = ["station__code", "station__name"]
    readonly_fields = ["serial"]
    raw_id_fields = ["station"]


class ReadOnly(admin.ModelAdmin):
    """Rows written only by the counter's services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Not added by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        """Not changed by hand."""
        return False


@admin.register(Custody)
class CustodyAdmin(ReadOnly):
    """Parcels held at stations."""

    list_display = ["pickup_code", "station", "parcel", "state", "checked_in_at", "closed_at"]
    list_filter = ["state", "reminder_stage"]
    search_fields = ["pickup_code", "parcel__waybill_no", "station__code"]
    raw_id_fields = ["parcel", "station"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    """Notices to recipients; the phone masked in the list."""

    list_display = ["id", "kind", "masked_phone", "state", "backend", "attempts", "created_at"]
    list_filter = ["state", "kind"]
    exclude = ["phone"]

    @admin.display(description="手机号")
    def masked_phone(self, obj: OutboxMessage) -> str:
        """The phone masked."""
        return mask_phone(obj.phone)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly):
    """Parcels sent from stations, with the safety rules recorded."""

    list_display = ["parcel", "station", "state", "goods", "weight_g", "created_at"]
    list_filter = ["state", "screening_required"]
    raw_id_fields = ["parcel", "station"]
