"""The counter page: thin views over the counter's services, answering htmx fragments.

Each operation posts one form and gets back one result line (tone ok / warn / error) to
put at the top of the result list; the `counter-changed` trigger makes the lists reload.
Without htmx the same forms post normally and the whole page comes back with the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _
from django.views.decorators.http import require_POST, require_safe

from youpin.accounts.models import Role
from youpin.counter import selectors, services, shipments
from youpin.counter.access import (
    CHOOSING_ROLES,
    counter_stations_to_choose,
    station_to_act,
    station_to_read,
)
from youpin.counter.codes import is_pickup_code, normalise_code
from youpin.counter.errors import CounterError
from youpin.counter.models import ExceptionKind
from youpin.counter.present import custody_row, shipment_row
from youpin.counter.throttle import pickup_allowed, pickup_failed
from youpin.logistics.models import Carrier
from youpin.logistics.public_tracking import client_address
from youpin.portal.context import request_scope
from youpin.stations.models import Station

Result = dict[str, Any]
LIST_LIMIT = 200
CHOOSE_LIMIT = 300


def _page_context(request: HttpRequest, station: Station) -> dict[str, Any]:
    """What the page and its lists show."""
    scope = request_scope(request)
    return {
        "station": station,
        "may_act": selectors.counter_may_act(scope, station),
        "carriers": Carrier.objects.order_by("code"),
        "exception_kinds": ExceptionKind.choices,
        "counts": selectors.counter_counts(station),
        "waiting": [custody_row(c) for c in selectors.custodies_waiting(station)[:LIST_LIMIT]],
        "to_return": [custody_row(c) for c in selectors.custodies_to_return(station)[:LIST_LIMIT]],
        "to_hand_over": [
            shipment_row(s) for s in selectors.shipments_to_hand_over(station)[:LIST_LIMIT]
        ],
        "list_limit": LIST_LIMIT,
    }


@require_safe
@login_required
def counter_home(request: HttpRequest) -> HttpResponse:
    """A keeper's own counter; an operator or official chooses a station to look at."""
    scope = request_scope(request)
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        station = Station.objects.get(pk=scope.station_id)
        return redirect("counter:page", station_code=station.code)
    if scope.role not in CHOOSING_ROLES:
        raise PermissionDenied
    search = request.GET.get("q", "")
    stations = counter_stations_to_choose(scope, search)
    context = {"stations": stations[:CHOOSE_LIMIT], "total": stations.count(), "search": search}
    return render(request, "counter/choose.html", context)


@require_safe
@login_required
def counter_page(request: HttpRequest, station_code: str) -> HttpResponse:
    """The scanner-first counter page."""
    station = station_to_read(request, station_code)
    return render(request, "counter/page.html", _page_context(request, station))


@require_safe
@login_required
def counter_lists(request: HttpRequest, station_code: str) -> HttpResponse:
    """The waiting, return and hand-over lists (reloaded after every operation)."""
    station = station_to_read(request, station_code)
    context = _page_context(request, station)
    context["oob"] = True  # the counts in the page head are refreshed with the lists
    return render(request, "counter/_lists.html", context)


def _answer(request: HttpRequest, station: Station, result: Result) -> HttpResponse:
    """One result line for htmx (and the lists told to reload), or the whole page."""
    if request.headers.get("HX-Request"):
        response = render(request, "counter/_result.html", {"result": result})
        if result["tone"] != "error":
            response["HX-Trigger"] = "counter-changed"
        return response
    context = _page_context(request, station)
    context["results"] = [result]
    status = 200 if result["tone"] != "error" else 400
    return render(request, "counter/page.html", context, status=status)


def _error(exc: CounterError, action: str) -> Result:
    """A refused operation as a result line."""
    return {
        "tone": "error",
        "action": action,
        "title": gettext(exc.message),
        "details": exc.details,
    }


def _operate(
    request: HttpRequest, station_code: str, action: str, run: Callable[[Station], Result]
) -> HttpResponse:
    """Run one operation for the station's keeper and answer its result."""
    station = station_to_act(request, station_code)
    try:
        result = run(station)
    except CounterError as exc:
        result = _error(exc, action)
    result.setdefault("action", action)
    return _answer(request, station, result)


@require_POST
@login_required
def check_in(request: HttpRequest, station_code: str) -> HttpResponse:
    """Check a scanned parcel in."""

    def run(station: Station) -> Result:
        done = services.parcel_check_in(
            station=station,
            waybill=request.POST.get("waybill", ""),
            carrier_code=request.POST.get("carrier", ""),
            recipient_phone=request.POST.get("phone", ""),
            user=request.user,  # type: ignore[arg-type]
        )
        return {
            "tone": "warn" if done.warnings else "ok",
            "title": gettext("入库成功"),
            "custody": custody_row(done.custody),
            "warnings": [gettext(w) for w in done.warnings],
        }

    return _operate(request, station_code, "checkin", run)


@require_POST
@login_required
def pick_up(request: HttpRequest, station_code: str) -> HttpResponse:
    """Hand over parcels by code + phone tail or by scanned waybill (limited, logged)."""
    scan = request.POST.get("scan", "").strip()
    tail = request.POST.get("phone_tail", "").strip()

    def run(station: Station) -> Result:
        client = client_address(request)
        if not pickup_allowed(station.pk, client):
            raise CounterError("too_many", _("取件失败次数过多，请 10 分钟后再试"), 429)
        by_code = is_pickup_code(normalise_code(scan))
        try:
            done = services.parcel_pick_up(
                station=station,
                code=scan if by_code else "",
                phone_tail=tail,
                waybill="" if by_code else scan,
                user=request.user,  # type: ignore[arg-type]
            )
        except CounterError as exc:
            if exc.code in {"not_found", "bad_input"}:
                pickup_failed(station.pk, client, exc.code, request.user.pk)
            raise
        rows = [custody_row(c) for c in done.custodies]
        return {"tone": "ok", "title": gettext("取件成功"), "picked_up": rows}

    return _operate(request, station_code, "pickup", run)


def _grams(text: str) -> int:
    """A weight typed in grams (digits only), 0 when unreadable."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 9 else 0


@require_POST
@login_required
def send(request: HttpRequest, station_code: str) -> HttpResponse:
    """Accept a parcel to send (代寄) with the three safety rules."""
    data = request.POST

    def run(station: Station) -> Result:
        shipment = shipments.shipment_accept(
            station=station,
            sender_name=data.get("sender_name", ""),
            sender_id_number=data.get("sender_id", ""),
            real_name_checked=data.get("real_name_checked") == "on",
            inspected=data.get("inspected") == "on",
            screening_required=data.get("screening_required") == "on",
            screened=data.get("screened") == "on",
            goods=data.get("goods", ""),
            weight_g=_grams(data.get("weight_g", "")),
            carrier_code=data.get("carrier", ""),
            waybill=data.get("waybill", ""),
            user=request.user,  # type: ignore[arg-type]
        )
        return {"tone": "ok", "title": gettext("收寄成功"), "shipment": shipment_row(shipment)}

    return _operate(request, station_code, "send", run)


@require_POST
@login_required
def hand_over(request: HttpRequest, station_code: str, shipment_id: int) -> HttpResponse:
    """Hand an accepted parcel to its carrier."""

    def run(station: Station) -> Result:
        shipment = shipments.shipment_hand_over(station=station, shipment_id=shipment_id)
        return {"tone": "ok", "title": gettext("已交快递揽收"), "shipment": shipment_row(shipment)}

    return _operate(request, station_code, "handover", run)


@require_POST
@login_required
def exception(request: HttpRequest, station_code: str) -> HttpResponse:
    """Record an exception on a waiting parcel."""

    def run(station: Station) -> Result:
        custody = services.custody_exception_record(
            station=station,
            waybill=request.POST.get("waybill", ""),
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            user=request.user,  # type: ignore[arg-type]
        )
        return {"tone": "warn", "title": gettext("已登记异常"), "custody": custody_row(custody)}

    return _operate(request, station_code, "exception", run)


@require_POST
@login_required
def return_parcel(request: HttpRequest, station_code: str) -> HttpResponse:
    """Hand a parcel on the return list back to its carrier."""

    def run(station: Station) -> Result:
        custody = services.custody_return(
            station=station,
            waybill=request.POST.get("waybill", ""),
            user=request.user,  # type: ignore[arg-type]
        )
        return {"tone": "ok", "title": gettext("已退回快递"), "custody": custody_row(custody)}

    return _operate(request, station_code, "return", run)
