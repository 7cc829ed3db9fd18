"""What each role's home page shows, assembled from the apps' selectors only.

One function per role takes the user's `Scope` (and the date or time the page is for) and
returns a frozen dataclass the template renders. Personal data is masked here, before it
reaches a template, unless the scope may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from youpin.accounts.scoping import Scope
from youpin.catalog.models import Platform
from youpin.catalog.selectors import merchants_visible, products_visible, shops_visible
from youpin.commerce.models import Order, OrderStatus
from youpin.commerce.selectors import (
    SalesTotals,
    net_sales_by_county,
    net_sales_by_platform,
    net_sales_by_year,
    orders_latest,
    orders_visible,
    sales_totals,
)
from youpin.core.masking import mask_name
from youpin.geo.models import Place
from youpin.geo.selectors import counties_with_boundary, place_get
from youpin.logistics.models import Parcel, TrackingStatus
from youpin.logistics.selectors import (
    carrier_of,
    collected_by_year,
    parcel_counts_by_status,
    parcels_awaiting_pickup,
    parcels_collected_count,
    parcels_handled_count,
    parcels_visible,
)
from youpin.stations.coverage import village_coverage
from youpin.stations.models import StationKind
from youpin.stations.selectors import (
    TOWNSHIP_STATION_TARGET,
    station_counts_by_kind,
    stations_by_county,
    stations_visible,
    township_station_count,
)

LATEST_ORDERS = 10
WAITING_LIST_LIMIT = 50
CONSUMER_ORDERS = 20
EARLIEST_YEAR = 2000


# ----------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Region:
    """A region's name and the code prefix every place inside it shares."""

    code: str
    name: str
    prefix: str


def region_of(code: str) -> Region:
    """The region under a 12-digit code; when the divisions are not loaded, the bare code."""
    try:
        place = place_get(code)
    except (Place.DoesNotExist, ValueError):
        return Region(code=code, name=code, prefix=code.rstrip("0"))
    return Region(code=place.code, name=place.name, prefix=place.prefix)


def home_region() -> Region:
    """The region this installation serves (setting YOUPIN_REGION_CODE)."""
    return region_of(settings.YOUPIN_REGION_CODE)


def growth_percent(current: Decimal, previous: Decimal) -> Decimal | None:
    """Year-on-year growth in percent, one decimal; None when there is nothing to compare with."""
    if previous <= 0:
        return None
    return ((current - previous) / previous * 100).quantize(Decimal("0.1"))


def share_percent(part: int, whole: int) -> Decimal | None:
    """A part of a whole in percent, one decimal; None for an empty whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def pick_year(
    requested: int | None, this_year: int, years_with_data: list[int]
) -> tuple[int, bool]:
    """The year to show, and whether it fell back from this year to the latest year with data."""
    # A plausible request wins; else this year, unless only earlier years have data.
    if requested is not None and EARLIEST_YEAR <= requested <= this_year + 1:
        return requested, False
    if this_year in years_with_data or not years_with_data:
        return this_year, False
    earlier = [y for y in years_with_data if y < this_year]
    if not earlier:
        return this_year, False
    return max(earlier), True


def _label(choices: Any, value: str) -> str:
    """A choice's label in the active language (unknown values are shown as they are)."""
    try:
        return gettext(choices(value).label)
    except ValueError:
        return value


def _local_midnight(day: date) -> datetime:
    """The start of a local calendar day as an aware time."""
    return timezone.make_aware(datetime.combine(day, time.min))


# ----------------------------------------------------------------------------- official


@dataclass(frozen=True)
class YearRow:
    """One year of the official's trend table."""

    year: int
    net: Decimal
    orders: int
    parcels_collected: int


@dataclass(frozen=True)
class CountyRow:
    """One county of the official's region: its sales and its township stations."""

    code: str
    name: str
    net: Decimal
    township_stations: int
    stations_total: int
    village_coverage: Decimal | None = None


@dataclass(frozen=True)
class OfficialDashboard:
    """Plan targets and trends for an official's region."""

    region: Region
    year: int
    fell_back: bool
    years: list[int]
    sales: SalesTotals
    sales_previous: SalesTotals
    growth: Decimal | None
    parcels_collected: int
    parcels_collected_previous: int
    trend: list[YearRow]
    counties: list[CountyRow]
    township_stations: int
    township_target: int
    township_progress: Decimal | None
    villages_total: int
    villages_unserved: int
    has_boundaries: bool
    chart: dict[str, Any]


def official_dashboard(scope: Scope, *, today: date, year: int | None = None) -> OfficialDashboard:
    """Sales, express volume, township stations and village coverage of an official's region."""
    region = region_of(scope.region_code) if scope.region_code else home_region()
    by_year = net_sales_by_year(scope)
    collected = dict(collected_by_year(scope, region_prefix=scope.region_prefix))
    shown, fell_back = pick_year(year, today.year, [y for y, _, _ in by_year])
    sales = sales_totals(scope, shown)
    previous = sales_totals(scope, shown - 1)
    net_by_year = {y: (net, n) for y, net, n in by_year}
    years = sorted(set(net_by_year) | set(collected))
    trend = [
        YearRow(
            year=y,
            net=net_by_year.get(y, (Decimal("0.00"), 0))[0],
            orders=net_by_year.get(y, (Decimal("0.00"), 0))[1],
            parcels_collected=collected.get(y, 0),
        )
        for y in years
    ]
    county_net = net_sales_by_county(scope, shown)
    # One definition of "villages" on every page: administrative villages (村委会) with an
    # active service point, as the stations' coverage counts them (docs/STATIONS.md).
    village_rows = village_coverage(scope)
    coverage = {row.code: row.pct for row in village_rows.counties}
    counties = [
        CountyRow(
            code=c.county.code,
            name=c.county.name,
            net=county_net.get(c.county.code, Decimal("0.00")),
            township_stations=c.by_kind.get(StationKind.TOWNSHIP, 0),
            stations_total=c.total,
            village_coverage=coverage.get(c.county.code),
        )
        for c in stations_by_county(scope)
    ]
    township = township_station_count(scope)
    boundaries = list(counties_with_boundary(scope.region_prefix).values_list("code", "name"))
    chart = {
        "years": years,
        "net": [float(r.net) for r in trend],
        "parcels": [r.parcels_collected for r in trend],
        "net_label": gettext("网络零售额（元）"),
        "parcels_label": gettext("揽收包裹（件）"),
        "map_label": gettext("%(year)s 年网络零售额（元）") % {"year": shown},
        "map": [
            {"name": name, "value": float(county_net.get(code, 0))} for code, name in boundaries
        ],
    }
    return OfficialDashboard(
        region=region,
        year=shown,
        fell_back=fell_back,
        years=years,
        sales=sales,
        sales_previous=previous,
        growth=growth_percent(sales.net, previous.net),
        parcels_collected=collected.get(shown, 0),
        parcels_collected_previous=collected.get(shown - 1, 0),
        trend=trend,
        counties=counties,
        township_stations=township,
        township_target=TOWNSHIP_STATION_TARGET,
        township_progress=share_percent(township, TOWNSHIP_STATION_TARGET),
        villages_total=village_rows.total.villages,
        villages_unserved=village_rows.total.uncovered,
        has_boundaries=bool(boundaries),
        chart=chart,
    )


# ----------------------------------------------------------------------------- operator


@dataclass(frozen=True)
class CountRow:
    """A label and a count, e.g. one parcel status or one station kind."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class OperatorDashboard:
    """Totals across the whole platform."""

    year: int
    merchants: int
    shops: int
    products: int
    orders: int
    sales: SalesTotals
    parcels_total: int
    parcels_by_status: list[CountRow]
    stations_total: int
    stations_by_kind: list[CountRow]


def _ordered_counts(choices: Any, counts: dict[str, int]) -> list[CountRow]:
    """Counts in the order of a choices enum (unknown keys last), skipping zeros."""
    known = [c.value for c in choices]
    keys = [k for k in known if counts.get(k)] + sorted(k for k in counts if k not in known)
    return [CountRow(key=k, label=_label(choices, k), count=counts[k]) for k in keys]


def operator_dashboard(scope: Scope, *, today: date) -> OperatorDashboard:
    """Merchants, shops, products, orders, parcels by status and stations by kind, all of them."""
    parcels = parcel_counts_by_status(scope)
    stations = station_counts_by_kind(scope)
    return OperatorDashboard(
        year=today.year,
        merchants=merchants_visible(scope).count(),
        shops=shops_visible(scope).count(),
        products=products_visible(scope).count(),
        orders=orders_visible(scope).count(),
        sales=sales_totals(scope, today.year),
        parcels_total=sum(parcels.values()),
        parcels_by_status=_ordered_counts(TrackingStatus, parcels),
        stations_total=sum(stations.values()),
        stations_by_kind=_ordered_counts(StationKind, stations),
    )


# ----------------------------------------------------------------------------- merchant


@dataclass(frozen=True)
class ShopRow:
    """One of the merchant's shops."""

    name: str
    platform: str
    platform_shop_id: str


@dataclass(frozen=True)
class PlatformRow:
    """Net sales and orders on one platform."""

    platform: str
    net: Decimal
    orders: int


@dataclass(frozen=True)
class OrderRow:
    """One order as a list shows it; the buyer is masked unless the scope may see it."""

    platform: str
    platform_order_id: str
    shop: str
    ordered_at: datetime
    status: str
    net: Decimal
    paid: Decimal
    buyer: str
    waybill: str
    carrier: str
    parcel_status: str


def _order_row(order: Order, *, show_personal: bool) -> OrderRow:
    """Turn an order into a display row, masking the buyer's name when required."""
    parcel = order.parcel
    carrier = parcel.carrier if parcel is not None else order.carrier
    return OrderRow(
        platform=_label(Platform, order.platform),
        platform_order_id=order.platform_order_id,
        shop=order.shop.name,
        ordered_at=order.ordered_at,
        status=_label(OrderStatus, order.status),
        net=order.net_amount,
        paid=order.paid_amount,
        buyer=order.buyer_name if show_personal else mask_name(order.buyer_name),
        waybill=parcel.waybill_no if parcel is not None else order.waybill_no,
        carrier=carrier.name if carrier is not None else "",
        parcel_status=_label(TrackingStatus, parcel.status) if parcel is not None else "",
    )


@dataclass(frozen=True)
class MerchantDashboard:
    """A merchant's shops, catalogue size, sales by platform and latest orders."""

    merchant_name: str
    year: int
    fell_back: bool
    years: list[int]
    shops: list[ShopRow]
    products: int
    orders_total: int
    sales: SalesTotals
    by_platform: list[PlatformRow]
    latest: list[OrderRow]


def merchant_dashboard(scope: Scope, *, today: date, year: int | None = None) -> MerchantDashboard:
    """The merchant's own shops, products, this year's sales per platform and latest orders."""
    merchant = merchants_visible(scope).first()
    years = [y for y, _, _ in net_sales_by_year(scope)]
    shown, fell_back = pick_year(year, today.year, years)
    shops = shops_visible(scope).order_by("platform", "name")
    return MerchantDashboard(
        merchant_name=merchant.name if merchant is not None else "",
        year=shown,
        fell_back=fell_back,
        years=years,
        shops=[ShopRow(s.name, _label(Platform, s.platform), s.platform_shop_id) for s in shops],
        products=products_visible(scope).count(),
        orders_total=orders_visible(scope).count(),
        sales=sales_totals(scope, shown),
        by_platform=[
            PlatformRow(_label(Platform, p), net, n)
            for p, net, n in net_sales_by_platform(scope, shown)
        ],
        latest=[
            _order_row(o, show_personal=scope.may_see_personal_data)
            for o in orders_latest(scope, LATEST_ORDERS)
        ],
    )


# ----------------------------------------------------------------------------- station keeper


@dataclass(frozen=True)
class StationInfo:
    """The keeper's station as the page header shows it."""

    name: str
    code: str
    kind: str
    place: str
    address: str
    opening_hours: str
    is_active: bool


@dataclass(frozen=True)
class WaitingParcel:
    """A parcel waiting at the counter; the recipient is masked, the phone cut to its tail."""

    waybill: str
    carrier: str
    recipient: str
    phone_tail: str
    since: datetime


def phone_tail(phone: str, digits: int = 4) -> str:
    """The last digits of a phone number, as a counter asks for them."""
    only = "".join(ch for ch in phone if ch.isdigit())
    return only[-digits:] if len(only) >= digits else ""


@dataclass(frozen=True)
class KeeperDashboard:
    """A station keeper's counter: the station, what waits for pickup, this week's work."""

    station: StationInfo | None
    waiting_count: int
    waiting: list[WaitingParcel]
    week_start: date
    handled_this_week: int


def _place_path(place: Place) -> str:
    """A place with its parent, e.g. 兴仁镇 · 沙坡头区 → 沙坡头区兴仁镇."""
    parent = place.parent
    return (
        f"{parent.name}{place.name}"
        if parent is not None and place.level != "county"
        else place.name
    )


def keeper_dashboard(scope: Scope, *, now: datetime) -> KeeperDashboard:
    """The keeper's station, parcels awaiting pickup there, and parcels handled this week."""
    station = stations_visible(scope).select_related("place__parent").first()
    info = None
    if station is not None:
        info = StationInfo(
            name=station.name,
            code=station.code,
            kind=_label(StationKind, station.kind),
            place=_place_path(station.place),
            address=station.address,
            opening_hours=station.opening_hours,
            is_active=station.is_active,
        )
    waiting_qs = parcels_awaiting_pickup(scope)
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday())
    start = _local_midnight(monday)
    return KeeperDashboard(
        station=info,
        waiting_count=waiting_qs.count(),
        waiting=[
            WaitingParcel(
                waybill=p.waybill_no,
                carrier=p.carrier.name,
                recipient=mask_name(p.recipient_name),
                phone_tail=phone_tail(p.recipient_phone),
                since=p.updated_at,
            )
            for p in waiting_qs[:WAITING_LIST_LIMIT]
        ],
        week_start=monday,
        handled_this_week=parcels_handled_count(
            scope, since=start, until=_local_midnight(monday + timedelta(days=7))
        ),
    )


# ----------------------------------------------------------------------------- carrier


@dataclass(frozen=True)
class CarrierDashboard:
    """A carrier's parcels: by status, collected in the region, share delivered."""

    carrier_name: str
    region: Region
    year: int
    month: int
    parcels_total: int
    by_status: list[CountRow]
    collected_month: int
    collected_year: int
    delivered: int
    delivered_share: Decimal | None
    collected_by_year: list[tuple[int, int]]


def _month_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a day's month and of the next month, local time."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _local_midnight(first), _local_midnight(following)


def carrier_dashboard(scope: Scope, *, now: datetime) -> CarrierDashboard:
    """The carrier's own parcels by status, collected this month and year in the region."""
    carrier = carrier_of(scope)
    region = home_region()
    today = timezone.localtime(now).date()
    month_start, month_end = _month_bounds(today)
    year_start = _local_midnight(date(today.year, 1, 1))
    year_end = _local_midnight(date(today.year + 1, 1, 1))
    counts = parcel_counts_by_status(scope)
    total = sum(counts.values())
    delivered = counts.get(TrackingStatus.DELIVERED, 0)
    countable = total - counts.get(TrackingStatus.CANCELLED, 0)
    return CarrierDashboard(
        carrier_name=carrier.name if carrier is not None else "",
        region=region,
        year=today.year,
        month=today.month,
        parcels_total=total,
        by_status=_ordered_counts(TrackingStatus, counts),
        collected_month=parcels_collected_count(
            scope, since=month_start, until=month_end, region_prefix=region.prefix
        ),
        collected_year=parcels_collected_count(
            scope, since=year_start, until=year_end, region_prefix=region.prefix
        ),
        delivered=delivered,
        delivered_share=share_percent(delivered, countable),
        collected_by_year=collected_by_year(scope, region_prefix=region.prefix),
    )


# ----------------------------------------------------------------------------- consumer


@dataclass(frozen=True)
class PickupRow:
    """One of the consumer's parcels waiting at a station."""

    waybill: str
    carrier: str
    station: str


@dataclass(frozen=True)
class ConsumerDashboard:
    """A consumer's orders and where their parcels are."""

    orders_total: int
    parcels_total: int
    orders: list[OrderRow]
    awaiting_pickup: list[PickupRow]


def _pickup_row(parcel: Parcel) -> PickupRow:
    """Where a waiting parcel can be picked up."""
    return PickupRow(
        waybill=parcel.waybill_no,
        carrier=parcel.carrier.name,
        station=parcel.station.name if parcel.station is not None else "",
    )


def consumer_dashboard(scope: Scope) -> ConsumerDashboard:
    """The consumer's own latest orders with the current status of their parcels."""
    waiting = parcels_awaiting_pickup(scope).select_related("station")
    return ConsumerDashboard(
        orders_total=orders_visible(scope).count(),
        parcels_total=parcels_visible(scope).count(),
        orders=[_order_row(o, show_personal=False) for o in orders_latest(scope, CONSUMER_ORDERS)],
        awaiting_pickup=[_pickup_row(p) for p in waiting],
    )
