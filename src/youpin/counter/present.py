"""Counter rows as plain data for the API and the page: phones masked to the last four digits,
names to the family name (the counter screen faces the queue)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from youpin.core.masking import mask_name, mask_phone
from youpin.counter.models import Custody, Shipment


class CustodyRow(TypedDict):
    """One parcel held at a station."""

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


class ShipmentRow(TypedDict):
    """One parcel sent from a station."""

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


def custody_row(custody: Custody) -> CustodyRow:
    """A custody with its parcel, personal data masked."""
    parcel = custody.parcel
    return {
        "id": custody.pk,
        "carrier_code": parcel.carrier.code,
        "carrier_name": parcel.carrier.name,
        "waybill_no": parcel.waybill_no,
        "pickup_code": custody.pickup_code,
        "shelf": custody.shelf,
        "tier": custody.tier,
        "state": custody.state,
        "recipient_name": mask_name(parcel.recipient_name),
        "recipient_phone": mask_phone(parcel.recipient_phone),
        "checked_in_at": custody.checked_in_at,
        "closed_at": custody.closed_at,
        "reminder_stage": custody.reminder_stage,
        "exception_kind": custody.exception_kind,
    }


def shipment_row(shipment: Shipment) -> ShipmentRow:
    """A shipment with its parcel (the sender was masked when stored)."""
    parcel = shipment.parcel
    return {
        "id": shipment.pk,
        "carrier_code": parcel.carrier.code,
        "carrier_name": parcel.carrier.name,
        "waybill_no": parcel.waybill_no,
        "state": shipment.state,
        "sender_name": shipment.sender_name_masked,
        "sender_id": shipment.sender_id_masked,
        "goods": shipment.goods,
        "weight_g": shipment.weight_g,
        "screening_required": shipment.screening_required,
        "screened": shipment.screened,
        "created_at": shipment.created_at,
        "handed_over_at": shipment.handed_over_at,
    }
