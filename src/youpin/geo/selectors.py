"""Reads of places, and the division table the address resolver matches against."""

from __future__ import annotations

import re
import time

from django.db import DatabaseError
from django.db.models import QuerySet

from youpin.geo.divisions import Division, DivisionTable, shipped_table
from youpin.geo.models import Level, Place

CODE_RE = re.compile(r"^\d{12}$")


class InvalidPlaceCode(ValueError):
    """A place code that is not 12 digits."""


def place_get(code: str) -> Place:
    """Return the place with this NBS code (short codes are padded); raise if malformed."""
    code = code.strip()
    if code.isdigit() and len(code) in {2, 4, 6, 9}:
        code = code.ljust(12, "0")
    if not CODE_RE.match(code):
        raise InvalidPlaceCode(f"区划代码应为 12 位数字：{code!r}")
    return Place.objects.select_related("parent").get(code=code)


def places_under(parent_code: str | None, level: str | None = None) -> QuerySet[Place]:
    """Children of a place (or the top-level places), optionally of one level."""
    qs = Place.objects.all()
    qs = qs.filter(parent_id=parent_code) if parent_code else qs.filter(parent__isnull=True)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


_TABLE_TTL_SECONDS = 300.0
_table_cache: dict[str, tuple[float, DivisionTable]] = {}


def division_table() -> DivisionTable:
    """The divisions in the database as a resolver table (cached); the shipped one when none are."""
    alias = "default"
    cached = _table_cache.get(alias)
    if cached is not None and time.monotonic() - cached[0] < _TABLE_TTL_SECONDS:
        return cached[1]
    try:
        rows = list(Place.objects.values_list("code", "name", "level", "parent_id"))
    except DatabaseError:
        return shipped_table()
    table = (
        DivisionTable(Division(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in rows)
        if rows
        else shipped_table()
    )
    _table_cache[alias] = (time.monotonic(), table)
    return table


def division_table_forget() -> None:
    """Drop the cached table, after divisions were loaded or edited."""
    _table_cache.clear()


def counties_with_boundary(region_prefix: str) -> QuerySet[Place]:
    """Counties with a polygon inside a region, or the one county holding a smaller region."""
    qs = Place.objects.filter(level=Level.COUNTY, boundary__isnull=False)
    if len(region_prefix) > 6:
        return qs.filter(code=region_prefix[:6].ljust(12, "0"))
    return qs.filter(code__startswith=region_prefix).order_by("code")


def villages_in_region(region_prefix: str) -> QuerySet[Place]:
    """Village-level places whose code starts with a region's prefix."""
    qs = Place.objects.filter(level=Level.VILLAGE, code__startswith=region_prefix)
    return qs.order_by("code")
