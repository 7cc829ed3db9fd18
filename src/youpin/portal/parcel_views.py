"""Thin views of the parcel pages: the list, one parcel's timeline, and the public lookup."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from youpin.geo.selectors import counties_with_boundary
from youpin.logistics.public_tracking import (
    client_address,
    lookup_attempt,
    lookup_input_errors,
    normalise_waybill,
    parcel_for_lookup,
)
from youpin.logistics.selectors import parcel_visible_get
from youpin.portal import parcel_pages
from youpin.portal.context import request_scope
from youpin.portal.dashboards import home_region


@require_safe
@login_required
def parcel_list(request: HttpRequest) -> HttpResponse:
    """The parcels the user may see, filtered by status, carrier and waybill, 50 a page."""
    scope = request_scope(request)
    if scope.role not in parcel_pages.LIST_ROLES:
        raise PermissionDenied
    listing = parcel_pages.parcel_list(
        scope,
        status=request.GET.get("status", ""),
        carrier=request.GET.get("carrier", ""),
        waybill=request.GET.get("waybill", ""),
        page_number=request.GET.get("page"),
    )
    return render(request, "portal/parcels/list.html", {"listing": listing})


@require_safe
@login_required
def parcel_detail(request: HttpRequest, carrier_code: str, waybill_no: str) -> HttpResponse:
    """One parcel's timeline with its map and orders; 404 when outside the user's scope."""
    scope = request_scope(request)
    parcel = parcel_visible_get(scope, carrier_code, waybill_no)
    if parcel is None:
        raise Http404
    page = parcel_pages.parcel_page(scope, parcel)
    return render(request, "portal/parcels/detail.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Public lookup by waybill + the recipient's phone tail, limited per client address."""
    context: dict[str, object] = {"waybill": "", "phone_tail": "", "errors": {}}
    if request.method != "POST":
        return render(request, "portal/parcels/track.html", context)
    if not lookup_attempt(client_address(request)).allowed:
        context["throttled"] = True
        return render(request, "portal/parcels/track.html", context, status=429)
    waybill = normalise_waybill(request.POST.get("waybill", ""))
    phone_tail = request.POST.get("phone_tail", "").strip()
    context.update(waybill=waybill, phone_tail=phone_tail)
    errors = lookup_input_errors(waybill, phone_tail)
    if errors:
        context["errors"] = {field: gettext(message) for field, message in errors.items()}
        return render(request, "portal/parcels/track.html", context)
    parcel = parcel_for_lookup(waybill, phone_tail)
    if parcel is None:
        context["not_found"] = True
    else:
        context["page"] = parcel_pages.tracked_parcel_page(parcel)
    return render(request, "portal/parcels/track.html", context)


@require_safe
def counties_geojson(request: HttpRequest) -> JsonResponse:
    """The home region's county polygons for the parcel maps (public data, no login)."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": place.name, "code": place.code},
            "geometry": place.boundary,
        }
        for place in counties_with_boundary(home_region().prefix)
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response
