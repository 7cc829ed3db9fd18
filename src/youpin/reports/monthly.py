"""The monthly report's content for a month and a region, read from the daily facts.

`monthly_report(scope, month, county=None)` gathers the headline figures (month and year to
date, each beside a year earlier), the tables by county, platform, category and carrier,
the plan targets, a generated summary in Chinese and the data sources with their
freshness. Only the operator and officials may read it; an official sees their region
and may narrow it to a county inside.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from youpin.accounts.scoping import Scope
from youpin.demo.selectors import demo_dataset
from youpin.facts.models import ParcelDirection, ParcelSide
from youpin.facts.selectors import (
    facts_state,
    parcel_facts_visible,
    region_filter,
    sales_places_visible,
)
from youpin.reports.network import network
from youpin.reports.periods import (
    ReportMonth,
    Window,
    mean_hours,
    share_pct,
)
from youpin.reports.region import Region, report_region
from youpin.reports.report_types import (
    COUNT,
    HOURS,
    MONEY,
    SHARE,
    Figure,
    MonthlyReport,
    Source,
    TrendPoint,
)
from youpin.reports.summary import summary_sentences
from youpin.reports.sums import FactSums, fact_sums, four, summed, window_sums
from youpin.reports.tables import (
    carrier_table,
    category_table,
    county_table,
    direction_table,
    platform_table,
)
from youpin.reports.targets import targets_table


def _flow(key: str, label: str, kind: str, values: dict[str, int], measure: str) -> Figure:
    """A summed measure as a figure."""
    m, mp, y, yp = four(values, measure)
    return Figure(key, label, kind, m, mp, y, yp)


def _ratio(
    key: str, label: str, kind: str, values: dict[str, int], part: str, whole: str
) -> Figure:
    """A share (part ÷ whole, %) or mean hours (seconds ÷ count) in the four windows."""
    parts, wholes = four(values, part), four(values, whole)
    fn = share_pct if kind == SHARE else mean_hours
    m, mp, y, yp = (fn(p, n) for p, n in zip(parts, wholes, strict=True))
    return Figure(key, label, kind, m, mp, y, yp)


# -- the facts --------------------------------------------------------------------------

# -- verified sales (trust) -------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """Reported and verified net sales (fen) of the month and year to date, from the facts."""

    figure: Figure
    reported: Figure
    not_checked_ytd: int


VERIFIED_LABEL = "其中：经包裹核实的网络零售额"
REPORTED_LABEL = "上报网络零售额（订单口径）"


def verified_sales(sums: FactSums) -> Verified:
    """Net sales of orders verified by a real parcel (docs/TRUST.md), beside the reported.

    The sales facts split each day's net by the orders' verification state, so this is the
    same rows and windows as the headline's sales figure; what no state covers is "not yet
    checked".
    """
    values = summed(sums.sales_by_county)
    reported = four(values, "net_fen")
    checked_ytd = sum(
        four(values, m)[2] for m in ("verified_fen", "unverified_fen", "suspicious_fen")
    )
    return Verified(
        figure=Figure(
            "retail_sales_verified", VERIFIED_LABEL, MONEY, *four(values, "verified_fen")
        ),
        reported=Figure("retail_sales_reported", REPORTED_LABEL, MONEY, *reported),
        not_checked_ytd=reported[2] - checked_ytd,
    )


# -- the parts of the report ------------------------------------------------------------


def trend(scope: Scope, region: Region, month: ReportMonth) -> tuple[TrendPoint, ...]:
    """Net sales and collected parcels of each month so far, beside a year earlier."""
    windows: dict[str, Window] = {}
    for i in range(1, month.month + 1):
        of = ReportMonth(month.year, i)
        windows[f"{i}"], windows[f"{i}p"] = of.month_window(), of.month_window(1)
    places = sales_places_visible(scope)
    if places is None:  # pragma: no cover - report readers always have the summary
        raise PermissionDenied
    sales = places.filter(region_filter(region.prefix), local_seller=True)
    parcels = parcel_facts_visible(scope).filter(
        region_filter(region.prefix), side=ParcelSide.COLLECTED
    )
    s = window_sums(sales, [], ["net_fen"], windows)[()]
    p = window_sums(parcels, [], ["parcels"], windows)[()]
    return tuple(
        TrendPoint(
            i, s[f"net_fen__{i}"], s[f"net_fen__{i}p"], p[f"parcels__{i}"], p[f"parcels__{i}p"]
        )
        for i in range(1, month.month + 1)
    )


def headline(sums: FactSums, verified: Verified) -> tuple[Figure, ...]:
    """The headline figures: sales, verified sales, express volume by direction, shares, hours."""
    sales = summed(sums.sales_by_county)
    collected = summed(sums.parcels_by_direction, ParcelSide.COLLECTED)
    delivered = summed(sums.parcels_by_direction, ParcelSide.DELIVERED)
    by_dir = sums.parcels_by_direction
    return (
        _flow("retail_sales", "网络零售额（中卫卖家，扣除退款）", MONEY, sales, "net_fen"),
        verified.figure,
        _flow("retail_orders", "网络零售订单数", COUNT, sales, "lead_orders"),
        _flow("express_volume", "快递业务量（揽收）", COUNT, collected, "parcels"),
        _flow(
            "outbound",
            "其中：出港",
            COUNT,
            by_dir.get((ParcelSide.COLLECTED, ParcelDirection.OUTBOUND), {}),
            "parcels",
        ),
        _flow(
            "intra",
            "其中：区内互寄",
            COUNT,
            by_dir.get((ParcelSide.COLLECTED, ParcelDirection.INTRA), {}),
            "parcels",
        ),
        _flow(
            "inbound",
            "进港（派送）",
            COUNT,
            by_dir.get((ParcelSide.DELIVERED, ParcelDirection.INBOUND), {}),
            "parcels",
        ),
        _flow("delivered_volume", "派送量（进港＋区内互寄）", COUNT, delivered, "parcels"),
        _ratio("e_waybill_share", "电子面单使用率", SHARE, collected, "e_waybill", "parcels"),
        _ratio(
            "station_share", "站点（含快递柜）交付占比", SHARE, delivered, "at_station", "parcels"
        ),
        _ratio("transit_hours", "平均揽收至签收时长", HOURS, delivered, "transit_seconds", "timed"),
    )


def sources(region: Region, plan_label: str, month: ReportMonth) -> tuple[Source, ...]:
    """Where each part comes from and how fresh it is."""
    state = facts_state()
    refreshed = state.refreshed_at if state else None
    return (
        Source(
            "网络零售额、订单、快递业务量、分县区/平台/类别/企业表",
            "每日事实表（youpin facts refresh，由订单与轨迹原始数据汇总）",
            refreshed,
            "" if refreshed else "事实表尚未刷新，数字可能为零",
        ),
        Source(
            "经包裹核实的网络零售额",
            "订单核实（youpin trust refresh，按真实包裹核对订单），按核实结果汇总入每日事实表",
            refreshed,
        ),
        Source("乡镇站点与行政村覆盖", "站点名录（报告生成时的现状）", timezone.now()),
        Source("规划目标", plan_label),
        Source("行政区划", "国家统计局2023年统计用区划代码"),
    )


def monthly_report(scope: Scope, month: ReportMonth, county: str | None = None) -> MonthlyReport:
    """The monthly report for a month in the scope's region (or a county of it)."""
    region = report_region(scope, county)
    sums = fact_sums(scope, region, month)
    verified = verified_sales(sums)
    figures = headline(sums, verified)
    targets = targets_table(scope, region, month)
    net = network(scope, region, month, targets.township_target)
    notes = []
    if verified.not_checked_ytd:
        notes.append(
            f"{month.ytd_chinese}有 {verified.not_checked_ytd / 1_000_000:,.2f} 万元的订单尚未核对"
            "（运行 youpin trust refresh 后再生成报告）。"
        )
    synthetic = demo_dataset() is not None
    if synthetic:
        notes.append("本报告基于合成演示数据生成，数字不代表真实情况。")
    return MonthlyReport(
        title=f"{region.name}电子商务与快递物流协同发展月度报告",
        month=month,
        region_code=region.code,
        region_name=region.name,
        generated_at=timezone.localtime(),
        synthetic=synthetic,
        headline=figures,
        network=net,
        tables=(
            county_table(scope, region, month, sums),
            platform_table(month, sums),
            category_table(month, sums),
            direction_table(month, figures),
            carrier_table(month, sums),
        ),
        targets=targets.table,
        summary=summary_sentences(region.name, month, figures, net, targets.lagging),
        sources=sources(region, targets.plan_label, month),
        trend=trend(scope, region, month),
        notes=tuple(notes),
    )
