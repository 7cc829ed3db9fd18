"""Settlement statements as an XLSX workbook: a summary sheet, then every statement in full.

Written in openpyxl's write-only mode: rows stream out, so a month of every station and
carrier (thousands of statements) takes time in proportion to its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from youpin.stations.settlement_rules import EVENT_KINDS, PAID_SERVICES, Statement

BOLD = Font(bold=True)
MONEY = "#,##0.00"
SUMMARY_HEADER = (
    "站点编号",
    "站点",
    "快递公司",
    "月份",
    "到站自取（件）",
    "送货上门（件）",
    "代寄（件）",
    "入站（件）",
    "妥投率（%）",
    "费用（元）",
    "补贴（元）",
    "合计（元）",
    "未计费（件）",
)
SUMMARY_WIDTHS = (14, 34, 12, 9, 12, 12, 10, 10, 10, 12, 12, 12, 10)
DETAIL_WIDTHS = (14, 36, 14, 14, 14)
COLUMNS = "ABCDEFGHIJKLM"


class _Sheet:
    """A write-only sheet with bold rows and money columns."""

    def __init__(self, ws: Any, widths: Sequence[int]) -> None:
        self.ws = ws
        for letter, width in zip(COLUMNS, widths, strict=False):
            ws.column_dimensions[letter].width = width

    def row(self, *values: Any, bold: bool = False, money_cols: Sequence[int] = ()) -> None:
        """Append a row; money columns (1-based) get the money format."""
        cells = []
        for col, value in enumerate(values, start=1):
            cell = WriteOnlyCell(self.ws, value=value)
            if bold:
                cell.font = BOLD
            if col in money_cols:
                cell.number_format = MONEY
            cells.append(cell)
        self.ws.append(cells)


def _pct(value: Any) -> float | None:
    """A Decimal percentage as a number for a cell, or empty."""
    return None if value is None else float(value)


def _summary(sheet: _Sheet, statements: Sequence[Statement], month: str) -> None:
    """One row per statement."""
    sheet.row(f"站点结算汇总 · {month}", bold=True)
    sheet.row(*SUMMARY_HEADER, bold=True)
    for s in statements:
        sheet.row(
            s.station_code,
            s.station_name,
            s.carrier_name,
            s.month_label,
            s.counts["pickup"],
            s.counts["door"],
            s.counts["send"],
            s.checked_in,
            _pct(s.delivery_rate_pct),
            s.fees_total,
            s.subsidies_total,
            s.total,
            s.unpriced_pieces,
            money_cols=(10, 11, 12),
        )
    if not statements:
        sheet.row("本月没有站点业务记录")


def _block(sheet: _Sheet, s: Statement) -> None:
    """One statement: header, counts, fee lines by service and band, subsidies, total."""
    row = sheet.row
    row("站点结算单", bold=True)
    row("站点", f"{s.station_name}（{s.station_code}）")
    row("快递公司", f"{s.carrier_name}（{s.carrier_code}）")
    row("月份", s.month_label)
    rate = s.delivery_rate_pct
    row(
        "妥投率", "—" if rate is None else f"{rate}%", f"{s.delivered_of_checked_in}/{s.checked_in}"
    )
    row("件数", *(f"{label} {s.counts[k]}" for k, label in EVENT_KINDS.items()))
    row("服务", "重量段", "件数", "单价（元）", "金额（元）", bold=True)
    for line in s.lines:
        row(
            PAID_SERVICES[line.service],
            line.band,
            line.pieces,
            line.fee if line.fee is not None else "无规则",
            line.amount,
            money_cols=(4, 5) if line.fee is not None else (5,),
        )
    row("费用小计", "", sum(line.pieces for line in s.lines), "", s.fees_total, money_cols=(5,))
    row("补贴", "", "件数", "每件（元）", "金额（元）", bold=True)
    for sub in s.subsidies:
        row(
            PAID_SERVICES[sub.service], "", sub.pieces, sub.per_piece, sub.amount, money_cols=(4, 5)
        )
    row("补贴小计", "", "", "", s.subsidies_total, money_cols=(5,))
    row("合计", "", "", "", s.total, bold=True, money_cols=(5,))
    for note in s.notes:
        row("注", note)
    row()


def statements_xlsx(statements: Sequence[Statement], *, month: str) -> bytes:
    """The workbook's bytes: sheet 汇总 then sheet 结算单 with every statement in turn."""
    wb = Workbook(write_only=True)
    _summary(_Sheet(wb.create_sheet("汇总"), SUMMARY_WIDTHS), statements, month)
    detail = _Sheet(wb.create_sheet("结算单"), DETAIL_WIDTHS)
    for statement in statements:
        _block(detail, statement)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
