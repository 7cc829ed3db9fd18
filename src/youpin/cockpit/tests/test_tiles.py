"""Every tile's number against a hand count over the rows the test made; scoping per role."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import PermissionDenied

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope, scope_for
from youpin.cockpit import forecast as fc
from youpin.cockpit.tests.world import (
    AS_OF,
    HAIYUAN_TOWN,
    SH,
    World,
    build,
    hand_collected,
    hand_net,
)
from youpin.cockpit.tiles import Tile, by_area, default_as_of, tiles
from youpin.facts.models import ChangedDay
from youpin.facts.refresh import facts_rebuild, facts_refresh
from youpin.plans.models import ManualValue, Plan
from youpin.plans.selectors import plan_default
from youpin.testing.factories import HAIYUAN, place, user_with_role
from youpin.trust.models import OrderVerification
from youpin.trust.services import verification_refresh

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
YTD = (date(2025, 1, 1), AS_OF)
PREV = (date(2024, 1, 1), date(2024, 6, 30))


@pytest.fixture
def world(zhongwei: None) -> World:
    """The world, with facts refreshed."""
    w = build()
    facts_rebuild()
    return w


def plan() -> Plan:
    """The default plan (Zhongwei 2021–2025, loaded by the plans data migration)."""
    found = plan_default()
    assert found is not None
    assert found.slug == "zhongwei-2021"
    return found


def by_code(found: list[Tile]) -> dict[str, Tile]:
    """Tiles by target code."""
    return {t.code: t for t in found}


def growth(now: Decimal, before: Decimal) -> Decimal:
    """Growth in per cent, two places half up (by hand)."""
    return ((now - before) * 100 / before).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_retail_tile_equals_a_hand_count(world: World) -> None:
    """G1: year to date, same period last year, growth, plan share and months."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"]
    ytd, prev = hand_net(world, *YTD), hand_net(world, *PREV)
    # by hand from the rows above: 150 + 80 + 224.50 + 500 + 60 + 120; 100 + 150 + 300
    assert ytd == Decimal("1134.50")
    assert prev == Decimal("550.00")
    assert t.ytd == ytd
    assert t.ytd_previous == prev
    assert t.yoy_pct == growth(ytd, prev)
    assert t.year_planned == Decimal("8000000000.00")
    assert t.target_value == Decimal("8000000000.00")
    assert t.last_year == hand_net(world, date(2024, 1, 1), date(2024, 12, 31))
    assert t.last_year_planned == Decimal("7142857142.86")
    months = {m.month: m.actual for m in t.months}
    assert months["2025-02"] == hand_net(world, date(2025, 2, 1), date(2025, 2, 28))
    assert months["2025-06"] == hand_net(world, date(2025, 6, 1), AS_OF)
    assert months["2024-07"] == Decimal("400.00")
    assert months["2024-04"] == Decimal("0.00")  # no sale that month
    assert months["2023-06"] is None  # before the first sale: no data, not zero
    assert t.source == "facts"
    assert "事实表刷新于" in t.freshness_label
    assert t.data_through == AS_OF
    years = {y.year: y for y in t.years}
    assert years[2025].partial
    assert years[2025].actual == ytd
    assert years[2024].actual == t.last_year


def test_express_tile_equals_a_hand_count(world: World) -> None:
    """G2: parcels collected year to date and in the same days of 2024."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G2"]
    ytd, prev = hand_collected(world, *YTD), hand_collected(world, *PREV)
    assert (ytd, prev) == (5, 2)  # 1 Mar ×2, 2 Mar, 20 May, 30 Jun; 1 Apr 2024 ×2
    assert t.ytd == Decimal(ytd)
    assert t.ytd_previous == Decimal(prev)
    assert t.yoy_pct == Decimal("150.00")
    assert t.year_planned == Decimal("20000000.00")


def test_station_tile_counts_the_registry_at_the_day(world: World) -> None:
    """G5: active township stations opened by the as-of day, and a year before."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G5"]
    assert t.ytd == Decimal(2)  # opened 2024-05-01 and 2025-02-01
    assert t.ytd_previous == Decimal(1)
    assert t.yoy_pct == Decimal("100.00")
    assert t.target_value == Decimal("200.00")
    assert t.target_pct == Decimal("1.0")
    assert t.source == "registry"


def test_manual_tile_reads_the_entered_values(world: World) -> None:
    """G3 without entries says so; with entries it shows them, who entered them and growth."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G3"]
    assert t.ytd is None
    assert t.status == fc.UNKNOWN
    assert "尚无录入值" in t.freshness_label
    clerk = user_with_role(Role.OFFICIAL, region=place("640500000000"))
    for year, value in ((2024, "150"), (2025, "210")):
        ManualValue.objects.create(
            measure="base_enterprises",
            region_code="640500000000",
            year=year,
            value=Decimal(value),
            entered_by=clerk,
        )
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G3"]
    assert t.ytd == Decimal("210")
    assert t.ytd_previous == Decimal("150")
    assert t.yoy_pct == Decimal("40.00")
    assert t.target_pct == Decimal("70.0")
    assert clerk.username in t.freshness_label
    assert t.source == "manual"
    assert t.forecast_method == "none"  # one complete year is not a trend


def test_status_of_a_finished_year_is_the_actual_against_the_plan(world: World) -> None:
    """As of 31 December of the target year the status compares the actual value."""
    t = by_code(tiles(OPERATOR, plan(), date(2025, 12, 31)))["G1"]
    assert t.status == fc.OFF_TRACK  # a few thousand yuan against 8 billion
    assert "未达到" in t.status_reason
    assert t.ytd == hand_net(world, date(2025, 1, 1), date(2025, 12, 31))


def test_short_history_gives_no_forecast_and_unknown_status(world: World) -> None:
    """18 months of sales cannot carry a seasonal model: the tile says why."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"]
    assert t.forecast_method == "none"
    assert t.status == fc.UNKNOWN
    assert "少于" in t.status_reason
    assert t.target_forecast is None


def test_verified_sales_beside_the_reported_figure(world: World) -> None:
    """Reported = the tile's value; verified = the orders whose verification state says so.

    The cockpit reads the facts only: until the facts are refreshed, a verification run
    changes nothing on it; the run queues the days it changed, and the next refresh takes them.
    """
    before = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"].verified
    assert before is not None
    assert before.not_checked == before.reported  # nothing verified yet
    verification_refresh()
    queued = set(ChangedDay.objects.filter(table="sales").values_list("day", flat=True))
    carried_day = world.verified_order.paid_at.astimezone(SH).date()
    assert carried_day in queued
    stale = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"].verified
    assert stale is not None
    assert stale.verified == before.verified == Decimal("0.00")
    facts_refresh()
    assert not ChangedDay.objects.exists()
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"]
    assert t.verified is not None
    states = dict(OrderVerification.objects.values_list("order_id", "state"))
    assert world.verified_order is not None
    assert states[world.verified_order.pk] == "verified"
    by_hand = Decimal("0.00")
    for o in world.orders:
        day = (o.paid_at or o.ordered_at).astimezone(world.verified_order.paid_at.tzinfo).date()
        if states.get(o.pk) == "verified" and YTD[0] <= day <= YTD[1]:
            by_hand += o.paid_amount - o.refunded_amount
    assert by_hand == Decimal("120.00")
    assert t.verified.reported == t.ytd
    assert t.verified.verified == by_hand
    assert t.verified.verified_orders == 1
    assert t.verified.reported_orders == 6
    assert (
        t.verified.verified + t.verified.unverified + t.verified.suspicious + t.verified.not_checked
        == t.verified.reported
    )


def test_filters_narrow_each_tile_and_say_what_they_ignore(world: World) -> None:
    """Platform narrows sales (not parcels); carrier narrows parcels (not sales); place both."""
    found = by_code(tiles(OPERATOR, plan(), AS_OF, platform="douyin"))
    assert found["G1"].ytd == hand_net(world, *YTD, platform="douyin") == Decimal("560.00")
    assert found["G2"].ytd == Decimal(hand_collected(world, *YTD))
    assert found["G2"].filters_ignored == ("平台",)
    found = by_code(tiles(OPERATOR, plan(), AS_OF, carrier="yto"))
    assert found["G2"].ytd == Decimal(hand_collected(world, *YTD, carrier="yto")) == 2
    assert found["G1"].filters_ignored == ("快递公司",)
    found = by_code(tiles(OPERATOR, plan(), AS_OF, county="640522"))
    assert found["G1"].ytd == hand_net(world, *YTD, county="640522")
    assert found["G2"].ytd == Decimal(hand_collected(world, *YTD, county="640522"))
    assert found["G5"].ytd == Decimal(1)  # the station in 海城镇
    found = by_code(tiles(OPERATOR, plan(), AS_OF, category="farm"))
    assert found["G1"].ytd == Decimal("0.00")  # orders without lines are unclassified
    found = by_code(tiles(OPERATOR, plan(), AS_OF, category="unclassified"))
    assert found["G1"].ytd == hand_net(world, *YTD)


def test_a_part_is_judged_on_the_plans_growth_from_its_own_last_year(world: World) -> None:
    """A county has no plan: its path is the plan's, scaled to its 2024 actual value."""
    t = by_code(tiles(OPERATOR, plan(), AS_OF, county="640522"))["G1"]
    last = hand_net(world, date(2024, 1, 1), date(2024, 12, 31), county="640522")
    assert last == Decimal("700.00")
    expected = (Decimal("8000000000.00") * last / Decimal("7142857142.86")).quantize(
        Decimal("0.01")
    )
    assert t.year_planned == expected
    assert "折算" in t.note


def test_county_official_sees_only_their_county(world: World) -> None:
    """海原县's official: the figures of 海原县, the drill-down inside it, nothing outside."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    scope = scope_for(official)
    found = by_code(tiles(scope, plan(), AS_OF))
    assert found["G1"].ytd == hand_net(world, *YTD, county="640522") == Decimal("560.00")
    assert found["G2"].ytd == Decimal(hand_collected(world, *YTD, county="640522")) == 2
    assert found["G5"].ytd == Decimal(1)
    assert tiles(scope, plan(), AS_OF, township=HAIYUAN_TOWN[:9])[0].ytd == Decimal("0.00")
    with pytest.raises(PermissionDenied):
        tiles(scope, plan(), AS_OF, county="640502")
    areas = by_area(scope, "retail_sales", AS_OF)
    assert [(a.code, a.value) for a in areas] == [("640522", Decimal("560.00"))]


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.CARRIER, Role.STATION_KEEPER, Role.CONSUMER])
def test_other_roles_are_refused(world: World, role: Role) -> None:
    """Only the operator and officials see the cockpit."""
    with pytest.raises(PermissionDenied):
        tiles(Scope(role=role, merchant_id=1, carrier_id=1, station_id=1), plan(), AS_OF)


def test_by_area_equals_hand_counts_per_county_and_township(world: World) -> None:
    """The map and drill-down table: year to date and last year's same days per place."""
    areas = {a.code: a for a in by_area(OPERATOR, "retail_sales", AS_OF)}
    for county in ("640502", "640522"):
        assert areas[county].value == hand_net(world, *YTD, county=county)
        assert areas[county].previous == hand_net(world, *PREV, county=county)
    parcels = {a.code: a for a in by_area(OPERATOR, "express_volume", AS_OF, county="640522")}
    assert set(parcels) == {"640522000"}  # placed at county level only
    assert parcels["640522000"].value == Decimal(2)


def test_default_as_of_is_the_last_day_with_facts(world: World) -> None:
    """Today if facts reach it, else the last day with facts."""
    assert default_as_of(OPERATOR, today=date(2026, 11, 29)) == date(2025, 7, 2)
    assert default_as_of(OPERATOR, today=date(2025, 3, 1)) == date(2025, 3, 1)


def test_a_target_with_an_unregistered_measure_does_not_break_the_cockpit(world: World) -> None:
    """An official may mistype a measure key in the back office: that tile says so."""
    p = plan()
    p.targets.filter(code="G4").update(measure="no_such_measure")
    t = by_code(tiles(OPERATOR, p, AS_OF))["G4"]
    assert t.ytd is None
    assert t.status == fc.UNKNOWN
    assert "未注册的度量" in t.note
    assert by_code(tiles(OPERATOR, p, AS_OF))["G1"].ytd == hand_net(world, *YTD)


def test_forecast_in_the_tile_is_the_model_on_the_hand_counted_months(zhongwei: None) -> None:
    """30 months of sales: the tile's year forecast is the forecast module run on the monthly
    sums counted by hand (fen), known months of 2025 included, and the status follows."""
    from youpin.cockpit.tests.world import sh
    from youpin.testing.factories import MerchantFactory, OrderFactory, ShopFactory

    shop = ShopFactory(merchant=MerchantFactory(place=place("640521000000")))
    season = [8, 7, 9, 10, 10, 10, 9, 9, 10, 11, 15, 11]
    monthly_fen = []
    for i in range(30):  # January 2023 to June 2025
        year, month = 2023 + i // 12, i % 12 + 1
        amount = Decimal(season[i % 12] * 100 + i * 7).quantize(Decimal("0.01"))
        OrderFactory(
            shop=shop,
            ordered_at=sh(year, month, 15, 10),
            paid_at=sh(year, month, 15, 10),
            paid_amount=amount,
            refunded_amount=Decimal("0.00"),
        )
        monthly_fen.append(int(amount * 100))
    facts_rebuild()
    t = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"]
    expected = fc.forecast_monthly(monthly_fen, (2023, 1), 2025)
    assert t.forecast_method == expected.method == "hw_log_seasonal"
    est = expected.years[2025]
    assert t.year_forecast == (Decimal(str(est.mean)) / 100).quantize(Decimal("0.01"))
    assert t.year_lower == (Decimal(str(est.lower)) / 100).quantize(Decimal("0.01"))
    assert t.target_forecast == t.year_forecast  # 2025 is the target year
    assert est.mean > sum(monthly_fen[24:])  # the first half is inside the year's total
    assert (
        t.status
        == fc.track_status(
            8_000_000_000.0, fc.Estimate(est.mean / 100, est.lower / 100, est.upper / 100)
        )
        == fc.OFF_TRACK
    )
    assert "预测2025年" in t.status_reason
    july = next(m for m in t.months if m.month == "2025-07")
    assert july.actual is None
    assert july.forecast == (Decimal(str(expected.months[(2025, 7)].mean)) / 100).quantize(
        Decimal("0.01")
    )


def test_series_cache_follows_the_facts_refresh(world: World) -> None:
    """A new sale shows once the facts are refreshed (the cached series is keyed on it)."""
    from youpin.cockpit.tests.world import sh
    from youpin.testing.factories import OrderFactory

    before = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"].ytd
    world.orders.append(
        OrderFactory(
            shop=world.orders[0].shop,
            ordered_at=sh(2025, 3, 1, 10),
            paid_at=sh(2025, 3, 1, 10),
            paid_amount=Decimal("33.00"),
            refunded_amount=Decimal("0.00"),
        )
    )
    assert by_code(tiles(OPERATOR, plan(), AS_OF))["G1"].ytd == before  # facts not refreshed
    facts_rebuild()
    after = by_code(tiles(OPERATOR, plan(), AS_OF))["G1"].ytd
    assert after == before + Decimal("33.00") == hand_net(world, *YTD)
