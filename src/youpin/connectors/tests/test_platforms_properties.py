"""Property tests: whatever bytes or rows arrive, no exception and every row accounted for."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from youpin.connectors.platforms import FORMATS, ColumnMapping, ParseResult, parse_orders
from youpin.connectors.records import OrderRecord, RefundRecord

PLATFORMS = ["auto", "taobao", "pinduoduo", "douyin", "jd", *FORMATS]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cell values that look like what exports hold, and what goes wrong in them.
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "'",
            '=""',
            "12,3.4",
            "1,299.00",
            "￥59",
            "-3.5",
            "2025-13-45 10:00:00",
            "2025-11-01 09:12:30",
            "2025/11/01 9:12",
            "3.00000000000000E+18",
            '="3861234567890123456"',
            "'6923456789012345678",
            "6923456789012345700\t",
            "交易成功",
            "已发货",
            "神秘状态",
            "宁夏回族自治区",
            "1",
            "-1",
            "0",
            "\x00",
        ]
    ),
    st.text(max_size=15),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)


def _check(result: ParseResult) -> list[OrderRecord | RefundRecord]:
    """Read everything and check the accounting rules; return the records."""
    records = [*result.orders, *result.refunds]
    assert result.finished
    assert result.rows_read == result.rows_ok + result.rows_rejected
    row_errors = [m for m in result.messages if m.is_error and m.row is not None]
    assert len(row_errors) == result.rows_rejected
    assert all(m.text and m.raw for m in row_errors)
    if result.kind == "":
        assert records == []
        assert [m for m in result.messages if m.is_error] == [result.file_error]
    accepted: list[int] = []
    for record in records:
        if isinstance(record, OrderRecord):
            accepted += record.source_rows
            assert record.platform_order_id
        else:
            assert record.source_row is not None
            accepted.append(record.source_row)
    assert len(accepted) == len(set(accepted)) == result.rows_ok
    assert not set(accepted) & {m.row for m in row_errors}
    return records


def _csv(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    """A CSV of the header and rows in an encoding (unencodable characters replaced)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding, errors="replace")


@st.composite
def export_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A CSV in one format's shape (some of its columns, shuffled) with random rows."""
    name = draw(st.sampled_from(sorted(FORMATS)))
    known = FORMATS[name].all_headers()  # type: ignore[attr-defined]
    header = draw(st.lists(st.sampled_from(known), min_size=1, max_size=len(known), unique=True))
    header += sorted(draw(st.sets(st.sampled_from(sorted(next(iter(FORMATS[name].signatures)))))))  # type: ignore[attr-defined]
    header = list(dict.fromkeys(header))
    if draw(st.booleans()):
        header.append(draw(st.text(max_size=6)))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=0, max_size=len(header) + 2),
            max_size=12,
        )
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    return name, _csv(header, rows, encoding)


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(PLATFORMS))
def test_random_bytes(data: bytes, platform: str) -> None:
    """Random bytes never raise: refused with one file-level error, or rows accounted for."""
    _check(parse_orders(io.BytesIO(data), platform=platform))


@SETTINGS
@given(st.lists(st.lists(CELL, max_size=6), max_size=8), st.sampled_from(PLATFORMS))
def test_random_csv(rows: list[list[str]], platform: str) -> None:
    """Random CSV text, header included, never raises."""
    data = _csv(rows[0] if rows else [], rows[1:], "utf-8")
    _check(parse_orders(io.BytesIO(data), platform=platform))


@SETTINGS
@given(export_files())
def test_malformed_rows_in_every_format(file: tuple[str, bytes]) -> None:
    """Rows of random cells under a real header: each row is a record's or an error's."""
    name, data = file
    for platform in ("auto", name):
        _check(parse_orders(io.BytesIO(data), platform=platform))


@SETTINGS
@given(export_files(), st.sampled_from(["order", "line"]))
def test_malformed_rows_through_a_mapping(file: tuple[str, bytes], unit: str) -> None:
    """A column mapping over random rows never raises either."""
    _, data = file
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))), [])
    columns = dict(
        zip(
            ["platform_order_id", "paid_amount", "title", "quantity", "created_at", "status"],
            [h for h in header if h],
            strict=False,
        )
    )
    if "platform_order_id" not in columns:
        return
    mapping = ColumnMapping(
        name="随机",
        platform="other",
        columns=columns,
        one_row_per=unit,
        status_map={"已发货": "shipped"},
    )
    _check(parse_orders(io.BytesIO(data), mapping=mapping))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(FORMATS)),
    st.lists(
        st.lists(
            st.one_of(CELL, st.integers(-(10**19), 10**19), st.floats(allow_nan=False)), max_size=8
        ),
        max_size=6,
    ),
)
def test_malformed_xlsx(name: str, rows: list[list[object]]) -> None:
    """Workbooks with numbers, floats and junk under a real header never raise."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(FORMATS[name].all_headers()[:8])  # type: ignore[attr-defined]
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    _check(parse_orders(buffer))
