"""Station operations as raw codes of events with source "station" (pure, no Django)."""

from __future__ import annotations

STATION_SOURCE = "station"

# Regular counter operations, in the order a parcel meets them.
OPERATIONS = {
    "station_checkin": "入库",
    "station_pickup": "取件",
    "station_send": "寄件",
    "station_door_delivery": "送货上门",
}
# Exceptions the keeper records.
EXCEPTIONS = {
    "station_damaged": "破损",
    "station_refused": "拒收",
    "station_wrong_address": "地址错误",
    "station_overdue": "滞留超期",
    "station_return": "退回",
}


def operation_label(code: str) -> str:
    """The Chinese name of a station raw code; unknown codes are shown as they are."""
    return OPERATIONS.get(code) or EXCEPTIONS.get(code) or code


def is_exception(code: str) -> bool:
    """True for the exception codes (damaged, refused, wrong address, overdue, return)."""
    return code in EXCEPTIONS
