"""The region a monthly report covers: the reader's region, or a county inside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.retail_queries import code_prefix
from youpin.geo.models import Level, Place

REPORT_ROLES = {Role.OPERATOR, Role.OFFICIAL}


class ReportQueryError(ValueError):
    """A report request that cannot be answered (a county code outside the city)."""


@dataclass(frozen=True)
class Region:
    """The region a report covers: its code prefix, 12-digit code and name."""

    prefix: str
    code: str
    name: str
    narrowed: bool = False


def check_reader(scope: Scope) -> None:
    """Only the operator and officials read the monthly report (403 otherwise)."""
    if scope.role not in REPORT_ROLES:
        raise PermissionDenied("只有平台运营方和政府官员可以查看月度报告")


def report_region(scope: Scope, county: str | None = None) -> Region:
    """The scope's region (the platform's for the operator), or a county inside it."""
    check_reader(scope)
    city_code = str(settings.YOUPIN_REGION_CODE)
    if scope.role == Role.OFFICIAL:
        base_prefix = scope.region_prefix
        base_code = scope.region_code or scope.region_prefix.ljust(12, "0")
    else:
        base_prefix, base_code = code_prefix(city_code), city_code
    if county:
        code = county.strip()
        if len(code) == 6 and code.isdigit():
            code += "000000"
        place = Place.objects.filter(code=code, level=Level.COUNTY).first()
        if place is None or not code.startswith(code_prefix(city_code)):
            raise ReportQueryError(f"不是本市的区县代码：{county!r}")
        if not place.prefix.startswith(base_prefix):
            raise PermissionDenied("该县区不在您的管辖区域内")
        return Region(place.prefix, code, place.name, narrowed=True)
    place = Place.objects.filter(code=base_code).first()
    return Region(base_prefix, base_code, place.name if place else base_code)
