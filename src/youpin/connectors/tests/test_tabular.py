"""Reading tables in any Chinese encoding or XLSX, and cleaning their cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from youpin.connectors.tabular import (
    SHANGHAI,
    NotATable,
    clean_cell,
    detect_encoding,
    open_table,
    parse_amount,
    parse_datetime,
    parse_id,
    parse_int,
)

ROWS = [
    ["订单编号", "收货人姓名", "买家实际支付金额"],
    ['="3000000000000000001"', "王小明", "1,299.00"],
]


def _csv_bytes(encoding: str) -> bytes:
    """The sample rows as CSV in an encoding."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(ROWS)
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_every_chinese_encoding(encoding: str) -> None:
    """GBK, GB18030, UTF-8 and UTF-8 with BOM all read to the same header and cells."""
    table = open_table(io.BytesIO(_csv_bytes(encoding)))
    assert table.header == ROWS[0]
    rows = list(table.rows)
    assert rows == [(2, ROWS[1])]


def test_detect_encoding_tolerates_a_cut_multibyte_character() -> None:
    """A UTF-8 sample cut inside a character is still UTF-8, GBK bytes are GB18030."""
    assert detect_encoding("中卫枸杞".encode()[:-1]) == "utf-8"
    assert detect_encoding("中卫枸杞,宁夏".encode("gbk")) == "gb18030"


def test_xlsx_keeps_long_ids_and_integers() -> None:
    """An XLSX sheet streams; numeric cells never gain '.0' and text ids stay exact."""
    book = Workbook()
    ws = book.active
    ws.append(["订单号", "数量", "金额"])
    ws.append(["3000000000000000001", 2, 59.5])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    table = open_table(buffer)
    assert table.kind == "xlsx"
    assert list(table.rows) == [(2, ["3000000000000000001", "2", "59.5"])]


def test_tab_separated_and_blank_lines() -> None:
    """A tab-separated file with blank lines keeps true file row numbers."""
    data = b"a\tb\n\n1\t2\n"
    table = open_table(io.BytesIO(data))
    assert table.header == ["a", "b"]
    assert list(table.rows) == [(3, ["1", "2"])]


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_not_a_table(data: bytes) -> None:
    """Empty files and binary files are refused with a reason."""
    with pytest.raises(NotATable):
        open_table(io.BytesIO(data))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [('="123"', "123"), ("=123", "123"), ("'138", "138"), ("\t456\t", "456"), (" x ", "x")],
)
def test_excel_protection_prefixes(raw: str, clean: str) -> None:
    """The prefixes Excel exports add to protect ids and phones are stripped."""
    assert clean_cell(raw) == clean


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,299.00", Decimal("1299.00")),
        ("￥59", Decimal("59.00")),
        ("-3.5", Decimal("-3.50")),
        ("", None),
    ],
)
def test_amounts(raw: str, value: Decimal | None) -> None:
    """Amounts with separators and currency signs parse to two-place decimals."""
    assert parse_amount(raw) == value


@pytest.mark.parametrize("raw", ["12,3.4", "abc", "1.2.3", "5元5"])
def test_malformed_amounts_are_refused(raw: str) -> None:
    """A malformed amount raises with the text quoted for the merchant."""
    with pytest.raises(ValueError, match="金额格式错误"):
        parse_amount(raw)


def test_ids_never_lose_digits() -> None:
    """A 19-digit id stays exact; one Excel turned into scientific notation is refused."""
    assert parse_id("'3000000000000000001") == "3000000000000000001"
    with pytest.raises(ValueError, match="科学计数法"):
        parse_id("3.00000000000000E+18")


def test_quantities() -> None:
    """Whole numbers parse, '2.0' included; fractions are refused."""
    assert parse_int("2.0") == 2
    with pytest.raises(ValueError, match="数量格式错误"):
        parse_int("2.5")


def test_datetimes_default_to_shanghai() -> None:
    """A local time without offset is Asia/Shanghai; an ISO offset is kept; nonsense raises."""
    assert parse_datetime("2025/06/18 20:01") == datetime(2025, 6, 18, 20, 1, tzinfo=SHANGHAI)
    assert parse_datetime("2025-06-18T12:00:00+00:00").utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert parse_datetime("") is None
    with pytest.raises(ValueError, match="时间格式错误"):
        parse_datetime("2025-13-45")
