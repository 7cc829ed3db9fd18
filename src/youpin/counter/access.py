"""Which station's counter a request may read or act at: shared by the API and the page."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope, request_scope
from youpin.counter import selectors
from youpin.stations.models import Station
from youpin.stations.selectors import stations_visible

# Roles that open a station's counter from a list (to watch it; only keepers act).
CHOOSING_ROLES = {Role.OPERATOR, Role.OFFICIAL}


def station_to_read(request: HttpRequest, station_code: str) -> Station:
    """The station if the caller may read its counter; 404 otherwise."""
    station = selectors.counter_station_get(request_scope(request), station_code)
    if station is None:
        raise Http404
    return station


def station_to_act(request: HttpRequest, station_code: str) -> Station:
    """The station if the caller may act at its counter; 404 or 403 otherwise."""
    station = selectors.counter_station_for_action(request_scope(request), station_code)
    if station is None:
        raise Http404
    return station


def counter_stations_to_choose(scope: Scope, search: str = "") -> QuerySet[Station]:
    """Active stations whose counter an operator or official may open (their region's), by code;
    `search` matches part of the code or the name. Other roles get none."""
    if scope.role not in CHOOSING_ROLES:
        return Station.objects.none()
    stations = stations_visible(scope).filter(is_active=True)
    text = search.strip()
    if text:
        stations = stations.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return stations.select_related("place").order_by("code")
