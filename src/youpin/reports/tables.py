"""The report's tables: by county, platform, category, direction and carrier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from youpin.accounts.scoping import Scope
from youpin.catalog.models import Platform
from youpin.facts.models import ParcelSide
from youpin.geo.models import Level, Place
from youpin.logistics.models import Carrier
from youpin.reports.periods import ReportMonth, growth_pct, mean_hours, share_pct
from youpin.reports.region import Region
from youpin.reports.report_types import (
    CHANGE,
    COUNT,
    HOURS,
    MONEY,
    SHARE,
    TEXT,
    Column,
    Figure,
    Table,
)
from youpin.reports.sums import FactSums, add_sums, four, summed
from youpin.stations.coverage import village_coverage

UNPLACED = "未细分到县区"


def _growth_cols(label: str, kind: str) -> tuple[Column, Column]:
    """A value column and its year-on-year change."""
    return Column(label, kind), Column(f"{label}同比（%）", CHANGE)


def county_table(scope: Scope, region: Region, month: ReportMonth, sums: FactSums) -> Table:
    """Sales, parcels, shares and village coverage per county of the region."""
    counties = list(
        Place.objects.filter(level=Level.COUNTY, code__startswith=region.prefix[:6])
        .order_by("code")
        .values_list("code", "name")
    )
    if region.narrowed:
        counties = [(c, n) for c, n in counties if c == region.code]
    known = {code[:6] for code, _ in counties}
    coverage = village_coverage(scope, county=region.code if region.narrowed else None)
    cover = {row.code[:6]: row.pct for row in coverage.counties}
    keys = [(code[:6], name) for code, name in counties]
    seen = {k[0] for k in sums.sales_by_county} | {k[1] for k in sums.parcels_by_county}
    if seen - known:
        keys.append(("", UNPLACED))

    def pick(six: str) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        if six:
            sales = sums.sales_by_county.get((six,), {})
            col = sums.parcels_by_county.get((ParcelSide.COLLECTED, six), {})
            dlv = sums.parcels_by_county.get((ParcelSide.DELIVERED, six), {})
            return sales, col, dlv
        sales, col, dlv = {}, {}, {}
        for (c,), v in sums.sales_by_county.items():
            if c not in known:
                add_sums(sales, v)
        for (side, c), v in sums.parcels_by_county.items():
            if c not in known:
                add_sums(col if side == ParcelSide.COLLECTED else dlv, v)
        return sales, col, dlv

    rows = []
    for six, name in keys:
        sales, col, dlv = pick(six)
        s, c, d = four(sales, "net_fen"), four(col, "parcels"), four(dlv, "parcels")
        rows.append(
            (
                name,
                s[0],
                growth_pct(s[0], s[1]),
                s[2],
                growth_pct(s[2], s[3]),
                c[0],
                growth_pct(c[0], c[1]),
                c[2],
                growth_pct(c[2], c[3]),
                d[0],
                share_pct(four(col, "e_waybill")[0], c[0]),
                share_pct(four(dlv, "at_station")[0], d[0]),
                cover.get(six) if six else None,
            )
        )
    return Table(
        "county",
        "分县区情况",
        (
            Column("县区", TEXT),
            *_growth_cols(f"{month.month}月网络零售额（万元）", MONEY),
            *_growth_cols(f"{month.ytd_chinese}网络零售额（万元）", MONEY),
            *_growth_cols(f"{month.month}月快递揽收（件）", COUNT),
            *_growth_cols(f"{month.ytd_chinese}快递揽收（件）", COUNT),
            Column(f"{month.month}月派送（件）", COUNT),
            Column("电子面单使用率（%）", SHARE),
            Column("站点交付占比（%）", SHARE),
            Column("行政村覆盖率（%，现状）", SHARE),
        ),
        tuple(rows),
        note="销售按卖家经营地所在县区，揽收按揽收地，派送按派送地；覆盖率为报告生成时的站点名录现状。",
    )


def platform_table(month: ReportMonth, sums: FactSums) -> Table:
    """Net sales and orders per platform, most sold in the year to date first."""
    labels = dict(Platform.choices)
    total = four(summed(sums.sales_by_platform), "net_fen")
    ordered = sorted(
        sums.sales_by_platform.items(), key=lambda kv: (-kv[1].get("net_fen__y", 0), kv[0])
    )
    rows = []
    for (platform,), v in ordered:
        s, o = four(v, "net_fen"), four(v, "lead_orders")
        rows.append(
            (
                labels.get(platform, platform),
                o[0],
                s[0],
                growth_pct(s[0], s[1]),
                s[2],
                growth_pct(s[2], s[3]),
                share_pct(s[2], total[2]),
            )
        )
    return Table(
        "platform",
        "分平台网络零售额",
        (
            Column("平台", TEXT),
            Column(f"{month.month}月订单数（单）", COUNT),
            *_growth_cols(f"{month.month}月网络零售额（万元）", MONEY),
            *_growth_cols(f"{month.ytd_chinese}网络零售额（万元）", MONEY),
            Column("累计占比（%）", SHARE),
        ),
        tuple(rows),
    )


def category_table(month: ReportMonth, sums: FactSums) -> Table:
    """Physical goods (farm products and other goods), services and unclassified sales."""
    by = {k[0]: v for k, v in sums.sales_by_class.items()}
    farm, goods = by.get("farm", {}), by.get("goods", {})
    physical = add_sums(dict(farm), goods)
    total = summed(sums.sales_by_class)
    base = four(total, "net_fen")[2]
    rows = []
    for label, values in (
        ("实物商品", physical),
        ("其中：农产品", farm),
        ("其中：其他实物商品", goods),
        ("服务", by.get("services", {})),
        ("未分类", by.get("unclassified", {})),
        ("合计", total),
    ):
        s = four(values, "net_fen")
        rows.append(
            (
                label,
                s[0],
                growth_pct(s[0], s[1]),
                s[2],
                growth_pct(s[2], s[3]),
                share_pct(s[2], base),
            )
        )
    return Table(
        "category",
        "分类别网络零售额",
        (
            Column("类别", TEXT),
            *_growth_cols(f"{month.month}月（万元）", MONEY),
            *_growth_cols(f"{month.ytd_chinese}（万元）", MONEY),
            Column("累计占比（%）", SHARE),
        ),
        tuple(rows),
        note="一笔订单跨类别时按商品行金额拆分；未分类为未匹配到商品类目的订单行。",
    )


def carrier_table(month: ReportMonth, sums: FactSums) -> Table:
    """Collected and delivered parcels, e-waybill share and mean hours per carrier."""
    carriers: dict[Any, dict[str, dict[str, int]]] = {}
    for (side, carrier), v in sums.parcels_by_carrier.items():
        carriers.setdefault(carrier, {}).setdefault(side, {}).update(v)
    names = dict(Carrier.objects.filter(pk__in=list(carriers)).values_list("pk", "name"))

    def ytd_collected(item: tuple[Any, dict[str, dict[str, int]]]) -> tuple[int, str]:
        return (-item[1].get(ParcelSide.COLLECTED, {}).get("parcels__y", 0), str(item[0]))

    rows = []
    for carrier, sides in sorted(carriers.items(), key=ytd_collected):
        col, dlv = sides.get(ParcelSide.COLLECTED, {}), sides.get(ParcelSide.DELIVERED, {})
        c, d = four(col, "parcels"), four(dlv, "parcels")
        rows.append(
            (
                names.get(carrier, str(carrier)),
                c[0],
                growth_pct(c[0], c[1]),
                c[2],
                growth_pct(c[2], c[3]),
                d[0],
                share_pct(four(col, "e_waybill")[0], c[0]),
                mean_hours(four(dlv, "transit_seconds")[0], four(dlv, "timed")[0]),
            )
        )
    return Table(
        "carrier",
        "分快递企业情况",
        (
            Column("快递企业", TEXT),
            *_growth_cols(f"{month.month}月揽收（件）", COUNT),
            *_growth_cols(f"{month.ytd_chinese}揽收（件）", COUNT),
            Column(f"{month.month}月派送（件）", COUNT),
            Column("电子面单使用率（%）", SHARE),
            Column("平均揽收至签收（小时）", HOURS),
        ),
        tuple(rows),
    )


def direction_table(month: ReportMonth, figures: Sequence[Figure]) -> Table:
    """The express figures of the headline as a table (month, ytd, each with YoY)."""
    keys = ("express_volume", "outbound", "intra", "inbound", "delivered_volume")
    rows = tuple(
        (f.label, f.month, f.month_change, f.ytd, f.ytd_change) for f in figures if f.key in keys
    )
    return Table(
        "direction",
        "快递业务量（分流向）",
        (
            Column("流向", TEXT),
            *_growth_cols(f"{month.month}月（件）", COUNT),
            *_growth_cols(f"{month.ytd_chinese}（件）", COUNT),
        ),
        rows,
        note="出港：区内揽收、区外派送；区内互寄：区内揽收且区内派送；进港：区外揽收、区内派送。",
    )
