"""`youpin export parquet`: the raw tables the metrics read, as Parquet snapshots.

Each table is read with one plain `SELECT` in chunks (a server-side cursor on PostgreSQL)
and written chunk by chunk as row groups of one Parquet file, so memory stays bounded by
the chunk size whatever the table's size. Types are fixed per column so every snapshot
has the same schema: integers as int64, money as decimal(16, 2) (read as whole fen, so
exact on SQLite too), times as UTC microseconds, booleans, text.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import connection
from django.utils import timezone

from youpin.metrics.engines import PARQUET_TABLES

INT, TEXT, BOOL, TIME, MONEY = "int", "text", "bool", "time", "money"

# The columns each snapshot keeps: what the metric definitions read, and the keys.
COLUMNS: dict[str, dict[str, str]] = {
    "commerce_order": {
        "id": INT,
        "platform": TEXT,
        "shop_id": INT,
        "merchant_id": INT,
        "status": TEXT,
        "paid_amount": MONEY,
        "refunded_amount": MONEY,
        "ordered_at": TIME,
        "paid_at": TIME,
        "host_id": TEXT,
        "host_nickname": TEXT,
        "updated_at": TIME,
    },
    "commerce_orderline": {
        "id": INT,
        "order_id": INT,
        "line_no": INT,
        "product_id": INT,
        "title": TEXT,
        "amount": MONEY,
    },
    "catalog_merchant": {"id": INT, "registered_locally": BOOL, "place_id": TEXT},
    "catalog_shop": {
        "id": INT,
        "merchant_id": INT,
        "platform": TEXT,
        "operating_place_id": TEXT,
        "registered_place_id": TEXT,
        "shipping_origin_id": TEXT,
    },
    "catalog_product": {"id": INT, "category_id": INT},
    "catalog_category": {"id": INT, "slug": TEXT, "is_farm_product": BOOL, "is_service": BOOL},
    "catalog_titlerule": {
        "id": INT,
        "word": TEXT,
        "item_class": TEXT,
        "priority": INT,
        "enabled": BOOL,
    },
    "logistics_parcel": {
        "id": INT,
        "carrier_id": INT,
        "e_waybill": BOOL,
        "sender_place_id": TEXT,
        "recipient_place_id": TEXT,
        "station_id": INT,
        "collected_at": TIME,
        "delivered_at": TIME,
        "updated_at": TIME,
    },
    "logistics_trackingevent": {
        "id": INT,
        "parcel_id": INT,
        "occurred_at": TIME,
        "status": TEXT,
        "place_id": TEXT,
        "station_id": INT,
        "source": TEXT,
        "raw_code": TEXT,
    },
    "stations_station": {"id": INT, "kind": TEXT, "place_id": TEXT},
}

ARROW_TYPES = {
    INT: pa.int64(),
    TEXT: pa.string(),
    BOOL: pa.bool_(),
    TIME: pa.timestamp("us", tz="UTC"),
    MONEY: pa.decimal128(16, 2),
}
DEFAULT_CHUNK_ROWS = 200_000


def _select_sql(table: str, vendor: str) -> str:
    """The SELECT of one table: money as whole fen, times as UTC epoch microseconds."""
    parts = []
    for name, kind in COLUMNS[table].items():
        col = f'"{name}"'
        if kind == MONEY:
            parts.append(
                f"CAST({col} * 100 AS BIGINT)"
                if vendor == "postgresql"
                else f"CAST(ROUND({col} * 100) AS INTEGER)"
            )
        elif kind == TIME:
            parts.append(
                f"CAST(EXTRACT(EPOCH FROM {col}) * 1000000 AS BIGINT)"
                if vendor == "postgresql"
                else f"CAST(strftime('%s', {col}) AS INTEGER) * 1000000"
                f" + CASE WHEN length({col}) > 20"
                f" THEN CAST(substr({col} || '000000', 21, 6) AS INTEGER) ELSE 0 END"
            )
        elif kind == BOOL and vendor != "postgresql":
            parts.append(f"CASE WHEN {col} THEN 1 WHEN {col} IS NULL THEN NULL ELSE 0 END")
        else:
            parts.append(col)
    return f'SELECT {", ".join(parts)} FROM "{table}"'


_FEN = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))


def _array(values: list[Any] | tuple[Any, ...], kind: str) -> pa.Array:
    """One column of a chunk as an Arrow array of the column's fixed type."""
    if kind == MONEY:
        fen = pa.array(values, pa.int64()).cast(pa.decimal128(19, 0))
        return pc.multiply(fen, _FEN).cast(ARROW_TYPES[MONEY])
    if kind == TIME:
        return pa.array(values, pa.int64()).cast(ARROW_TYPES[TIME])
    if kind == BOOL:
        return pa.array([None if v is None else bool(v) for v in values], pa.bool_())
    return pa.array(values, ARROW_TYPES[kind])


def arrow_schema(table: str) -> pa.Schema:
    """The fixed Arrow schema of a table's snapshot."""
    return pa.schema([(n, ARROW_TYPES[k]) for n, k in COLUMNS[table].items()])


@dataclass(frozen=True)
class TableExport:
    """One written snapshot: table, rows, bytes on disk, seconds."""

    table: str
    rows: int
    bytes: int
    seconds: float


def export_table(table: str, out_dir: Path, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> TableExport:
    """Write one table to `out_dir/<table>.parquet`, chunk by chunk (atomic rename at the end)."""
    started = time.perf_counter()
    kinds = list(COLUMNS[table].values())
    schema = arrow_schema(table)
    final = out_dir / f"{table}.parquet"
    partial = out_dir / f".{table}.parquet.partial"
    rows = 0
    with (
        pq.ParquetWriter(partial, schema, compression="zstd") as writer,
        connection.chunked_cursor() as cursor,
    ):
        cursor.execute(_select_sql(table, connection.vendor))
        while chunk := cursor.fetchmany(chunk_rows):
            columns = list(zip(*chunk, strict=True))
            arrays = [_array(col, kind) for col, kind in zip(columns, kinds, strict=True)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            rows += len(chunk)
    os.replace(partial, final)
    return TableExport(table, rows, final.stat().st_size, time.perf_counter() - started)


def export_parquet(out_dir: Path, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> list[TableExport]:
    """Write every table the metrics read, and a manifest with the row counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if set(COLUMNS) != set(PARQUET_TABLES):
        raise AssertionError("export columns and engine tables differ")
    done = [export_table(t, out_dir, chunk_rows=chunk_rows) for t in PARQUET_TABLES]
    manifest = {
        "exported_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "tables": {e.table: {"rows": e.rows, "bytes": e.bytes} for e in done},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return done


def parquet_row_counts(out_dir: Path) -> dict[str, int]:
    """Rows in each snapshot, read from the Parquet footers."""
    return {t: pq.ParquetFile(out_dir / f"{t}.parquet").metadata.num_rows for t in PARQUET_TABLES}
