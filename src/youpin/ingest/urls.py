"""Pages of the imports: upload, a batch's progress and report, its rejected rows."""

from django.urls import path

from youpin.ingest import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:batch_id>/", views.batch_page, name="batch"),
    path("<int:batch_id>/progress/", views.batch_progress, name="progress"),
    path("<int:batch_id>/rejects.csv", views.batch_rejects, name="rejects"),
]
