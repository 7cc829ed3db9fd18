"""Pages of youpin.cockpit, mounted at /cockpit/."""

from django.urls import URLPattern, URLResolver, path

from youpin.cockpit import views

app_name = "cockpit"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cockpit, name="home"),
    path("verified/", views.verified_panel, name="verified"),
]
