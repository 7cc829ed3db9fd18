"""Pages of the trust context, mounted at /trust/."""

from django.urls import path

from youpin.trust import views

app_name = "trust"

urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("review/", views.review, name="review"),
    path("review/<int:case_id>/decide/", views.decide, name="decide"),
]
