"""The monthly report as an XLSX workbook: a cover sheet, then one sheet per table.

Numbers are written as numbers with number formats (money in 万元, shares and growth in
per cent with one decimal), headers in Chinese, header rows frozen, columns sized to fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from youpin.reports.report_types import (
    CHANGE,
    COUNT,
    HOURS,
    MONEY,
    NUMBER,
    SHARE,
    TEXT,
    Column,
    MonthlyReport,
    Table,
)

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE = Font(italic=True, color="666666")
FORMATS = {
    MONEY: "#,##0.00",
    COUNT: "#,##0",
    SHARE: "0.0",
    CHANGE: "0.0",
    HOURS: "0.0",
    NUMBER: "#,##0.0#",
}
SHEET_NAMES = {
    "headline": "主要指标",
    "county": "分县区",
    "platform": "分平台",
    "category": "分类别",
    "direction": "分流向",
    "carrier": "分快递企业",
    "targets": "规划目标",
}
MAX_WIDTH = 48


def cell_value(kind: str, value: Any) -> Any:
    """The value a cell holds: money as 万元, Decimals as floats, text as it is."""
    if value is None:
        return None
    if kind == MONEY:
        return int(value) / 1_000_000
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() and kind == NUMBER else float(value)
    return value


def text_width(value: Any) -> int:
    """Display width of a value: CJK characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fit(ws: Worksheet, widths: dict[int, int]) -> None:
    """Set each column's width from the widest value seen in it."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(8, width + 2))


def write_table(ws: Worksheet, table: Table, subtitle: str) -> None:
    """A titled table with a frozen header row, typed cells and fitted columns."""
    ws.append([table.title])
    ws.cell(row=1, column=1).font = TITLE
    ws.append([subtitle])
    ws.append([c.label for c in table.columns])
    widths: dict[int, int] = {}
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=3, column=col)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths[col] = min(text_width(column.label), 20)
    for r, row in enumerate(table.rows, start=4):
        _write_row(ws, r, table.columns, row, widths)
    if table.note:
        ws.cell(row=len(table.rows) + 5, column=1, value=f"说明：{table.note}").font = NOTE
    ws.freeze_panes = "B4"
    _fit(ws, widths)


def _write_row(
    ws: Worksheet, r: int, columns: Sequence[Column], row: Sequence[Any], widths: dict[int, int]
) -> None:
    """One row of a table: each value typed by its column."""
    for col, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
        cell = ws.cell(row=r, column=col, value=cell_value(column.kind, value))
        if column.kind == NUMBER and isinstance(cell.value, int):
            cell.number_format = FORMATS[COUNT]
        elif column.kind in FORMATS:
            cell.number_format = FORMATS[column.kind]
        shown = value if column.kind == TEXT else f"{cell_value(column.kind, value) or 0:,.2f}"
        widths[col] = max(widths.get(col, 0), text_width(shown))


def _wan(fen: Any) -> Decimal | None:
    """Fen as 万元 (a Decimal with two decimals)."""
    if fen is None:
        return None
    return (Decimal(int(fen)) / Decimal(1_000_000)).quantize(Decimal("0.01"))


def headline_table(report: MonthlyReport) -> Table:
    """The headline figures as a table: month and year to date, each with its YoY change.

    Its value columns are plain numbers in the unit each row names (money in 万元).
    """
    m, ytd = f"{report.month.month}月", report.month.ytd_chinese
    rows = []
    for f in report.headline:
        month, year = (_wan(f.month), _wan(f.ytd)) if f.kind == MONEY else (f.month, f.ytd)
        rows.append((f.label, f.unit_label, month, f.month_change, year, f.ytd_change))
    return Table(
        "headline",
        "主要指标",
        (
            Column("指标", TEXT),
            Column("单位", TEXT),
            Column(m, NUMBER),
            Column(f"{m}同比（%或百分点）", CHANGE),
            Column(ytd, NUMBER),
            Column(f"{ytd}同比（%或百分点）", CHANGE),
        ),
        tuple(rows),
        note="占比类指标的同比为百分点变化，其余为增长率。",
    )


def _local(moment: datetime | None) -> str:
    """A time in Shanghai, to the minute, or a dash."""
    return "—" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def write_cover(ws: Worksheet, report: MonthlyReport) -> None:
    """Title, period, region, summary, station network, sources and notes."""
    ws.title = "封面"
    ws.append([report.title])
    ws.cell(row=1, column=1).font = TITLE
    lines: list[tuple[str, Any]] = [
        ("报告月份", report.month.chinese),
        ("地区", f"{report.region_name}（{report.region_code}）"),
        ("报送", "电子商务与快递物流协同发展领导小组办公室"),
        ("生成时间", _local(report.generated_at)),
    ]
    if report.synthetic:
        lines.append(("数据说明", "合成演示数据，数字不代表真实情况"))
    for label, value in lines:
        ws.append([label, value])
    ws.append([])
    ws.append(["摘要"])
    ws.cell(row=ws.max_row, column=1).font = BOLD
    for sentence in report.summary:
        ws.append(["", sentence])
    ws.append([])
    ws.append(["数据来源", "来源", "数据截至"])
    for col in (1, 2, 3):
        ws.cell(row=ws.max_row, column=col).font = BOLD
    for source in report.sources:
        ws.append([source.part, source.source, _local(source.as_of), source.note])
    for note in report.notes:
        ws.append(["注", note])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 18
    for row in ws.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def report_xlsx(report: MonthlyReport) -> bytes:
    """The whole report as XLSX bytes."""
    wb = Workbook()
    write_cover(wb.active, report)
    subtitle = f"{report.region_name} · {report.month.chinese}"
    for table in (headline_table(report), *report.tables, report.targets):
        ws = wb.create_sheet(SHEET_NAMES.get(table.key, table.key)[:31])
        write_table(ws, table, subtitle)
    wb.properties.title = report.title
    wb.properties.creator = "Youpin 中卫优品"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
