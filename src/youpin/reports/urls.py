"""Pages of youpin.reports."""

from django.urls import URLPattern, URLResolver, path

from youpin.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
]
