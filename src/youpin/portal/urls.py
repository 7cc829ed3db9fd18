"""Pages of the site."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from youpin.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("villages/unserved/", views.villages_unserved, name="villages_unserved"),
    path("geo/counties.geojson", views.counties_geojson, name="counties_geojson"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Parcels: list, timeline and the public lookup (youpin/portal/parcel_urls.py).
    path("", include("youpin.portal.parcel_urls")),
]
