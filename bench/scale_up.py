"""Benchmark data: turn a generated demo database into an N-times larger one, set-based.

    export DATABASE_URL=sqlite:////tmp/youpin-bench/scale100.sqlite3
    .venv/bin/youpin migrate && .venv/bin/youpin geo load
    .venv/bin/youpin demo-data --seed 1 --scale 1
    .venv/bin/python bench/scale_up.py --copies 100 --event-copies 57

The demo generator writes about 3,000 orders a second; 10 million orders would take about an
hour on SQLite and longer on PostgreSQL. This script copies the generated rows instead, with
`INSERT … SELECT` and id offsets, `--group` copies per statement and one transaction per group:

* every copy has its own merchants, shops and products (so the sales facts grow as real data
  would: more merchants, not larger amounts), its own order ids, platform order ids, refund
  ids, parcel ids and waybill numbers (the unique constraints hold: copy k appends `~k`);
* places, days, carriers, stations, categories and buyers are the same as the original's;
  the dates stay as generated (2021–2025), so each day holds N times the original's rows;
* tracking events are copied for the first `--event-copies` copies only (default: all):
  the generator makes about 9 events per order, so 100 copies are 88 M events where issue 7
  speaks of about 50 M; `--event-copies 57` stops at about 50 M (the parcels of the other
  copies have no timeline: their station share and pickup-scan places are missing).

Copy k of a row with id i gets id i + k × stride, the stride being the largest id of the
original (kept in `bench_scale_up`, so an interrupted run resumes at the next group).
Nothing of the verification, facts, delivery plans or counter tables is copied: run
`youpin facts refresh --full` (and `youpin trust refresh`) afterwards. Prints JSON with the
seconds per group and the row counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")

# The copied tables in dependency order, with the columns that change per copy. `{k}` is the
# copy number column, `{s:table}` the stride (largest original id) of a table.
TABLES: list[tuple[str, dict[str, str]]] = [
    ("catalog_merchant", {"id": "t.id + r.k * {s:catalog_merchant}"}),
    (
        "catalog_shop",
        {
            "id": "t.id + r.k * {s:catalog_shop}",
            "merchant_id": "t.merchant_id + r.k * {s:catalog_merchant}",
            "platform_shop_id": "t.platform_shop_id || '~' || r.k",
        },
    ),
    (
        "catalog_product",
        {
            "id": "t.id + r.k * {s:catalog_product}",
            "merchant_id": "t.merchant_id + r.k * {s:catalog_merchant}",
        },
    ),
    (
        "logistics_parcel",
        {
            "id": "t.id + r.k * {s:logistics_parcel}",
            "waybill_no": "t.waybill_no || '~' || r.k",
        },
    ),
    (
        "commerce_order",
        {
            "id": "t.id + r.k * {s:commerce_order}",
            "platform_order_id": "t.platform_order_id || '~' || r.k",
            "shop_id": "t.shop_id + r.k * {s:catalog_shop}",
            "merchant_id": "t.merchant_id + r.k * {s:catalog_merchant}",
            "waybill_no": "CASE WHEN t.waybill_no = '' THEN '' ELSE t.waybill_no || '~' || r.k END",
            "parcel_id": "t.parcel_id + r.k * {s:logistics_parcel}",
        },
    ),
    (
        "commerce_orderline",
        {
            "id": "t.id + r.k * {s:commerce_orderline}",
            "order_id": "t.order_id + r.k * {s:commerce_order}",
            "product_id": "t.product_id + r.k * {s:catalog_product}",
        },
    ),
    (
        "commerce_refund",
        {
            "id": "t.id + r.k * {s:commerce_refund}",
            "platform_order_id": "t.platform_order_id || '~' || r.k",
            "refund_id": "t.refund_id || '~' || r.k",
            "merchant_id": "t.merchant_id + r.k * {s:catalog_merchant}",
        },
    ),
    (
        "logistics_trackingevent",
        {
            "id": "t.id + r.k * {s:logistics_trackingevent}",
            "parcel_id": "t.parcel_id + r.k * {s:logistics_parcel}",
        },
    ),
]
EVENTS = "logistics_trackingevent"


def main() -> None:
    """Copy the original rows until the database holds `--copies` copies; print JSON."""
    import django

    django.setup()
    from django.db import connection, transaction

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100, help="copies in all (1 = original)")
    parser.add_argument("--event-copies", type=int, default=0, help="0: as many as --copies")
    parser.add_argument("--group", type=int, default=10, help="copies per statement")
    args = parser.parse_args()
    event_copies = args.event_copies or args.copies
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise SystemExit("SQLite or PostgreSQL only")

    def run(sql: str, params: list[Any] | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return max(cursor.rowcount, 0)

    def scalar(sql: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    run("CREATE TABLE IF NOT EXISTS bench_scale_up (name varchar(64) PRIMARY KEY, stride bigint)")
    strides: dict[str, int] = {}
    for table, _ in TABLES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT stride FROM bench_scale_up WHERE name = %s", [table])
            row = cursor.fetchone()
        if row is None:
            stride = int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
            run("INSERT INTO bench_scale_up (name, stride) VALUES (%s, %s)", [table, stride])
        else:
            stride = int(row[0])
        strides[table] = max(stride, 1)
    done = -(
        -int(scalar("SELECT COALESCE(MAX(id), 0) FROM commerce_order")) // strides["commerce_order"]
    )
    events_done = -(-int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {EVENTS}")) // strides[EVENTS])

    if vendor == "sqlite":
        run("PRAGMA cache_size = -1000000")  # 1 GB of page cache for the index upkeep
        run("PRAGMA synchronous = OFF")
        run("PRAGMA foreign_keys = OFF")  # copies point at rows that exist: no checks
    else:
        run("SET synchronous_commit = off")
        run("SET session_replication_role = replica")  # no foreign-key triggers (as above)
        run("SET jit = off")

    def columns(table: str) -> list[str]:
        with connection.cursor() as cursor:
            return [c.name for c in connection.introspection.get_table_description(cursor, table)]

    def copy(table: str, changes: dict[str, str], first: int, last: int) -> int:
        """Copies first..last (both included) of a table's original rows."""
        cols = columns(table)
        exprs = []
        for col in cols:
            expr = changes.get(col, f"t.{col}")
            for name, stride in strides.items():
                expr = expr.replace("{s:" + name + "}", str(stride))
            exprs.append(f"{expr}")
        if vendor == "postgresql":
            reps = f"generate_series({first}, {last}) AS r(k)"
        else:
            reps = (
                f"(WITH RECURSIVE s(k) AS (SELECT {first} UNION ALL SELECT k + 1 FROM s"
                f" WHERE k < {last}) SELECT k FROM s) AS r"
            )
        quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
        sql = (
            f"INSERT INTO {table} ({quoted}) SELECT {', '.join(exprs)} FROM {reps}"
            f" CROSS JOIN {table} t WHERE t.id <= {strides[table]}"
        )
        return run(sql)

    started = time.perf_counter()
    cpu = time.process_time()
    groups: list[dict[str, Any]] = []
    k = done
    while k < args.copies or events_done < event_copies:
        last = min(k + args.group, args.copies) - 1  # below k once the other tables are done
        t0 = time.perf_counter()
        rows: dict[str, int] = {}
        with transaction.atomic():
            for table, changes in TABLES:
                if table != EVENTS and last >= k:
                    rows[table] = copy(table, changes, k, last)
            # Events of copies whose parcels exist, a group at a time.
            lo = max(events_done, 1)
            hi = min(lo + args.group - 1, event_copies - 1, max(last, k - 1))
            if hi >= lo:
                rows[EVENTS] = copy(EVENTS, dict(TABLES)[EVENTS], lo, hi)
                events_done = hi + 1
        groups.append({"copies": [k, last], "rows": rows, "s": round(time.perf_counter() - t0, 1)})
        print(json.dumps(groups[-1]), file=sys.stderr, flush=True)
        if not rows:
            break
        k = max(last + 1, k)
    if vendor == "postgresql":
        for table, _ in TABLES:
            run(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT MAX(id) FROM {table}))"
            )
        t0 = time.perf_counter()
        for table, _ in TABLES:
            run(f"ANALYZE {table}")
        analyze = round(time.perf_counter() - t0, 1)
    else:
        t0 = time.perf_counter()
        run("ANALYZE")
        analyze = round(time.perf_counter() - t0, 1)
    counts = {table: int(scalar(f"SELECT COUNT(*) FROM {table}")) for table, _ in TABLES}
    print(
        json.dumps(
            {
                "database": vendor,
                "copies": args.copies,
                "event_copies": event_copies,
                "seconds": round(time.perf_counter() - started, 1),
                "cpu_s_client": round(time.process_time() - cpu, 1),
                "analyze_s": analyze,
                "groups": groups,
                "rows": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
