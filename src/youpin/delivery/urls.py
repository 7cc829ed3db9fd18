"""Pages of youpin.delivery."""

from django.urls import URLPattern, URLResolver

app_name = "delivery"

urlpatterns: list[URLPattern | URLResolver] = []
