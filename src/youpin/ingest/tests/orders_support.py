"""Helpers and fixtures for the order-import tests: the recorded samples and their totals.

Expected totals are computed here from the sample files' own cells with the standard
library (csv, openpyxl), independently of the connectors, so that a test compares the
database with a hand count of the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from youpin.catalog.models import Merchant
from youpin.commerce.models import Order
from youpin.ingest.models import ImportBatch
from youpin.ingest.orders import orders_import
from youpin.testing.factories import MerchantFactory

SAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "tests" / "samples" / "orders"
DOUYIN = "douyin_orders_20251105.csv"
TAOBAO = "ExportOrderList202511051030.csv"
TMALL_LINES = "ExportOrderDetailList202511051030.csv"
TAOBAO_BAD = "ExportOrderList_bad_rows.csv"
PDD = "5e1b7c9d2a4f4b8e9c0d1a2b3c4d5e6forders_export2025-11-05.csv"
PDD_REFUNDS = "pdd_aftersales_2025-11-05.xlsx"
JD = "jd_orders_20251105.csv"
KUAISHOU = "kuaishou_orders_20251105.xlsx"
KUAISHOU_MAPPING = "kuaishou_mapping.json"


@pytest.fixture(name="var_dir")
def _var_dir(settings: Any, tmp_path: Path) -> Path:
    """Keep imported files under the test's own directory."""
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.VAR_DIR)


@pytest.fixture(name="merchant")
def _merchant(db: None, var_dir: Path) -> Merchant:
    """A Zhongwei merchant to import for."""
    return MerchantFactory(name="中卫优品测试商户")


def sample_bytes(name: str) -> bytes:
    """The bytes of a recorded sample."""
    return (SAMPLES / name).read_bytes()


def run_import(data: bytes, name: str = "export.csv", **options: Any) -> ImportBatch:
    """Import bytes as a file called `name` (in this process unless told otherwise)."""
    options.setdefault("parallel", False)
    return orders_import(stream=io.BytesIO(data), file_name=name, **options)


def import_sample(name: str, **options: Any) -> ImportBatch:
    """Import one recorded sample."""
    return run_import(sample_bytes(name), name, **options)


# --- reading the samples by hand ------------------------------------------------------------


def cell(text: object) -> str:
    """A cell without the Excel protections (="…", leading ', TAB) and spaces."""
    value = "" if text is None else str(text)
    value = value.strip().strip("\t").strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value.lstrip("'").strip()


def money(text: object) -> Decimal:
    """An amount cell ('1,299.00', '', 59) as Decimal; empty is 0."""
    value = cell(text).replace(",", "")
    return Decimal(value or "0").quantize(Decimal("0.01"))


def csv_rows(name: str) -> list[dict[str, str]]:
    """The rows of a sample CSV as dicts (the encoding guessed as the exports are written)."""
    data = sample_bytes(name)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.DictReader(io.StringIO(text, newline="")))
    raise AssertionError(f"cannot decode {name}")


def xlsx_rows(name: str, sheet: str | None = None) -> list[dict[str, Any]]:
    """The rows of a sample workbook's sheet (the first by default) as dicts."""
    book = load_workbook(SAMPLES / name, read_only=True, data_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by an id column, in first-seen order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(cell(row[key]), []).append(row)
    return groups


def db_totals(**filters: Any) -> dict[str, Any]:
    """Order count and money sums in the database."""
    orders = list(Order.objects.filter(**filters))
    return {
        "orders": len(orders),
        "paid": sum((o.paid_amount for o in orders), Decimal("0.00")),
        "goods": sum((o.goods_amount for o in orders), Decimal("0.00")),
        "refunded": sum((o.refunded_amount for o in orders), Decimal("0.00")),
        "net": sum((o.net_amount for o in orders), Decimal("0.00")),
        "lines": sum(o.lines.count() for o in orders),
    }


def write_csv(rows: list[list[str]], header: list[str], encoding: str = "utf-8") -> bytes:
    """Rows as CSV bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def douyin_table() -> tuple[list[str], list[list[str]]]:
    """The Douyin sample's header and rows as lists of cells."""
    text = sample_bytes(DOUYIN).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def iter_csv(data: bytes) -> Iterator[list[str]]:
    """The rows of CSV bytes written by `write_csv` or the rejects export."""
    yield from csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))


def make_douyin(orders: int, *, start: int = 7_100_000_000_000_000_000) -> tuple[bytes, dict]:
    """A Douyin export of `orders` orders of 1–3 lines built from the sample's first row.

    Returns the bytes and what a hand count gives: orders, rows, paid and goods sums, and
    the last file row of each order (row 1 is the header).
    """
    header, rows = douyin_table()
    template = rows[0]
    col = {name: index for index, name in enumerate(header)}
    out: list[list[str]] = []
    last_row: dict[str, int] = {}
    paid = goods = Decimal("0.00")
    for number in range(orders):
        order_id = str(start + number * 10)
        lines = 1 + number % 3
        order_paid = Decimal(10 + number % 50) + Decimal("0.90")
        for line in range(lines):
            row = list(template)
            row[col["主订单编号"]] = f"'{order_id}"
            row[col["子订单编号"]] = f"'{int(order_id) + line + 1}"
            row[col["商品数量"]] = "1"
            row[col["商品金额"]] = f"{order_paid / lines:.2f}"
            row[col["订单应付金额"]] = f"{order_paid:.2f}"
            for discount in ("优惠总金额", "平台优惠", "商家优惠", "达人优惠", "运费"):
                row[col[discount]] = "0.00"
            row[col["详细地址"]] = f"幸福路{number % 97}号"
            out.append(row)
            goods += Decimal(row[col["商品金额"]])
        paid += order_paid
        last_row[order_id] = len(out) + 1
    expected = {
        "orders": orders,
        "rows": len(out),
        "paid": paid,
        "goods": goods,
        "last_row": last_row,
    }
    return write_csv(out, header), expected


def fail_third_line_chunk(monkeypatch: Any) -> Any:
    """Make the importer's third chunk of order lines fail (a full disk), the others store;
    the real function, to put back."""
    from youpin.ingest import orders_store

    calls = {"n": 0}
    real = orders_store.insert_lines

    def failing(rows: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(rows)

    monkeypatch.setattr(orders_store, "insert_lines", failing)
    return real
