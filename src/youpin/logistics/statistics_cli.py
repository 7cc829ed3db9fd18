"""Command line of `youpin kpi express`: the express-volume statistic as JSON or a table."""

from __future__ import annotations

import json
import unicodedata
from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.statistics import ExpressReport, ExpressRow, express_volume
from youpin.logistics.statistics_formulas import (
    DEFAULT_DIMENSIONS,
    DIMENSION_LABELS,
    DIMENSIONS,
)

DASH = "—"


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `kpi express`."""
    parser.add_argument(
        "--year", type=int, help="calendar year (Asia/Shanghai); default: the current year"
    )
    parser.add_argument("--month", type=int, help="limit to one month (1–12)")
    parser.add_argument(
        "--by",
        action="append",
        metavar="DIM",
        help=(
            f"breakdown, repeatable or comma-separated: {', '.join(DIMENSIONS)} "
            f"(default: {','.join(DEFAULT_DIMENSIONS)}; 'none' for totals only)"
        ),
    )
    parser.add_argument(
        "--region", help="12-digit NBS code of the region (default: YOUPIN_REGION_CODE)"
    )
    parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")


def run(options: dict[str, Any], *, stdout: OutputWrapper) -> None:
    """Compute the statistic with the operator's scope and print it."""
    year = options.get("year") or timezone.localdate().year
    try:
        report = express_volume(
            Scope(role=Role.OPERATOR),
            year=year,
            month=options.get("month"),
            by=options.get("by") or DEFAULT_DIMENSIONS,
            region_code=options.get("region"),
        )
    except (ValueError, PermissionDenied) as exc:
        raise CommandError(str(exc)) from exc
    if options.get("as_json"):
        stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        stdout.write(render_table(report))


# ----------------------------------------------------------------------------- text output


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    """Pad to a display width, aligned left (labels) or right (numbers)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _count(n: int | None) -> str:
    """A count with thousands separators, or a dash."""
    return DASH if n is None else f"{n:,}"


def _pct(value: float | None, *, signed: bool = False) -> str:
    """A percentage with one decimal, or a dash."""
    if value is None:
        return DASH
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def _hours(value: float | None) -> str:
    """Hours with one decimal, or a dash."""
    return DASH if value is None else f"{value:.1f}"


COLUMNS = (
    "揽收量",
    "上年同期",
    "同比",
    "派送量",
    "上年同期",
    "同比",
    "电子面单",
    "站点/柜派送",
    "时长(时)",
)


def _cells(row: ExpressRow) -> list[str]:
    """The printed cells of a row, in the order of COLUMNS."""
    now, before = row.current, row.previous
    return [
        _count(now.collected),
        _count(before.collected if before else None),
        _pct(row.collected_growth, signed=True),
        _count(now.delivered),
        _count(before.delivered if before else None),
        _pct(row.delivered_growth, signed=True),
        _pct(now.e_waybill_share),
        _pct(now.station_share),
        _hours(now.collected_mean_hours),
    ]


def _table(title: str, rows: Sequence[ExpressRow]) -> list[str]:
    """One aligned table: a label column, then the figures right-aligned."""
    body = [[row.label, *_cells(row)] for row in rows]
    header = [title, *COLUMNS]
    widths = [max(display_width(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            _pad(cell, widths[i], right=i > 0) for i, cell in enumerate(cells)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(header), rule, *(line(r) for r in body)]


def _direction_line(report: ExpressReport) -> str:
    """Outbound, intra and inbound counts in one line."""
    rows = {row.key: row.current for row in report.directions}
    outbound, intra, inbound = rows["outbound"], rows["intra"], rows["inbound"]
    return (
        f"其中出港 {_count(outbound.collected)} 件；区内互寄揽收 {_count(intra.collected)} 件、"
        f"签收 {_count(intra.delivered)} 件；进港 {_count(inbound.delivered)} 件"
    )


def render_table(report: ExpressReport) -> str:
    """The report as aligned Chinese text: headline figures, then one table per breakdown."""
    total = report.total.current
    period = f"{report.year} 年" + (f" {report.month} 月" if report.month else "")
    whose = f" · {report.carrier_name}" if report.carrier_name else ""
    lines = [
        f"快递业务量 · {report.region.name}（{report.region.code}）· {period}{whose}（北京时间）",
        "",
        f"  揽收量（计划口径，出港 + 区内互寄）：{_count(total.collected)} 件，"
        f"同比 {_pct(report.total.collected_growth, signed=True)}",
        f"  派送量（进港 + 区内互寄）：{_count(total.delivered)} 件，"
        f"同比 {_pct(report.total.delivered_growth, signed=True)}",
        "  " + _direction_line(report),
        f"  电子面单占比（揽收）：{_pct(total.e_waybill_share)}；"
        f"经站点/快递柜派送占比：{_pct(total.station_share)}"
        f"（其中快递柜 {_pct(total.locker_share)}）",
        f"  揽收→签收时长：揽收包裹平均 {_hours(total.collected_mean_hours)} 小时、"
        f"中位数 {_hours(report.collected_median_hours)} 小时；"
        f"派送包裹平均 {_hours(total.delivered_mean_hours)} 小时、"
        f"中位数 {_hours(report.delivered_median_hours)} 小时",
    ]
    for name, rows in report.breakdowns.items():
        lines += ["", f"按{DIMENSION_LABELS[name]}", *_table(DIMENSION_LABELS[name], rows)]
    lines += [
        "",
        "口径：揽收量按揽收地在区域内计；派送量按派送地在区域内计；区内互寄单列、不重复计算。",
        "同比为与上年同期相比；“时长”为揽收包裹中已签收者的平均揽收→签收小时数。",
    ]
    return "\n".join(lines)
