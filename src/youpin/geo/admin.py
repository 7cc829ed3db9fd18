"""Back office for places."""

from django.contrib import admin

from youpin.geo.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """Divisions are reference data: searchable, read by code."""

    list_display = ("code", "name", "level", "parent", "coord_source")
    list_filter = ("level", "coord_source")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    exclude = ("boundary",)
