"""Which station's counter a request may read or act at: shared by the API and the page."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from youpin.accounts.scoping import request_scope
from youpin.counter import selectors
from youpin.stations.models import Station


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
