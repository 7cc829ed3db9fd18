"""Thin views: the home page per role, the unserved villages, county shapes, and error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.demo.selectors import demo_dataset
from youpin.geo.selectors import counties_with_boundary
from youpin.portal import dashboards
from youpin.portal.context import request_scope
from youpin.stations.coverage import villages_uncovered
from youpin.stations.coverage_page import coverage_page

logger = logging.getLogger(__name__)


def _year_param(request: HttpRequest) -> int | None:
    """The `?year=` the page was asked for, if it is a number."""
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def _board(request: HttpRequest, scope: Scope) -> Any:
    """Build the dashboard of the scope's role."""
    now = timezone.now()
    today = timezone.localdate(now)
    builders: dict[Role, Callable[[], Any]] = {
        Role.OFFICIAL: lambda: dashboards.official_dashboard(
            scope, today=today, year=_year_param(request)
        ),
        Role.OPERATOR: lambda: dashboards.operator_dashboard(scope, today=today),
        Role.MERCHANT: lambda: dashboards.merchant_dashboard(
            scope, today=today, year=_year_param(request)
        ),
        Role.STATION_KEEPER: lambda: dashboards.keeper_dashboard(scope, now=now),
        Role.CARRIER: lambda: dashboards.carrier_dashboard(scope, now=now),
        Role.CONSUMER: lambda: dashboards.consumer_dashboard(scope),
    }
    return builders[scope.role]()


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page, with the live figures of their role."""
    scope = request_scope(request)
    board = _board(request, scope)
    return render(request, f"portal/home/{scope.role}.html", {"scope": scope, "board": board})


@require_safe
@login_required
def villages_unserved(request: HttpRequest) -> HttpResponse:
    """Villages without any active service point, in the official's region (or everywhere)."""
    scope = request_scope(request)
    if scope.role not in {Role.OFFICIAL, Role.OPERATOR}:
        raise PermissionDenied
    villages = villages_uncovered(scope)  # administrative villages, as the coverage counts
    if request.headers.get("HX-Request") == "true":
        return render(request, "portal/_villages_unserved_list.html", {"villages": villages})
    context = {"villages": villages, "cov": coverage_page(scope)}
    return render(request, "portal/villages_unserved.html", context)


@require_safe
@login_required
def counties_geojson(request: HttpRequest) -> JsonResponse:
    """County polygons as a GeoJSON FeatureCollection: an official's own, else the home region's."""
    scope = request_scope(request)
    prefix = scope.region_prefix if scope.role == Role.OFFICIAL else dashboards.home_region().prefix
    features = [
        {
            "type": "Feature",
            "properties": {"name": place.name, "code": place.code},
            "geometry": place.boundary,
        }
        for place in counties_with_boundary(prefix)
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """Render the friendly error page with a status and a plain explanation, nothing more."""
    context = {"status": status, "title": title, "message": message}
    return render(request, "portal/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 page."""
    return _error(request, 400, gettext("请求有误"), gettext("请求格式不正确，请返回后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page; the reason is not shown."""
    return _error(
        request,
        403,
        gettext("无权访问"),
        gettext("您的账户没有访问此页面的权限。如有疑问请联系平台运营方。"),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page."""
    return _error(
        request, 404, gettext("页面不存在"), gettext("您访问的页面不存在，可能已被移动或删除。")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page, rendered without the request (the failure may be in the session or database)."""
    try:
        html = loader.get_template("portal/500.html").render(
            {"demo_dataset": demo_dataset(), "LANGUAGE_CODE": get_language()}
        )
    except Exception:  # the error page itself must never fail
        logger.exception("rendering the 500 page failed")
        html = "<!doctype html><title>500</title><h1>500</h1><p>Server error / 服务器内部错误</p>"
    return HttpResponseServerError(html)
