"""Reads of places, and the division table the address resolver matches against."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from youpin.geo.divisions import Division, DivisionTable, shipped_table
from youpin.geo.models import Place

CODE_RE = re.compile(r"^\d{12}$")


class InvalidPlaceCode(ValueError):
    """A place code that is not 12 digits."""


def place_get(code: str) -> Place:
    """Return the place with this 12-digit NBS code (shorter codes are padded); raise if malformed."""
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


def division_table() -> DivisionTable:
    """The divisions loaded in the database as a resolver table; the shipped table when none are."""
    rows = list(Place.objects.values_list("code", "name", "level", "parent_id"))
    if not rows:
        return shipped_table()
    return DivisionTable(Division(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in rows)
