"""The monthly report's figures against a hand count of the small world (tests/world.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.cockpit.tiles import tiles
from youpin.plans.selectors import plan_default
from youpin.reports.monthly import monthly_report
from youpin.reports.periods import ReportMonth
from youpin.reports.region import ReportQueryError
from youpin.reports.tests.world import build_world

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
JUNE = ReportMonth(2025, 6)
D = Decimal


def figures(report, key):  # type: ignore[no-untyped-def]
    """(month, month a year earlier, ytd, ytd a year earlier) of a headline figure."""
    f = report.figure(key)
    return (f.month, f.month_prev, f.ytd, f.ytd_prev)


def test_headline_figures_equal_the_hand_count(zhongwei: None) -> None:
    """Sales, verified sales, orders, parcels by direction, shares and hours, with YoY."""
    build_world()
    r = monthly_report(OPERATOR, JUNE)
    # June 2025: 100 + 30 + (250 − 50) = 330; June 2024: 50; 1–6/2025: 330 + 80; 1–6/2024: 50 + 40
    assert figures(r, "retail_sales") == (33000, 5000, 41000, 9000)
    assert r.figure("retail_sales").month_change == D("560.0")
    assert r.figure("retail_sales").ytd_change == D("355.6")  # 320 / 90 = 3.5556
    assert figures(r, "retail_orders") == (3, 1, 4, 2)
    # only the 100 CNY order was carried by a real parcel
    assert figures(r, "retail_sales_verified") == (10000, 0, 10000, 0)
    # collected: p1, p2 in June 2025; p4 in June 2024; p5 in February 2025
    assert figures(r, "express_volume") == (2, 1, 3, 1)
    assert r.figure("express_volume").month_change == D("100.0")
    assert figures(r, "outbound") == (1, 1, 2, 1)
    assert figures(r, "intra") == (1, 0, 1, 0)
    assert figures(r, "inbound") == (1, 0, 1, 0)
    assert figures(r, "delivered_volume") == (2, 0, 2, 0)
    # e-waybill: p1 yes, p2 no; station: p3 of p2, p3; hours (48 + 72) / 2
    assert r.figure("e_waybill_share").month == D("50.0")
    assert r.figure("e_waybill_share").ytd == D("66.7")  # p1 and p5 of p1, p2, p5
    assert r.figure("e_waybill_share").month_prev == D("100.0")  # p4
    assert r.figure("e_waybill_share").month_change == D("-50.0")  # percentage points
    assert r.figure("station_share").month == D("50.0")
    assert r.figure("transit_hours").month == D("60.0")
    assert r.figure("transit_hours").month_prev is None


def test_tables_by_county_platform_category_and_carrier(zhongwei: None) -> None:
    """Every table row against the hand count."""
    build_world()
    r = monthly_report(OPERATOR, JUNE)
    county = r.table("county")
    assert [row[0] for row in county.rows] == ["沙坡头区", "中宁县", "海原县"]
    spt, zn, hy = (county.row(n) for n in ("沙坡头区", "中宁县", "海原县"))
    assert spt["6月网络零售额（万元）"] == 13000  # 100 + 30
    assert spt["1–6月网络零售额（万元）"] == 21000  # + 80
    assert spt["6月网络零售额（万元）同比（%）"] == D("160.0")  # 130 vs 50
    assert zn["6月网络零售额（万元）"] == 20000
    assert zn["1–6月网络零售额（万元）同比（%）"] == D("400.0")  # 200 vs 40
    assert (spt["6月快递揽收（件）"], spt["1–6月快递揽收（件）"]) == (2, 2)
    assert (zn["6月快递揽收（件）"], zn["1–6月快递揽收（件）"], zn["6月派送（件）"]) == (0, 1, 2)
    assert zn["站点交付占比（%）"] == D("50.0")
    assert spt["行政村覆盖率（%，现状）"] is not None
    assert spt["行政村覆盖率（%，现状）"] > 0
    assert hy["6月网络零售额（万元）"] == 0
    assert hy["行政村覆盖率（%，现状）"] == D("0.0")

    platform = r.table("platform")
    assert [row[0] for row in platform.rows] == ["抖音", "淘宝/天猫", "拼多多"]  # 200, 130, 80
    assert platform.row("淘宝/天猫")["6月订单数（单）"] == 2
    assert platform.row("抖音")["1–6月网络零售额（万元）"] == 20000
    assert platform.row("拼多多")["6月网络零售额（万元）"] == 0
    assert platform.row("拼多多")["累计占比（%）"] == D("19.5")  # 80 / 410

    category = r.table("category")
    assert category.row("其中：农产品")["6月（万元）"] == 30000  # 100 + 200
    assert category.row("其中：其他实物商品")["1–6月（万元）"] == 8000
    assert category.row("实物商品")["1–6月（万元）"] == 38000
    assert category.row("服务")["6月（万元）"] == 3000
    assert category.row("合计")["1–6月（万元）"] == 41000
    assert category.row("实物商品")["1–6月（万元）同比（%）"] == D("322.2")  # 380 vs 90

    carrier = r.table("carrier")
    assert [row[0] for row in carrier.rows] == ["甲快递", "乙快递"]
    jia, yi = carrier.row("甲快递"), carrier.row("乙快递")
    assert (jia["6月揽收（件）"], jia["1–6月揽收（件）"], jia["6月派送（件）"]) == (2, 3, 1)
    assert (yi["6月揽收（件）"], yi["6月揽收（件）同比（%）"], yi["6月派送（件）"]) == (
        0,
        D("-100.0"),
        1,
    )
    assert (jia["平均揽收至签收（小时）"], yi["平均揽收至签收（小时）"]) == (D("48.0"), D("72.0"))

    direction = r.table("direction")
    assert direction.row("其中：出港")[direction.columns[1].label] == 1


def test_network_targets_summary_and_sources(zhongwei: None) -> None:
    """Township stations at the month's end, coverage, the plan's targets, the text."""
    build_world()
    r = monthly_report(OPERATOR, JUNE)
    net = r.network
    # open by 30 June 2025: 2024-01-01 and 2025-03-01 (not 2025-08-01, not the closed one)
    assert (net.township_stations, net.township_stations_prev, net.township_target) == (2, 1, 200)
    assert (net.villages, net.villages_covered) == (443, 1)
    assert net.coverage_pct == D("0.2")
    g1 = r.targets.row("G1")
    assert g1["2025年计划值"] == D("800000.00")  # 8 billion CNY in 万元
    assert g1["1–6月完成"] == D("0.04")  # 410 CNY
    assert g1["同比（%）"] == D("355.56")  # the tile's growth, two decimals: 320 / 90
    assert g1["完成年度计划（%）"] == D("0.0")
    g5 = r.targets.row("G5")
    assert (g5["1–6月完成"], g5["规划目标值"]) == (D(2), D(200))
    # the rows are the cockpit's tiles as of 30 June, in the plan's order
    found = tiles(OPERATOR, plan_default(), date(2025, 6, 30))
    assert [row[0] for row in r.targets.rows] == [t.code for t in found]
    assert [row[9] for row in r.targets.rows] == [t.status_label for t in found]
    text = "".join(r.summary)
    assert "1–6月中卫市网络零售额0.04万元，同比增长355.6%" in text
    assert "快递业务量（揽收）3件，同比增长200.0%" in text
    assert "乡镇电商快递兴农超市2个，完成规划目标200个的1.0%" in text
    assert next(s.part for s in r.sources).startswith("网络零售额")
    assert r.sources[0].as_of is not None  # facts refreshed
    assert len(r.trend) == 6
    assert r.trend[5].sales == 33000
    assert r.trend[2].sales == 8000
    assert r.trend[1].parcels == 1
    assert r.trend[5].parcels_prev == 1


def test_county_official_sees_their_county_only(zhongwei: None) -> None:
    """中宁县's official: B's sales and 中宁县's parcels; another county is refused."""
    build_world()
    scope = Scope(role=Role.OFFICIAL, region_prefix="640521", region_code="640521000000", user_id=1)
    r = monthly_report(scope, JUNE)
    assert r.region_name == "中宁县"
    assert figures(r, "retail_sales") == (20000, 0, 20000, 4000)
    assert figures(r, "retail_sales_verified") == (0, 0, 0, 0)
    assert figures(r, "express_volume") == (0, 0, 1, 0)  # p5
    assert figures(r, "delivered_volume") == (2, 0, 2, 0)
    assert [row[0] for row in r.table("county").rows] == ["中宁县"]
    assert r.network.township_stations == 0
    assert r.network.township_target is None
    assert r.targets.row("G1")["1–6月完成"] == D("0.02")  # B's 200 CNY
    with pytest.raises(PermissionDenied):
        monthly_report(scope, JUNE, county="640502")


def test_operator_narrows_to_a_county_and_other_roles_are_refused(zhongwei: None) -> None:
    """--county 640502 gives 沙坡头区 alone; a bad code is an error; merchants get 403."""
    build_world()
    r = monthly_report(OPERATOR, JUNE, county="640502")
    assert r.region_name == "沙坡头区"
    assert figures(r, "retail_sales") == (13000, 5000, 21000, 5000)
    assert figures(r, "retail_sales_verified") == (10000, 0, 10000, 0)
    assert figures(r, "express_volume") == (2, 1, 2, 1)
    with pytest.raises(ReportQueryError):
        monthly_report(OPERATOR, JUNE, county="110101")
    for role in (Role.MERCHANT, Role.CARRIER, Role.STATION_KEEPER, Role.CONSUMER):
        with pytest.raises(PermissionDenied):
            monthly_report(Scope(role=role, merchant_id=1, carrier_id=1, station_id=1), JUNE)
