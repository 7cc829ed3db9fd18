"""The plan targets part of the report: the cockpit's tiles as of the month's end.

`targets_table` is the one function the report calls. It reads `youpin.cockpit.tiles.tiles`
(one tile per target of the default plan: the year to date, the year's planned value,
year-on-year growth, a forecast of the year with its interval, on-track / at-risk /
off-track and the reason, the source) and lays the tiles out as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from youpin.accounts.scoping import Scope
from youpin.cockpit import forecast as fc
from youpin.cockpit.tiles import Tile, tiles
from youpin.commerce.retail_queries import code_prefix
from youpin.plans.models import Plan, Unit
from youpin.plans.selectors import plan_default
from youpin.reports.periods import ReportMonth
from youpin.reports.region import Region
from youpin.reports.report_types import CHANGE, NUMBER, SHARE, TEXT, Column, Table

UNIT_LABELS: dict[str, str] = {Unit.CNY: "万元"}
LAGGING = {fc.AT_RISK, fc.OFF_TRACK}


@dataclass(frozen=True)
class Targets:
    """The targets table, the township-station target, and the targets at risk or off track."""

    table: Table
    township_target: int | None
    lagging: tuple[str, ...]
    plan_label: str


def _display(unit: str, value: Decimal | None) -> Decimal | None:
    """A target value in the unit shown: CNY as 万元 (two decimals), others as they are."""
    if value is None:
        return None
    if unit == Unit.CNY:
        return (value / Decimal(10_000)).quantize(Decimal("0.01"))
    return value


def _row(tile: Tile) -> tuple[object, ...]:
    """One tile as a table row."""
    unit = tile.unit
    return (
        tile.code,
        tile.name,
        UNIT_LABELS.get(unit, tile.unit_label),
        _display(unit, tile.year_planned),
        _display(unit, tile.ytd),
        tile.yoy_pct,
        tile.year_pct,
        _display(unit, tile.year_forecast),
        _display(unit, tile.target_value),
        tile.status_label,
        tile.source_label,
        tile.status_reason,
    )


def targets_table(scope: Scope, region: Region, month: ReportMonth) -> Targets:
    """Each target of the default plan as of the month's end, in the report's region."""
    plan: Plan | None = plan_default()
    columns = (
        Column("编号", TEXT),
        Column("指标", TEXT),
        Column("单位", TEXT),
        Column(f"{month.year}年计划值", NUMBER),
        Column(f"{month.ytd_chinese}完成", NUMBER),
        Column("同比（%）", CHANGE),
        Column("完成年度计划（%）", SHARE),
        Column(f"{month.year}年预测", NUMBER),
        Column("规划目标值", NUMBER),
        Column("状态", TEXT),
        Column("数据来源", TEXT),
        Column("研判", TEXT),
    )
    if plan is None:
        note = "尚未载入规划（youpin plans load）"
        return Targets(Table("targets", "规划目标进展", columns, (), note=note), None, (), "—")
    found = tiles(scope, plan, month.last_day, county=region.code if region.narrowed else None)
    city = region.prefix == code_prefix(plan.region_code)
    township = next((t for t in found if t.measure == "township_stations"), None)
    note = (
        f"{plan.name}（{plan.document}），截至 {month.last_day:%Y-%m-%d}，与驾驶舱同一口径；"
        "预测为全年预测值（研判中给出区间），研判中的金额单位为元。"
    )
    return Targets(
        table=Table("targets", "规划目标进展", columns, tuple(_row(t) for t in found), note=note),
        township_target=int(township.target_value) if township and city else None,
        lagging=tuple(t.name for t in found if t.status in LAGGING),
        plan_label=f"{plan.name}（{plan.document}）",
    )
