"""Writes of the plans context: loading a plan file, recording a hand-entered value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from youpin.plans.loader import DEFAULT_PLAN_FILE, read_plan, write_plan
from youpin.plans.measures import MANUAL, measure_spec
from youpin.plans.models import ManualValue, Plan, Target, TargetYear


@transaction.atomic
def plan_load(*, path: Path = DEFAULT_PLAN_FILE) -> Plan:
    """Load (or update) a plan and its targets from a JSON file; idempotent."""
    plan: Plan = write_plan(read_plan(path), Plan, Target, TargetYear)
    return plan


@transaction.atomic
def manual_value_record(
    *,
    measure: str,
    region_code: str,
    year: int,
    value: Decimal,
    user: Any | None,
    note: str = "",
) -> ManualValue:
    """Record (or correct) a figure an official enters by hand, with who entered it."""
    spec = measure_spec(measure)
    if spec.source != MANUAL:
        raise ValueError(f"度量 {measure} 由平台数据计算，不接受手工录入")
    if value < 0:
        raise ValueError("数值不能为负")
    if len(region_code) != 12 or not region_code.isdigit():
        raise ValueError(f"地区代码应为12位数字：{region_code!r}")
    row, _ = ManualValue.objects.update_or_create(
        measure=measure,
        region_code=region_code,
        year=year,
        defaults={"value": value, "note": note, "entered_by": user},
    )
    return row
