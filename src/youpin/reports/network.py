"""The station network part of the report: township stations and village coverage."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from youpin.accounts.scoping import Scope
from youpin.reports.periods import ReportMonth
from youpin.reports.region import Region
from youpin.reports.report_types import Network
from youpin.stations.coverage import village_coverage
from youpin.stations.models import StationKind
from youpin.stations.selectors import stations_visible


def township_stations_at(scope: Scope, region: Region, day: date) -> int:
    """Active township stations of the region opened by a day (or with no opening date)."""
    opened = Q(opened_on__isnull=True) | Q(opened_on__lte=day)
    return (
        stations_visible(scope)
        .filter(kind=StationKind.TOWNSHIP, is_active=True, place__code__startswith=region.prefix)
        .filter(opened)
        .count()
    )


def network(scope: Scope, region: Region, month: ReportMonth, target: int | None) -> Network:
    """Township stations at the month's end (and a year earlier) and village coverage today."""
    coverage = village_coverage(scope, county=region.code if region.narrowed else None)
    return Network(
        township_stations=township_stations_at(scope, region, month.last_day),
        township_stations_prev=township_stations_at(scope, region, month.month_window(1).last),
        township_target=target,
        villages=coverage.total.villages,
        villages_covered=coverage.total.covered,
        coverage_pct=coverage.total.pct,
    )
