"""The site's URLs plus the imports pages, for the upload tests (until the lead mounts them)."""

from django.urls import include, path

from youpin.config.urls import urlpatterns as site_patterns

urlpatterns = [path("imports/", include("youpin.ingest.urls")), *site_patterns]
