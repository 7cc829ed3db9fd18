"""Command line of `youpin kpi retail`: the statistic as an aligned Chinese table or as JSON."""

from __future__ import annotations

import json
import unicodedata
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.retail_queries import region_prefix
from youpin.commerce.statistics import (
    DIMENSIONS,
    RetailQueryError,
    RetailReport,
    Row,
    report_as_json,
    retail_sales,
)
from youpin.geo.models import Place
from youpin.geo.selectors import InvalidPlaceCode, place_get


def _iso_date(text: str) -> date:
    """Parse YYYY-MM-DD for argparse."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text!r}") from exc


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `kpi retail`."""
    parser.add_argument(
        "--year", type=int, help="calendar year (Asia/Shanghai); default: this year"
    )
    parser.add_argument("--month", type=int, help="one month of the year (1–12)")
    parser.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="DIM",
        help=f"breakdown, repeatable or comma-separated: {'|'.join(DIMENSIONS)}",
    )
    parser.add_argument("--county", help="only sellers of one county (e.g. 640521)")
    parser.add_argument(
        "--region", help="answer as an official of this region (default: the operator, all data)"
    )
    parser.add_argument(
        "--as-of",
        type=_iso_date,
        dest="as_of",
        help="treat this day as today (a running period is cut there); default: today",
    )
    parser.add_argument(
        "--basis",
        choices=["operating", "registered", "shipping"],
        help="attribute sales by the shop's operating location (official rule), registered"
        " address or shipping origin; shows all three side by side and the shops they differ on",
    )
    parser.add_argument(
        "--verified",
        action="store_true",
        help="count only orders a real parcel carried (see docs/TRUST.md); reported beside it",
    )
    parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")


def run(options: dict[str, Any], *, stdout: OutputWrapper) -> None:
    """Compute the statistic and print it."""
    scope = _scope(options.get("region"))
    try:
        report = retail_sales(
            scope,
            year=options.get("year") or timezone.localdate().year,
            month=options.get("month"),
            by=options.get("by") or [],
            county=options.get("county"),
            as_of=options.get("as_of"),
            basis=options.get("basis"),
            verified=bool(options.get("verified")),
        )
    except (RetailQueryError, PermissionDenied) as exc:
        raise CommandError(str(exc)) from exc
    if options.get("as_json"):
        stdout.write(json.dumps(report_as_json(report), ensure_ascii=False, indent=2))
    else:
        stdout.write(render_table(report))


def _scope(region: str | None) -> Scope:
    """The operator's scope, or an official's of the given region."""
    if not region:
        return Scope(role=Role.OPERATOR)
    try:
        place = place_get(region)
    except (InvalidPlaceCode, Place.DoesNotExist) as exc:
        raise CommandError(f"未知的区划代码：{region!r}") from exc
    if not place.code.startswith(region_prefix()):
        raise CommandError(f"区划不在本市范围内：{place.name}（{place.code}）")
    return Scope(role=Role.OFFICIAL, region_prefix=place.prefix, region_code=place.code)


_HEADERS = ("项目", "订单数", "实付金额", "退款", "净额", "上年同期净额", "同比%", "占比%")


def render_table(report: RetailReport) -> str:
    """The report as aligned tables in Chinese (amounts in CNY)."""
    period = report.period
    title = f"网络零售额 {report.year}年" + (f"{report.month}月" if report.month else "")
    lines = [
        title,
        f"范围：{report.scope}" + (f"；区县 {report.county}" if report.county else ""),
        f"统计期：{period.first} 至 {period.last}"
        + ("（期间未结束，截至当日）" if period.partial else ""),
        f"对比期：{report.comparison.first} 至 {report.comparison.last}（上年同期）",
        "口径：中卫本地注册且实际经营地在中卫的卖家；按付款时间（北京时间）；"
        "净额 = 实付 − 退款；金额单位：元",
        "",
    ]
    headline = [
        report.total,
        report.goods,
        report.services,
        report.unclassified,
        report.farm,
        report.other_sellers,
    ]
    if report.verified:
        lines[4] += "；仅计已核实订单（有真实包裹承运）"
    lines += _table(headline)
    if report.verification is not None:
        lines += ["", "核实情况（上报口径按状态拆分）"]
        lines += _table(list(report.verification))
    if report.attribution is not None:
        a = report.attribution
        lines += ["", f"归属口径对比（当前：{a.basis}）"]
        lines += _table([*a.bases, a.location_unknown])
        lines += ["", "各口径归属不一致的店铺"]
        marks = {True: "计入", False: "不计"}
        names = {"operating": "经营地", "registered": "注册地", "shipping": "发货地"}
        lines += [
            f"{d.name}（{d.shop_id}）  "
            + "  ".join(f"{names[b]} {d.places[b]} {marks[d.counted[b]]}" for b in names)
            + f"  净额 {d.figures.net:,.2f}"
            for d in a.differences
        ] or ["（无）"]
    for b in report.breakdowns:
        lines += ["", f"按{b.label}"]
        lines += _table(list(b.rows)) if b.rows else ["（无数据）"]
    return "\n".join(lines)


def _cells(row: Row) -> list[str]:
    """One row's cells."""
    prev = row.previous.net if row.previous is not None else None
    return [
        row.label,
        f"{row.current.orders:,}",
        f"{row.current.gross:,.2f}",
        f"{row.current.refunded:,.2f}",
        f"{row.current.net:,.2f}",
        "—" if prev is None else f"{prev:,.2f}",
        "—" if row.growth_pct is None else f"{row.growth_pct:+.2f}",
        "—" if row.share_pct is None else f"{row.share_pct:.2f}",
    ]


def display_width(text: str) -> int:
    """Columns a text takes in a terminal (wide CJK characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def _table(rows: Sequence[Row]) -> list[str]:
    """Aligned lines: the label left, the numbers right."""
    grid = [list(_HEADERS), *(_cells(r) for r in rows)]
    widths = [max(display_width(line[i]) for line in grid) for i in range(len(_HEADERS))]
    out = []
    for line in grid:
        cells = [
            c + " " * (widths[i] - display_width(c))
            if i == 0
            else " " * (widths[i] - display_width(c)) + c
            for i, c in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
    return out
