"""The daily layer as Parquet files: fixed schemas, whole or partial rebuilds, its manifest.

The layer's tables (definitions.LAYER_TABLES) are small — days × counties × platforms ×
carriers, not orders or parcels — so each is one Parquet file, rewritten whole (under a
temporary name, then renamed) when some of its days are rebuilt. No Django import.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from youpin.catalog.classify import Rule
from youpin.metrics.definitions import DAILY_TABLES, LAYER_TABLES, months_of_days

MANIFEST = "metrics_layer.json"
I64, STR, BOOL = pa.int64(), pa.string(), pa.bool_()
_MONEY = [("orders", I64), ("gross_fen", I64), ("refunded_fen", I64)]

SCHEMAS: dict[str, pa.Schema] = {
    "sales": pa.schema(
        [
            ("day", I64),
            ("year", I64),
            ("month", I64),
            ("local", BOOL),
            ("county", STR),
            ("platform", STR),
            *_MONEY,
        ]
    ),
    "classes": pa.schema([("day", I64), ("year", I64), ("sales_class", STR), *_MONEY]),
    "express": pa.schema(
        [
            ("side", STR),
            ("day", I64),
            ("year", I64),
            ("county", STR),
            ("carrier_id", I64),
            ("direction", STR),
            ("parcels", I64),
            ("e_waybill", I64),
            ("at_station", I64),
            ("at_locker", I64),
            ("timed", I64),
            ("transit_seconds", I64),
        ]
    ),
    "stations": pa.schema(
        [
            ("station_id", I64),
            ("county", STR),
            ("year", I64),
            ("month", I64),
            ("operation", STR),
            ("events", I64),
            ("parcels", I64),
        ]
    ),
}


@dataclass(frozen=True)
class LayerInfo:
    """What a written layer was computed for (its manifest)."""

    region_prefix: str
    first_year: int
    last_year: int
    title_rules: tuple[Rule, ...]
    rows: dict[str, int]
    built_at: str
    engine: str

    def as_json(self) -> dict[str, Any]:
        """The manifest as a JSON document."""
        return {
            "region_prefix": self.region_prefix,
            "years": [self.first_year, self.last_year],
            "title_rules": [[r.word, r.item_class, r.priority] for r in self.title_rules],
            "rows": self.rows,
            "built_at": self.built_at,
            "engine": self.engine,
        }


def layer_path(directory: Path, attr: str) -> Path:
    """The Parquet file of one layer table."""
    return directory / f"{LAYER_TABLES[attr]}.parquet"


def read_info(directory: Path) -> LayerInfo:
    """The manifest of the layer written in a directory (FileNotFoundError when none is)."""
    path = directory / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"缺少指标日层：{path}（先运行 youpin metrics materialize）")
    doc = json.loads(path.read_text())
    return LayerInfo(
        region_prefix=doc["region_prefix"],
        first_year=int(doc["years"][0]),
        last_year=int(doc["years"][1]),
        title_rules=tuple(Rule(w, c, int(p)) for w, c, p in doc["title_rules"]),
        rows={k: int(v) for k, v in doc["rows"].items()},
        built_at=doc["built_at"],
        engine=doc["engine"],
    )


def conform(attr: str, table: pa.Table) -> pa.Table:
    """An engine's result as the layer table's fixed schema (columns by name, exact casts)."""
    schema = SCHEMAS[attr]
    return pa.table([table[f.name].cast(f.type) for f in schema], schema=schema)


def _kept_rows(attr: str, old: pa.Table, days: tuple[int, ...]) -> pa.Table:
    """The rows of an existing table that a rebuild of `days` leaves alone."""
    if attr in DAILY_TABLES:
        rebuilt = pc.is_in(old["day"], value_set=pa.array(sorted(set(days)), I64))
    else:  # monthly: the months of the days are rebuilt whole
        keys = pa.array([y * 100 + m for y, m in months_of_days(days)], I64)
        ym = pc.add(pc.multiply(old["year"], 100), old["month"])
        rebuilt = pc.is_in(ym, value_set=keys)
    return old.filter(pc.invert(rebuilt))


# The key columns of each table, in the order its rows are written (day or month first).
KEYS: dict[str, tuple[str, ...]] = {
    "sales": ("day", "year", "month", "local", "county", "platform"),
    "classes": ("day", "year", "sales_class"),
    "express": ("day", "year", "side", "county", "carrier_id", "direction"),
    "stations": ("year", "month", "station_id", "county", "operation"),
}


def _sorted(attr: str, table: pa.Table) -> pa.Table:
    """Rows in key order, day (or month) first, so readers can skip row groups by day."""
    return table.sort_by([(k, "ascending") for k in KEYS[attr]])


def write_layer(
    directory: Path,
    tables: dict[str, pa.Table],
    info: LayerInfo,
    *,
    days: tuple[int, ...] | None = None,
) -> LayerInfo:
    """Write the layer's tables (all rows, or replacing only `days`) and its manifest.

    With `days`, each existing table keeps its rows of other days (other months for the
    monthly station table) and gains the rebuilt ones; the manifest's years widen to cover
    both. Each file is written under a temporary name and renamed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    first, last = info.first_year, info.last_year
    if days is not None:
        old_info = read_info(directory)
        if old_info.region_prefix != info.region_prefix:
            raise ValueError(
                f"日层地区不同：{old_info.region_prefix} ≠ {info.region_prefix}（请全量重建）"
            )
        if old_info.title_rules != info.title_rules:
            raise ValueError("标题规则已变，请全量重建指标日层（不带 --days/--since）")
        first, last = min(first, old_info.first_year), max(last, old_info.last_year)
    for attr, table in tables.items():
        new = conform(attr, table)
        if days is not None:
            old = pq.read_table(layer_path(directory, attr), schema=SCHEMAS[attr])
            new = pa.concat_tables([_kept_rows(attr, old, days), new])
        new = _sorted(attr, new)
        final = layer_path(directory, attr)
        partial = final.with_name(f".{final.name}.partial")
        pq.write_table(new, partial, compression="zstd")
        os.replace(partial, final)
        rows[attr] = new.num_rows
    done = LayerInfo(
        info.region_prefix,
        first,
        last,
        info.title_rules,
        rows,
        datetime.now(UTC).isoformat(timespec="seconds"),
        info.engine,
    )
    manifest = directory / MANIFEST
    partial = manifest.with_name(f".{MANIFEST}.partial")
    partial.write_text(json.dumps(done.as_json(), indent=2, ensure_ascii=False))
    os.replace(partial, manifest)
    return done
