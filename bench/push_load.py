"""Load test of the tracking push endpoints: 200 signed pushes a second for 60 s, on loopback.

    .venv/bin/python bench/push_load.py --db sqlite
    .venv/bin/python bench/push_load.py --db postgres --rate 200 --seconds 60 --workers 3

Builds a fresh database (migrate, divisions, reference carriers), starts the site with
gunicorn (installed into /tmp/youpin-bench/pylib when missing, so the project's venv is
left alone) and the push secrets set, and fires pushes from this process on an open-loop
schedule: each request has a planned send time, and its latency is measured from that
time, so a slow server cannot hide its queue (no coordinated omission).

The pushes imitate the providers: Kuaidi100 (form, `param` + `sign`, the parcel's whole
history each time), Kdniao (form, `RequestData` + `DataSign`, one or two waybills) and
WeChat shop (JSON, signed query string), a third each; each waybill is pushed again as
it moves, so most events in a push were seen before. Afterwards the events in the
database are counted and compared with the distinct events sent: none may be missing.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ingest_tracking import OUT, PYTHON, database_url, fresh_database, generate

from youpin.connectors.carriers.kdniao import kdniao_sign
from youpin.connectors.carriers.kuaidi100 import kuaidi100_sign
from youpin.connectors.tabular import SHANGHAI

SALT, APP_KEY, TOKEN, EBUSINESS_ID = "bench-salt", "bench-appkey", "bench-token", "1700001"
PYLIB = OUT / "pylib"
PORT = 8765
START = datetime(2026, 11, 1, 8, 0)
STEPS = [  # (Kuaidi100 state / Kdniao Action / WeChat action_type, text)
    ("1", "1", "1", "【中卫市】中宁县网点已揽收"),
    ("0", "206", "2", "快件已从【中宁县网点】发出，下一站【银川转运中心】"),
    ("0", "204", "2", "快件已到达【银川转运中心】"),
    ("0", "2", "2", "快件已从【银川转运中心】发出，下一站【兰州转运中心】"),
    ("5", "202", "3", "【兰州市】快递员马师傅正在派件"),
    ("3", "301", "5", "已签收，签收人：本人"),
]
KUAIDI100_CARRIERS = ["zhongtong", "yuantong", "yunda", "shentong", "jtexpress", "shunfeng"]
KDNIAO_CARRIERS = ["ZTO", "YTO", "YD", "STO", "JTSD", "SF"]
WECHAT_CARRIERS = ["ZTO", "YTO", "YD", "STO", "JTSD", "SF"]


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's query-string signature (as `ingest.tracking.signatures` checks it)."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


# -- the pushes --------------------------------------------------------------------------


class Parcels:
    """Waybills that move one step per push, and the distinct events sent for them."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.moving: list[list[object]] = []  # [provider, carrier, waybill, steps pushed, start]
        self.count = 0

    def next_parcel(self, provider: str) -> list[object]:
        """A waybill to push: one already moving (two times in three) or a new one."""
        mine = [p for p in self.moving[-300:] if p[0] == provider and int(str(p[3])) < len(STEPS)]
        if mine and self.rng.random() < 0.67:
            parcel = self.rng.choice(mine)
        else:
            self.count += 1
            carriers = {"kuaidi100": KUAIDI100_CARRIERS, "kdniao": KDNIAO_CARRIERS}.get(
                provider, WECHAT_CARRIERS
            )
            start = START + timedelta(minutes=self.count)
            parcel = [provider, self.rng.choice(carriers), f"76{self.count:012d}", 0, start]
            self.moving.append(parcel)
        parcel[3] = int(str(parcel[3])) + 1
        return parcel

    @staticmethod
    def times(parcel: list[object]) -> list[datetime]:
        """When each step pushed so far happened."""
        start = parcel[4]
        assert isinstance(start, datetime)
        return [start + timedelta(hours=5 * i) for i in range(int(str(parcel[3])))]


def kuaidi100_push(parcels: Parcels) -> tuple[str, bytes, dict[str, str], set[tuple[str, ...]]]:
    """A signed Kuaidi100 push of one waybill's whole history, newest first."""
    p = parcels.next_parcel("kuaidi100")
    times = parcels.times(p)
    data = [
        {
            "context": STEPS[i][3],
            "time": f"{t:%Y-%m-%d %H:%M:%S}",
            "ftime": f"{t:%Y-%m-%d %H:%M:%S}",
        }
        for i, t in reversed(list(enumerate(times)))
    ]
    state = STEPS[len(times) - 1][0]
    param = json.dumps(
        {
            "status": "shutdown" if state == "3" else "polling",
            "message": "",
            "lastResult": {"message": "ok", "state": state, "status": "200", "ischeck": "0",
                           "com": p[1], "nu": p[2], "data": data},
        },
        ensure_ascii=False,
    )  # fmt: skip
    body = urlencode({"param": param, "sign": kuaidi100_sign(param, SALT)}).encode()
    keys = {(str(p[2]), d["ftime"], d["context"]) for d in data}
    return "kuaidi100", body, {}, keys


def kdniao_push(parcels: Parcels) -> tuple[str, bytes, dict[str, str], set[tuple[str, ...]]]:
    """A signed Kdniao push of one or two waybills' traces."""
    items, keys = [], set()
    for _ in range(parcels.rng.choice([1, 1, 2])):
        p = parcels.next_parcel("kdniao")
        times = parcels.times(p)
        traces = [
            {
                "AcceptTime": f"{t:%Y-%m-%d %H:%M:%S}",
                "AcceptStation": STEPS[i][3],
                "Action": STEPS[i][1],
            }
            for i, t in enumerate(times)
        ]
        keys |= {(str(p[2]), tr["AcceptTime"], tr["AcceptStation"]) for tr in traces}
        items.append({"EBusinessID": EBUSINESS_ID, "ShipperCode": p[1], "LogisticCode": p[2],
                      "Success": True, "State": "2", "StateEx": STEPS[len(times) - 1][1],
                      "Traces": traces})  # fmt: skip
    request = json.dumps(
        {"EBusinessID": EBUSINESS_ID, "PushTime": f"{START:%Y-%m-%d %H:%M:%S}",
         "Count": str(len(items)), "Data": items},
        ensure_ascii=False,
    )  # fmt: skip
    sign = kdniao_sign(request, APP_KEY, url_encoded=False)
    body = urlencode({"RequestData": request, "DataSign": sign, "RequestType": "101"}).encode()
    return "kdniao", body, {}, keys


def wechat_push(parcels: Parcels) -> tuple[str, bytes, dict[str, str], set[tuple[str, ...]]]:
    """A WeChat shop e-waybill path push, signed in its query string."""
    p = parcels.next_parcel("wechat")
    times = parcels.times(p)
    path = [
        {"action_time": int(t.replace(tzinfo=SHANGHAI).timestamp()),
         "action_type": int(STEPS[i][2]), "action_msg": STEPS[i][3]}
        for i, t in enumerate(times)
    ]  # fmt: skip
    body = json.dumps(
        {"Event": "ewaybill_push_path", "waybill_id": p[2], "delivery_id": p[1], "path": path},
        ensure_ascii=False,
    ).encode()
    stamp, nonce = str(int(time.time())), str(parcels.rng.randrange(10**9))
    query = {"signature": wechat_signature(TOKEN, stamp, nonce), "timestamp": stamp, "nonce": nonce}
    keys = {(str(p[2]), str(node["action_time"]), str(node["action_msg"])) for node in path}
    return "wechat", body, query, keys


# -- the server --------------------------------------------------------------------------


def ensure_gunicorn() -> None:
    """Install gunicorn into the benchmark's own directory when it cannot be imported."""
    probe = subprocess.run(
        [PYTHON, "-c", "import gunicorn"], env=dict(os.environ, PYTHONPATH=str(PYLIB)), check=False
    )
    if probe.returncode:
        subprocess.run(
            [PYTHON, "-m", "pip", "install", "--quiet", "--target", str(PYLIB), "gunicorn"],
            check=True,
        )


def start_server(env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    """Start gunicorn on the loopback and wait until it answers."""
    with socket.socket() as probe:  # a site already there (another benchmark's) is not ours
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("127.0.0.1", PORT))
        except OSError as exc:
            raise RuntimeError(f"port {PORT} is in use: choose another with --port") from exc
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "youpin.config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        env=dict(env, PYTHONPATH=os.pathsep.join([str(PYLIB), env.get("PYTHONPATH", "")])),
    )  # fmt: skip
    for _ in range(100):
        if server.poll() is not None:  # e.g. the port was taken: never load someone else's site
            raise RuntimeError(f"the server exited (is port {PORT} in use?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/push/wechat/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


# -- the load ----------------------------------------------------------------------------


def fire(
    rate: float, seconds: float, threads: int
) -> tuple[list[float], list[str], set[tuple[str, ...]], int]:
    """Send pushes at `rate` per second for `seconds`; (latencies, errors, event keys, sent)."""
    parcels = Parcels()
    makers = [kuaidi100_push, kdniao_push, wechat_push]
    jobs: queue.Queue[tuple[float, str, bytes, dict[str, str]] | None] = queue.Queue()
    latencies: list[float] = []
    errors: list[str] = []
    keys: set[tuple[str, ...]] = set()
    lock = threading.Lock()
    total = int(rate * seconds)
    made = []
    for n in range(total):
        provider, body, query, sent_keys = makers[n % 3](parcels)
        keys |= sent_keys
        made.append((provider, body, query))
    # The schedule starts once every push is made: making 12,000 signed bodies takes seconds,
    # and a schedule that started before them counted that time as latency (a first-seconds
    # backlog of ≈ 3 s in every earlier run, 5 % of the requests: their p95).
    begin = time.perf_counter() + 0.5
    for n, (provider, body, query) in enumerate(made):
        jobs.put((begin + n / rate, provider, body, query))

    def worker() -> None:
        """Send each job at its planned time and time it from then."""
        while (job := jobs.get()) is not None:
            planned, provider, body, query = job
            delay = planned - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            path = f"/push/{provider}/" + (f"?{urlencode(query)}" if query else "")
            kind = (
                "application/json" if provider == "wechat" else "application/x-www-form-urlencoded"
            )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                conn.request("POST", path, body=body, headers={"Content-Type": kind})
                response = conn.getresponse()
                answer = response.read()
                conn.close()
                problem = "" if response.status == 200 else f"{response.status} {answer[:120]!r}"
            except OSError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - planned
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join()
    return latencies, errors, keys, total


def preload(events: int, env: dict[str, str]) -> None:
    """Import a carrier export of `events` rows, then vacuum, analyse and checkpoint."""
    csv_path, mapping = generate(events, max(events // 7, 1))
    youpin = str(Path(PYTHON).parent / "youpin")
    subprocess.run(
        [
            youpin,
            "import",
            "tracking",
            str(csv_path),
            "--mapping",
            str(mapping),
            "--json",
            "--no-refresh",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Settle the tables as a running site's are: the preload's rows vacuumed and analysed and
    # its dirty pages written, so that autovacuum and the checkpoint of a 500,000-event
    # burst do not run inside the measured minute.
    settle = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "if connection.vendor == 'postgresql':\n"
        "    c.execute('VACUUM (ANALYZE)'); c.execute('CHECKPOINT')\n"
        "else:\n"
        "    c.execute('ANALYZE'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')\n"
    )
    subprocess.run([youpin, "shell", "-c", settle], env=env, check=True)


def count_in_database(env: dict[str, str]) -> dict[str, int]:
    """Events, parcels and pushes by status in the benchmark database."""
    code = (
        "import json; from youpin.logistics.models import TrackingEvent, Parcel;"
        "from youpin.ingest.models import InboundPush; from django.db.models import Count;"
        "c = {'events': TrackingEvent.objects.count(), 'parcels': Parcel.objects.count()};"
        "c.update({'pushes_' + r['status']: r['n'] for r in"
        " InboundPush.objects.values('status').annotate(n=Count('id'))});"
        "print(json.dumps(c))"
    )
    youpin = str(Path(PYTHON).parent / "youpin")
    out = subprocess.run(
        [youpin, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu_by_pid(match: str) -> dict[int, float]:
    """CPU seconds (user + system) so far of each live process whose command line holds
    `match` (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if match in command:
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    return found


class CpuMeter:
    """CPU the site uses during the load: its gunicorn processes and, on PostgreSQL, the
    server processes serving the benchmark's database (not other databases'). Sampled
    every 0.2 s, so a process that ends meanwhile (a connection past CONN_MAX_AGE)
    still counts up to its last sample."""

    def __init__(self, db: str) -> None:
        self.matches = {"gunicorn": f"--bind 127.0.0.1:{PORT}"}
        if db == "postgres":
            self.matches["postgres"] = f" {database_url(db).rsplit('/', 1)[1]} "
        self.start = {name: _cpu_by_pid(match) for name, match in self.matches.items()}
        self.last = {name: dict(pids) for name, pids in self.start.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        """Keep each process's latest CPU reading until stopped."""
        while not self._stop.wait(0.2):
            for name, match in self.matches.items():
                self.last[name].update(_cpu_by_pid(match))

    def stop(self) -> dict[str, float]:
        """Stop sampling; CPU seconds used since the start, by kind of process."""
        self._stop.set()
        self._thread.join()
        for name, match in self.matches.items():
            self.last[name].update(_cpu_by_pid(match))
        return {
            name: sum(cpu - self.start[name].get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in self.last.items()
        }


def main() -> None:
    """Run the load test once and print its figures as JSON."""
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn worker processes (sync). Default 5 on PostgreSQL: with 2 cores, 5 keep"
        " both busy while some wait for the disk flush or their next statement; 3 on SQLite,"
        " which writes one transaction at a time (more workers only queue for its lock)",
    )
    parser.add_argument("--threads", type=int, default=32, help="client threads")
    parser.add_argument(
        "--preload",
        type=int,
        default=500_000,
        help="events imported first (the ingest benchmark's file): tables are not empty",
    )
    parser.add_argument(
        "--settings",
        choices=["site", "persistent"],
        default="site",
        help="the site's settings, or the same with persistent SQLite connections",
    )
    parser.add_argument("--port", type=int, default=PORT, help="loopback port of the site")
    args = parser.parse_args()
    PORT = args.port  # read by the server, the load and the meter
    if args.workers is None:
        args.workers = 5 if args.db == "postgres" else 3

    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DATABASE_URL=database_url(args.db),
        YOUPIN_VAR_DIR=str(OUT / "var"),
        YOUPIN_LOG_LEVEL="WARNING",
        YOUPIN_KUAIDI100_SALT=SALT,
        YOUPIN_KDNIAO_APP_KEY=APP_KEY,
        YOUPIN_KDNIAO_EBUSINESS_ID=EBUSINESS_ID,
        YOUPIN_WECHAT_TOKEN=TOKEN,
    )
    fresh_database(args.db, env)
    preloaded = 0
    if args.preload:
        preload(args.preload, env)
        preloaded = count_in_database(env)["events"]
    if args.settings == "persistent":
        env["DJANGO_SETTINGS_MODULE"] = "push_settings"
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    ensure_gunicorn()
    load_before = [round(x, 2) for x in os.getloadavg()]
    server = start_server(env, args.workers)
    try:
        meter, client_before = CpuMeter(args.db), time.process_time()
        started = time.perf_counter()
        latencies, errors, keys, sent = fire(args.rate, args.seconds, args.threads)
        wall = time.perf_counter() - started - 0.5
        used, client_cpu = meter.stop(), time.process_time() - client_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    counts = count_in_database(env)
    ordered = sorted(latencies)
    summary = {
        "db": args.db,
        "settings": args.settings,
        "workers": args.workers,
        "rate_planned": args.rate,
        "seconds": args.seconds,
        "pushes_sent": sent,
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
        "distinct_events_sent": len(keys),
        "preloaded_events": preloaded,
        "database": counts,
        "events_lost": len(keys) + preloaded - counts["events"],
        "load_average_before": load_before,
        "cpus": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        # CPU the site used per push (its web workers and, on PostgreSQL, the database
        # server's processes for this database), less sensitive than latency to other
        # work on a shared machine: 2 cores can serve at most 2000 / this pushes a second.
        "server_cpu_ms_per_push": {
            name: round(1000 * seconds / max(len(latencies), 1), 2)
            for name, seconds in used.items()
        },
        "client_cpu_ms_per_push": round(1000 * client_cpu / max(len(latencies), 1), 2),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
