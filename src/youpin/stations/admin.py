"""Back office for the station network."""

from django.contrib import admin

from youpin.stations.models import Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    """Stations by kind and place."""

    list_display = ("code", "name", "kind", "place", "is_active", "coord_source")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("place",)
    filter_horizontal = ("carriers",)
