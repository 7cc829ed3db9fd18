"""The brushing and verification signals, their meaning and default thresholds. Pure.

Thresholds are data: the `SignalRule` rows (seeded from `DEFAULTS` by a data migration) are
edited in the back office and read at every refresh; a disabled rule sets no bit. Sources:
the published signals in ../shared/reference/statistics.md and the issue (issue 8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class RuleSpec:
    """A signal: code, Chinese name, what it means, and its default parameters.

    Name and explanation are marked for the English catalogue; the review page translates the
    stored `SignalRule` text when it is still the default (edited text is shown as written).
    """

    code: str
    name: str
    explanation: str
    params: dict[str, float] = field(default_factory=dict)


DEFAULTS: tuple[RuleSpec, ...] = (
    RuleSpec(
        "burst",
        gettext_noop("一小时内订单 ÷ 买家 ≥ 3"),
        gettext_noop(
            "任意一小时窗口内，店铺订单数除以不同买家数达到 ratio（且订单数至少 min_orders），"
            "窗口内的订单记为可疑，店铺进入审核队列。"
        ),
        {"window_minutes": 60, "ratio": 3, "min_orders": 3},
    ),
    RuleSpec(
        "shared_contact",
        gettext_noop("买家电话或地址多店聚集"),
        gettext_noop(
            "同一收货电话或同一收货地址在 period_days 天的时段内，向至少 min_shops 个店铺"
            "下了至少 min_orders 单，这些订单记为可疑。"
        ),
        {"period_days": 30, "min_shops": 3, "min_orders": 10},
    ),
    RuleSpec(
        "pickup_before_payment",
        gettext_noop("揽收早于付款"),
        gettext_noop("包裹的首次揽收时间早于订单付款时间超过 tolerance_minutes 分钟。"),
        {"tolerance_minutes": 0},
    ),
    RuleSpec(
        "waybill_reused",
        gettext_noop("运单号重复使用"),
        gettext_noop(
            "同一包裹（运单）承载了至少 min_buyers 个不同买家的订单；同一买家合并发货不计。"
        ),
        {"min_buyers": 2},
    ),
    RuleSpec(
        "never_moves",
        gettext_noop("运单不流转"),
        gettext_noop("付款 hours 小时后，包裹仍无任何运输、派送或签收记录。"),
        {"hours": 72},
    ),
    RuleSpec(
        "signed_outside_region",
        gettext_noop("异地签收"),
        gettext_noop("签收（或驿站到件）地点与订单收货地址不在同一区县（前 digits 位代码不同）。"),
        {"digits": 6},
    ),
    RuleSpec(
        "above_declared",
        gettext_noop("销售额远超申报营业收入"),
        gettext_noop(
            "店铺申报年度的实付金额超过申报年营业收入的 factor 倍；只进入审核队列，"
            "核实后该年度订单不计入核实口径。"
        ),
        {"factor": 3},
    ),
)

SPECS: dict[str, RuleSpec] = {s.code: s for s in DEFAULTS}


@dataclass(frozen=True)
class RuleSet:
    """The rules in force: enabled codes and each rule's parameters (defaults filled in)."""

    enabled: frozenset[str]
    params: dict[str, dict[str, float]]

    def on(self, code: str) -> bool:
        """Whether a rule is enabled."""
        return code in self.enabled

    def get(self, code: str, name: str) -> float:
        """One parameter of a rule."""
        return self.params[code][name]


def ruleset(rows: list[tuple[str, bool, dict[str, Any]]]) -> RuleSet:
    """Build the rules in force from (code, enabled, params) rows; missing rules use defaults.

    Unknown parameters are ignored; a parameter that is not a number raises ValueError.
    """
    stored = {code: (enabled, params or {}) for code, enabled, params in rows}
    enabled: set[str] = set()
    params: dict[str, dict[str, float]] = {}
    for spec in DEFAULTS:
        on, given = stored.get(spec.code, (True, {}))
        merged = dict(spec.params)
        for name in spec.params:
            if name in given:
                value = given[name]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"规则 {spec.code} 的参数 {name} 应为数字：{value!r}")
                merged[name] = float(value)
        params[spec.code] = {k: float(v) for k, v in merged.items()}
        if on:
            enabled.add(spec.code)
    return RuleSet(frozenset(enabled), params)
