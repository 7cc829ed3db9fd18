"""Load test of the station counter: 50 clients checking parcels in over the API for 60 s.

    .venv/bin/python bench/counter_load.py --db sqlite
    .venv/bin/python bench/counter_load.py --db postgres --clients 50 --seconds 60

Builds a fresh database of its own (migrate, divisions, reference carriers, `--stations`
stations each with a keeper and an API token), starts the site with gunicorn on the
loopback (installed as for `push_load.py`, whose helper is reused) and runs `--clients`
client threads, each a counter device of one station scanning a new waybill every
`--interval` seconds (with jitter) and posting it to `/api/counter/<station>/checkins`
with its keeper's bearer token. The schedule is open-loop: each request has a planned
time and its latency is measured from then, so a slow server cannot hide its queue.
`--interval 0` makes each client send its next scan as soon as the last is answered
(closed loop), which measures the throughput ceiling instead.

Afterwards the database is counted: parcels, waiting custodies, distinct pickup codes per
station and check-in events must all equal the check-ins the server acknowledged, and
every request must have been acknowledged.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from push_load import PYLIB, PYTHON, ensure_gunicorn

OUT = Path(os.environ.get("YOUPIN_BENCH_DIR", "/tmp/counter-bench"))
SQLITE = OUT / "counter-bench.sqlite3"
PG_ROOT = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("YOUPIN_BENCH_PG_DB", "youpin_counter_bench")
PORT = 8766
YOUPIN = str(Path(PYTHON).parent / "youpin")

SETUP = """
import json
from youpin.accounts.models import Role
from youpin.accounts.services import api_token_issue, user_with_role_upsert
from youpin.geo.models import Place
from youpin.stations.models import Station, StationKind
towns = list(Place.objects.filter(level="township").order_by("code")[:{n}])
out = []
for i, town in enumerate(towns):
    station = Station.objects.create(code=f"BENCH-{{i:02d}}", name=f"压测站点{{i:02d}}",
                                     kind=StationKind.TOWNSHIP, place=town)
    user = user_with_role_upsert(username=f"bench-keeper-{{i:02d}}", password="bench-pass-123",
                                 role=Role.STATION_KEEPER, station=station)
    out.append({{"station": station.code, "token": api_token_issue(user=user, name="bench").key}})
print(json.dumps(out))
"""

COUNT = """
import json
from django.db.models import Count
from youpin.counter.models import Custody, OutboxMessage
from youpin.logistics.models import Parcel, TrackingEvent
waiting = Custody.objects.filter(state="waiting")
per_station = waiting.values("station").annotate(
    n=Count("id"), codes=Count("pickup_code", distinct=True)
)
twice = Custody.objects.values("parcel").annotate(n=Count("id")).filter(n__gt=1)
print(json.dumps({
    "parcels": Parcel.objects.count(),
    "custodies": Custody.objects.count(),
    "waiting": waiting.count(),
    "distinct_codes": sum(r["codes"] for r in per_station),
    "parcels_with_two_custodies": twice.count(),
    "checkin_events": TrackingEvent.objects.filter(
        raw_code="station_checkin", source="station"
    ).count(),
    "parcels_ready": Parcel.objects.filter(status="ready_for_pickup").count(),
    "notices": OutboxMessage.objects.count(),
}))
"""


def database_url(db: str) -> str:
    """The URL of the benchmark's own database."""
    return f"sqlite:///{SQLITE}" if db == "sqlite" else f"{PG_ROOT}/{PG_DB}"


def shell(code: str, env: dict[str, str]) -> object:
    """Run Python in `youpin shell` and read the JSON its last line prints."""
    out = subprocess.run(
        [YOUPIN, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_database(db: str, env: dict[str, str], stations: int) -> list[dict[str, str]]:
    """Drop and recreate the database; divisions, carriers, stations with keepers and tokens."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_ROOT}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    subprocess.run([YOUPIN, "migrate", "-v0"], env=env, check=True)
    subprocess.run([YOUPIN, "geo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    shell("from youpin.logistics.services import carriers_sync; carriers_sync(); print(0)", env)
    devices = shell(SETUP.format(n=stations), env)
    assert isinstance(devices, list), devices
    assert len(devices) == stations, devices
    return devices


def start_server(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    """Start gunicorn on the loopback and wait until it answers (refusing a port in use:
    the load must reach this site, not another benchmark's)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise RuntimeError(f"port {port} is in use: choose another with --port") from exc
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "youpin.config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=dict(env, PYTHONPATH=os.pathsep.join([str(PYLIB), env.get("PYTHONPATH", "")])),
    )  # fmt: skip
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"the server exited (is port {port} in use?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def run_clients(
    devices: list[dict[str, str]], clients: int, seconds: float, interval: float, port: int
) -> tuple[list[float], list[str], int]:
    """Run the client threads; (latencies, errors, check-ins acknowledged)."""
    latencies: list[float] = []
    errors: list[str] = []
    acknowledged = [0]
    lock = threading.Lock()
    begin = time.perf_counter() + 0.5
    end = begin + seconds

    def client(n: int) -> None:
        device = devices[n % len(devices)]
        rng = random.Random(n)
        headers = {"Authorization": f"Bearer {device['token']}", "Content-Type": "application/json"}
        path = f"/api/counter/{device['station']}/checkins"
        planned = begin + (rng.random() * interval if interval else 0)
        seq = 0
        while planned < end:
            delay = planned - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            start = planned if interval else time.perf_counter()
            seq += 1
            body = json.dumps({
                "waybill_no": f"YT{n:03d}{seq:010d}",
                "recipient_phone": f"139{rng.randrange(10**8):08d}",
            })  # fmt: skip
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                conn.close()
                problem = "" if response.status == 201 else f"{response.status} {answer[:160]!r}"
            except OSError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)
                else:
                    acknowledged[0] += 1
            if interval:  # the next scan: the device's rhythm, with ±50 % jitter
                planned += interval * (0.5 + rng.random())
            else:
                planned = time.perf_counter()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, acknowledged[0]


def main() -> None:
    """Run the load test once and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--interval", type=float, default=1.0, help="mean seconds between scans; 0 = closed loop"
    )
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=PORT, help="the site's loopback port")
    parser.add_argument(
        "--settings",
        choices=["site", "persistent"],
        default="site",
        help="the site's settings, or the same with persistent SQLite connections",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DATABASE_URL=database_url(args.db),
        YOUPIN_VAR_DIR=str(OUT / "var"),
        YOUPIN_LOG_LEVEL="WARNING",
    )
    devices = fresh_database(args.db, env, args.stations)
    if args.settings == "persistent":
        env["DJANGO_SETTINGS_MODULE"] = "push_settings"
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    ensure_gunicorn()
    load_before = [round(x, 2) for x in os.getloadavg()]
    server = start_server(env, args.workers, args.port)
    try:
        started = time.perf_counter()
        latencies, errors, acknowledged = run_clients(
            devices, args.clients, args.seconds, args.interval, args.port
        )
        wall = time.perf_counter() - started - 0.5
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    counts = shell(COUNT, env)
    assert isinstance(counts, dict)
    ordered = sorted(latencies)
    exact = all(
        counts[k] == acknowledged
        for k in ("parcels", "custodies", "waiting", "distinct_codes", "checkin_events",
                  "parcels_ready", "notices")
    ) and counts["parcels_with_two_custodies"] == 0  # fmt: skip
    summary = {
        "db": args.db,
        "settings": args.settings,
        "workers": args.workers,
        "clients": args.clients,
        "stations": args.stations,
        "interval_s": args.interval,
        "seconds": args.seconds,
        "requests": len(latencies),
        "acknowledged": acknowledged,
        "rate_achieved": round(len(latencies) / wall, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "latency_ms": {
            "p50": round(1000 * ordered[len(ordered) // 2], 1),
            "p95": round(1000 * ordered[int(len(ordered) * 0.95)], 1),
            "p99": round(1000 * ordered[int(len(ordered) * 0.99)], 1),
            "max": round(1000 * ordered[-1], 1),
            "mean": round(1000 * statistics.fmean(ordered), 1),
        },
        "database": counts,
        "database_matches_acknowledged": exact,
        "load_average_before": load_before,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
