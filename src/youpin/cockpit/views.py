"""Pages of youpin.cockpit: the cockpit (full page, or its body for htmx requests)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from youpin.accounts.scoping import request_scope
from youpin.cockpit.page import CockpitQueryError, cockpit_page, parse_query
from youpin.cockpit.tiles import check_cockpit_access, verified_for_query


@require_safe
@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """One tile per plan target, filters, drill-down city → county → township and the map."""
    scope = request_scope(request)
    check_cockpit_access(scope)
    try:
        query = parse_query(scope, request.GET)
    except CockpitQueryError as exc:
        context = {"status": 400, "title": "筛选条件有误", "message": str(exc)}
        return render(request, "portal/error.html", context, status=400)
    page = cockpit_page(scope, query)
    template = "cockpit/_body.html" if request.headers.get("HX-Request") else "cockpit/cockpit.html"
    return render(request, template, {"page": page})


@require_safe
@login_required
def verified_panel(request: HttpRequest) -> HttpResponse:
    """The retail tile's reported-vs-verified panel (loaded after the page by htmx)."""
    scope = request_scope(request)
    check_cockpit_access(scope)
    try:
        query = parse_query(scope, request.GET)
    except CockpitQueryError as exc:
        return HttpResponse(str(exc), status=400)
    verified = verified_for_query(
        scope,
        query.as_of,
        county=query.county or None,
        township=query.township or None,
        platform=query.platform or None,
    )
    return render(request, "cockpit/_verified.html", {"v": verified, "query": query})
