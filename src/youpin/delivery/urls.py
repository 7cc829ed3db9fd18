"""Pages of youpin.delivery, mounted at /delivery/."""

from django.urls import URLPattern, URLResolver, path

from youpin.delivery import views

app_name = "delivery"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("plans/<int:plan_id>/routes/<int:route_id>/sheet/", views.run_sheet, name="run_sheet"),
]
