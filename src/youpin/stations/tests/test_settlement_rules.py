"""Pricing a month's pieces from fee rules and subsidies, and the 妥投率 (pure, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from youpin.stations.settlement_rules import (
    FeeRuleTerms,
    SubsidyTerms,
    delivery_rate_pct,
    event_kind,
    statement_compute,
)

JUNE = date(2025, 6, 1)
HAIYUAN = "640522000000"
SHAPOTOU = "640502000000"

RULES = [
    # any carrier: pickups 0.50 under 3 kg, 1.00 from 3 kg; sends 1.20
    FeeRuleTerms(None, "pickup", 0, 3000, Decimal("0.50"), date(2025, 1, 1), rule_id=1),
    FeeRuleTerms(None, "pickup", 3000, None, Decimal("1.00"), date(2025, 1, 1), rule_id=2),
    FeeRuleTerms(None, "send", 0, None, Decimal("1.20"), date(2025, 1, 1), rule_id=3),
    # ZTO pays more for pickups under 3 kg, from June
    FeeRuleTerms("zto", "pickup", 0, 3000, Decimal("0.60"), date(2025, 6, 1), rule_id=4),
    # an expired door rule, and one starting after June
    FeeRuleTerms(None, "door", 0, None, Decimal("2.00"), date(2024, 1, 1), date(2025, 5, 31), 5),
    FeeRuleTerms(None, "door", 0, None, Decimal("2.50"), date(2025, 7, 1), rule_id=6),
]
SUBSIDIES = [
    SubsidyTerms("pickup", None, Decimal("0.10"), date(2025, 1, 1)),
    SubsidyTerms("pickup", HAIYUAN, Decimal("0.30"), date(2025, 1, 1)),
    SubsidyTerms("send", HAIYUAN, Decimal("0.20"), date(2026, 1, 1)),  # not yet valid
]


def _statement(carrier: str, county: str) -> object:
    """Five pickups (3 light, 2 heavy), two sends, one door delivery, in June."""
    return statement_compute(
        station=("T640522100", "中卫市海城镇电商快递兴农超市"),
        carrier=(carrier, carrier.upper()),
        county=county,
        month=date(2025, 6, 17),
        weights={"pickup": [500, 2999, 800, 3000, 12000], "send": [700, 4000], "door": [900]},
        counts={"checkin": 6, "pickup": 5, "send": 2, "door": 1, "exception": 1},
        checked_in=6,
        delivered_of_checked_in=5,
        rules=RULES,
        subsidies=SUBSIDIES,
    )


def test_any_carrier_rules_by_weight_band() -> None:
    """YTO: 3 × 0.50 + 2 × 1.00 + 2 × 1.20 = 5.90; the door piece has no valid rule."""
    s = _statement("yto", SHAPOTOU)
    lines = {(line.service, line.band): (line.pieces, line.amount) for line in s.lines}
    assert lines[("pickup", "0–3000 g")] == (3, Decimal("1.50"))
    assert lines[("pickup", "≥ 3000 g")] == (2, Decimal("2.00"))
    assert lines[("send", "≥ 0 g")] == (2, Decimal("2.40"))
    assert lines[("door", "无适用规则")] == (1, Decimal("0.00"))
    assert s.fees_total == Decimal("5.90")
    assert s.unpriced_pieces == 1
    assert s.notes
    assert "1 件没有适用的计费规则" in s.notes[0]
    # the general pickup subsidy: 5 × 0.10
    assert [(x.service, x.pieces, x.amount) for x in s.subsidies] == [
        ("pickup", 5, Decimal("0.50"))
    ]
    assert s.total == Decimal("6.40")


def test_a_carriers_own_rule_and_a_countys_own_subsidy_win() -> None:
    """ZTO's June rule prices light pickups at 0.60; 海原县's subsidy is 0.30 a pickup."""
    s = _statement("zto", HAIYUAN)
    light = next(line for line in s.lines if line.service == "pickup" and line.band == "0–3000 g")
    assert (light.fee, light.amount, light.rule_id) == (Decimal("0.60"), Decimal("1.80"), 4)
    assert s.fees_total == Decimal("1.80") + Decimal("2.00") + Decimal("2.40")
    assert s.subsidies_total == Decimal("1.50")  # 5 × 0.30; the send subsidy starts in 2026
    assert s.month == JUNE
    assert s.month_label == "2025-06"


def test_delivery_rate() -> None:
    """5 of 6 parcels checked in were delivered: 83.3 %; nothing checked in gives no rate."""
    assert _statement("yto", SHAPOTOU).delivery_rate_pct == Decimal("83.3")
    assert delivery_rate_pct(0, 0) is None
    assert delivery_rate_pct(3, 3) == Decimal("100.0")


def test_event_kinds_counter_codes_first_then_status() -> None:
    """The counter's raw codes decide; other events at a station count by canonical status."""
    assert event_kind("station_checkin", "ready_for_pickup") == "checkin"
    assert event_kind("station_door_delivery", "delivered") == "door"
    assert event_kind("station_wrong_address", "delivery_failed") == "exception"
    assert event_kind("station_pickup", "delivered") == "pickup"
    assert event_kind("station_send", "picked_up") == "send"
    assert event_kind("station_refused", "delivery_failed") == "exception"
    assert event_kind("station_overdue", "on_hold") == "overdue"
    assert event_kind("station_return", "return_to_sender") == "return"
    assert event_kind("311", "delivered") == "pickup"
    assert event_kind("211", "ready_for_pickup") == "checkin"
    assert event_kind("2", "in_transit") is None
