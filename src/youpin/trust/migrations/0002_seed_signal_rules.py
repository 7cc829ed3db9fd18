"""Seed the signal rules with the issue's thresholds (trust.rules.DEFAULTS, copied here)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

RULES = (
    (
        "burst",
        "一小时内订单 ÷ 买家 ≥ 3",
        "任意一小时窗口内，店铺订单数除以不同买家数达到 ratio（且订单数至少 min_orders），"
        "窗口内的订单记为可疑，店铺进入审核队列。",
        {"window_minutes": 60, "ratio": 3, "min_orders": 3},
    ),
    (
        "shared_contact",
        "买家电话或地址多店聚集",
        "同一收货电话或同一收货地址在 period_days 天的时段内，向至少 min_shops 个店铺"
        "下了至少 min_orders 单，这些订单记为可疑。",
        {"period_days": 30, "min_shops": 3, "min_orders": 10},
    ),
    (
        "pickup_before_payment",
        "揽收早于付款",
        "包裹的首次揽收时间早于订单付款时间超过 tolerance_minutes 分钟。",
        {"tolerance_minutes": 0},
    ),
    (
        "waybill_reused",
        "运单号重复使用",
        "同一包裹（运单）承载了至少 min_buyers 个不同买家的订单；同一买家合并发货不计。",
        {"min_buyers": 2},
    ),
    (
        "never_moves",
        "运单不流转",
        "付款 hours 小时后，包裹仍无任何运输、派送或签收记录。",
        {"hours": 72},
    ),
    (
        "signed_outside_region",
        "异地签收",
        "签收（或驿站到件）地点与订单收货地址不在同一区县（前 digits 位代码不同）。",
        {"digits": 6},
    ),
    (
        "above_declared",
        "销售额远超申报营业收入",
        "店铺申报年度的实付金额超过申报年营业收入的 factor 倍；只进入审核队列，"
        "核实后该年度订单不计入核实口径。",
        {"factor": 3},
    ),
)


def seed(apps: Any, schema_editor: Any) -> None:
    """Create the rules that are missing; never overwrite tuned thresholds."""
    rule = apps.get_model("trust", "SignalRule")
    for code, name, explanation, params in RULES:
        rule.objects.get_or_create(
            code=code, defaults={"name": name, "explanation": explanation, "params": params}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    """Remove the seeded rules."""
    apps.get_model("trust", "SignalRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
