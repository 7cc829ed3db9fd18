"""A failure or a kill mid-import leaves whole chunks and a batch that says which rows are in.

The kill test runs the real command in a child process, on a database of its own (so
that nothing here needs committed data in the test database) and a file large enough
for the parsing worker; it kills the command with SIGKILL after its first chunk is
committed, checks the database against the batch's `progress_rows`, checks that the
worker went away too, and imports the file again: the same batch resumes and ends with
exactly the totals of the file.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from youpin.commerce.models import Order
from youpin.ingest import orders_store
from youpin.ingest.models import BatchStatus, ImportBatch
from youpin.ingest.orders import PARALLEL_FROM_BYTES, orders_import
from youpin.ingest.tests.orders_support import fail_third_line_chunk, make_douyin
from youpin.testing.factories import MerchantFactory

FIRST_ID = 7_100_000_000_000_000_000  # make_douyin's first order id


@pytest.fixture
def var_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Keep imported files under the test's own directory."""
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.VAR_DIR)


def _consistent(batch: ImportBatch, expected: dict) -> set[str]:
    """Check the database holds exactly the whole orders up to the batch's mark; return them."""
    inside = {oid for oid, last in expected["last_row"].items() if last <= batch.progress_rows}
    stored = set(Order.objects.values_list("platform_order_id", flat=True))
    assert stored == inside
    assert batch.created == len(inside)
    counts = dict(Order.objects.annotate(n=Count("lines")).values_list("platform_order_id", "n"))
    for order_id, lines in counts.items():
        number = (int(order_id) - FIRST_ID) // 10
        assert lines == 1 + number % 3, order_id
    return inside


@pytest.mark.django_db
def test_a_failing_chunk_leaves_whole_chunks_and_resumes(var_dir, monkeypatch):
    """An error in the third chunk: two chunks in, batch failed; the same file again finishes."""
    merchant = MerchantFactory()
    data, expected = make_douyin(50)
    real = fail_third_line_chunk(monkeypatch)
    with pytest.raises(RuntimeError):
        orders_import(
            stream=io.BytesIO(data),
            file_name="big.csv",
            merchant=merchant,
            chunk_size=10,
            parallel=False,
        )
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert "disk full" in batch.error
    inside = _consistent(batch, expected)
    assert len(inside) == 20
    monkeypatch.setattr(orders_store, "insert_lines", real)
    again = orders_import(
        stream=io.BytesIO(data),
        file_name="big.csv",
        merchant=merchant,
        chunk_size=10,
        parallel=False,
    )
    assert again.pk == batch.pk
    assert again.status == BatchStatus.SUCCEEDED
    assert (again.created, again.updated, again.unchanged) == (expected["orders"], 0, 0)
    assert again.rows_read == expected["rows"]
    assert Order.objects.count() == expected["orders"]
    assert sum(o.paid_amount for o in Order.objects.all()) == expected["paid"]


def _new_database(tmp_path: Path) -> str:
    """A fresh database of the same kind as the test database, for the child processes."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_kill"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    base = f"postgres://{user}{password}@{host}:{port}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _drop_database(url: str) -> None:
    """Remove the PostgreSQL database made by `_new_database` (SQLite files go with tmp_path)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url: str, sql: str) -> list[tuple]:
    """Rows of a query on the child processes' database."""
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            return list(conn.execute(sql).fetchall())
    import sqlite3

    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        return list(conn.execute(sql).fetchall())


def _children(pid: int) -> list[int]:
    """Direct child processes of a pid."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _alive(pid: int) -> bool:
    """Whether a process exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


BATCH_SQL = (
    "SELECT status, progress_rows, created, updated, unchanged, rows_read, id "
    "FROM ingest_importbatch"
)
ORDERS_SQL = (
    "SELECT o.platform_order_id, o.paid_amount, "
    "(SELECT COUNT(*) FROM commerce_orderline l WHERE l.order_id = o.id) FROM commerce_order o"
)
MERCHANT_SQL = """
from youpin.testing.factories import MerchantFactory
print(MerchantFactory().pk)
"""


def _whole_orders_up_to(url: str, mark: int, expected: dict) -> dict[str, tuple]:
    """Check the child database holds exactly the whole orders up to `mark`; return them."""
    stored = {row[0]: row for row in _query(url, ORDERS_SQL)}
    inside = {oid for oid, last in expected["last_row"].items() if last <= mark}
    assert set(stored) == inside
    for order_id, (_, _, lines) in stored.items():
        assert lines == 1 + ((int(order_id) - FIRST_ID) // 10) % 3, order_id
    return stored


@pytest.mark.django_db
def test_kill_mid_import_then_resume(tmp_path):  # type: ignore[no-untyped-def]
    """SIGKILL after the first committed chunk: whole orders up to progress_rows, then resume."""
    url = _new_database(tmp_path)
    try:
        _kill_and_resume(url, tmp_path)
    finally:
        _drop_database(url)


def _kill_and_resume(url: str, tmp_path: Path) -> None:
    """The kill test on the database at `url`."""
    env = {**os.environ, "DATABASE_URL": url, "YOUPIN_VAR_DIR": str(tmp_path / "var")}
    env["YOUPIN_IMPORT_BULK"] = "0"  # chunk by chunk (a bulk import commits once: test below)
    youpin = [sys.executable, "-c", "from youpin.cli import main; main()"]
    subprocess.run([*youpin, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*youpin, "geo", "load"], env=env, check=True, capture_output=True)
    made = subprocess.run([*youpin, "shell", "-c", MERCHANT_SQL], env=env, capture_output=True)
    merchant = made.stdout.decode().split()[-1]
    data, expected = make_douyin(12_000)
    assert len(data) > PARALLEL_FROM_BYTES  # parsed by the worker process
    path = tmp_path / "big_douyin.csv"
    path.write_bytes(data)
    command = [*youpin, "import", "orders", str(path), "--merchant", merchant]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    worker = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if worker is None:
            workers = _children(child.pid)
            worker = workers[0] if workers else None
        batches = _query(url, BATCH_SQL) if worker is not None else []
        if batches and batches[0][1] > 0:
            break
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    status, mark, created, _, _, _, batch_id = _query(url, BATCH_SQL)[0]
    assert status == BatchStatus.RUNNING
    assert 0 < mark <= expected["rows"]
    assert created == len(_whole_orders_up_to(url, mark, expected))
    assert worker is not None, "the file was not parsed by a worker process"
    for _ in range(500):
        if not _alive(worker):
            break
        time.sleep(0.02)
    assert not _alive(worker), "the parsing worker outlived its reader"
    done = subprocess.run([*command, "--json"], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    batches = _query(url, BATCH_SQL)
    assert len(batches) == 1
    status, mark, created, updated, unchanged, rows_read, again_id = batches[0]
    assert (again_id, status) == (batch_id, BatchStatus.SUCCEEDED)
    assert (created, updated, unchanged) == (expected["orders"], 0, 0)
    assert (rows_read, mark) == (expected["rows"], expected["rows"] + 1)
    stored = _whole_orders_up_to(url, mark, expected)
    paid = sum(Decimal(str(row[1])).quantize(Decimal("0.01")) for row in stored.values())
    assert paid == expected["paid"]
