"""Bench helper: a Parquet snapshot replicated N times with DuckDB (scale 100, not generated).

    .venv/bin/python bench/parquet_scale_up.py --src /tmp/youpin-bench/parquet1 \\
        --out /tmp/youpin-bench/parquet100 --times 100

`--src` is a snapshot written by `youpin export parquet` (e.g. of `youpin demo-data --seed 1
--scale 1`). The output has the same files, columns and types, with every row of the
per-merchant and per-parcel tables repeated `--times` times: replica r adds r × (the source's
largest id) to each id and to the foreign keys that point at a replicated table, so every
replica has its own merchants, shops, products, orders, lines, parcels and events (a parcel is
known by its id here: the snapshot has no waybill column). Days, places, carriers, stations,
categories and title rules are shared, so every metric of the replicated snapshot is exactly
`--times` times the source's (counts and fen), except the distinct-parcel counts, which grow
the same way because the parcels are distinct. Writing is DuckDB's `COPY … (FORMAT parquet)`
with zstd, rows in no particular order (as DuckDB's threads produce them).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

# Tables copied once (shared by every replica).
SHARED = ("catalog_category", "catalog_titlerule", "stations_station")
# Replicated tables: column → the replicated table whose id it holds.
REPLICATED: dict[str, dict[str, str]] = {
    "catalog_merchant": {"id": "catalog_merchant"},
    "catalog_shop": {"id": "catalog_shop", "merchant_id": "catalog_merchant"},
    "catalog_product": {"id": "catalog_product"},
    "commerce_order": {
        "id": "commerce_order",
        "shop_id": "catalog_shop",
        "merchant_id": "catalog_merchant",
    },
    "commerce_orderline": {
        "id": "commerce_orderline",
        "order_id": "commerce_order",
        "product_id": "catalog_product",
    },
    "logistics_parcel": {"id": "logistics_parcel"},
    "logistics_trackingevent": {"id": "logistics_trackingevent", "parcel_id": "logistics_parcel"},
}


def _src(directory: Path, table: str) -> str:
    """The read_parquet() of one source table."""
    return f"read_parquet('{directory / (table + '.parquet')}')"


def scale_up(src: Path, out: Path, times: int, *, threads: int | None = None) -> dict[str, int]:
    """Write the replicated snapshot; return the rows written per table."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    offsets = {
        t: int(con.execute(f"SELECT coalesce(max(id), 0) FROM {_src(src, t)}").fetchone()[0])
        for t in REPLICATED
    }
    rows: dict[str, int] = {}
    for table in SHARED:
        con.execute(
            f"COPY (SELECT * FROM {_src(src, table)}) TO '{out / (table + '.parquet')}'"
            " (FORMAT parquet, COMPRESSION zstd)"
        )
    for table, keys in REPLICATED.items():
        described = con.execute(f"DESCRIBE SELECT * FROM {_src(src, table)}").fetchall()
        columns = [r[0] for r in described]
        select = ", ".join(
            f"CAST({c} + r.i * {offsets[keys[c]]} AS BIGINT) AS {c}" if c in keys else c
            for c in columns
        )
        partial = out / f".{table}.parquet.partial"
        con.execute(
            f"COPY (SELECT {select} FROM {_src(src, table)} t, range({times}) r(i)"
            f") TO '{partial}' (FORMAT parquet, COMPRESSION zstd)"
        )
        partial.replace(out / f"{table}.parquet")
    for table in (*SHARED, *REPLICATED):
        rows[table] = int(
            con.execute(f"SELECT count(*) FROM {_src(out, table)}").fetchone()[0]  # footer only
        )
    manifest = {
        "replicated_from": str(src),
        "times": times,
        "tables": {t: {"rows": n} for t, n in rows.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    con.close()
    return rows


def main() -> None:
    """Replicate a snapshot and print the rows and the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    started, cpu = time.perf_counter(), time.process_time()
    rows = scale_up(args.src, args.out, args.times, threads=args.threads)
    report = {
        "out": str(args.out),
        "times": args.times,
        "rows": rows,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "bytes": sum(p.stat().st_size for p in args.out.glob("*.parquet")),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
