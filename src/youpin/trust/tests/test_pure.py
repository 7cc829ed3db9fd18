"""The pure parts: reason bits and states, rule parameters, burst spans, title classes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from youpin.catalog.classify import DEFAULT_RULES, GOODS, SERVICE, UNKNOWN, Rule, classify_line
from youpin.trust.reasons import Reason, codes, describe, state_of
from youpin.trust.rules import DEFAULTS, ruleset
from youpin.trust.spans import merge_windows, ratio


def test_state_of_bits() -> None:
    assert state_of(0) == "verified"
    assert state_of(Reason.REGION_UNCHECKED) == "verified"  # information only
    assert state_of(Reason.SERVICE) == "unverified"
    assert state_of(Reason.SERVICE | Reason.NEVER_MOVES) == "suspicious"
    assert codes(Reason.NOT_DELIVERED | Reason.NEVER_MOVES) == ["not_delivered", "never_moves"]
    assert describe(Reason.PICKUP_BEFORE_PAYMENT) == ["揽收早于付款"]
    assert len(codes(sum(Reason))) == len(Reason)  # every bit has a label


def test_rules_fill_defaults_and_refuse_non_numbers() -> None:
    rs = ruleset([("burst", True, {"ratio": 4, "unknown": 1}), ("never_moves", False, {})])
    assert rs.get("burst", "ratio") == 4
    assert rs.get("burst", "window_minutes") == 60
    assert not rs.on("never_moves")
    assert rs.on("shared_contact")  # missing row: default, enabled
    assert {s.code for s in DEFAULTS} == set(rs.params)
    with pytest.raises(ValueError, match="ratio"):
        ruleset([("burst", True, {"ratio": "三"})])


@dataclass(frozen=True)
class W:
    shop_id: int
    start_ts: int
    orders: int
    buyers: int


def test_overlapping_windows_merge_per_shop() -> None:
    windows = [W(1, 0, 6, 2), W(1, 600, 5, 1), W(1, 4000, 3, 1), W(2, 100, 3, 1)]
    spans = merge_windows(windows, 3600)
    assert [(s.shop_id, s.start_ts, s.end_ts) for s in spans] == [
        (1, 0, 7600),  # 0–3600 and 600–4200 overlap, 4000–7600 overlaps the latter
        (2, 100, 3700),
    ]
    assert spans[0].value == Decimal("5.00")  # the worst window: 5 orders, 1 buyer
    assert spans[0].evidence["windows"] == 3
    assert merge_windows([W(1, 0, 3, 1), W(1, 3600, 3, 1)], 3600)[1].start_ts == 3600
    assert ratio(7, 3) == Decimal("2.33")


def test_lines_classed_by_category_then_title() -> None:
    assert classify_line(True, "任意", DEFAULT_RULES) == SERVICE
    assert classify_line(False, "沙坡头门票", DEFAULT_RULES) == GOODS  # the category wins
    assert classify_line(None, "沙坡头景区 成人门票", DEFAULT_RULES) == SERVICE
    assert classify_line(None, "中宁枸杞 500g", DEFAULT_RULES) == UNKNOWN
    rules = [Rule("礼盒", GOODS, 5), Rule("门票", SERVICE, 10)]
    assert classify_line(None, "门票礼盒", rules) == GOODS  # lower priority number first
