"""API: the station directory."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from youpin.accounts.scoping import scope_for
from youpin.stations.selectors import stations_visible

router = Router(tags=["stations"])


class StationPublic(Schema):
    """A station in the directory."""

    id: int
    code: str
    name: str
    kind: str
    place_code: str
    address: str
    lon: float | None
    lat: float | None
    coord_source: str
    opening_hours: str
    services: list[str]
    is_active: bool


@router.get("", response=list[StationPublic], summary="站点目录")
def station_list(request: HttpRequest, kind: str | None = None) -> list[StationPublic]:
    """List the stations the caller may see."""
    qs = stations_visible(scope_for(request.user))
    if kind:
        qs = qs.filter(kind=kind)
    return [
        StationPublic(
            id=s.pk,
            code=s.code,
            name=s.name,
            kind=s.kind,
            place_code=s.place_id,
            address=s.address,
            lon=s.lon,
            lat=s.lat,
            coord_source=s.coord_source,
            opening_hours=s.opening_hours,
            services=list(s.services or []),
            is_active=s.is_active,
        )
        for s in qs.order_by("code")
    ]
