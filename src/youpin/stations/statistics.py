"""The station network's figures for `youpin kpi stations` and GET /api/kpi/stations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from youpin.accounts.scoping import Scope
from youpin.geo.models import Place
from youpin.stations.coverage import coverage_region_prefix, village_coverage, villages_uncovered
from youpin.stations.models import StationKind
from youpin.stations.selectors import (
    TOWNSHIP_STATION_TARGET,
    stations_visible,
    township_progress_by_county,
)

COVERAGE_DEFINITION = (
    "行政村（村委会）中至少有一个运营中服务点（任意类型，所在地为该村）的比例；"
    "乡镇兴农超市设在乡镇一级，不计入村级覆盖；社区（居委会）单列，不计入比例。"
)


def stations_report(scope: Scope, *, county: str | None = None) -> dict[str, Any]:
    """Station counts by kind, township stations toward 200 by county, and village coverage."""
    prefix = coverage_region_prefix(scope, county)
    region_code = (prefix + "000000000000")[:12] if prefix else ""
    region = Place.objects.filter(code=region_code).first() if prefix else None
    active = stations_visible(scope).filter(is_active=True, place__code__startswith=prefix)
    by_kind = dict(active.order_by().values_list("kind").annotate(n=Count("id")))
    progress = [p for p in township_progress_by_county(scope) if p.code.startswith(prefix)]
    coverage = village_coverage(scope, county=county)
    uncovered = villages_uncovered(scope, county=county)
    township_active = by_kind.get(StationKind.TOWNSHIP, 0)
    total = coverage.total.as_dict()
    total.pop("code")
    total.pop("name")
    return {
        "statistic": "stations",
        "region": {
            "code": region.code if region else None,
            "name": region.name if region else "全部",
            "prefix": prefix,
        },
        "stations": {
            "active": sum(by_kind.values()),
            "by_kind": {k.value: by_kind.get(k.value, 0) for k in StationKind},
        },
        "township_stations": {
            "target": TOWNSHIP_STATION_TARGET,
            "active": township_active,
            "progress_pct": round(100 * township_active / TOWNSHIP_STATION_TARGET, 1),
            "by_county": [
                {
                    "code": p.code,
                    "name": p.name,
                    "active": p.township_stations,
                    "townships": p.townships,
                    "townships_with_station": p.townships_with_station,
                    "share_of_target_pct": p.share_of_target_pct,
                }
                for p in progress
            ],
        },
        "coverage": {
            "definition": COVERAGE_DEFINITION,
            **total,
            "by_county": [r.as_dict() for r in coverage.counties],
            "by_township": [{**r.as_dict(), "county": r.parent_code} for r in coverage.townships],
        },
        "uncovered_villages": [
            {
                "code": v.code,
                "name": v.name,
                "township": v.parent.name if v.parent else "",
                "county": v.parent.parent.name if v.parent and v.parent.parent else "",
            }
            for v in uncovered
        ],
    }
