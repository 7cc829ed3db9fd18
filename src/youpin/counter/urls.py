"""Pages of the station counter."""

from django.urls import path

from youpin.counter import views

app_name = "counter"

urlpatterns = [
    path("", views.counter_home, name="home"),
    path("<slug:station_code>/", views.counter_page, name="page"),
    path("<slug:station_code>/lists/", views.counter_lists, name="lists"),
    path("<slug:station_code>/checkin/", views.check_in, name="checkin"),
    path("<slug:station_code>/pickup/", views.pick_up, name="pickup"),
    path("<slug:station_code>/send/", views.send, name="send"),
    path("<slug:station_code>/send/<int:shipment_id>/handover/", views.hand_over, name="handover"),
    path("<slug:station_code>/exception/", views.exception, name="exception"),
    path("<slug:station_code>/return/", views.return_parcel, name="return"),
]
