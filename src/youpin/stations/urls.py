"""Pages of the station network, mounted at /stations/."""

from django.urls import path

from youpin.stations import views

app_name = "stations"

urlpatterns = [
    path("settlement/", views.settlement, name="settlement"),
]
