"""What one push and one counter check-in cost: CPU, database round trips, and a profile.

    .venv/bin/python bench/request_cost.py --db sqlite
    .venv/bin/python bench/request_cost.py --db postgres --pushes 600 --checkins 600
    .venv/bin/python bench/request_cost.py --db postgres --profile push   # cProfile, top 30

Single-threaded, in one process, through Django's test client (the full request path:
middleware, URL resolution, authentication, the view, the reply), on a fresh database of
its own (migrate, divisions, reference carriers, one station with its keeper and an API
token). Warm-up requests go first (caches, prepared statements, a timeline under every
waybill), then the measured ones. Reported per request:

* `python_cpu_ms`: this process's CPU (user + system) — Django, parsing, the ORM, and
  SQLite itself, which runs in-process;
* `postgres_cpu_ms`: on PostgreSQL, the CPU of the server process serving this
  connection (from /proc), so web + database CPU is their sum;
* `round_trips`: statements sent to the database (on PostgreSQL counted at the driver,
  so the loader's own cursor counts too; several statements in one call count once).

CPU, unlike latency, is barely inflated by other work on a shared machine; it says how
many requests two cores can serve at most (2000 / total ms per second).
`YOUPIN_BENCH_DIR` and `YOUPIN_BENCH_PG_DB` keep sessions sharing a machine apart.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

OUT = Path(os.environ.get("YOUPIN_BENCH_DIR", "/tmp/youpin-bench"))
PG_ROOT = "postgres://postgres@127.0.0.1:5432"
# beside, not over, the load tests' database when they share YOUPIN_BENCH_PG_DB
PG_DB = os.environ.get("YOUPIN_BENCH_PG_DB", "youpin_bench") + "_cost"
SQLITE = OUT / "request-cost.sqlite3"
SORT = os.environ.get("YOUPIN_PROFILE_SORT", "cumulative")


def _environment(db: str) -> None:
    """Point Django at the benchmark's own database, with the push secrets set."""
    from push_load import APP_KEY, EBUSINESS_ID, SALT, TOKEN

    url = f"sqlite:///{SQLITE}" if db == "sqlite" else f"{PG_ROOT}/{PG_DB}"
    os.environ.update(
        DATABASE_URL=url,
        YOUPIN_VAR_DIR=str(OUT / "cost-var"),
        YOUPIN_LOG_LEVEL="WARNING",
        YOUPIN_KUAIDI100_SALT=SALT,
        YOUPIN_KDNIAO_APP_KEY=APP_KEY,
        YOUPIN_KDNIAO_EBUSINESS_ID=EBUSINESS_ID,
        YOUPIN_WECHAT_TOKEN=TOKEN,
        DJANGO_SETTINGS_MODULE="youpin.config.settings",
    )


def _fresh_database(db: str) -> None:
    """Drop and create the database file or PostgreSQL database."""
    OUT.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_ROOT}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def _setup() -> tuple[str, str]:
    """Migrate, load divisions and carriers, make a station with its keeper; (station, token)."""
    from django.core.management import call_command

    from youpin.accounts.models import Role
    from youpin.accounts.services import api_token_issue, user_with_role_upsert
    from youpin.geo.models import Place
    from youpin.logistics.services import carriers_sync
    from youpin.stations.models import Station, StationKind

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("geo", "load", stdout=quiet)
    carriers_sync()
    town = Place.objects.filter(level="township").order_by("code").first()
    station = Station.objects.create(
        code="COST-01", name="测算站点01", kind=StationKind.TOWNSHIP, place=town
    )
    user = user_with_role_upsert(
        username="cost-keeper", password="cost-pass-123", role=Role.STATION_KEEPER, station=station
    )
    return station.code, api_token_issue(user=user, name="cost").key


class RoundTrips:
    """Counts statements sent to the database while active."""

    def __init__(self) -> None:
        self.count = 0

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count statements inside the block (driver level on PostgreSQL)."""
        from django.db import connection

        if connection.vendor == "postgresql":
            import psycopg

            original = psycopg.Cursor.execute

            def execute(cursor: Any, *args: Any, **kwargs: Any) -> Any:
                self.count += 1
                return original(cursor, *args, **kwargs)

            psycopg.Cursor.execute = execute  # type: ignore[method-assign]
            try:
                yield
            finally:
                psycopg.Cursor.execute = original  # type: ignore[method-assign]
            return

        def wrapper(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any
        ) -> Any:
            self.count += 1
            return execute(sql, params, many, ctx)

        from django.core.signals import request_started

        def install(**_kwargs: Any) -> None:  # SQLite connections are new on every request
            connection.execute_wrappers[:] = [wrapper]

        request_started.connect(install, weak=False)
        try:
            yield
        finally:
            request_started.disconnect(install)
            connection.execute_wrappers[:] = []


def _backend_cpu() -> float:
    """CPU seconds so far of the PostgreSQL process serving Django's connection (0 on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _push_requests(count: int, parcels: Any) -> list[tuple[str, bytes, str]]:
    """(path, body, content type) of `count` pushes, a third from each provider."""
    from push_load import kdniao_push, kuaidi100_push, wechat_push

    makers = [kuaidi100_push, kdniao_push, wechat_push]
    out = []
    for n in range(count):
        provider, body, query, _keys = makers[n % 3](parcels)
        path = f"/push/{provider}/" + (f"?{urlencode(query)}" if query else "")
        kind = "application/json" if provider == "wechat" else "application/x-www-form-urlencoded"
        out.append((path, body, kind))
    return out


def _checkin_requests(count: int, start: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """(waybill, body) of `count` check-ins of new YTO waybills with a phone."""
    out = []
    for n in range(start, start + count):
        waybill = f"YT{n:013d}"
        body = json.dumps(
            {"waybill_no": waybill, "recipient_phone": f"139{rng.randrange(10**8):08d}"}
        )
        out.append((waybill, body.encode()))
    return out


def _measure(
    name: str, send: Callable[[int], None], count: int, profile: bool
) -> dict[str, object]:
    """Run `send(i)` for i < count; CPU and round trips per request."""
    trips = RoundTrips()
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
    pg_before, py_before = _backend_cpu(), time.process_time()
    with trips.counting():
        if profiler is not None:
            profiler.enable()
        for i in range(count):
            send(i)
        if profiler is not None:
            profiler.disable()
    py_used, pg_used = time.process_time() - py_before, _backend_cpu() - pg_before
    result: dict[str, object] = {
        "requests": count,
        "python_cpu_ms": round(1000 * py_used / count, 2),
        "postgres_cpu_ms": round(1000 * pg_used / count, 2),
        "total_cpu_ms": round(1000 * (py_used + pg_used) / count, 2),
        "round_trips": round(trips.count / count, 2),
    }
    if profiler is not None:
        if os.environ.get("YOUPIN_PROFILE_OUT"):  # for pstats or snakeviz
            profiler.dump_stats(os.environ["YOUPIN_PROFILE_OUT"])
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(SORT).print_stats(45)
        print(f"--- profile of {name} ---\n{text.getvalue()}", file=sys.stderr)
    return result


def main() -> None:
    """Measure pushes and check-ins and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pushes", type=int, default=600)
    parser.add_argument("--checkins", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=300, help="requests of each kind first")
    parser.add_argument("--profile", choices=["push", "checkin"], help="print a cProfile")
    args = parser.parse_args()

    _environment(args.db)
    _fresh_database(args.db)
    import django

    django.setup()
    from django.test import Client
    from push_load import Parcels

    station, token = _setup()
    client = Client()
    summary: dict[str, object] = {"db": args.db}

    if args.pushes:
        pushes = _push_requests(args.warmup + args.pushes, Parcels())

        def push(i: int, offset: int = 0) -> None:
            path, body, kind = pushes[offset + i]
            response = client.post(path, data=body, content_type=kind)
            assert response.status_code == 200, (response.status_code, response.content[:200])

        for i in range(args.warmup):
            push(i)
        summary["push"] = _measure(
            "push", lambda i: push(i, args.warmup), args.pushes, args.profile == "push"
        )

    if args.checkins:
        rng = random.Random(5)
        checkins = _checkin_requests(args.warmup + args.checkins, 1, rng)
        url = f"/api/counter/{station}/checkins"
        headers = {"Authorization": f"Bearer {token}"}

        def check_in(i: int, offset: int = 0) -> None:
            _waybill, body = checkins[offset + i]
            response = client.post(url, data=body, content_type="application/json", headers=headers)
            assert response.status_code == 201, (response.status_code, response.content[:300])

        for i in range(args.warmup):
            check_in(i)
        summary["checkin"] = _measure(
            "checkin", lambda i: check_in(i, args.warmup), args.checkins, args.profile == "checkin"
        )
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
