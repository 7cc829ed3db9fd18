"""Writes to the station registry: create and update stations with readable errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from youpin.geo.models import Place
from youpin.logistics.models import Carrier
from youpin.stations.models import Station

EDITABLE = frozenset(
    {
        "code",
        "name",
        "kind",
        "operator_name",
        "address",
        "lon",
        "lat",
        "coord_source",
        "opening_hours",
        "services",
        "is_active",
        "opened_on",
    }
)


def _place(code: str) -> Place:
    """The division under an NBS code, or an error naming the code."""
    try:
        return Place.objects.select_related("parent__parent").get(code=code)
    except Place.DoesNotExist as exc:
        raise ValidationError({"place": [f"区划代码 {code} 不存在"]}) from exc


def _carriers(codes: Iterable[str]) -> list[Carrier]:
    """Carriers by code; unknown codes are named in the error."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = {c.code: c for c in Carrier.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError({"carriers": [f"未知的快递公司代码：{'、'.join(missing)}"]})
    return [found[c] for c in wanted]


def _apply(station: Station, fields: dict[str, Any]) -> None:
    """Set editable fields; anything else is refused by name."""
    unknown = sorted(set(fields) - EDITABLE - {"place_code", "carrier_codes"})
    if unknown:
        raise ValidationError({"__all__": [f"不能修改的字段：{', '.join(unknown)}"]})
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(station, name, value)
    if "place_code" in fields:
        station.place = _place(fields["place_code"])


@transaction.atomic
def station_create(*, place_code: str, carrier_codes: Iterable[str] = (), **fields: Any) -> Station:
    """Register a station after checking every field; nothing is written when one is wrong."""
    station = Station()
    _apply(station, {"place_code": place_code, **fields})
    carriers = _carriers(carrier_codes)
    station.full_clean()
    station.save()
    station.carriers.set(carriers)
    return station


@transaction.atomic
def station_update(
    *, station: Station, carrier_codes: Iterable[str] | None = None, **fields: Any
) -> Station:
    """Change a station's fields (and carriers, when given) after checking them."""
    _apply(station, fields)
    carriers = None if carrier_codes is None else _carriers(carrier_codes)
    station.full_clean()
    station.save()
    if carriers is not None:
        station.carriers.set(carriers)
    return station
