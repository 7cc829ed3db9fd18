"""What the villages page shows: coverage tables, progress toward 200, and the map's points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from youpin.accounts.scoping import Scope
from youpin.geo.models import CoordSource, Level, Place
from youpin.stations.coverage import (
    Coverage,
    CoverageRow,
    covered_village_codes,
    village_coverage,
)
from youpin.stations.coverage_rules import is_administrative_village
from youpin.stations.models import Station
from youpin.stations.selectors import (
    TOWNSHIP_STATION_TARGET,
    CountyProgress,
    township_progress_by_county,
)


@dataclass(frozen=True)
class CountyLine:
    """One county's coverage beside its township stations."""

    coverage: CoverageRow
    progress: CountyProgress | None


@dataclass(frozen=True)
class CoveragePage:
    """Coverage by county and township, township stations by county, and the map data."""

    coverage: Coverage
    counties: list[CountyLine]
    township_total: int
    township_target: int
    map: dict[str, Any]
    has_points: bool
    synthetic_points: bool


def coverage_page(scope: Scope) -> CoveragePage:
    """Build the villages page for an official (their region) or the operator (everything)."""
    coverage = village_coverage(scope)
    prefix = coverage.prefix
    covered = covered_village_codes(prefix)
    villages = Place.objects.filter(
        level=Level.VILLAGE, code__startswith=prefix, lon__isnull=False, lat__isnull=False
    ).values_list("code", "name", "lon", "lat", "coord_source")
    served: list[dict[str, Any]] = []
    unserved: list[dict[str, Any]] = []
    synthetic = False
    for code, name, lon, lat, source in villages:
        if not is_administrative_village(name):
            continue
        synthetic = synthetic or source == CoordSource.SYNTHETIC
        (served if code in covered else unserved).append({"name": name, "value": [lon, lat]})
    stations = Station.objects.filter(
        is_active=True, kind="township", place__code__startswith=prefix, lon__isnull=False
    ).values_list("name", "lon", "lat")
    progress = township_progress_by_county(scope)
    by_code = {p.code: p for p in progress}
    return CoveragePage(
        coverage=coverage,
        counties=[CountyLine(row, by_code.get(row.code)) for row in coverage.counties],
        township_total=sum(p.township_stations for p in progress),
        township_target=TOWNSHIP_STATION_TARGET,
        map={
            "served_label": gettext("有服务点的行政村"),
            "unserved_label": gettext("无服务点的行政村"),
            "township_label": gettext("乡镇兴农超市"),
            "served": served,
            "unserved": unserved,
            "townships": [{"name": n, "value": [lon, lat]} for n, lon, lat in stations],
        },
        has_points=bool(served or unserved),
        synthetic_points=synthetic,
    )
