"""A parcel's timeline as pages and the public lookup show it, masked to the reader's rights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings

from youpin.core.masking import mask_name, mask_phone, mask_phones_in_text
from youpin.geo.models import CoordSource, Place
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.logistics.public_tracking import mask_tracking_text
from youpin.logistics.selectors import parcel_events
from youpin.logistics.statistics_formulas import (
    Direction,
    code_prefix,
    collected_inside,
    delivered_inside,
    direction_of,
)
from youpin.stations.models import Station, StationKind


class Privacy(StrEnum):
    """How much personal data a reader may see."""

    FULL = "full"  # hands the parcel over (station keeper, merchant): everything
    MASKED = "masked"  # other signed-in roles: names and phones masked
    PUBLIC = "public"  # anyone with the waybill + phone tail: also signers, houses, codes


def status_label(status: str) -> str:
    """The Chinese label of a canonical status (unknown values as they are)."""
    try:
        return str(TrackingStatus(status).label)
    except ValueError:
        return status


@dataclass(frozen=True)
class PlacePoint:
    """A place on the map: name, code and coordinates with their source."""

    code: str
    name: str
    lon: float
    lat: float
    synthetic: bool


@dataclass(frozen=True)
class TimelineEvent:
    """One event: canonical status beside the raw code and text, where and at which station."""

    occurred_at: datetime
    status: str
    status_label: str
    raw_code: str
    raw_text: str
    place_code: str | None
    place_name: str
    station_name: str
    station_kind: str
    source: str
    point: PlacePoint | None


@dataclass(frozen=True)
class ParcelTimeline:
    """A parcel's summary and all its events, oldest first."""

    carrier_code: str
    carrier_name: str
    waybill_no: str
    status: str
    status_label: str
    weight_g: int
    cold_chain: bool
    e_waybill: bool
    sender_place: str
    recipient_place: str
    recipient_name: str
    recipient_phone: str
    station_name: str
    collected_at: datetime | None
    delivered_at: datetime | None
    direction: Direction | None
    is_demo: bool
    events: list[TimelineEvent]

    @property
    def points(self) -> list[PlacePoint]:
        """The event places that have coordinates, in time order, repeats collapsed."""
        out: list[PlacePoint] = []
        for event in self.events:
            if event.point is not None and (not out or out[-1].code != event.point.code):
                out.append(event.point)
        return out

    @property
    def has_synthetic_points(self) -> bool:
        """True when any point on the map has invented (demo) coordinates."""
        return any(p.synthetic for p in self.points)


def _place_name(place: Place | None) -> str:
    """A place's name with its code, or empty."""
    return f"{place.name}（{place.code}）" if place is not None else ""


def _point(place: Place | None, station: Station | None) -> PlacePoint | None:
    """Where to draw an event: its station's coordinates, else its place's, else nowhere."""
    if station is not None and station.lon is not None and station.lat is not None:
        return PlacePoint(
            code=f"station:{station.pk}",
            name=station.name,
            lon=station.lon,
            lat=station.lat,
            synthetic=station.coord_source == CoordSource.SYNTHETIC,
        )
    if place is not None and place.lon is not None and place.lat is not None:
        return PlacePoint(
            code=place.code,
            name=place.name,
            lon=place.lon,
            lat=place.lat,
            synthetic=place.coord_source == CoordSource.SYNTHETIC,
        )
    return None


def _text(raw: str, privacy: Privacy) -> str:
    """A raw tracking text as this reader may see it."""
    if privacy == Privacy.FULL:
        return raw
    if privacy == Privacy.MASKED:
        return mask_phones_in_text(raw)
    return mask_tracking_text(raw)


def _event(event: TrackingEvent, privacy: Privacy) -> TimelineEvent:
    """One event for display."""
    station = event.station
    return TimelineEvent(
        occurred_at=event.occurred_at,
        status=event.status,
        status_label=status_label(event.status),
        raw_code=event.raw_code,
        raw_text=_text(event.raw_text, privacy),
        place_code=event.place_id,
        place_name=event.place.name if event.place is not None else "",
        station_name=station.name if station is not None else "",
        station_kind=str(StationKind(station.kind).label) if station is not None else "",
        source=event.source,
        point=_point(event.place, station),
    )


def parcel_direction(parcel: Parcel, events: list[TrackingEvent], prefix: str) -> Direction | None:
    """The parcel's direction relative to a region, by the express statistic's own rules."""
    seen = [
        (
            e.status,
            e.place_id,
            e.station.place_id if e.station is not None else None,
        )
        for e in events
    ]
    return direction_of(
        collected_inside(prefix, parcel.sender_place_id, seen),
        delivered_inside(prefix, parcel.recipient_place_id, seen),
    )


def parcel_timeline(parcel: Parcel, privacy: Privacy) -> ParcelTimeline:
    """Build a parcel's timeline for a reader with the given rights."""
    events = list(parcel_events(parcel))
    personal = privacy == Privacy.FULL
    return ParcelTimeline(
        carrier_code=parcel.carrier.code,
        carrier_name=parcel.carrier.name,
        waybill_no=parcel.waybill_no,
        status=parcel.status,
        status_label=status_label(parcel.status),
        weight_g=parcel.weight_g,
        cold_chain=parcel.cold_chain,
        e_waybill=parcel.e_waybill,
        sender_place=_place_name(parcel.sender_place),
        recipient_place=_place_name(parcel.recipient_place),
        recipient_name=parcel.recipient_name if personal else mask_name(parcel.recipient_name),
        recipient_phone=parcel.recipient_phone if personal else mask_phone(parcel.recipient_phone),
        station_name=parcel.station.name if parcel.station is not None else "",
        collected_at=parcel.collected_at,
        delivered_at=parcel.delivered_at,
        direction=parcel_direction(parcel, events, code_prefix(settings.YOUPIN_REGION_CODE)),
        is_demo=parcel.is_demo,
        events=[_event(e, privacy) for e in events],
    )
