"""API: the parcels a caller may see and their timelines."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from youpin.accounts.scoping import Scope, scope_for
from youpin.core.masking import mask_name, mask_phone
from youpin.logistics.models import Parcel
from youpin.logistics.selectors import parcels_visible

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


class ParcelPublic(Schema):
    """A parcel as the API shows it."""

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


class ParcelTimeline(ParcelPublic):
    """A parcel with all its events, oldest first."""

    events: list[EventPublic]


def parcel_out(parcel: Parcel, scope: Scope) -> dict[str, object]:
    """Render a parcel for a scope, masking the recipient unless the role hands it over."""
    unmasked = scope.may_see_personal_data
    return {
        "id": parcel.pk,
        "carrier_code": parcel.carrier.code,
        "waybill_no": parcel.waybill_no,
        "status": parcel.status,
        "weight_g": parcel.weight_g,
        "cold_chain": parcel.cold_chain,
        "sender_place_code": parcel.sender_place_id,
        "recipient_place_code": parcel.recipient_place_id,
        "recipient_name": parcel.recipient_name if unmasked else mask_name(parcel.recipient_name),
        "recipient_phone": parcel.recipient_phone
        if unmasked
        else mask_phone(parcel.recipient_phone),
        "station_id": parcel.station_id,
        "collected_at": parcel.collected_at,
        "delivered_at": parcel.delivered_at,
        "is_demo": parcel.is_demo,
    }


@router.get("", response=list[ParcelPublic], summary="可见包裹列表")
@paginate(PageNumberPagination, page_size=50)
def parcel_list(request: HttpRequest, status: str | None = None) -> list[dict[str, object]]:
    """List the parcels the caller may see, newest first."""
    scope = scope_for(request.user)
    qs = parcels_visible(scope).select_related("carrier").order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return [parcel_out(p, scope) for p in qs[:5000]]


@router.get("/{carrier_code}/{waybill_no}", response=ParcelTimeline, summary="包裹轨迹")
def parcel_timeline(request: HttpRequest, carrier_code: str, waybill_no: str) -> dict[str, object]:
    """One parcel and its events, if the caller may see it."""
    scope = scope_for(request.user)
    parcel = (
        parcels_visible(scope)
        .select_related("carrier")
        .filter(carrier__code=carrier_code, waybill_no=waybill_no)
        .first()
    )
    if parcel is None:
        raise Http404("包裹不存在或无权查看")
    data = parcel_out(parcel, scope)
    data["events"] = [
        EventPublic(
            occurred_at=e.occurred_at,
            status=e.status,
            raw_code=e.raw_code,
            raw_text=e.raw_text,
            place_code=e.place_id,
            station_id=e.station_id,
            source=e.source,
        )
        for e in parcel.events.order_by("occurred_at", "id")
    ]
    return data
