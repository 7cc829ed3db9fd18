"""Benchmark: import N Douyin-shaped order rows into the DATABASE_URL database.

    DATABASE_URL=sqlite:////tmp/youpin-bench/bench.sqlite3 \\
        .venv/bin/python bench/import_orders.py --rows 1000000 --runs 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/youpin_bench_orders \\
        .venv/bin/python bench/import_orders.py --rows 1000000 --runs 3

Each run starts from an empty database (the SQLite file is deleted; the PostgreSQL
database is dropped and created), migrates it and loads the divisions, then measures:

* raw: the fastest plain load of the same rows into a plain 41-column text table in
  that database (PostgreSQL `COPY … FROM STDIN (FORMAT csv)` of the file's bytes;
  SQLite `executemany` of the `csv` module's rows in one transaction);
* first: `youpin import orders FILE --platform douyin --merchant ID --no-refresh` in a fresh process
  (wall time including start-up), with the peak resident memory of its process tree
  sampled every 100 ms (the loader and its parsing worker together); on PostgreSQL it
  takes the bulk path (one transaction, indexes built after: `first_bulk_load`);
* again: the same command a second time (every order unchanged).

Each run also records the load average when it started (these machines are shared) and
the CPU seconds of the command's processes (the loader and its parsing worker; on
PostgreSQL the server's own work is not included).

It checks that the database then holds exactly the generated orders and amounts, and
prints a table with the median of the runs. The file is generated once, deterministically,
under /tmp/youpin-bench/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("YOUPIN_BENCH_DIR", "/tmp/youpin-bench"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from douyin_file import HEADER, write_douyin_csv  # noqa: E402

YOUPIN = str(ROOT / ".venv" / "bin" / "youpin")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def _children(pid: int) -> list[int]:
    """The pid and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def _rss_kb(pid: int) -> int:
    """Resident memory of one process in kB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children_cpu() -> float:
    """CPU seconds (user + system) of all waited-for descendants so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backends(database: str) -> list[int]:
    """Pids of the PostgreSQL server processes serving `database` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                title = handle.read().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database} " in title:
            found.append(int(entry))
    return found


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of a live process so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_command(
    args: list[str], env: dict[str, str], database: str | None = None
) -> tuple[float, int, str, float, float]:
    """Run a command; return (seconds, peak RSS of its tree in kB, stdout, its CPU seconds,
    and the CPU seconds of the PostgreSQL server processes serving `database` for it,
    sampled every 0.1 s while they live — 0 on SQLite)."""
    server_cpu: dict[int, float] = {}
    known = set(_backends(database)) if database else set()
    cpu_before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        """Sample the tree's memory every 0.1 s (the tree itself is re-read every second)."""
        nonlocal peak
        tree: list[int] = [process.pid]
        ticks = 0
        while not stop.is_set():
            if ticks % 10 == 0:
                tree = _children(process.pid)
                if database:
                    for pid in _backends(database):
                        if pid not in known:
                            server_cpu.setdefault(pid, 0.0)
            for pid in server_cpu:
                server_cpu[pid] = max(server_cpu[pid], _cpu_of(pid))
            peak = max(peak, sum(_rss_kb(p) for p in tree))
            ticks += 1
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()[-3000:]}")
    return seconds, peak, out.decode(), _children_cpu() - cpu_before, sum(server_cpu.values())


def reset_database(url: str, env: dict[str, str]) -> None:
    """An empty, migrated database with the divisions loaded."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        import psycopg

        name = parsed.path.lstrip("/")
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run([YOUPIN, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([YOUPIN, "geo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    carriers = "from youpin.logistics.services import carriers_sync; carriers_sync()"
    subprocess.run([YOUPIN, "shell", "-c", carriers], env=env, check=True, capture_output=True)


MERCHANT_SCRIPT = """
from youpin.catalog.models import Merchant, Product, Category
from youpin.geo.models import Place
m = Merchant.objects.create(
    name="基准测试商户", kind="firm", place=Place.objects.get(code="640502000000")
)
c, _ = Category.objects.get_or_create(
    slug="bench-farm", defaults={"name": "基准农产品", "is_farm_product": True}
)
for name, sku in [("中宁枸杞 特级 500g", "GQ-500"), ("枸杞原浆 30ml*10袋", "YJ-10")]:
    Product.objects.create(merchant=m, category=c, name=name, sku=sku, unit_price="59.00")
print(m.pk)
"""

CHECK_SCRIPT = """
import json
from django.db.models import Count, Sum
from youpin.commerce.models import Order, OrderLine
a = Order.objects.aggregate(n=Count("id"), paid=Sum("paid_amount"), goods=Sum("goods_amount"))
print(json.dumps({
    "orders": a["n"],
    "paid_cents": round(float(a["paid"]) * 100),  # SQLite sums decimals as floats
    "goods_cents": round(float(a["goods"]) * 100),
    "lines": OrderLine.objects.count(),
}))
"""


def raw_load(url: str, path: Path) -> float:
    """Seconds to load the file's rows into a plain text table, the fastest plain way."""
    parsed = urlparse(url)
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    start = time.perf_counter()
    if parsed.scheme.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw ({columns})")
            start = time.perf_counter()
            with (
                cursor.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER true)") as copy,
                path.open("rb") as handle,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
            conn.commit()
            seconds = time.perf_counter() - start
            cursor.execute("DROP TABLE bench_raw")
        return seconds
    import sqlite3

    conn = sqlite3.connect(parsed.path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("DROP TABLE IF EXISTS bench_raw")
    conn.execute(f"CREATE TABLE bench_raw ({columns})")
    marks = ", ".join("?" * len(HEADER))
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        with conn:
            conn.executemany(f"INSERT INTO bench_raw VALUES ({marks})", reader)
    seconds = time.perf_counter() - start
    conn.execute("DROP TABLE bench_raw")
    conn.commit()
    conn.close()
    return seconds


def machine() -> dict[str, object]:
    """nproc, CPU model and RAM of this machine."""
    model = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        total_kb = int(handle.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(total_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def main() -> None:
    """Generate, reset, load, import twice, check, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"douyin_{args.rows}.csv"
    expected_path = path.with_suffix(".json")
    if not path.exists() or not expected_path.exists():
        expected = write_douyin_csv(path, args.rows)
        expected_path.write_text(json.dumps(expected))
    expected = json.loads(expected_path.read_text())
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "YOUPIN_VAR_DIR": str(BENCH_DIR / "var"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    results = []
    for run in range(args.runs):
        reset_database(url, env)
        merchant = (
            subprocess.run(
                [YOUPIN, "shell", "-c", MERCHANT_SCRIPT], env=env, check=True, capture_output=True
            )
            .stdout.decode()
            .split()[-1]
        )
        raw = raw_load(url, path)
        os.sync()
        command = [YOUPIN, "import", "orders", str(path), "--platform", "douyin"]
        command += ["--merchant", merchant, "--json", "--no-refresh"]
        database = urlparse(url).path.lstrip("/") if vendor == "postgresql" else None
        load_before = [round(x, 2) for x in os.getloadavg()]
        first, first_rss, out, first_cpu, first_server = timed_command(command, env, database)
        report = json.loads(out)
        again, again_rss, out2, again_cpu, again_server = timed_command(command, env, database)
        report2 = json.loads(out2)
        check = json.loads(
            subprocess.run(
                [YOUPIN, "shell", "-c", CHECK_SCRIPT], env=env, check=True, capture_output=True
            )
            .stdout.decode()
            .strip()
            .splitlines()[-1]
        )
        ok = (
            check["orders"] == expected["orders"]
            and check["paid_cents"] == expected["paid_cents"]
            and check["goods_cents"] == expected["goods_cents"]
            and report["created"] == expected["orders"]
            and report2["unchanged"] == expected["orders"]
            and report["rejected"] == 0
        )
        result = {
            "run": run + 1,
            "load_average": os.getloadavg()[0],
            "load_average_before": load_before,
            "raw_s": raw,
            "first_s": first,
            "first_rss_mb": first_rss / 1024,
            "first_cpu_s": first_cpu,
            "first_server_cpu_s": first_server,
            "first_bulk_load": (report.get("report") or {}).get("bulk_load"),
            "again_s": again,
            "again_rss_mb": again_rss / 1024,
            "again_cpu_s": again_cpu,
            "again_server_cpu_s": again_server,
            "check": check,
            "ok": ok,
        }
        results.append(result)
        print(json.dumps(result), flush=True)
    rows = expected["rows"]

    def median(key: str) -> float:
        """The median of one measure over the runs."""
        return statistics.median(r[key] for r in results)

    raw_rate = rows / median("raw_s")
    table = [
        ("raw load (baseline)", median("raw_s"), raw_rate, 1.0, None),
        ("first import", median("first_s"), rows / median("first_s"),
         (rows / median("first_s")) / raw_rate, median("first_rss_mb")),
        ("re-import (unchanged)", median("again_s"), rows / median("again_s"),
         (rows / median("again_s")) / raw_rate, median("again_rss_mb")),
    ]  # fmt: skip
    print()
    print(f"{vendor}: {rows:,} rows, {expected['orders']:,} orders, median of {len(results)} runs")
    print(json.dumps(machine()))
    header = f"{'':24} {'seconds':>9} {'rows/s':>10} {'÷ raw':>7} {'peak RSS MB':>12} {'CPU s':>7}"
    print(header + f" {'server CPU s':>12}")
    cpu = {"first import": median("first_cpu_s"), "re-import (unchanged)": median("again_cpu_s")}
    server = {
        "first import": median("first_server_cpu_s"),
        "re-import (unchanged)": median("again_server_cpu_s"),
    }
    for name, seconds, rate, ratio, rss in table:
        shown = f"{rss:12.0f}" if rss is not None else f"{'':>12}"
        used = f"{cpu[name]:7.1f} {server[name]:12.1f}" if name in cpu else ""
        print(f"{name:24} {seconds:9.1f} {rate:10,.0f} {ratio:7.3f} {shown} {used}")
    loads = ", ".join(f"{r['load_average']:.1f}" for r in results)
    print(f"load average at the start of each run: {loads}")
    print("all runs exact:", all(r["ok"] for r in results))
    out_path = BENCH_DIR / f"results-{vendor}-{rows}.json"
    out_path.write_text(json.dumps({"machine": machine(), "runs": results}, indent=2))


if __name__ == "__main__":
    main()
