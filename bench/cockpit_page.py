"""Benchmark: the cockpit page, its tiles and the verified panel on an existing database.

    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin demo-data --seed 1 --scale 1
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin facts refresh
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/youpin trust refresh
    DATABASE_URL=sqlite:////tmp/cockpit.sqlite3 .venv/bin/python bench/cockpit_page.py --runs 5

In-process, as the operator and as 海原县's official, as of the end of `--month`
(default 2025-06). Wall-clock and CPU seconds (median of the runs; on PostgreSQL also the
server backend's CPU, from /proc) of:

* `page_cold`: the first page of a fresh process (fits the forecast models);
* `page`: `/cockpit/` through the Django test client, fits cached (what a user waits for);
* `page_after_refresh`: the first page after a facts refresh — the series cache is keyed
  by the refresh time, which is moved on before each run, so the series are read again;
  the forecast fits (on complete months) stay cached, as within a month;
* `page_new_month`: the same with the fits' cache emptied too — the first page once a
  month's data is complete (or of a process that has not fitted these series yet);
* `tiles`: `tiles(…, with_verified=False)` alone;
* `verified`: the reported-vs-verified panel (`/cockpit/verified/`), which reads orders.

statsmodels is imported before timing (a process imports it once).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
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


def main() -> None:
    """Time the page and its parts; print JSON."""
    import django

    django.setup()
    import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from youpin.accounts.scoping import scope_for
    from youpin.cockpit.forecast import _forecast_monthly_cached
    from youpin.cockpit.page import parse_query
    from youpin.cockpit.tiles import tiles
    from youpin.facts.models import FactsState
    from youpin.plans.selectors import plan_default

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--month", default="2025-06")
    args = parser.parse_args()
    users = get_user_model().objects
    plan = plan_default()
    assert plan is not None
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

        def new_month(page: Callable[[], None] = page) -> None:
            FactsState.objects.update(refreshed_at=timezone.now())
            _forecast_monthly_cached.cache_clear()
            page()

        row: dict[str, object] = {"page_cold": timed(page)}
        for name, fn in (
            ("page", page),
            ("page_after_refresh", after_refresh),
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
        cold = row["page_cold"]
        assert isinstance(cold, tuple)
        row["page_cold"] = {
            "wall_s": round(cold[0], 3),
            "cpu_s": round(cold[1], 3),
            "server_cpu_s": round(cold[2], 3),
        }
        out[login] = row
    print(json.dumps({"month": args.month, "runs": args.runs, "results": out}, indent=2))


if __name__ == "__main__":
    main()
