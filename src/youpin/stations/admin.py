"""Back office for the station network, its fee rules and subsidies."""

from django.contrib import admin

from youpin.stations.models import FeeRule, Station, Subsidy


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    """Stations by kind and place; saving runs the registry's checks (Station.clean)."""

    list_display = ("code", "name", "kind", "place", "opening_hours", "is_active", "coord_source")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("place",)
    filter_horizontal = ("carriers",)


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    """Fees per piece by carrier, service and weight band."""

    list_display = (
        "service",
        "carrier",
        "weight_min_g",
        "weight_max_g",
        "fee",
        "valid_from",
        "valid_to",
    )
    list_filter = ("service", "carrier")


@admin.register(Subsidy)
class SubsidyAdmin(admin.ModelAdmin):
    """Subsidies per piece by service and county."""

    list_display = ("service", "county", "amount", "valid_from", "valid_to")
    list_filter = ("service",)
    raw_id_fields = ("county",)
