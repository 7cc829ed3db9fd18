"""API: the station counter (check-in, pick-up, sending, exceptions, returns), per station.

Reads are open to the station's keeper, the operator and officials of its region; every
write is the station keeper's own. A station the caller may not see answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _
from ninja import Field, Query, Router, Schema, Status

from youpin.counter import selectors, services, shipments
from youpin.counter.access import station_to_act, station_to_read
from youpin.counter.errors import CounterError
from youpin.counter.present import custody_row, shipment_row
from youpin.counter.throttle import pickup_allowed, pickup_failed
from youpin.logistics.public_tracking import client_address

router = Router(tags=["counter"])


class CustodyOut(Schema):
    """A parcel held at a station; the recipient masked (phone to its last four digits)."""

    id: int
    carrier_code: str
    carrier_name: str
    waybill_no: str
    pickup_code: str
    shelf: int
    tier: int
    state: str
    recipient_name: str
    recipient_phone: str
    checked_in_at: datetime
    closed_at: datetime | None
    reminder_stage: int
    exception_kind: str


class CheckInIn(Schema):
    """A scanned waybill, the carrier when its shape does not tell, the recipient's phone."""

    waybill_no: str = Field(..., min_length=1, max_length=60)
    carrier: str = Field("", max_length=20)
    recipient_phone: str = Field("", max_length=20)
    recipient_name: str = Field("", max_length=60)


class CheckInOut(Schema):
    """A parcel checked in."""

    custody: CustodyOut
    created_parcel: bool
    notified: bool
    warnings: list[str]


class PickUpIn(Schema):
    """A pickup code with the recipient's phone tail, or a scanned waybill."""

    pickup_code: str = Field("", max_length=20)
    phone_tail: str = Field("", max_length=4)
    waybill_no: str = Field("", max_length=60)


class PickUpOut(Schema):
    """The parcels handed over (all waiting for the same recipient)."""

    picked_up: list[CustodyOut]


class ExceptionIn(Schema):
    """An exception on a waiting parcel."""

    waybill_no: str = Field(..., max_length=60)
    kind: str = Field(..., description="damaged | refused | wrong_address")
    note: str = Field("", max_length=200)


class ReturnIn(Schema):
    """A parcel on the return list, handed back to its carrier."""

    waybill_no: str = Field(..., max_length=60)


class ShipmentIn(Schema):
    """A parcel to send, with the three safety rules recorded."""

    sender_name: str = Field(..., max_length=60)
    sender_id_number: str = Field(
        ..., max_length=18, description="居民身份证号，只保存脱敏后的形式"
    )
    real_name_checked: bool
    inspected: bool
    screening_required: bool = False
    screened: bool = False
    goods: str = Field(..., max_length=120)
    weight_g: int
    carrier: str
    waybill_no: str = Field(..., max_length=60)


class ShipmentOut(Schema):
    """A parcel sent from a station; sender masked."""

    id: int
    carrier_code: str
    carrier_name: str
    waybill_no: str
    state: str
    sender_name: str
    sender_id: str
    goods: str
    weight_g: int
    screening_required: bool
    screened: bool
    created_at: datetime
    handed_over_at: datetime | None


class SweepOut(Schema):
    """What an overdue pass did."""

    reminders_24: int
    reminders_48: int
    to_return: int


class CounterErrorOut(Schema):
    """Why an operation was refused."""

    detail: str
    code: str
    details: dict[str, Any] = {}


ERRORS = {400: CounterErrorOut, 403: CounterErrorOut, 404: CounterErrorOut, 409: CounterErrorOut,
          422: CounterErrorOut, 429: CounterErrorOut, 503: CounterErrorOut}  # fmt: skip


def _refused(exc: CounterError) -> Status[dict[str, Any]]:
    """A refused operation as its status and body."""
    return Status(
        exc.status, {"detail": gettext(exc.message), "code": exc.code, "details": exc.details}
    )


@router.get("/{station_code}/waiting", response=list[CustodyOut], summary="待取件包裹")
def waiting_list(
    request: HttpRequest, station_code: str, q: str = Query("", max_length=40)
) -> list[dict[str, Any]]:
    """Parcels waiting at the station, longest waiting first (at most 500)."""
    station = station_to_read(request, station_code)
    return [dict(custody_row(c)) for c in selectors.custodies_waiting(station, q)[:500]]


@router.get("/{station_code}/returns", response=list[CustodyOut], summary="待退回快递的包裹")
def return_list(request: HttpRequest, station_code: str) -> list[dict[str, Any]]:
    """Exceptions and parcels waiting over 72 hours."""
    station = station_to_read(request, station_code)
    return [dict(custody_row(c)) for c in selectors.custodies_to_return(station)[:500]]


@router.get("/{station_code}/shipments", response=list[ShipmentOut], summary="待交快递的代寄包裹")
def shipment_list(request: HttpRequest, station_code: str) -> list[dict[str, Any]]:
    """Parcels accepted for sending, not yet handed to their carrier."""
    station = station_to_read(request, station_code)
    return [dict(shipment_row(s)) for s in selectors.shipments_to_hand_over(station)[:500]]


@router.post(
    "/{station_code}/checkins", response={201: CheckInOut, **ERRORS}, summary="入库（扫描运单）"
)
def check_in(request: HttpRequest, station_code: str, payload: CheckInIn) -> Status[dict[str, Any]]:
    """Check a parcel in: shelf slot, pickup code, the recipient's notice, the event."""
    station = station_to_act(request, station_code)
    try:
        done = services.parcel_check_in(
            station=station,
            waybill=payload.waybill_no,
            carrier_code=payload.carrier,
            recipient_phone=payload.recipient_phone,
            recipient_name=payload.recipient_name,
            user=request.user,  # type: ignore[arg-type]
        )
    except CounterError as exc:
        return _refused(exc)
    return Status(
        201,
        {
            "custody": custody_row(done.custody),
            "created_parcel": done.created_parcel,
            "notified": done.notified,
            "warnings": [gettext(w) for w in done.warnings],
        },
    )


@router.post("/{station_code}/pickups", response={200: PickUpOut, **ERRORS}, summary="取件")
def pick_up(request: HttpRequest, station_code: str, payload: PickUpIn) -> Status[dict[str, Any]]:
    """Hand over parcels by code + phone tail or by waybill; failures are limited and logged."""
    station = station_to_act(request, station_code)
    client = client_address(request)
    if not pickup_allowed(station.pk, client):
        exc = CounterError("too_many", _("取件失败次数过多，请 10 分钟后再试"), 429)
        return _refused(exc)
    try:
        done = services.parcel_pick_up(
            station=station,
            code=payload.pickup_code,
            phone_tail=payload.phone_tail,
            waybill=payload.waybill_no,
            user=request.user,  # type: ignore[arg-type]
        )
    except CounterError as exc:
        if exc.code in {"not_found", "bad_input"}:
            pickup_failed(station.pk, client, exc.code, request.user.pk)
        return _refused(exc)
    return Status(200, {"picked_up": [custody_row(c) for c in done.custodies]})


@router.post("/{station_code}/exceptions", response={200: CustodyOut, **ERRORS}, summary="登记异常")
def record_exception(
    request: HttpRequest, station_code: str, payload: ExceptionIn
) -> Status[dict[str, Any]]:
    """Mark a waiting parcel damaged, refused or wrongly addressed (it goes on the return list)."""
    station = station_to_act(request, station_code)
    try:
        custody = services.custody_exception_record(
            station=station,
            waybill=payload.waybill_no,
            kind=payload.kind,
            note=payload.note,
            user=request.user,  # type: ignore[arg-type]
        )
    except CounterError as exc:
        return _refused(exc)
    return Status(200, dict(custody_row(custody)))


@router.post("/{station_code}/returns", response={200: CustodyOut, **ERRORS}, summary="退回快递")
def return_parcel(
    request: HttpRequest, station_code: str, payload: ReturnIn
) -> Status[dict[str, Any]]:
    """Hand a parcel on the return list back to its carrier."""
    station = station_to_act(request, station_code)
    try:
        custody = services.custody_return(
            station=station,
            waybill=payload.waybill_no,
            user=request.user,  # type: ignore[arg-type]
        )
    except CounterError as exc:
        return _refused(exc)
    return Status(200, dict(custody_row(custody)))


@router.post(
    "/{station_code}/overdue-sweep",
    response={200: SweepOut, **ERRORS},
    summary="超时提醒与退回清单",
)
def overdue_sweep(request: HttpRequest, station_code: str) -> Status[dict[str, Any]]:
    """Queue the 24 h / 48 h reminders and list parcels over 72 h for return."""
    station = station_to_act(request, station_code)
    sweep = services.custody_overdue_sweep(station=station)
    return Status(200, {"reminders_24": sweep.reminders_24, "reminders_48": sweep.reminders_48,
                        "to_return": sweep.to_return})  # fmt: skip


@router.post("/{station_code}/shipments", response={201: ShipmentOut, **ERRORS}, summary="代寄收件")
def accept_shipment(
    request: HttpRequest, station_code: str, payload: ShipmentIn
) -> Status[dict[str, Any]]:
    """Accept a parcel to send, with real-name check, inspection and screening recorded."""
    station = station_to_act(request, station_code)
    try:
        shipment = shipments.shipment_accept(
            station=station,
            sender_name=payload.sender_name,
            sender_id_number=payload.sender_id_number,
            real_name_checked=payload.real_name_checked,
            inspected=payload.inspected,
            screening_required=payload.screening_required,
            screened=payload.screened,
            goods=payload.goods,
            weight_g=payload.weight_g,
            carrier_code=payload.carrier,
            waybill=payload.waybill_no,
            user=request.user,  # type: ignore[arg-type]
        )
    except CounterError as exc:
        return _refused(exc)
    return Status(201, dict(shipment_row(shipment)))


@router.post(
    "/{station_code}/shipments/{shipment_id}/handover",
    response={200: ShipmentOut, **ERRORS},
    summary="交快递揽收",
)
def hand_over(request: HttpRequest, station_code: str, shipment_id: int) -> Status[dict[str, Any]]:
    """Hand an accepted parcel to its carrier (the picked-up event)."""
    station = station_to_act(request, station_code)
    try:
        shipment = shipments.shipment_hand_over(station=station, shipment_id=shipment_id)
    except CounterError as exc:
        return _refused(exc)
    return Status(200, dict(shipment_row(shipment)))
