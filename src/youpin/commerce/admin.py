"""Back office for orders."""

from django.contrib import admin

from youpin.commerce.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    """Lines of an order."""

    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders by platform and status; buyer details stay on the detail page."""

    list_display = (
        "platform_order_id",
        "platform",
        "merchant",
        "status",
        "net_amount",
        "ordered_at",
    )
    list_filter = ("platform", "status")
    search_fields = ("platform_order_id", "waybill_no")
    date_hierarchy = "ordered_at"
    raw_id_fields = (
        "shop",
        "merchant",
        "destination_place",
        "buyer_user",
        "parcel",
        "pickup_station",
    )
    inlines = [OrderLineInline]
