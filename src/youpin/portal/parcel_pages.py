"""What the parcel pages show: the list with its filters, and one parcel's timeline and map.

Built from the logistics and commerce selectors only; masking is decided here (through the
timeline's privacy level), before anything reaches a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Platform
from youpin.commerce.models import OrderStatus
from youpin.commerce.selectors import orders_visible
from youpin.core.masking import mask_name
from youpin.logistics.models import Parcel, TrackingStatus
from youpin.logistics.selectors import carriers_listed, parcels_listed
from youpin.logistics.statistics_formulas import DIRECTION_LABELS
from youpin.logistics.timeline import ParcelTimeline, Privacy, parcel_timeline

PAGE_SIZE = 50
LIST_ROLES = {Role.CARRIER, Role.STATION_KEEPER, Role.OFFICIAL, Role.OPERATOR}


def _label(choices: Any, value: str) -> str:
    """A choice's label in the active language (unknown values are shown as they are)."""
    try:
        return gettext(choices(value).label)
    except ValueError:
        return value


# ----------------------------------------------------------------------------- list


@dataclass(frozen=True)
class Choice:
    """An option of a filter."""

    value: str
    label: str


@dataclass(frozen=True)
class ParcelRow:
    """One parcel in the list."""

    carrier_code: str
    carrier: str
    waybill: str
    status: str
    status_label: str
    sender_place: str
    recipient_place: str
    station: str
    collected_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class ParcelList:
    """A page of the visible parcels with the filters that produced it."""

    rows: list[ParcelRow]
    page: Page[Parcel]
    total: int
    status: str
    carrier: str
    waybill: str
    statuses: list[Choice]
    carriers: list[Choice]
    show_carrier_filter: bool
    query_without_page: str


def _row(parcel: Parcel) -> ParcelRow:
    """A parcel as a list row."""
    return ParcelRow(
        carrier_code=parcel.carrier.code,
        carrier=parcel.carrier.name,
        waybill=parcel.waybill_no,
        status=parcel.status,
        status_label=_label(TrackingStatus, parcel.status),
        sender_place=parcel.sender_place.name if parcel.sender_place is not None else "",
        recipient_place=parcel.recipient_place.name if parcel.recipient_place is not None else "",
        station=parcel.station.name if parcel.station is not None else "",
        collected_at=parcel.collected_at,
        delivered_at=parcel.delivered_at,
    )


def parcel_list(
    scope: Scope, *, status: str, carrier: str, waybill: str, page_number: str | int | None
) -> ParcelList:
    """One page of the parcels the scope may see, filtered by status, carrier and waybill."""
    statuses = [Choice(s.value, gettext(s.label)) for s in TrackingStatus]
    if status not in {c.value for c in statuses}:
        status = ""
    carriers = [Choice(c.code, c.name) for c in carriers_listed()]
    show_carrier_filter = scope.role != Role.CARRIER
    if not show_carrier_filter or carrier not in {c.value for c in carriers}:
        carrier = ""
    waybill = waybill.strip()[:40]
    qs = parcels_listed(scope, status=status, carrier_code=carrier, waybill=waybill)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    query = urlencode(
        [(k, v) for k, v in (("status", status), ("carrier", carrier), ("waybill", waybill)) if v]
    )
    return ParcelList(
        rows=[_row(p) for p in page.object_list],
        page=page,
        total=page.paginator.count,
        status=status,
        carrier=carrier,
        waybill=waybill,
        statuses=statuses,
        carriers=carriers,
        show_carrier_filter=show_carrier_filter,
        query_without_page=query,
    )


# ----------------------------------------------------------------------------- one parcel


@dataclass(frozen=True)
class CarriedOrder:
    """An order the parcel carries, as far as the reader may see it."""

    id: int
    platform: str
    platform_order_id: str
    shop: str
    status: str
    net: Decimal
    buyer: str


@dataclass(frozen=True)
class ParcelPage:
    """A parcel's timeline page: the timeline, its map data and the orders it carries."""

    timeline: ParcelTimeline
    direction_label: str
    orders: list[CarriedOrder]
    map: dict[str, Any]
    public: bool


def privacy_for(scope: Scope) -> Privacy:
    """Roles that hand parcels over see personal data; others see it masked."""
    return Privacy.FULL if scope.may_see_personal_data else Privacy.MASKED


def _map_data(timeline: ParcelTimeline) -> dict[str, Any]:
    """What the map draws: the event places with coordinates, in order."""
    return {
        "points": [
            {"name": p.name, "code": p.code, "value": [p.lon, p.lat]} for p in timeline.points
        ],
        "route_label": gettext("包裹轨迹"),
    }


def _orders(scope: Scope, parcel: Parcel) -> list[CarriedOrder]:
    """The orders this parcel carries that the scope may also see."""
    qs = orders_visible(scope).filter(parcel=parcel).select_related("shop").order_by("id")
    return [
        CarriedOrder(
            id=o.pk,
            platform=_label(Platform, o.platform),
            platform_order_id=o.platform_order_id,
            shop=o.shop.name,
            status=_label(OrderStatus, o.status),
            net=o.net_amount,
            buyer=o.buyer_name if scope.may_see_personal_data else mask_name(o.buyer_name),
        )
        for o in qs
    ]


def _page(timeline: ParcelTimeline, orders: list[CarriedOrder], *, public: bool) -> ParcelPage:
    """Assemble the page from a timeline."""
    direction = timeline.direction
    return ParcelPage(
        timeline=timeline,
        direction_label=gettext(DIRECTION_LABELS[direction]) if direction else "",
        orders=orders,
        map=_map_data(timeline),
        public=public,
    )


def parcel_page(scope: Scope, parcel: Parcel) -> ParcelPage:
    """A signed-in reader's view of a parcel they may see."""
    timeline = parcel_timeline(parcel, privacy_for(scope))
    return _page(timeline, _orders(scope, parcel), public=False)


def tracked_parcel_page(parcel: Parcel) -> ParcelPage:
    """The public lookup's view: personal data masked, no orders."""
    return _page(parcel_timeline(parcel, Privacy.PUBLIC), [], public=True)
