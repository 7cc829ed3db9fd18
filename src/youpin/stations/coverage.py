"""Reads: village coverage (村委会 with an active service point) by county and township.

A village is covered when at least one active station of any kind has that village as its
place (`Station.place` is the 12-digit village code). A township 兴农 supermarket is placed
at its township and covers no village by itself. Communities (居委会) and virtual living
areas are reported beside, not in, the share. docs/STATIONS.md states the definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.geo.models import Level, Place
from youpin.stations.coverage_rules import coverage_pct, is_administrative_village
from youpin.stations.models import Station


def coverage_region_prefix(scope: Scope, county: str | None = None) -> str:
    """The code prefix coverage is counted under: the official's region, or a county asked for."""
    if scope.role not in {Role.OFFICIAL, Role.OPERATOR}:
        raise PermissionDenied("只有政府官员和平台运营方可以查看村级覆盖")
    prefix = scope.region_prefix if scope.role == Role.OFFICIAL else ""
    if county:
        code = county.strip()
        if len(code) == 6 and code.isdigit():
            code += "000000"
        if not Place.objects.filter(code=code, level=Level.COUNTY).exists():
            raise ValueError(f"县区代码 {county} 不存在（应为 6 位或 12 位区划代码）")
        if not code.startswith(prefix):
            raise PermissionDenied("该县区不在您的管辖区域内")
        prefix = code[:6]
    return prefix


@dataclass
class CoverageRow:
    """Administrative villages of one area and how many have a service point."""

    code: str
    name: str
    villages: int = 0
    covered: int = 0
    communities: int = 0
    communities_covered: int = 0
    parent_code: str | None = None

    @property
    def uncovered(self) -> int:
        """Administrative villages without a service point."""
        return self.villages - self.covered

    @property
    def pct(self) -> Decimal | None:
        """Covered share of the administrative villages, per cent, one decimal."""
        return coverage_pct(self.covered, self.villages)

    def as_dict(self) -> dict[str, object]:
        """The row for JSON."""
        pct = self.pct
        return {
            "code": self.code,
            "name": self.name,
            "villages": self.villages,
            "covered": self.covered,
            "uncovered": self.uncovered,
            "coverage_pct": None if pct is None else float(pct),
            "communities": self.communities,
            "communities_covered": self.communities_covered,
        }


@dataclass
class Coverage:
    """Coverage of a region, its counties and its townships."""

    prefix: str
    total: CoverageRow
    counties: list[CoverageRow] = field(default_factory=list)
    townships: list[CoverageRow] = field(default_factory=list)


def covered_village_codes(prefix: str = "") -> set[str]:
    """Codes of village-level places with at least one active station."""
    rows = Station.objects.filter(
        is_active=True, place__level=Level.VILLAGE, place__code__startswith=prefix
    ).values_list("place_id", flat=True)
    return set(rows)


def village_coverage(scope: Scope, *, county: str | None = None) -> Coverage:
    """Administrative villages with a service point, in total, by county and by township."""
    prefix = coverage_region_prefix(scope, county)
    covered = covered_village_codes(prefix)
    names = dict(
        Place.objects.filter(
            code__startswith=prefix, level__in=[Level.COUNTY, Level.TOWNSHIP]
        ).values_list("code", "name")
    )
    total = CoverageRow(code=prefix, name="合计")
    counties: dict[str, CoverageRow] = {}
    townships: dict[str, CoverageRow] = {}
    villages = Place.objects.filter(level=Level.VILLAGE, code__startswith=prefix)
    for code, name in villages.order_by("code").values_list("code", "name"):
        c_code, t_code = code[:6] + "000000", code[:9] + "000"
        county_row = counties.setdefault(
            c_code, CoverageRow(code=c_code, name=names.get(c_code, c_code))
        )
        town_row = townships.setdefault(
            t_code, CoverageRow(code=t_code, name=names.get(t_code, t_code), parent_code=c_code)
        )
        is_covered = code in covered
        for row in (total, county_row, town_row):
            if is_administrative_village(name):
                row.villages += 1
                row.covered += is_covered
            elif "虚拟" not in name:
                row.communities += 1
                row.communities_covered += is_covered
    return Coverage(
        prefix=prefix,
        total=total,
        counties=sorted(counties.values(), key=lambda r: r.code),
        townships=sorted(townships.values(), key=lambda r: r.code),
    )


def villages_uncovered(scope: Scope, *, county: str | None = None) -> list[Place]:
    """Administrative villages in the scope without an active service point, by code."""
    prefix = coverage_region_prefix(scope, county)
    covered = covered_village_codes(prefix)
    villages = (
        Place.objects.filter(level=Level.VILLAGE, code__startswith=prefix)
        .select_related("parent", "parent__parent")
        .order_by("code")
    )
    return [v for v in villages if v.code not in covered and is_administrative_village(v.name)]
