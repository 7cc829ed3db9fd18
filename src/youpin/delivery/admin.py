"""Back office for the joint-delivery fleet and timetables (operator edits); plans read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from youpin.core.masking import mask_phone
from youpin.delivery.models import (
    BusLine,
    BusLineStop,
    DeliveryPlan,
    Driver,
    FreightLine,
    FreightLineStop,
    Hub,
    PlanRoute,
    Vehicle,
)


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    """County hubs with their opening hours."""

    list_display = ("name", "county", "opening_time", "closing_time", "is_active")
    list_filter = ("is_active",)
    raw_id_fields = ("county", "place")


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    """The fleet: capacities, costs, speed, shift, range and the cold chain."""

    list_display = (
        "plate",
        "hub",
        "capacity_kg",
        "capacity_m3",
        "cold_chain",
        "electric_range_km",
        "is_active",
    )
    list_filter = ("hub", "cold_chain", "is_active")
    search_fields = ("plate",)


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    """Drivers; the list shows phones masked."""

    list_display = ("name", "phone_masked", "hub", "vehicle", "is_active")
    list_filter = ("hub", "is_active")
    search_fields = ("name",)

    @admin.display(description="手机号")
    def phone_masked(self, obj: Driver) -> str:
        """The phone with its middle digits hidden."""
        return mask_phone(obj.phone)


class BusLineStopInline(admin.TabularInline):
    """Stops of a bus line in order."""

    model = BusLineStop
    extra = 1
    raw_id_fields = ("station",)


@admin.register(BusLine)
class BusLineAdmin(admin.ModelAdmin):
    """Passenger bus lines with their parcel capacity."""

    list_display = ("name", "hub", "days_of_week", "departures", "parcel_capacity_kg", "is_active")
    list_filter = ("hub", "is_active")
    inlines = [BusLineStopInline]


class FreightLineStopInline(admin.TabularInline):
    """Stations of a freight line in order."""

    model = FreightLineStop
    extra = 1
    raw_id_fields = ("station",)


@admin.register(FreightLine)
class FreightLineAdmin(admin.ModelAdmin):
    """The freight-line timetable: stops, departures, weekdays, vehicle or bus line."""

    list_display = ("name", "hub", "days_of_week", "departures", "vehicle", "bus_line", "is_active")
    list_filter = ("hub", "is_active")
    inlines = [FreightLineStopInline]


class PlanRouteInline(admin.TabularInline):
    """A plan's routes (read-only)."""

    model = PlanRoute
    extra = 0
    fields = ("seq", "plate", "driver_name", "start_at", "end_at", "distance_m", "load_kg")
    readonly_fields = fields
    can_delete = False


@admin.register(DeliveryPlan)
class DeliveryPlanAdmin(admin.ModelAdmin):
    """Stored plans, read-only: they are made by `youpin plan delivery`."""

    list_display = ("day", "hub", "parcels_total", "parcels_unplanned", "vehicles_used", "cost")
    list_filter = ("hub",)
    date_hierarchy = "day"
    inlines = [PlanRouteInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Plans come from the planner, not from the form."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Plans are checked before saving and are not edited by hand."""
        return False
