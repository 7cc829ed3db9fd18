"""Benchmark: the cockpit page, its tiles and the verified panel on an existing database.

    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin demo-data --seed 1 --scale 1
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin facts refresh
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin trust refresh
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/python bench/cockpit_page.py --runs 5

As the operator and as 海原县's official, as of the end of `--month` (default 2025-06).
The forecast fits of those views are warmed first (`youpin.cockpit.warm` as of the month's
end, as `youpin facts refresh` does for the default day; its figures are under "warm").
Wall-clock and CPU seconds (median of the runs; on PostgreSQL also the server backend's
CPU, from /proc) of:

* `page_cold`: the first page of a fresh process (a child process that imports
  `youpin.config.wsgi`, as a gunicorn worker does at start: Django set up, the WSGI
  application made, the URLconf and every view module imported — `worker_start_s`), the
  fits stored — what a new worker's first user waits for. `statsmodels_imported` says
  whether that page imported statsmodels (it should not). The test client's middleware is
  loaded before timing (a worker's handler loads it at start);
* `page_cold_unstored`: the same with the stored fits emptied (inside a transaction that is
  rolled back) and statsmodels imported before timing: the page fits its forecasts. This is
  the meaning `page_cold` had before the fits were stored (docs/BENCHMARKS.md's earlier
  figures); `statsmodels_import_s` is the import that such a page pays on top;
* `page`: `/cockpit/` through the Django test client, series and fits cached (what a user
  waits for);
* `page_after_refresh`: the first page after a facts refresh — the series cache is keyed
  by the refresh time, which is moved on before each run, so the series are read again;
  the forecast fits (on complete months) stay cached, as within a month;
* `page_fits_from_store`: the same with the process's fits forgotten: they are read from
  the stored rows (a process that has not yet served these series);
* `page_new_month`: the same with the stored fits emptied too (rolled back afterwards) —
  the first page once a month's data is complete, had no warm stored its fits;
* `tiles`: `tiles(…, with_verified=False)` alone;
* `verified`: the reported-vs-verified panel (`/cockpit/verified/`), from the sales facts'
  split by verification state.

The timed steps of this process import statsmodels at their first fit (`page_new_month`).
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")


def backend_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this process's connection (0 on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], object]) -> tuple[float, float, float]:
    """Wall-clock, CPU and PostgreSQL server CPU seconds of one call."""
    server = backend_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu, backend_cpu() - server


def _child(login: str, month: str, mode: str) -> None:
    """In a fresh process: time the first cockpit page (`stored` or `unstored` fits); print JSON."""
    started = time.perf_counter()
    import youpin.config.wsgi  # noqa: F401 - what a gunicorn worker loads before serving

    worker_start = round(time.perf_counter() - started, 3)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from youpin.cockpit.models import ForecastFit

    client = Client()
    client.force_login(get_user_model().objects.get(username=login))
    client.handler.load_middleware()  # a worker's WSGIHandler did this in get_wsgi_application
    extra: dict[str, object] = {"worker_start_s": worker_start}

    def page() -> None:
        assert client.get(f"/cockpit/?month={month}").status_code == 200

    if mode != "unstored":
        wall, cpu, server = timed(page)
    else:
        started = time.perf_counter()
        import statsmodels.tsa.holtwinters  # noqa: F401

        extra["statsmodels_import_s"] = round(time.perf_counter() - started, 3)
        with transaction.atomic():
            ForecastFit.objects.all().delete()
            wall, cpu, server = timed(page)
            transaction.set_rollback(True)
    extra["statsmodels_imported"] = "statsmodels" in sys.modules
    out = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "server_cpu_s": round(server, 3)}
    print(json.dumps(out | extra))


def fresh_process(login: str, month: str, mode: str) -> dict[str, object]:
    """Run `_child` in a new Python process and return what it measured."""
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--child", login, "--month", month, "--mode", mode],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    """Time the page and its parts; print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--month", default="2025-06")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="stored", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.month, args.mode)
        return

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from youpin.accounts.scoping import scope_for
    from youpin.cockpit import fits
    from youpin.cockpit.forecast import _forecast_monthly_cached
    from youpin.cockpit.models import ForecastFit
    from youpin.cockpit.page import parse_query
    from youpin.cockpit.tiles import tiles
    from youpin.cockpit.warm import warm
    from youpin.facts.models import FactsState
    from youpin.plans.selectors import plan_default

    users = get_user_model().objects
    plan = plan_default()
    assert plan is not None
    year, month = (int(x) for x in args.month.split("-"))
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    warmed = warm(today=month_end).as_dict()  # the views measured: as of the month's end
    out: dict[str, dict[str, object]] = {}
    for login in ("operator", "official_haiyuan"):
        user = users.get(username=login)
        client = Client()
        client.force_login(user)
        scope = scope_for(user)
        query = parse_query(scope, {"month": args.month})
        url = f"/cockpit/?month={args.month}"

        def page(url: str = url, client: Client = client) -> None:
            assert client.get(url).status_code == 200

        def verified(client: Client = client) -> None:
            assert client.get(f"/cockpit/verified/?month={args.month}").status_code == 200

        def tiles_only(scope: object = scope, as_of: object = query.as_of) -> None:
            tiles(scope, plan, as_of, with_verified=False)  # type: ignore[arg-type]

        def after_refresh(page: Callable[[], None] = page) -> None:
            FactsState.objects.update(refreshed_at=timezone.now())
            page()

        def from_store(page: Callable[[], None] = page) -> None:
            FactsState.objects.update(refreshed_at=timezone.now())
            fits.clear_process_cache()
            _forecast_monthly_cached.cache_clear()
            page()

        def new_month(page: Callable[[], None] = page) -> None:
            FactsState.objects.update(refreshed_at=timezone.now())
            fits.clear_process_cache()
            _forecast_monthly_cached.cache_clear()
            with transaction.atomic():
                ForecastFit.objects.all().delete()
                page()
                transaction.set_rollback(True)

        row: dict[str, object] = {
            "page_cold": fresh_process(login, args.month, "stored"),
            "page_cold_unstored": fresh_process(login, args.month, "unstored"),
        }
        for name, fn in (
            ("page", page),
            ("page_after_refresh", after_refresh),
            ("page_fits_from_store", from_store),
            ("page_new_month", new_month),
            ("tiles", tiles_only),
            ("verified", verified),
        ):
            runs = [timed(fn) for _ in range(args.runs)]
            row[name] = {
                "wall_s": round(statistics.median(r[0] for r in runs), 3),
                "cpu_s": round(statistics.median(r[1] for r in runs), 3),
                "server_cpu_s": round(statistics.median(r[2] for r in runs), 3),
            }
        out[login] = row
    result = {"month": args.month, "runs": args.runs, "warm": warmed, "results": out}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
