"""A large import into a small order book on PostgreSQL: one transaction, indexes built after.

The thresholds are lowered so that small files take the bulk path; the kill test runs
the real command on a database of its own with the real thresholds.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from youpin.commerce.models import Order, OrderLine
from youpin.ingest import orders_bulk, orders_store
from youpin.ingest.batches import ImportRefused
from youpin.ingest.models import BatchStatus, ImportBatch
from youpin.ingest.orders import PARALLEL_FROM_BYTES, orders_import
from youpin.ingest.tests.orders_support import fail_third_line_chunk, make_douyin
from youpin.ingest.tests.test_orders_crash import (
    BATCH_SQL,
    MERCHANT_SQL,
    _drop_database,
    _new_database,
    _query,
    _whole_orders_up_to,
)
from youpin.testing.factories import MerchantFactory

INDEX_SQL = (
    "SELECT indexname, indexdef FROM pg_indexes "
    "WHERE tablename IN ('commerce_order', 'commerce_orderline') ORDER BY 1"
)


def _indexes() -> list[tuple[str, str]]:
    """Names and definitions of the order tables' indexes."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_SQL)
        return list(cursor.fetchall())


@pytest.fixture
def bulk_small(settings, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """Files of any size take the bulk path (one order per 100 bytes at least)."""
    if connection.vendor != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's")
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(orders_bulk, "MIN_FILE_BYTES", 0)
    monkeypatch.setattr(orders_bulk, "BYTES_PER_ORDER", 100)
    monkeypatch.delenv("YOUPIN_IMPORT_BULK", raising=False)


def _import(data: bytes, merchant, **options):  # type: ignore[no-untyped-def]
    """Import bytes as big.csv in this process, in chunks of 10 orders."""
    return orders_import(
        stream=io.BytesIO(data),
        file_name="big.csv",
        merchant=merchant,
        chunk_size=10,
        parallel=False,
        **options,
    )


@pytest.mark.django_db
def test_bulk_import_loads_everything_and_builds_the_same_indexes(bulk_small):
    """Exact counts and totals, lines numbered, every index back as it was defined."""
    before = _indexes()
    merchant = MerchantFactory()
    data, expected = make_douyin(50)
    batch = _import(data, merchant)
    assert batch.status == BatchStatus.SUCCEEDED
    assert batch.report["bulk_load"]["indexes_built"] > 0
    assert (batch.created, batch.updated, batch.unchanged) == (expected["orders"], 0, 0)
    assert Order.objects.count() == expected["orders"]
    assert sum(o.paid_amount for o in Order.objects.all()) == expected["paid"]
    assert OrderLine.objects.count() == expected["rows"]
    assert _indexes() == before
    again = _import(data, merchant)  # bulk again (the file is "large"), every order known
    assert (again.created, again.updated, again.unchanged) == (0, 0, expected["orders"])


@pytest.mark.django_db
def test_no_bulk_load_into_a_table_larger_than_the_file(bulk_small):
    """A file that brings fewer orders than the table holds is loaded chunk by chunk."""
    merchant = MerchantFactory()
    big, _ = make_douyin(60)
    small, expected = make_douyin(5, start=7_200_000_000_000_000_000)
    assert "bulk_load" in _import(big, merchant).report
    batch = _import(small, merchant)
    assert "bulk_load" not in batch.report
    assert batch.created == expected["orders"]


@pytest.mark.django_db
def test_an_error_rolls_the_whole_bulk_import_back(bulk_small, monkeypatch):
    """An error in the third chunk: no order in, indexes intact, batch failed; again: done."""
    before = _indexes()
    merchant = MerchantFactory()
    data, expected = make_douyin(50)
    real = fail_third_line_chunk(monkeypatch)
    with pytest.raises(RuntimeError):
        _import(data, merchant)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert "disk full" in batch.error
    assert (batch.progress_rows, batch.created) == (0, 0)
    assert not Order.objects.exists()
    assert _indexes() == before
    monkeypatch.setattr(orders_store, "insert_lines", real)
    again = _import(data, merchant)
    assert again.pk == batch.pk
    assert (again.status, again.created) == (BatchStatus.SUCCEEDED, expected["orders"])
    assert Order.objects.count() == expected["orders"]


@pytest.mark.django_db
def test_a_refused_file_stays_refused_after_the_rollback(bulk_small):
    """No shop id and no merchant: refused, and the refusal outlives the rolled-back load."""
    data, _ = make_douyin(20)  # the Douyin export carries no shop id
    before = _indexes()
    with pytest.raises(ImportRefused):
        _import(data, None)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert batch.report["resumable"] is False
    assert "店铺" in batch.error
    assert _indexes() == before


def test_sqlite_and_small_files_never_take_the_bulk_path(monkeypatch):
    """The estimate is 0 (no bulk) below the size threshold, off PostgreSQL, or when disabled."""
    assert orders_bulk.bulk_estimate(orders_bulk.MIN_FILE_BYTES - 1) == 0
    big = orders_bulk.MIN_FILE_BYTES * 4
    if connection.vendor == "postgresql":
        assert orders_bulk.bulk_estimate(big) == big // orders_bulk.BYTES_PER_ORDER
        monkeypatch.setenv("YOUPIN_IMPORT_BULK", "0")
    assert orders_bulk.bulk_estimate(big) == 0


ACTIVITY_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND query LIKE 'COPY \"commerce_orderline\"%'"
)


@pytest.mark.django_db
def test_kill_mid_bulk_import_leaves_the_database_as_before(tmp_path):  # type: ignore[no-untyped-def]
    """SIGKILL while a bulk import loads: no order, every index, batch running; again: done."""
    if connection.vendor != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's")
    url = _new_database(tmp_path)
    try:
        _kill_bulk_and_again(url, tmp_path)
    finally:
        _drop_database(url)


def _kill_bulk_and_again(url: str, tmp_path: Path) -> None:
    """The bulk kill test on the database at `url`."""
    env = {**os.environ, "DATABASE_URL": url, "YOUPIN_VAR_DIR": str(tmp_path / "var")}
    env.pop("YOUPIN_IMPORT_BULK", None)
    youpin = [sys.executable, "-c", "from youpin.cli import main; main()"]
    subprocess.run([*youpin, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*youpin, "geo", "load"], env=env, check=True, capture_output=True)
    made = subprocess.run([*youpin, "shell", "-c", MERCHANT_SQL], env=env, capture_output=True)
    merchant = made.stdout.decode().split()[-1]
    indexes = _query(url, INDEX_SQL)
    data, expected = make_douyin(12_000)
    assert len(data) > max(PARALLEL_FROM_BYTES, orders_bulk.MIN_FILE_BYTES)
    path = tmp_path / "big_douyin.csv"
    path.write_bytes(data)
    command = [*youpin, "import", "orders", str(path), "--merchant", merchant, "--no-refresh"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if _query(url, ACTIVITY_SQL)[0][0]:
            break  # the loader has written lines inside its single transaction
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    for _ in range(500):  # the server notices its client went away and rolls back
        if not _query(url, ACTIVITY_SQL)[0][0]:
            break
        time.sleep(0.02)
    status, mark, created, _, _, _, batch_id = _query(url, BATCH_SQL)[0]
    assert (status, mark, created) == (BatchStatus.RUNNING, 0, 0)
    assert _query(url, "SELECT count(*) FROM commerce_order")[0][0] == 0
    assert _query(url, INDEX_SQL) == indexes
    done = subprocess.run([*command, "--json"], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    status, mark, created, updated, unchanged, rows_read, again_id = _query(url, BATCH_SQL)[0]
    assert (again_id, status) == (batch_id, BatchStatus.SUCCEEDED)
    assert (created, updated, unchanged) == (expected["orders"], 0, 0)
    assert rows_read == expected["rows"]
    assert len(_whole_orders_up_to(url, mark, expected)) == expected["orders"]
    assert _query(url, INDEX_SQL) == indexes
