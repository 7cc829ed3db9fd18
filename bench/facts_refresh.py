"""Benchmark: full and one-day incremental refresh of the daily facts on an existing database.

    DATABASE_URL=sqlite:////tmp/facts.sqlite3 .venv/bin/youpin demo-data --seed 1 --scale 1
    DATABASE_URL=sqlite:////tmp/facts.sqlite3 .venv/bin/python bench/facts_refresh.py --runs 3

In-process. Wall-clock and CPU seconds (this process; on PostgreSQL also the server
backend's, from /proc) of, per run (medians printed):

* `full`: `facts_rebuild()` — every fact table rebuilt from all raw rows (`--no-full` skips
  it: at scale 100 it takes many minutes; the facts must then exist already);
* `incremental`: one day of data "arrives" — its days are in the `ChangedDay` ledger for the
  three tables, as the import hook leaves them (or an importer passing its days), and
  `facts_refresh()` reads the ledger, looks for new tracking events by id and recomputes
  that day: what the scheduled `youpin facts refresh` does after a day of imports;
* `hook`: `facts_refresh_days([that day])` for the three tables, and `hook_sales` /
  `hook_parcels` for one table each (what an order / tracking batch's hook runs);
* `check` (with `--check`): the orders and parcels of the day stamped as updated, then
  `facts_refresh(check=True)`, which also scans both tables by `updated_at`;
* `read`: what a cockpit tile reads once the facts exist — the operator's 2025 retail
  sales and express volume (`measure_value("retail_sales"|"express_volume", …)`).

The watermark margin is set to zero so only the stamped rows count as changed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")


def main() -> None:
    """Run the three timings and print them as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from youpin.accounts.models import Role
    from youpin.accounts.scoping import Scope
    from youpin.commerce.models import Order
    from youpin.core.periods import SHANGHAI
    from youpin.facts import refresh
    from youpin.logistics.models import Parcel
    from youpin.plans.measures import measure_value

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-full", action="store_true", help="skip the full rebuild")
    parser.add_argument("--check", action="store_true", help="also time the full check")
    parser.add_argument("--only", help="time only these steps (comma-separated names)")
    args = parser.parse_args()
    refresh.MARGIN = timedelta(0)

    def backend_cpu() -> float:
        """CPU seconds of the PostgreSQL backend serving this connection (0 on SQLite)."""
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed(fn: object) -> dict[str, float]:
        connection.ensure_connection()
        wall, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
        fn()  # type: ignore[operator]
        return {
            "wall_s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu,
            "server_cpu_s": backend_cpu() - server,
        }

    with connection.cursor() as cursor:  # the last sale time, through its index
        cursor.execute("SELECT MAX(COALESCE(paid_at, ordered_at)) FROM commerce_order")
        last = cursor.fetchone()[0]
    if not isinstance(last, datetime):  # SQLite: text in UTC
        last = datetime.fromisoformat(str(last)).replace(tzinfo=UTC)
    day = last.astimezone(SHANGHAI).date()
    start = connection.ops.adapt_datetimefield_value(
        datetime.combine(day, dtime(), tzinfo=SHANGHAI)
    )
    end = connection.ops.adapt_datetimefield_value(
        datetime.combine(day + timedelta(days=1), dtime(), tzinfo=SHANGHAI)
    )

    def day_rows() -> tuple[int, int]:
        """The day's orders and parcels (collected or delivered), found through indexes."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM commerce_order WHERE COALESCE(paid_at, ordered_at) >= %s"
                " AND COALESCE(paid_at, ordered_at) < %s",
                [start, end],
            )
            orders = cursor.fetchone()[0]
            cursor.execute(
                "SELECT COUNT(*) FROM logistics_parcel WHERE (collected_at >= %s AND"
                " collected_at < %s) OR (delivered_at >= %s AND delivered_at < %s)",
                [start, end, start, end],
            )
            return orders, cursor.fetchone()[0]

    def touch() -> None:
        """Stamp the day's orders and parcels as just updated (what an import does)."""
        now = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(seconds=1))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE commerce_order SET updated_at = %s WHERE COALESCE(paid_at, ordered_at)"
                " >= %s AND COALESCE(paid_at, ordered_at) < %s",
                [now, start, end],
            )
            cursor.execute(
                "UPDATE logistics_parcel SET updated_at = %s WHERE (collected_at >= %s AND"
                " collected_at < %s) OR (delivered_at >= %s AND delivered_at < %s)",
                [now, start, end, start, end],
            )

    def incremental() -> None:
        refresh.mark_days_changed([day])
        refresh.facts_refresh()

    operator = Scope(role=Role.OPERATOR)

    def read() -> None:
        """Two headline tiles for a year."""
        measure_value("retail_sales", operator, day.year)
        measure_value("express_volume", operator, day.year)

    steps: dict[str, object] = {}
    if not args.no_full:
        steps["full"] = refresh.facts_rebuild
    steps["incremental"] = incremental
    steps["hook"] = lambda: refresh.facts_refresh_days([day])
    steps["hook_sales"] = lambda: refresh.facts_refresh_days([day], ["sales"])
    steps["hook_parcels"] = lambda: refresh.facts_refresh_days([day], ["parcels"])
    if args.check:
        steps["check"] = lambda: refresh.facts_refresh(check=True)
    steps["read"] = read
    if args.only:
        chosen = set(args.only.split(","))
        steps = {name: fn for name, fn in steps.items() if name in chosen}
    if "full" not in steps:
        refresh.facts_refresh()  # start from an up-to-date watermark and an empty ledger
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in steps}
    for _ in range(args.runs):
        for name, fn in steps.items():
            if name == "check":  # the day's rows stamped after the watermark, untimed
                time.sleep(1.1)
                touch()
            runs[name].append(timed(fn))
    result: dict[str, object] = {
        "database": connection.vendor,
        "orders": Order.objects.count(),
        "parcels": Parcel.objects.count(),
        "day": day.isoformat(),
        "day_orders_parcels": day_rows(),
    }
    for name, values in runs.items():
        result[name] = {
            key: round(statistics.median(v[key] for v in values), 3)
            for key in ("wall_s", "cpu_s", "server_cpu_s")
        }
        result[name]["wall_runs"] = [round(v["wall_s"], 2) for v in values]  # type: ignore[index]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
