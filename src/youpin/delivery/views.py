"""Pages of joint delivery: the plan list with monthly savings, a plan's map, a driver's run sheet.

Thin views: the scoped reads are `selectors.plans_visible` / `savings_by_month` and the plan as
plain data is `present.plan_detail` (a carrier sees only its own routes and parcels).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from youpin.accounts.models import Role
from youpin.accounts.scoping import request_scope
from youpin.delivery.models import DeliveryPlan
from youpin.delivery.present import plan_detail, plan_summary
from youpin.delivery.selectors import plans_visible, savings_by_month

#: One colour per vehicle on the map and in the tables (cycled).
ROUTE_COLOURS = ("#b3261e", "#2f6f5e", "#1f5fa8", "#f2a900", "#7b3fa0", "#d4661c", "#3a8fb7")


def _plan_or_404(request: HttpRequest, plan_id: int) -> tuple[DeliveryPlan, dict[str, Any]]:
    """The plan if the caller may see it, with its scoped detail."""
    scope = request_scope(request)
    plan = plans_visible(scope).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("没有这个计划")
    return plan, plan_detail(plan, scope)


@require_safe
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Recent plans the caller may see and, for officials and the operator, monthly savings."""
    scope = request_scope(request)
    plans = [plan_summary(p) for p in plans_visible(scope).order_by("-day", "hub_id")[:200]]
    if scope.role == Role.CARRIER:  # a carrier sees which plans carry its parcels, not totals
        keep = ("id", "hub", "day", "is_demo")
        plans = [{k: p[k] for k in keep} for p in plans]
    years = sorted({int(p["day"][:4]) for p in plans}, reverse=True)
    year = int(request.GET.get("year") or (years[0] if years else 0) or 0)
    savings = savings_by_month(scope, year) if year and scope.role != Role.CARRIER else []
    context = {
        "plans": plans,
        "savings": savings,
        "year": year,
        "years": years,
        "is_carrier": scope.role == Role.CARRIER,
    }
    return render(request, "delivery/plan_list.html", context)


def _map_data(detail: dict[str, Any]) -> dict[str, Any]:
    """Hub, stops and routes (one colour each) for the ECharts map."""
    hub = [detail["hub_point"]["lon"], detail["hub_point"]["lat"]]
    routes: list[dict[str, Any]] = []
    stops: list[dict[str, Any]] = []
    for n, route in enumerate(detail["routes"]):
        colour = ROUTE_COLOURS[n % len(ROUTE_COLOURS)]
        coords = [hub] + [[s["lon"], s["lat"]] for s in route["stops"]] + [hub]
        routes.append({"name": route["plate"], "colour": colour, "coords": coords})
        stops.extend(
            {
                "name": f"{route['plate']} #{s['seq']} {s['name']} {s['arrival']}",
                "value": [s["lon"], s["lat"]],
                "colour": colour,
            }
            for s in route["stops"]
        )
    return {"hub": {"name": detail["hub"], "value": hub}, "routes": routes, "stops": stops}


@require_safe
@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan: the map of its routes, the routes, line parcels, unplanned parcels, the savings."""
    _plan, detail = _plan_or_404(request, plan_id)
    for n, route in enumerate(detail["routes"]):
        route["colour"] = ROUTE_COLOURS[n % len(ROUTE_COLOURS)]
    context = {"plan": detail, "map": _map_data(detail)}
    return render(request, "delivery/plan.html", context)


@require_safe
@login_required
def run_sheet(request: HttpRequest, plan_id: int, route_id: int) -> HttpResponse:
    """A driver's printable run sheet: stops in order, times, parcels, a signature column."""
    _plan, detail = _plan_or_404(request, plan_id)
    route = next((r for r in detail["routes"] if r["id"] == route_id), None)
    if route is None:
        raise Http404("没有这条路线")
    return render(request, "delivery/run_sheet.html", {"plan": detail, "route": route})
