"""Files that are not order exports, damaged files and malformed rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from youpin.connectors.platforms import ParseResult, parse_orders

SAMPLES = Path(__file__).parent / "samples" / "orders"


def _parse_bytes(data: bytes, **options: str) -> ParseResult:
    """Parse bytes and read them to the end."""
    result = parse_orders(io.BytesIO(data), **options)
    result.orders  # noqa: B018 - reads everything
    return result


def _assert_refused(result: ParseResult, code: str) -> None:
    """One file-level error with the code, no records, no rows."""
    assert result.kind == ""
    assert [m.code for m in result.messages] == [code]
    assert result.file_error is not None
    assert result.file_error.row is None
    assert result.orders == []
    assert result.refunds == []
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("empty.csv", "unreadable_file", "文件为空"),
        ("picture.csv", "unreadable_file", "二进制"),
        ("stock_list.csv", "not_an_order_export", "这不是订单导出文件"),
    ],
)
def test_bad_sample_files(name: str, code: str, words: str) -> None:
    """An empty file, a PNG renamed .csv and a stock list each give one file-level error."""
    result = _parse_bytes((SAMPLES / name).read_bytes())
    _assert_refused(result, code)
    assert result.file_error is not None
    assert words in result.file_error.text


@pytest.mark.parametrize("platform", ["auto", "taobao", "douyin", "pinduoduo_refunds"])
def test_png_with_every_platform(platform: str) -> None:
    """A picture is refused whatever platform was named."""
    _assert_refused(
        _parse_bytes((SAMPLES / "picture.csv").read_bytes(), platform=platform), "unreadable_file"
    )


def test_damaged_xlsx() -> None:
    """A workbook cut in half is refused, not raised."""
    data = (SAMPLES / "kuaishou_orders_20251105.xlsx").read_bytes()
    _assert_refused(_parse_bytes(data[: len(data) // 2]), "unreadable_file")


def test_zip_that_is_not_a_workbook() -> None:
    """A ZIP archive without a workbook inside is refused."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    _assert_refused(_parse_bytes(buffer.getvalue()), "unreadable_file")


def test_header_only() -> None:
    """A recognised header without rows gives no records and no errors."""
    result = _parse_bytes("主订单编号,子订单编号,选购商品\r\n".encode())
    assert result.format == "douyin_orders"
    assert result.orders == []
    assert result.rows_read == 0
    assert result.file_error is None
    assert result.finished


def test_blank_lines_are_not_rows() -> None:
    """Blank lines between rows are skipped, not counted and not rejected."""
    text = "主订单编号,子订单编号,选购商品\r\n1,11,a\r\n,,\r\n\r\n2,21,b\r\n"
    result = _parse_bytes(text.encode())
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (2, 2, 0)


def test_short_and_shifted_rows() -> None:
    """A short row is padded; a row with extra filled cells (unquoted comma) is rejected."""
    text = "主订单编号,子订单编号,选购商品,商品金额\r\n1,11,a\r\n"
    text += "2,21,b,1.00,多出来\r\n3,31,c,2.00,\r\n"
    result = _parse_bytes(text.encode())
    assert [o.platform_order_id for o in result.orders] == ["1", "3"]
    (rejected,) = [m for m in result.messages if m.is_error]
    assert rejected.row == 3
    assert "多于表头" in rejected.text
    assert rejected.raw["第5列"] == "多出来"


def test_nul_bytes_in_a_csv() -> None:
    """NUL bytes inside a UTF-8 CSV after the sniffed head do not raise."""
    head = "主订单编号,子订单编号,选购商品\r\n" + "1,11,a\r\n" * 10000
    data = head.encode() + b"2,2\x001,b\r\n3,31,c\r\n"
    result = _parse_bytes(data)
    assert result.rows_read == result.rows_ok + result.rows_rejected
    assert result.rows_read >= 10000


def test_a_field_too_large_for_the_csv_reader() -> None:
    """A giant quoted field ends the file with a file-level error; earlier rows are kept."""
    text = '主订单编号,子订单编号,选购商品\r\n1,11,a\r\n2,21,"' + "x" * 200_000 + '"\r\n'
    result = _parse_bytes(text.encode())
    assert [o.platform_order_id for o in result.orders] == ["1"]
    assert result.file_error is not None
    assert result.file_error.code == "file_damaged"
    assert result.rows_read == result.rows_ok + result.rows_rejected


def test_utf16_and_gb18030_files() -> None:
    """A UTF-16 CSV (with BOM) and a GB18030 one read the same order."""
    text = "订单号,京东价,订购数量,商品名称\r\n298765432101,12.50,2,枸杞\r\n"
    for encoding in ("utf-16", "gb18030"):
        (order,) = _parse_bytes(text.encode(encoding)).orders
        assert order.platform_order_id == "298765432101"
        assert order.lines[0].title == "枸杞"


def test_tab_separated_file() -> None:
    """A tab-separated export is read like a CSV."""
    text = "主订单编号\t子订单编号\t选购商品\r\n'1\t'11\t枸杞\r\n"
    (order,) = _parse_bytes(text.encode()).orders
    assert (order.platform_order_id, order.lines[0].platform_line_id) == ("1", "11")


def test_unknown_columns_and_trailing_commas() -> None:
    """An unknown extra column is one warning; a trailing comma on every line is harmless."""
    text = "主订单编号,子订单编号,选购商品,直播间备注,\r\n'1,'11,枸杞,好评,\r\n'2,'21,大米,,\r\n"
    result = _parse_bytes(text.encode())
    assert [o.platform_order_id for o in result.orders] == ["1", "2"]
    assert result.rows_rejected == 0
    (unknown,) = [m for m in result.messages if m.code == "unknown_column"]
    assert "直播间备注" in unknown.text
    assert not unknown.is_error
