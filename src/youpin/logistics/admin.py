"""Back office for carriers and parcels."""

from django.contrib import admin

from youpin.logistics.models import Carrier, Parcel, TrackingEvent


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    """Carriers with their aggregator codes."""

    list_display = ("code", "name", "kuaidi100_code", "kdniao_code")


class TrackingEventInline(admin.TabularInline):
    """A parcel's timeline."""

    model = TrackingEvent
    extra = 0
    raw_id_fields = ("place", "station")


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    """Parcels by carrier and status; recipients are not listed."""

    list_display = ("waybill_no", "carrier", "status", "collected_at", "station")
    list_filter = ("carrier", "status", "cold_chain")
    search_fields = ("waybill_no",)
    raw_id_fields = ("sender_place", "recipient_place", "station")
    inlines = [TrackingEventInline]
