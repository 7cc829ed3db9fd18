"""Benchmark: order verification and brushing signals (`youpin trust refresh`, issue 8).

    .venv/bin/python bench/verification.py --db sqlite --scale 10 --runs 3
    .venv/bin/python bench/verification.py --db postgres --scale 10 --runs 3

Builds (once, kept between runs) a database with the deterministic demo dataset
(`youpin demo-data --seed 1 --scale X`: 100,000 × X orders with their parcels and
tracking events), then, per run, in a child process:

* full: empties the trust tables and runs `verification_refresh()` over every order;
* incremental: marks the orders (and their parcels) of the dataset's last full day as
  changed, as an import of that day would, and runs `verification_refresh(since=…)`.

`--brush SHOPS` first adds 30 orders from 3 buyers within 30 minutes to each of SHOPS shops
(the demo does not brush), so that the signal steps find, record and mark something.

Prints the wall time of each, the client process's CPU time (on SQLite all the work; on
PostgreSQL the server's is not included), the time per step, the row counts, the states and the load
average of the machine before and after (it is shared), as JSON lines and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YOUPIN = str(ROOT / ".venv" / "bin" / "youpin")
OUT = Path(os.environ.get("YOUPIN_BENCH_DIR", "/tmp/youpin-bench"))
PG_ROOT = "postgres://postgres@127.0.0.1:5432"
NOW = "2026-01-01T00:00:00+08:00"  # the demo's order book ends with 2025


def database_url(db: str, scale: float) -> str:
    """The benchmark's own database for a backend and scale."""
    tag = str(scale).replace(".", "_")
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT}/trust{tag}.sqlite3"
    return f"{PG_ROOT}/youpin_trust_bench{tag}"


def prepare(url: str, scale: float) -> None:
    """Migrate, load the divisions and generate the demo data (a re-run is a no-op)."""
    env = {**os.environ, "DATABASE_URL": url, "YOUPIN_VAR_DIR": str(OUT / "var")}
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", PG_ROOT + "/postgres", "-c", f"CREATE DATABASE {name}"],
            capture_output=True,
            check=False,
        )
    for args in (
        ["migrate", "--no-input", "-v", "0"],
        ["geo", "load"],
        ["demo-data", "--seed", "1", "--scale", str(scale)],
    ):
        started = time.perf_counter()
        subprocess.run([YOUPIN, *args], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"# {' '.join(args)}: {time.perf_counter() - started:.1f} s", flush=True)


BRUSH = r"""
import os
from datetime import timedelta
from decimal import Decimal
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
django.setup()
from django.db import transaction
from youpin.catalog.models import Shop
from youpin.commerce.models import Order

shops = int(os.environ["BENCH_BRUSH"])
if not Order.objects.filter(platform_order_id__startswith="BRUSH-").exists():
    rows = []
    picked = list(Shop.objects.order_by("pk").select_related("merchant")[: shops * 7 : 7])
    for n, shop in enumerate(picked):
        base = Order.objects.filter(shop=shop).order_by("ordered_at").last()
        at = (base.ordered_at if base else None) or Order.objects.latest("ordered_at").ordered_at
        at = at - timedelta(days=3 + n % 20)
        for i in range(30):  # 30 orders in 30 minutes from 3 buyers: ratio 10
            rows.append(Order(platform=shop.platform, platform_order_id=f"BRUSH-{shop.pk}-{i}",
                shop=shop, merchant=shop.merchant, status="completed",
                goods_amount=Decimal("9.90"), paid_amount=Decimal("9.90"),
                net_amount=Decimal("9.90"), ordered_at=at + timedelta(minutes=i),
                paid_at=at + timedelta(minutes=i), buyer_phone=f"1880000{n % 100:02d}{i % 3:02d}",
                destination_text=f"刷单测试地址{n}-{i % 3}", is_demo=True))
    with transaction.atomic():
        Order.objects.bulk_create(rows, batch_size=1000)
    print(f"# injected {len(rows)} brushing orders in {len(picked)} shops")
"""


CHILD = r"""
import json, os, resource, time
from datetime import datetime, timedelta
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
django.setup()
from django.db import connection, transaction
from django.db.models import Count, Max
from youpin.commerce.models import Order
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.trust.models import OrderVerification, ReviewCase, ShopSignal
from youpin.trust.services import verification_refresh

mode = os.environ["BENCH_MODE"]
now = datetime.fromisoformat(os.environ["BENCH_NOW"])
info = {"mode": mode, "load_before": os.getloadavg()[0]}
if mode == "full":
    with transaction.atomic():
        ShopSignal.objects.all().delete()
        ReviewCase.objects.all().delete()
        OrderVerification.objects.all().delete()
    started = time.perf_counter()
    cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    result = verification_refresh(now=now)
else:
    last = Order.objects.aggregate(m=Max("ordered_at"))["m"]
    day_end = last.replace(hour=0, minute=0, second=0, microsecond=0)
    day_start = day_end - timedelta(days=1)
    marker = datetime.now(tz=now.tzinfo)
    with transaction.atomic():
        day = Order.objects.filter(ordered_at__gte=day_start, ordered_at__lt=day_end)
        info["day_orders"] = day.update(updated_at=marker)
        info["day_parcels"] = Parcel.objects.filter(
            pk__in=day.exclude(parcel=None).values("parcel_id")
        ).update(updated_at=marker)
    started = time.perf_counter()
    cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    result = verification_refresh(since=marker - timedelta(seconds=1), now=now)
info["seconds"] = round(time.perf_counter() - started, 2)
usage = resource.getrusage(resource.RUSAGE_SELF)
info["cpu_seconds_client"] = round(usage.ru_utime + usage.ru_stime - cpu0, 2)
info["steps"] = result.timings
info["orders_recomputed"] = result.orders
info["open_signals"] = result.signals_open
info["states"] = dict(
    OrderVerification.objects.order_by().values_list("state").annotate(n=Count("pk"))
)
info["orders"] = Order.objects.count()
info["events"] = TrackingEvent.objects.count() if mode == "full" else None
info["load_after"] = os.getloadavg()[0]
info["vendor"] = connection.vendor
print(json.dumps(info, ensure_ascii=False))
"""


def run(url: str, mode: str) -> dict[str, object]:
    """One timed refresh in a fresh child process."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "YOUPIN_VAR_DIR": str(OUT / "var"),
        "BENCH_MODE": mode,
        "BENCH_NOW": NOW,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, check=True, capture_output=True, text=True
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(found, ensure_ascii=False), flush=True)
    return found


def main() -> None:
    """Prepare once, then time full and incremental refreshes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument(
        "--brush",
        type=int,
        default=0,
        metavar="SHOPS",
        help="first add 30 brushing orders (3 buyers in 30 minutes) to SHOPS shops",
    )
    args = parser.parse_args()
    url = database_url(args.db, args.scale)
    if not args.skip_prepare:
        prepare(url, args.scale)
    if args.brush:
        env = {**os.environ, "DATABASE_URL": url, "YOUPIN_VAR_DIR": str(OUT / "var")}
        env["BENCH_BRUSH"] = str(args.brush)
        subprocess.run([sys.executable, "-c", BRUSH], env=env, check=True)
    full = [run(url, "full") for _ in range(args.runs)]
    incremental = [run(url, "incremental") for _ in range(args.runs)]
    summary = {
        "db": args.db,
        "scale": args.scale,
        "full_median_s": statistics.median(float(str(r["seconds"])) for r in full),
        "incremental_median_s": statistics.median(float(str(r["seconds"])) for r in incremental),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
