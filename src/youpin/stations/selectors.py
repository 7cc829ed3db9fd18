"""Reads of the station network, limited to what a scope may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.geo.models import Level, Place
from youpin.stations.models import Station, StationKind

TOWNSHIP_STATION_TARGET = 200


def stations_visible(scope: Scope) -> QuerySet[Station]:
    """Stations in the scope; the directory of active stations is public to everyone else."""
    qs = Station.objects.select_related("place")
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(place__code__startswith=scope.region_prefix)
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        return qs.filter(pk=scope.station_id)
    return qs.filter(is_active=True)


@dataclass(frozen=True)
class CountyStations:
    """Active stations of each kind in one county."""

    county: Place
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        """All active stations in the county."""
        return sum(self.by_kind.values())


def stations_by_county(scope: Scope) -> list[CountyStations]:
    """Active stations per county and kind, for the counties the scope covers."""
    counties = Place.objects.filter(level=Level.COUNTY)
    if scope.role == Role.OFFICIAL:
        counties = counties.filter(code__startswith=scope.region_prefix)
    rows = (
        stations_visible(scope)
        .filter(is_active=True)
        .order_by()
        .values("place_id", "kind")
        .annotate(n=Count("id"))
    )
    per_county: dict[str, dict[str, int]] = {}
    for row in rows:
        county = row["place_id"][:6] + "000000"
        kinds = per_county.setdefault(county, {})
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]
    return [
        CountyStations(county=c, by_kind=per_county.get(c.code, {}))
        for c in counties.order_by("code")
    ]


def township_station_count(scope: Scope) -> int:
    """Merged township 兴农 supermarkets in operation, toward the plan's 200."""
    return stations_visible(scope).filter(kind=StationKind.TOWNSHIP, is_active=True).count()


def station_counts_by_kind(scope: Scope) -> dict[str, int]:
    """Active stations in the scope per kind."""
    active = stations_visible(scope).filter(is_active=True).order_by()
    rows = active.values("kind").annotate(n=Count("id"))
    return {r["kind"]: r["n"] for r in rows}


@dataclass(frozen=True)
class CountyProgress:
    """One county's township 兴农 supermarkets toward the city's target of 200."""

    code: str
    name: str
    township_stations: int
    townships: int
    townships_with_station: int

    @property
    def share_of_target_pct(self) -> float:
        """This county's stations as a share of the city's target, per cent."""
        return round(100 * self.township_stations / TOWNSHIP_STATION_TARGET, 1)


def township_progress_by_county(scope: Scope) -> list[CountyProgress]:
    """Active township stations per county, with the township units (乡/镇/街道) they sit in."""
    counties = Place.objects.filter(level=Level.COUNTY)
    if scope.role == Role.OFFICIAL:
        counties = counties.filter(code__startswith=scope.region_prefix)
    stations = list(
        stations_visible(scope)
        .filter(kind=StationKind.TOWNSHIP, is_active=True)
        .values_list("place_id", flat=True)
    )
    townships = Place.objects.filter(level=Level.TOWNSHIP).values_list("code", flat=True)
    rows = []
    for county in counties.order_by("code"):
        prefix = county.code[:6]
        units = [t for t in townships if t.startswith(prefix) and t[6:9] < "400"]
        mine = [p for p in stations if p.startswith(prefix)]
        rows.append(
            CountyProgress(
                code=county.code,
                name=county.name,
                township_stations=len(mine),
                townships=len(units),
                townships_with_station=len({p[:9] for p in mine} & {t[:9] for t in units}),
            )
        )
    return rows
