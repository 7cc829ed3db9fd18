"""The report's short text: Chinese sentences built from its figures (pure, no Django)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from youpin.reports.periods import ReportMonth, share_pct, yuan_wan, yuan_yi
from youpin.reports.report_types import Figure, Network, Value


def money_text(fen: Value) -> str:
    """Fen as `12.34亿元` from 100 million CNY up, else `123.45万元`."""
    n = int(fen or 0)
    if abs(n) >= 10_000_000_000:
        return f"{yuan_yi(n)}亿元"
    return f"{yuan_wan(n)}万元"


def count_text(n: Value, unit: str = "件") -> str:
    """A count as `12.35万件` from 10,000 up, else `1234件`."""
    value = int(n or 0)
    if abs(value) >= 10_000:
        wan = (Decimal(value) / Decimal(10_000)).quantize(Decimal("0.01"))
        return f"{wan}万{unit}"
    return f"{value}{unit}"


def growth_text(change: Decimal | None, points: bool = False) -> str:
    """`同比增长5.1%`, `同比下降2.0%` (or 个百分点 for shares), or no base a year earlier."""
    if change is None:
        return "上年同期无可比数据"
    unit = "个百分点" if points else "%"
    if change > 0:
        return f"同比{'提高' if points else '增长'}{change}{unit}"
    if change < 0:
        return f"同比{'降低' if points else '下降'}{-change}{unit}"
    return "与上年同期持平"


def _get(figures: Sequence[Figure], key: str) -> Figure | None:
    """The figure with a key, if present."""
    return next((f for f in figures if f.key == key), None)


def summary_sentences(
    region: str,
    month: ReportMonth,
    figures: Sequence[Figure],
    network: Network,
    lagging: Sequence[str],
) -> tuple[str, ...]:
    """Four to six sentences summing up the month for the leading group's office."""
    out: list[str] = []
    ytd, m = month.ytd_chinese, f"{month.month}月"
    sales = _get(figures, "retail_sales")
    if sales is not None:
        out.append(
            f"{ytd}{region}网络零售额{money_text(sales.ytd)}，{growth_text(sales.ytd_change)}；"
            f"其中{m}{money_text(sales.month)}，{growth_text(sales.month_change)}。"
        )
    verified = _get(figures, "retail_sales_verified")
    if sales is not None and verified is not None:
        share = share_pct(int(verified.ytd or 0), int(sales.ytd or 0))
        share_part = f"，占网络零售额的{share}%" if share is not None else ""
        out.append(f"经真实包裹核实的网络零售额{money_text(verified.ytd)}{share_part}。")
    volume = _get(figures, "express_volume")
    outbound, intra, inbound = (_get(figures, k) for k in ("outbound", "intra", "inbound"))
    if volume is not None:
        parts = []
        if outbound is not None and intra is not None:
            parts.append(f"其中出港{count_text(outbound.ytd)}、区内互寄{count_text(intra.ytd)}")
        if inbound is not None:
            parts.append(f"进港派送{count_text(inbound.ytd)}")
        detail = "；".join(parts)
        out.append(
            f"{ytd}快递业务量（揽收）{count_text(volume.ytd)}，{growth_text(volume.ytd_change)}"
            + (f"；{detail}" if detail else "")
            + "。"
        )
    e_waybill, station, hours = (
        _get(figures, k) for k in ("e_waybill_share", "station_share", "transit_hours")
    )
    quality = []
    if e_waybill is not None and e_waybill.month is not None:
        quality.append(f"电子面单使用率{e_waybill.month}%")
    if station is not None and station.month is not None:
        quality.append(f"站点（含快递柜）交付占比{station.month}%")
    if hours is not None and hours.month is not None:
        quality.append(f"平均揽收至签收{hours.month}小时")
    if quality:
        out.append(f"{m}" + "，".join(quality) + "。")
    stations = f"{month.chinese}末乡镇电商快递兴农超市{network.township_stations}个"
    if network.township_target:
        pct = share_pct(network.township_stations, network.township_target)
        stations += f"，完成规划目标{network.township_target}个的{pct}%"
    if network.villages:
        stations += (
            f"；行政村快递服务覆盖率{network.coverage_pct}%"
            f"（{network.villages_covered}/{network.villages}个行政村）"
        )
    out.append(stations + "。")
    if lagging:
        out.append("存在风险或偏离目标的规划指标：" + "、".join(lagging) + "。")
    return tuple(out)
