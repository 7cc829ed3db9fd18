"""A URL map for tests: the site's, plus a view that fails, to exercise the 500 page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from youpin.config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    """Fail with a secret in the message, which must never reach the page."""
    raise RuntimeError("secret-detail-42 in the database password")


urlpatterns = [path("boom/", boom), *site_urlpatterns]

handler400 = "youpin.portal.views.bad_request"
handler403 = "youpin.portal.views.permission_denied"
handler404 = "youpin.portal.views.page_not_found"
handler500 = "youpin.portal.views.server_error"
