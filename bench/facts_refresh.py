"""Benchmark: full and one-day incremental refresh of the daily facts on an existing database.

    DATABASE_URL=sqlite:////tmp/facts.sqlite3 .venv/bin/youpin demo-data --seed 1 --scale 1
    DATABASE_URL=sqlite:////tmp/facts.sqlite3 .venv/bin/python bench/facts_refresh.py --runs 3

In-process. Times (median of the runs):

* `full`: `facts_rebuild()` — every fact table rebuilt from all raw rows;
* `incremental`: one day of data "arrives" (the orders sold and the parcels collected or
  delivered on the last day of data are stamped as updated now, as an import stamps them),
  then `facts_refresh()` finds the changed days and recomputes them — detection included;
* `hook`: `facts_refresh_days([that day])`, the call the importers make after a batch;
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
from datetime import date, timedelta
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
    from youpin.facts import refresh
    from youpin.facts.statements import day_sql
    from youpin.logistics.models import Parcel
    from youpin.plans.measures import measure_value

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    refresh.MARGIN = timedelta(0)

    def timed(fn: object) -> float:
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        return time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({day_sql('COALESCE(paid_at, ordered_at)')}) FROM commerce_order"
        )
        last = cursor.fetchone()[0]
    day = last if isinstance(last, date) else date.fromisoformat(str(last)[:10])

    def touch() -> tuple[int, int]:
        """Stamp the day's orders and parcels as just updated (what an import does)."""
        now = timezone.now() + timedelta(seconds=1)
        params = [connection.ops.adapt_datefield_value(day)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE commerce_order SET updated_at = %s WHERE "
                f"{day_sql('COALESCE(paid_at, ordered_at)')} = %s",
                [connection.ops.adapt_datetimefield_value(now), *params],
            )
            orders = cursor.rowcount
            cursor.execute(
                f"UPDATE logistics_parcel SET updated_at = %s WHERE {day_sql('collected_at')} = %s"
                f" OR {day_sql('delivered_at')} = %s",
                [connection.ops.adapt_datetimefield_value(now), *params, *params],
            )
            return orders, cursor.rowcount

    operator = Scope(role=Role.OPERATOR)

    def read() -> None:
        """Two headline tiles for a year."""
        measure_value("retail_sales", operator, day.year)
        measure_value("express_volume", operator, day.year)

    full, incremental, hook, reads = [], [], [], []
    touched = (0, 0)
    for _ in range(args.runs):
        full.append(timed(refresh.facts_rebuild))
        time.sleep(1.1)
        touched = touch()
        incremental.append(timed(refresh.facts_refresh))
        hook.append(timed(lambda: refresh.facts_refresh_days([day])))
        reads.append(timed(read))
    result = {
        "database": connection.vendor,
        "orders": Order.objects.count(),
        "parcels": Parcel.objects.count(),
        "day": day.isoformat(),
        "touched_orders_parcels": touched,
        "full_s": [round(x, 2) for x in full],
        "incremental_s": [round(x, 2) for x in incremental],
        "hook_s": [round(x, 2) for x in hook],
        "read_s": [round(x, 3) for x in reads],
        "median_full_s": round(statistics.median(full), 2),
        "median_incremental_s": round(statistics.median(incremental), 2),
        "median_hook_s": round(statistics.median(hook), 2),
        "median_read_s": round(statistics.median(reads), 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
