"""Benchmark: batch ingest of a carrier tracking export (default 5,000,000 events, 700,000 parcels).

    .venv/bin/python bench/ingest_tracking.py --db sqlite --events 500000 --parcels 70000
    .venv/bin/python bench/ingest_tracking.py --db postgres --runs 3

Generates a deterministic carrier scan export (CSV, UTF-8) in /tmp/youpin-bench/ with
its saved column mapping, then, per run, builds a fresh database (migrate, divisions,
reference carriers) and imports the file through `tracking_file_import` — the same path
as `youpin import tracking FILE --mapping …` — in a child process, measuring wall time
and the child's peak memory. The raw baseline loads the same rows, read by the csv
module, into an unindexed table with one `executemany` (SQLite) or `COPY` (PostgreSQL).

The file imitates a county hub's daily scan exports: rows of many parcels interleaved
and out of order (shuffled within blocks of 5,000 parcels), 4–10 scans per parcel,
about 1 % rows repeated, a few unknown scan types, a third of the places in Zhongwei
(real township codes), the rest county codes elsewhere in China.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OUT = Path(os.environ.get("YOUPIN_BENCH_DIR", "/tmp/youpin-bench"))
PG_ROOT = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("YOUPIN_BENCH_PG_DB", "youpin_tracking_bench")

HEADER = [
    "运单号",
    "快递公司",
    "扫描时间",
    "扫描类型",
    "行政区划代码",
    "扫描网点",
    "描述",
    "重量(kg)",
]
MAPPING = {
    "name": "基准测试网点扫描导出",
    "columns": {
        "waybill_no": "运单号",
        "carrier": "快递公司",
        "occurred_at": "扫描时间",
        "status": "扫描类型",
        "place_code": "行政区划代码",
        "place_name": "扫描网点",
        "raw_text": "描述",
        "weight_kg": "重量(kg)",
    },
    "status_map": {
        "收件": "picked_up",
        "发件": "in_transit",
        "到件": "in_transit",
        "派件": "out_for_delivery",
        "入柜": "ready_for_pickup",
        "签收": "delivered",
        "问题件": "on_hold",
    },
}
# (name in the export, waybill prefix, digits after it) — shapes of the reference table.
CARRIERS = [
    ("中通快递", "78", 12),
    ("圆通速递", "YT", 13),
    ("韵达快递", "43", 11),
    ("申通快递", "77", 11),
    ("极兔速递", "JT", 13),
    ("顺丰速运", "SF", 12),
    ("邮政快递包裹", "98", 11),
    ("京东快递", "JDV", 12),
    ("EMS", "10", 11),
]
ELSEWHERE = [
    ("杭州市", "330106"),
    ("广州市", "440106"),
    ("北京市", "110105"),
    ("上海市", "310115"),
    ("成都市", "510107"),
    ("西安市", "610113"),
    ("兰州市", "620102"),
    ("银川市", "640104"),
    ("南京市", "320106"),
    ("济南市", "370102"),
]
SURNAMES = "王李张刘陈杨赵黄周吴马"
BLOCK = 5000
START = datetime(2024, 1, 1)


def _townships() -> list[tuple[str, str]]:
    """(code, name) of Zhongwei's township-level divisions, from the shipped NBS table."""
    sys.path.insert(0, str(ROOT / "src"))
    from youpin.geo.divisions import shipped_table

    return [(d.code, d.name) for d in shipped_table() if d.level == "township"]


def _parcel_rows(
    rng: random.Random, index: int, count: int, towns: list[tuple[str, str]]
) -> list[list[str]]:
    """The scan rows of one parcel: `count` rows, sometimes one of them a repeat."""
    name, prefix, digits = CARRIERS[index % len(CARRIERS)]
    waybill = f"{prefix}{(index * 7919 + 12345) % 10**digits:0{digits}d}"
    town_code, town = rng.choice(towns)
    city, county = rng.choice(ELSEWHERE)
    outbound = rng.random() < 0.4
    origin = ("中卫市", town_code, f"中卫{town}") if outbound else (city, county, f"{city}网点")
    dest = (city, county, f"{city}网点") if outbound else ("中卫市", town_code, f"中卫{town}")
    at_station = not outbound and rng.random() < 0.3
    repeat = count >= 5 and rng.random() < 0.07
    scans = count - (1 if repeat else 0)
    middle = max(scans - 4, 0)
    steps: list[tuple[str, tuple[str, str, str], str]] = [
        ("收件", origin, f"【{origin[0]}】{origin[2]}已收件"),
        ("发件", origin, f"快件已从【{origin[2]}】发出，下一站【{dest[0]}转运中心】"),
    ]
    for hop in range(middle):
        hub = (dest[0], dest[1], f"{dest[0]}转运中心") if hop == middle - 1 else origin
        steps.append(("到件", hub, f"快件已到达【{hub[0]}转运中心】（第{hop + 1}站）"))
    if at_station:
        code = f"{rng.randint(1, 9)}-{rng.randint(1, 6)}-{rng.randint(100, 999)}"
        steps.append(("入柜", dest, f"快件已放入【{town}兴农超市】，取件码 {code}，请及时取件"))
        steps.append(("签收", dest, f"快件已在【{town}兴农超市】签收"))
    else:
        steps.append(("派件", dest, f"【{dest[0]}】快递员{rng.choice(SURNAMES)}师傅正在派件"))
        steps.append(("签收", dest, "已签收，签收人：本人"))
    steps = steps[:scans]
    if rng.random() < 0.003:
        steps[-1] = ("留仓", steps[-1][1], "快件留仓待次日派送")
    moment = START + timedelta(minutes=rng.randrange(366 * 24 * 60))
    rows: list[list[str]] = []
    for number, (scan, place, text) in enumerate(steps):
        moment += timedelta(minutes=rng.randrange(60, 20 * 60))
        weight = f"{rng.randint(2, 150) / 10:.1f}" if number == 0 else ""
        rows.append(
            [waybill, name, f"{moment:%Y-%m-%d %H:%M:%S}", scan, place[1], place[2], text, weight]
        )
    if repeat:
        rows.append(list(rng.choice(rows)))
    return rows


def generate(events: int, parcels: int, seed: int = 20261129) -> tuple[Path, Path]:
    """Write the export and its mapping (once per size); return their paths."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"tracking-{events}-{parcels}.csv"
    mapping = OUT / "tracking-mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False, indent=1), encoding="utf-8")
    if path.exists():
        return path, mapping
    rng = random.Random(seed)
    towns = _townships()
    partial = path.with_suffix(".part")
    with partial.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for start in range(0, parcels, BLOCK):
            block: list[list[str]] = []
            for index in range(start, min(start + BLOCK, parcels)):
                count = events * (index + 1) // parcels - events * index // parcels
                block += _parcel_rows(rng, index, count, towns)
            rng.shuffle(block)
            writer.writerows(block)
    partial.rename(path)
    return path, mapping


# -- databases -------------------------------------------------------------------------


def database_url(db: str) -> str:
    """The URL of the benchmark's database."""
    if db == "sqlite":
        return f"sqlite:///{OUT / 'tracking-bench.sqlite3'}"
    return f"{PG_ROOT}/{PG_DB}"


def fresh_database(db: str, env: dict[str, str]) -> None:
    """Drop and recreate the database, migrate it, load divisions and reference carriers."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'tracking-bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_ROOT}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    youpin = str(Path(PYTHON).parent / "youpin")
    subprocess.run([youpin, "migrate", "-v0"], env=env, check=True)
    subprocess.run([youpin, "geo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    code = "from youpin.logistics.services import carriers_sync; carriers_sync()"
    subprocess.run([youpin, "shell", "-c", code], env=env, check=True)


def child(args: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run this script in a child process and read its JSON answer."""
    out = subprocess.run(
        [PYTHON, __file__, *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- inside the child --------------------------------------------------------------------


def _setup_django() -> None:
    """Configure Django in this process."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
    import django

    django.setup()


def peak_mb() -> float:
    """This process's peak resident memory in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time this process used (user + system): less sensitive to a busy machine than
    wall time, and on SQLite it includes the database's own work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def import_once(csv_path: Path, mapping_path: Path) -> dict[str, object]:
    """Import the file once; the figures as a dict."""
    _setup_django()
    from youpin.ingest.tracking.files import tracking_file_import
    from youpin.logistics.models import Parcel, TrackingEvent

    mapping = json.loads(mapping_path.read_text(encoding="utf-8"))
    started, cpu = time.perf_counter(), cpu_seconds()
    report = tracking_file_import(path=csv_path, provider="csv", mapping=mapping)
    seconds = time.perf_counter() - started
    counts = report.ingest
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu_seconds() - cpu, 2),
        "events_per_s": round(counts.events_received / seconds),
        "peak_mb": round(peak_mb()),
        "events_received": counts.events_received,
        "events_created": counts.events_created,
        "events_unchanged": counts.events_unchanged,
        "events_held": counts.events_held,
        "rejected_rows": report.rejected_rows,
        "parcels_created": counts.parcels_created,
        "parcels_changed": counts.parcels_changed,
        "unknown_status": counts.unknown_status,
        "places_unmatched": counts.places_unmatched,
        "events_in_db": TrackingEvent.objects.count(),
        "parcels_in_db": Parcel.objects.count(),
        "delivered_in_db": Parcel.objects.filter(status="delivered").count(),
    }


def baseline_once(csv_path: Path) -> dict[str, object]:
    """Load the same rows, as read by the csv module, into an unindexed table."""
    _setup_django()
    from django.db import connection, transaction

    started = time.perf_counter()
    rows = 0
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_scans")
        cursor.execute(f"CREATE TABLE bench_raw_scans ({columns})")
        with csv_path.open(newline="", encoding="utf-8") as stream:
            reader = csv.reader(stream)
            next(reader)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY bench_raw_scans FROM STDIN") as copy:
                    for row in reader:
                        copy.write_row(row)
                        rows += 1
            else:
                marks = ", ".join(["%s"] * len(HEADER))
                insert = f"INSERT INTO bench_raw_scans VALUES ({marks})"
                while block := [tuple(r) for _, r in zip(range(50_000), reader, strict=False)]:
                    cursor.executemany(insert, block)
                    rows += len(block)
        cursor.execute("DROP TABLE bench_raw_scans")
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds), "rows": rows}


# -- orchestration ---------------------------------------------------------------------


def main() -> None:
    """Generate the file, then import it `--runs` times into fresh databases and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--parcels", type=int, default=700_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["import", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mapping", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "import":
        print(json.dumps(import_once(args.csv, args.mapping)))
        return
    if args.child == "baseline":
        print(json.dumps(baseline_once(args.csv)))
        return

    started = time.perf_counter()
    csv_path, mapping_path = generate(args.events, args.parcels)
    print(
        f"file: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB,"
        f" ready in {time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    env = dict(os.environ, DATABASE_URL=database_url(args.db), YOUPIN_VAR_DIR=str(OUT / "var"))
    runs: list[dict[str, object]] = []
    baselines: list[dict[str, object]] = []
    for number in range(args.runs):
        fresh_database(args.db, env)
        load = round(os.getloadavg()[0], 2)
        run = child(
            ["--child", "import", "--csv", str(csv_path), "--mapping", str(mapping_path)], env
        )
        run["load_1min_before"] = load
        print(f"run {number + 1}: {json.dumps(run)}", file=sys.stderr)
        runs.append(run)
        again = child(["--child", "baseline", "--csv", str(csv_path)], env)
        print(f"baseline {number + 1}: {json.dumps(again)}", file=sys.stderr)
        baselines.append(again)
    rate = statistics.median(float(str(r["events_per_s"])) for r in runs)
    raw = statistics.median(float(str(b["rows_per_s"])) for b in baselines)
    summary = {
        "db": args.db,
        "events": args.events,
        "parcels": args.parcels,
        "runs": runs,
        "baselines": baselines,
        "median_events_per_s": round(rate),
        "median_seconds": statistics.median(float(str(r["seconds"])) for r in runs),
        "median_raw_rows_per_s": round(raw),
        "ratio_to_raw": round(rate / raw, 3),
        "max_peak_mb": max(float(str(r["peak_mb"])) for r in runs),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
