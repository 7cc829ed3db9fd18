"""API: the parcels a caller may see and their timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from youpin.accounts.scoping import request_scope
from youpin.core.masking import mask_name, mask_phone
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.logistics.public_tracking import (
    NOT_FOUND,
    PHONE_TAIL_PATTERN,
    TOO_MANY,
    client_address,
    lookup_attempt,
    parcel_for_lookup,
)
from youpin.logistics.selectors import parcels_visible
from youpin.logistics.timeline import Privacy
from youpin.logistics.timeline import parcel_timeline as build_timeline

router = Router(tags=["parcels"])


class EventPublic(Schema):
    """One tracking event."""

    occurred_at: datetime
    status: str
    raw_code: str
    raw_text: str
    place_code: str | None
    station_id: int | None
    source: str

    @staticmethod
    def resolve_place_code(obj: TrackingEvent) -> str | None:
        """The NBS code of the event's place."""
        return obj.place_id


def _unmasked(context: dict[str, Any] | None) -> bool:
    """Whether the caller's role may see recipients' personal data."""
    request = (context or {}).get("request")
    return request is not None and request_scope(request).may_see_personal_data


class ParcelPublic(Schema):
    """A parcel as the API shows it; the recipient masked unless the role hands it over."""

    id: int
    carrier_code: str
    waybill_no: str
    status: str
    weight_g: int
    cold_chain: bool
    sender_place_code: str | None
    recipient_place_code: str | None
    recipient_name: str
    recipient_phone: str
    station_id: int | None
    collected_at: datetime | None
    delivered_at: datetime | None
    is_demo: bool

    @staticmethod
    def resolve_carrier_code(obj: Parcel) -> str:
        """The carrier's code."""
        return obj.carrier.code

    @staticmethod
    def resolve_sender_place_code(obj: Parcel) -> str | None:
        """The NBS code of the sender's place."""
        return obj.sender_place_id

    @staticmethod
    def resolve_recipient_place_code(obj: Parcel) -> str | None:
        """The NBS code of the recipient's place."""
        return obj.recipient_place_id

    @staticmethod
    def resolve_recipient_name(obj: Parcel, context: dict[str, Any]) -> str:
        """The recipient's name, masked unless unmasked."""
        return obj.recipient_name if _unmasked(context) else mask_name(obj.recipient_name)

    @staticmethod
    def resolve_recipient_phone(obj: Parcel, context: dict[str, Any]) -> str:
        """The recipient's phone, masked unless unmasked."""
        return obj.recipient_phone if _unmasked(context) else mask_phone(obj.recipient_phone)


class ParcelTimeline(ParcelPublic):
    """A parcel with all its events, oldest first."""

    events: list[EventPublic]

    @staticmethod
    def resolve_events(obj: Parcel) -> list[TrackingEvent]:
        """The parcel's events in time order."""
        return list(obj.events.order_by("occurred_at", "id"))


@router.get("", response=list[ParcelPublic], summary="可见包裹列表")
@paginate(PageNumberPagination, page_size=50)
def parcel_list(request: HttpRequest, status: str | None = None) -> QuerySet[Parcel]:
    """List the parcels the caller may see, newest first (count is the full total)."""
    qs = parcels_visible(request_scope(request)).select_related("carrier")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


@router.get("/{carrier_code}/{waybill_no}", response=ParcelTimeline, summary="包裹轨迹")
def parcel_timeline(request: HttpRequest, carrier_code: str, waybill_no: str) -> Parcel:
    """One parcel and its events, if the caller may see it."""
    parcel = (
        parcels_visible(request_scope(request))
        .select_related("carrier")
        .filter(carrier__code=carrier_code, waybill_no=waybill_no)
        .first()
    )
    if parcel is None:
        raise Http404("包裹不存在或无权查看")
    return parcel


# ----------------------------------------------------------------------------- public lookup


class TrackedEvent(Schema):
    """One event of a looked-up parcel, personal data masked."""

    occurred_at: datetime
    status: str
    status_label: str
    raw_code: str
    raw_text: str
    place_code: str | None
    place_name: str
    station_name: str


class TrackedParcel(Schema):
    """A parcel found by waybill + phone tail: its status and events, personal data masked."""

    carrier_code: str
    carrier_name: str
    waybill_no: str
    status: str
    status_label: str
    recipient_name: str
    recipient_phone: str
    collected_at: datetime | None
    delivered_at: datetime | None
    events: list[TrackedEvent]


class TrackMessage(Schema):
    """Why a lookup shows nothing."""

    detail: str


@router.get(
    "/track",
    auth=None,
    response={200: TrackedParcel, 404: TrackMessage, 429: TrackMessage},
    summary="按运单号 + 手机尾号查询包裹（无需登录）",
)
def parcel_track(
    request: HttpRequest,
    waybill: str = Query(..., min_length=6, max_length=48),
    phone_tail: str = Query(..., pattern=PHONE_TAIL_PATTERN),
) -> Status[dict[str, object]]:
    """A consumer's own parcel, only when the waybill and the recipient's phone tail match."""
    if not lookup_attempt(client_address(request)).allowed:
        return Status(429, {"detail": TOO_MANY})
    parcel = parcel_for_lookup(waybill, phone_tail)
    if parcel is None:
        return Status(404, {"detail": NOT_FOUND})
    timeline = build_timeline(parcel, Privacy.PUBLIC)
    return Status(
        200,
        {
            "carrier_code": timeline.carrier_code,
            "carrier_name": timeline.carrier_name,
            "waybill_no": timeline.waybill_no,
            "status": timeline.status,
            "status_label": timeline.status_label,
            "recipient_name": timeline.recipient_name,
            "recipient_phone": timeline.recipient_phone,
            "collected_at": timeline.collected_at,
            "delivered_at": timeline.delivered_at,
            "events": [
                {
                    "occurred_at": e.occurred_at,
                    "status": e.status,
                    "status_label": e.status_label,
                    "raw_code": e.raw_code,
                    "raw_text": e.raw_text,
                    "place_code": e.place_code,
                    "place_name": e.place_name,
                    "station_name": e.station_name,
                }
                for e in timeline.events
            ],
        },
    )
