"""Writes for geography: load a division table and county polygons, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from youpin.geo.divisions import Division, DivisionTable
from youpin.geo.models import Place
from youpin.geo.selectors import division_table_forget

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_DIVISIONS = DATA_DIR / "zhongwei_divisions_nbs2023.csv"
SHIPPED_BOUNDARIES = DATA_DIR / "zhongwei_counties_cgcs2000.geojson"
DIVISIONS_SOURCE = "国家统计局统计用区划代码 2023"


@dataclass(frozen=True)
class DivisionsLoadReport:
    """What a load changed."""

    created: int
    updated: int
    unchanged: int
    boundaries: int


def _ordered(divisions: list[Division]) -> list[Division]:
    """Parents before children, so every parent exists when its child is written."""
    return sorted(divisions, key=lambda d: (len(d.code.rstrip("0")), d.code))


@transaction.atomic
def divisions_load(
    *,
    csv_path: Path = SHIPPED_DIVISIONS,
    geojson_path: Path | None = SHIPPED_BOUNDARIES,
    source: str = DIVISIONS_SOURCE,
) -> DivisionsLoadReport:
    """Upsert every division of a table (and county polygons); a second run changes nothing."""
    table = DivisionTable.from_csv(csv_path)
    existing = {p.code: p for p in Place.objects.all()}
    created = updated = unchanged = 0
    for division in _ordered(list(table)):
        place = existing.get(division.code)
        wanted = {"name": division.name, "level": division.level, "parent_id": division.parent_code}
        if place is None:
            Place.objects.create(code=division.code, source=source, **wanted)
            created += 1
        elif any(getattr(place, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(place, k, v)
            place.save(update_fields=["name", "level", "parent"])
            updated += 1
        else:
            unchanged += 1
    boundaries = _boundaries_load(geojson_path) if geojson_path else 0
    transaction.on_commit(division_table_forget)
    return DivisionsLoadReport(
        created=created, updated=updated, unchanged=unchanged, boundaries=boundaries
    )


def _boundaries_load(path: Path) -> int:
    """Attach each GeoJSON feature's geometry to its county (property `gb` = 156 + code)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    attached = 0
    for feature in data.get("features", []):
        gb = str(feature.get("properties", {}).get("gb", ""))
        code = gb[3:].ljust(12, "0") if gb.startswith("156") else ""
        place = Place.objects.filter(code=code).first() if code else None
        if place is not None and place.boundary != feature["geometry"]:
            place.boundary = feature["geometry"]
            place.save(update_fields=["boundary"])
            attached += 1
    return attached
