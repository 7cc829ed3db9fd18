"""Pages of youpin.cockpit."""

from django.urls import URLPattern, URLResolver

app_name = "cockpit"

urlpatterns: list[URLPattern | URLResolver] = []
