"""The sums a monthly report is built from: facts summed per group over four windows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum

from youpin.accounts.scoping import Scope
from youpin.facts.selectors import parcel_facts_visible, region_filter, sales_places_visible
from youpin.reports.periods import ReportMonth, Window
from youpin.reports.region import Region

WINDOWS = ("m", "mp", "y", "yp")  # month, month a year earlier, year to date, ytd a year earlier


def windows_of(month: ReportMonth) -> dict[str, Window]:
    """The four windows every figure is summed over."""
    return {
        "m": month.month_window(),
        "mp": month.month_window(1),
        "y": month.ytd_window(),
        "yp": month.ytd_window(1),
    }


Sums = dict[tuple[Any, ...], dict[str, int]]


def window_sums(
    qs: QuerySet[Any], group: Sequence[str], measures: Iterable[str], windows: dict[str, Window]
) -> Sums:
    """Each measure summed per group and window, in one query: {group key: {"m__w": n}}."""
    annotations = {
        f"{m}__{w}": Sum(m, filter=Q(day__gte=win.first, day__lte=win.last))
        for m in measures
        for w, win in windows.items()
    }
    span = Q()
    for win in windows.values():
        span |= Q(day__gte=win.first, day__lte=win.last)
    qs = qs.filter(span).order_by()
    if not group:
        row = qs.aggregate(**annotations)
        return {(): {k: int(row[k] or 0) for k in annotations}}
    out: Sums = {}
    for r in qs.values(*group).annotate(**annotations):
        out[tuple(r[g] for g in group)] = {k: int(r[k] or 0) for k in annotations}
    return out


def add_sums(into: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    """Add one sums dict into another (keys missing on either side count as zero)."""
    for k, v in other.items():
        into[k] = into.get(k, 0) + v
    return into


def summed(sums: Sums, keep: Any = None) -> dict[str, int]:
    """The sums over every group (or the groups whose first part equals keep)."""
    out: dict[str, int] = {}
    for key, values in sums.items():
        if keep is None or key[0] == keep:
            add_sums(out, values)
    return out


def four(values: dict[str, int], measure: str) -> tuple[int, int, int, int]:
    """A measure in the four windows (m, mp, y, yp)."""
    return tuple(values.get(f"{measure}__{w}", 0) for w in WINDOWS)  # type: ignore[return-value]


@dataclass(frozen=True)
class FactSums:
    """The sums the report is built from, per dimension."""

    sales_by_county: Sums
    sales_by_platform: Sums
    sales_by_class: Sums
    parcels_by_direction: Sums
    parcels_by_county: Sums
    parcels_by_carrier: Sums


SALES_MEASURES = (
    "net_fen",
    "lead_orders",
    "verified_fen",
    "unverified_fen",
    "suspicious_fen",
)
PARCEL_MEASURES = ("parcels", "e_waybill", "at_station", "timed", "transit_seconds")


def fact_sums(scope: Scope, region: Region, month: ReportMonth) -> FactSums:
    """Sum the scoped sales and parcel facts of the region over the report's windows."""
    windows = windows_of(month)
    places = sales_places_visible(scope)
    if places is None:  # pragma: no cover - report readers always have the summary
        raise PermissionDenied
    sales = places.filter(region_filter(region.prefix), local_seller=True)
    parcels = parcel_facts_visible(scope).filter(region_filter(region.prefix))
    return FactSums(
        sales_by_county=window_sums(sales, ["county"], SALES_MEASURES, windows),
        sales_by_platform=window_sums(sales, ["platform"], SALES_MEASURES, windows),
        sales_by_class=window_sums(sales, ["sales_class"], ("net_fen", "orders"), windows),
        parcels_by_direction=window_sums(parcels, ["side", "direction"], PARCEL_MEASURES, windows),
        parcels_by_county=window_sums(parcels, ["side", "county"], PARCEL_MEASURES, windows),
        parcels_by_carrier=window_sums(parcels, ["side", "carrier_id"], PARCEL_MEASURES, windows),
    )
