"""Pages of parcels: the list, one parcel's timeline, and the public lookup (/track/)."""

from django.urls import path

from youpin.portal import parcel_views

urlpatterns = [
    path("parcels/", parcel_views.parcel_list, name="parcel_list"),
    path(
        "parcels/<slug:carrier_code>/<str:waybill_no>/",
        parcel_views.parcel_detail,
        name="parcel_detail",
    ),
    path("track/", parcel_views.track, name="track"),
    path("track/counties.geojson", parcel_views.counties_geojson, name="parcel_counties_geojson"),
]
