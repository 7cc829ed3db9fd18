"""Facts against the statistics and against hand counts; idempotent and incremental refreshes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope, scope_for
from youpin.commerce.models import Order, OrderStatus
from youpin.commerce.statistics import retail_sales
from youpin.commerce.tests.retail_world import build_world, hand_allocation, hand_count, sh
from youpin.facts.models import ChangedDay, ParcelFact, SalesFact, SalesPlaceFact, StationFact
from youpin.facts.refresh import (
    days_of_orders,
    days_of_parcels,
    facts_rebuild,
    facts_refresh,
    facts_refresh_days,
    mark_days_changed,
    mark_rows_changed_since,
)
from youpin.facts.selectors import (
    SalesQuery,
    parcel_totals,
    sales_series,
    sales_totals,
    station_series,
)
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.logistics.statistics import express_volume
from youpin.logistics.tests import express_cases
from youpin.testing.factories import (
    XINGREN_TOWN,
    ZHONGNING,
    OrderFactory,
    OrderLineFactory,
    ParcelFactory,
    ShopFactory,
    StationFactory,
    place,
)

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
Y2025 = (date(2025, 1, 1), date(2025, 12, 31))


def fen(amount: Decimal) -> int:
    """CNY as whole fen."""
    return int(amount * 100)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every fact row as sorted tuples (without ids), to compare two refreshes."""
    out = {}
    for model in (SalesFact, SalesPlaceFact, ParcelFact, StationFact):
        fields = [f.name for f in model._meta.fields if f.name != "id"]
        out[model.__name__] = sorted(model.objects.values_list(*fields))
    return out


def test_sales_facts_equal_the_retail_statistic_and_a_hand_count(zhongwei: None) -> None:
    """Net, gross, refunded and orders of 2025 and 2024, total and by class."""
    build_world()
    facts_rebuild()
    for year in (2025, 2024):
        first, last = date(year, 1, 1), date(year, 12, 31)
        totals = sales_totals(OPERATOR, SalesQuery(first, last))
        report = retail_sales(OPERATOR, year=year, as_of=date(2026, 6, 1))
        hand = hand_count(sh(year, 1, 1, 0, 0), sh(year + 1, 1, 1, 0, 0))["all"]
        assert totals["net_fen"] == fen(report.total.current.net) == fen(hand.net)
        assert totals["paid_fen"] == fen(report.total.current.gross) == fen(hand.gross)
        assert totals["refunded_fen"] == fen(hand.refunded)
        assert totals["lead_orders"] == report.total.current.orders == hand.orders
        _, by_class = hand_allocation(sh(year, 1, 1, 0, 0), sh(year + 1, 1, 1, 0, 0))
        for cls in ("farm", "services", "unclassified"):
            got = sales_totals(OPERATOR, SalesQuery(first, last, sales_class=cls))
            row = getattr(report, cls).current
            assert got["net_fen"] == fen(row.net) == fen(by_class.get(cls, _zero()).net)
            assert got["orders"] == row.orders
        goods = [
            sales_totals(OPERATOR, SalesQuery(first, last, sales_class=c))
            for c in ("farm", "goods")
        ]
        assert sum(g["net_fen"] for g in goods) == fen(report.goods.current.net)
    # the 2025 figures by hand, from the world's definition: 12 orders of Zhongwei sellers
    assert sales_totals(OPERATOR, SalesQuery(*Y2025))["lead_orders"] == 13
    other = sales_totals(OPERATOR, SalesQuery(*Y2025, local_only=False))
    assert other["net_fen"] - sales_totals(OPERATOR, SalesQuery(*Y2025))["net_fen"] == 110000


def _zero() -> Any:
    """An empty hand count."""
    from youpin.commerce.tests.retail_world import Count

    return Count()


def test_the_three_way_split_matches_split_cents(zhongwei: None) -> None:
    """100.00 paid, 10.00 refunded over three equal lines: 33.34/33.33/33.33 and 3.34/3.33/3.33."""
    world = build_world()
    facts_rebuild()
    day = date(2025, 7, 1)
    rows = {
        r.sales_class: (r.paid_fen, r.refunded_fen, r.orders, r.lead_orders)
        for r in SalesFact.objects.filter(day=day)
    }
    assert world.orders["thirds"].paid_amount == Decimal("100.00")
    assert rows == {
        "farm": (3334, 334, 1, 1),
        "goods": (3333, 333, 1, 0),
        "unclassified": (3333, 333, 1, 0),
    }


def test_sale_day_is_the_shanghai_payment_day(zhongwei: None) -> None:
    """Paid 00:10 on 1 January (still 2024 in UTC) is 2025-01-01; 23:30 on 31 December is 2024."""
    build_world()
    facts_rebuild()
    days = set(SalesFact.objects.values_list("day", flat=True))
    assert date(2025, 1, 1) in days
    assert date(2024, 12, 31) in days
    # ordered 31 Dec 2024 22:00, paid 1 Jan 08:00: on the payment day
    jan1 = sales_totals(OPERATOR, SalesQuery(date(2025, 1, 1), date(2025, 1, 1)))
    assert jan1["paid_fen"] == 1234 + 6660


def test_parcel_facts_equal_the_express_statistic_and_the_cases(zhongwei: None) -> None:
    """Collected and delivered, by direction and county, e-waybill, station and locker counts."""
    express_cases.build()
    facts_rebuild()
    report = express_volume(OPERATOR, year=2025, by=("county",))
    col = parcel_totals(OPERATOR, *Y2025, side="collected")
    dlv = parcel_totals(OPERATOR, *Y2025, side="delivered")
    cur = report.total.current
    assert col["parcels"] == cur.collected
    assert col["e_waybill"] == cur.collected_e_waybill
    assert col["timed"] == cur.collected_timed
    assert dlv["parcels"] == cur.delivered
    assert dlv["at_station"] == cur.delivered_at_station
    assert dlv["at_locker"] == cur.delivered_at_locker
    assert round(col["transit_seconds"] / 3600, 3) == round(cur.collected_hours, 3)
    assert round(dlv["transit_seconds"] / 3600, 3) == round(cur.delivered_hours, 3)
    # by hand from the cases
    cases = express_cases.CASES
    prefix = express_cases.CITY_PREFIX
    hand_col = [
        c for c in cases if c.collected_in(prefix) and express_cases.in_year(c.collected_at, 2025)
    ]
    hand_del = [
        c for c in cases if c.delivered_in(prefix) and express_cases.in_year(c.delivered_at, 2025)
    ]
    assert col["parcels"] == len(hand_col)
    assert dlv["parcels"] == len(hand_del)
    assert dlv["at_station"] == sum(1 for c in hand_del if c.at_station())
    assert dlv["at_locker"] == sum(1 for c in hand_del if c.at_locker())
    by_dir = parcel_totals(OPERATOR, *Y2025, side="collected", by_direction=True)
    hand_intra = sum(1 for c in hand_col if c.delivered_in(prefix))
    assert by_dir.get("intra", {}).get("parcels", 0) == hand_intra
    assert by_dir.get("outbound", {}).get("parcels", 0) == len(hand_col) - hand_intra
    for row in report.breakdowns["county"]:
        if not row.key.isdigit():
            continue
        county = row.key[:6]
        got = parcel_totals(OPERATOR, *Y2025, side="collected", county=county)
        assert got["parcels"] == row.current.collected, row.key
        got = parcel_totals(OPERATOR, *Y2025, side="delivered", county=county)
        assert got["parcels"] == row.current.delivered, row.key


def _station_world() -> tuple[Any, Any]:
    """Two stations and station events of several raw codes on two days."""
    s1 = StationFactory(place=place(XINGREN_TOWN))
    s2 = StationFactory(place=place("640521100000"))
    p1, p2 = ParcelFactory(), ParcelFactory()
    at = datetime(2025, 3, 1, 23, 30, tzinfo=express_cases.SHANGHAI)
    plan = [
        (p1, s1, at, "station_checkin"),
        (p2, s1, at, "station_checkin"),
        (p1, s1, at + timedelta(hours=1), "station_pickup"),  # 3 March 00:30: next day
        (p2, s1, at + timedelta(minutes=5), "station_damaged"),
        (p1, s2, at, "station_send"),
        (p2, s2, at, "station_checkin"),
    ]
    for n, (parcel, station, when, code) in enumerate(plan):
        TrackingEvent.objects.create(
            parcel=parcel,
            occurred_at=when,
            status=TrackingStatus.READY_FOR_PICKUP,
            raw_code=code,
            station=station,
            source="station",
            dedupe_key=f"k{n}",
        )
    TrackingEvent.objects.create(  # not a station event: not counted
        parcel=p1, occurred_at=at, status=TrackingStatus.IN_TRANSIT, raw_code="x", source="test"
    )
    return s1, s2


def test_station_facts_count_station_events_by_day_and_code(zhongwei: None) -> None:
    """Each station's operations per Shanghai day and raw code, by hand."""
    s1, s2 = _station_world()
    facts_rebuild()
    rows = {
        (r.day, r.station_id, r.operation): (r.events, r.parcels) for r in StationFact.objects.all()
    }
    d1, d2 = date(2025, 3, 1), date(2025, 3, 2)
    assert rows == {
        (d1, s1.pk, "station_checkin"): (2, 2),
        (d1, s1.pk, "station_damaged"): (1, 1),
        (d2, s1.pk, "station_pickup"): (1, 1),
        (d1, s2.pk, "station_send"): (1, 1),
        (d1, s2.pk, "station_checkin"): (1, 1),
    }
    keeper = Scope(role=Role.STATION_KEEPER, station_id=s2.pk)
    series = station_series(keeper, d1, d2)
    assert {(r["operation"], r["events"]) for r in series} == {
        ("station_send", 1),
        ("station_checkin", 1),
    }
    zhongning = Scope(role=Role.OFFICIAL, region_prefix="640521")
    assert sum(r["events"] for r in station_series(zhongning, d1, d2)) == 2


def _everything(zhongwei: None) -> Any:
    """Orders, parcels and station events together; the order world."""
    world = build_world()
    express_cases.build()
    _station_world()
    return world


def test_refresh_is_idempotent(zhongwei: None) -> None:
    """A second full refresh, and an incremental one with nothing changed, change nothing."""
    _everything(zhongwei)
    facts_rebuild()
    first = snapshot()
    assert all(first[name] for name in ("SalesFact", "ParcelFact", "StationFact"))
    facts_rebuild()
    assert snapshot() == first
    result = facts_refresh()
    assert snapshot() == first
    assert result.mode == "incremental"
    facts_refresh_days([date(2025, 3, 1), date(2025, 7, 1), date(2025, 6, 3)])
    assert snapshot() == first


def test_incremental_refresh_of_a_new_day_equals_a_full_refresh(
    zhongwei: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New orders, a refund, a delivered parcel and a station event: only their days recomputed."""
    # No safety margin: rows written before the first refresh are not looked at again.
    monkeypatch.setattr("youpin.facts.refresh.MARGIN", timedelta(0))
    world = _everything(zhongwei)
    facts_refresh()  # the first refresh is a full one
    new_day = sh(2025, 11, 20, 10, 0)
    shop = ShopFactory(merchant=Order.objects.first().merchant)  # type: ignore[union-attr]
    order = OrderFactory(
        shop=shop, paid_amount=Decimal("42.00"), paid_at=new_day, ordered_at=new_day
    )
    OrderLineFactory(order=order, amount=Decimal("42.00"))
    refunded = Order.objects.get(pk=world.orders["mixed_refund"].pk)
    refunded.refunded_amount = Decimal("150.00")
    refunded.status = OrderStatus.REFUNDED
    refunded.save()
    parcel = ParcelFactory(sender_place=place(ZHONGNING), collected_at=new_day)
    late = ParcelFactory(sender_place=place(ZHONGNING), collected_at=sh(2025, 11, 1, 9, 0))
    late.delivered_at = new_day
    late.recipient_place = place(XINGREN_TOWN)
    late.save()
    station = StationFactory()
    TrackingEvent.objects.create(
        parcel=parcel, occurred_at=new_day, status=TrackingStatus.PICKED_UP,
        raw_code="station_send", station=station, source="station",
    )  # fmt: skip
    result = facts_refresh(check=True)  # the full check: orders and parcels by updated_at
    assert result.mode == "check"
    assert result.days["sales"] == 2  # the new order's day and the refunded order's day
    assert result.days["parcels"] == 2  # 1 and 20 November
    assert result.days["stations"] == 1
    incremental = snapshot()
    facts_rebuild()
    assert snapshot() == incremental
    # the hook with explicit days gives the same again
    facts_refresh_days(days_of_orders([order.pk, refunded.pk]) | days_of_parcels([late.pk]))
    assert snapshot() == incremental
    # an order import refreshes the sales only
    SalesFact.objects.all().delete()
    ParcelFact.objects.filter(day=date(2025, 11, 20)).delete()
    only = facts_refresh_days(days_of_orders([order.pk, refunded.pk]), tables=["sales"])
    assert set(only.rows) == {"sales"}
    assert not ParcelFact.objects.filter(day=date(2025, 11, 20)).exists()
    assert SalesFact.objects.count() == 2 + 1  # the two days' rows: 1 + 2 classes on 10 March
    with pytest.raises(ValueError, match="未知的事实表"):
        facts_refresh_days([date(2025, 1, 1)], tables=["orders"])
    assert days_of_parcels([late.pk]) == {date(2025, 11, 1), date(2025, 11, 20)}


def test_a_day_refresh_removes_rows_that_no_longer_count(zhongwei: None) -> None:
    """An order closed after the refresh disappears from its day when that day is refreshed."""
    order = OrderFactory(paid_at=sh(2025, 2, 2, 10, 0))
    facts_rebuild()
    assert sales_totals(OPERATOR, SalesQuery(*Y2025))["lead_orders"] == 1
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CLOSED)
    facts_refresh_days([date(2025, 2, 2)])
    assert sales_totals(OPERATOR, SalesQuery(*Y2025))["lead_orders"] == 0
    assert not SalesFact.objects.exists()


def test_scoping_of_the_facts_per_role(zhongwei: None) -> None:
    """Officials see their county, merchants their own sales, others are refused."""
    world = build_world()
    express_cases.build()
    facts_rebuild()
    users = world.users
    city = sales_totals(scope_for(users["city"]), SalesQuery(*Y2025))
    everything = sales_totals(OPERATOR, SalesQuery(*Y2025))
    assert city == everything
    zn = sales_totals(scope_for(users["zhongning"]), SalesQuery(*Y2025))
    report = retail_sales(scope_for(users["zhongning"]), year=2025, as_of=date(2026, 6, 1))
    assert zn["net_fen"] == fen(report.total.current.net)
    assert 0 < zn["net_fen"] < city["net_fen"]
    mine = sales_totals(scope_for(users["merchant_spt"]), SalesQuery(*Y2025))
    hand = hand_count(
        sh(2025, 1, 1, 0, 0),
        sh(2026, 1, 1, 0, 0),
        keep=lambda o: o.merchant_id == world.merchants["spt"].pk,
    )["all"]
    assert mine["net_fen"] == fen(hand.net)
    for role in ("consumer", "keeper", "carrier"):
        with pytest.raises(PermissionDenied):
            sales_totals(scope_for(users[role]), SalesQuery(*Y2025))
    with pytest.raises(PermissionDenied):
        parcel_totals(scope_for(users["merchant_spt"]), *Y2025)
    carrier_scope = scope_for(users["carrier"])
    assert parcel_totals(carrier_scope, *Y2025)["parcels"] == 0  # its carrier has no parcels
    zn_express = express_volume(scope_for(users["zhongning"]), year=2025, by=())
    assert (
        parcel_totals(scope_for(users["zhongning"]), *Y2025)["parcels"]
        == zn_express.total.current.collected
    )


def test_series_roll_days_into_months(zhongwei: None) -> None:
    """Monthly series sum their days; the year sums the months."""
    build_world()
    facts_rebuild()
    months = sales_series(OPERATOR, SalesQuery(*Y2025), grain="month")
    year = sales_series(OPERATOR, SalesQuery(*Y2025), grain="year")
    assert [m["period"] for m in months][:2] == ["2025-01", "2025-02"]
    assert sum(m["net_fen"] for m in months) == year[0]["net_fen"]
    june = next(m for m in months if m["period"] == "2025-06")
    assert june["lead_orders"] == 4  # three orders of host H001 (18-20 June) and one of 小丁


def test_an_edited_merchant_moves_its_sales_on_the_next_refresh(
    zhongwei: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merchant found not registered locally leaves the Zhongwei figure on every sale day."""
    monkeypatch.setattr("youpin.facts.refresh.MARGIN", timedelta(0))
    world = build_world()
    facts_refresh()
    before = sales_totals(OPERATOR, SalesQuery(*Y2025))
    merchant = world.merchants["hy"]
    merchant.registered_locally = False
    merchant.save()
    result = facts_refresh()
    assert result.days["sales"] == 3  # its sale days: 2025-05-01, 2025-02-14, 2024-11-11
    after = sales_totals(OPERATOR, SalesQuery(*Y2025))
    hand = hand_count(sh(2025, 1, 1, 0, 0), sh(2026, 1, 1, 0, 0))["all"]
    assert after["net_fen"] == fen(hand.net) == before["net_fen"] - 28000
    incremental = snapshot()
    facts_rebuild()
    assert snapshot() == incremental


def test_the_place_summary_equals_the_detailed_rows(zhongwei: None) -> None:
    """SalesPlaceFact is SalesFact summed over merchants and hosts, day by day."""
    world = build_world()
    facts_rebuild()
    from django.db.models import Sum

    dims = ("day", "county", "township", "platform", "sales_class", "local_seller")
    sums = {m: Sum(m) for m in ("orders", "lead_orders", "paid_fen", "refunded_fen", "net_fen")}
    detailed = sorted(
        tuple(r.values()) for r in SalesFact.objects.values(*dims).annotate(**sums).order_by()
    )
    summary = sorted(tuple(r.values()) for r in SalesPlaceFact.objects.values(*dims, *sums))
    assert summary == detailed
    assert len(summary) <= SalesFact.objects.count()
    per_merchant = [
        sales_totals(Scope(role=Role.MERCHANT, merchant_id=m.pk), SalesQuery(*Y2025))["net_fen"]
        for m in world.merchants.values()
    ]
    assert sum(per_merchant) == sales_totals(OPERATOR, SalesQuery(*Y2025))["net_fen"]


def test_marked_days_and_new_events_are_found_without_scanning(
    zhongwei: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger's days and the new events' parcels are recomputed; unmarked edits wait."""
    monkeypatch.setattr("youpin.facts.refresh.MARGIN", timedelta(0))
    world = _everything(zhongwei)
    facts_refresh()  # the first refresh is a full one
    new_day = sh(2025, 11, 20, 10, 0)
    shop = ShopFactory(merchant=Order.objects.first().merchant)  # type: ignore[union-attr]
    order = OrderFactory(
        shop=shop, paid_amount=Decimal("42.00"), paid_at=new_day, ordered_at=new_day
    )
    OrderLineFactory(order=order, amount=Decimal("42.00"))
    assert mark_days_changed([date(2025, 11, 20)], ["sales"]) == 1
    # delivered by a new tracking event: its collection and delivery days, without a mark
    late = ParcelFactory(
        sender_place=place(ZHONGNING), recipient_place=place(XINGREN_TOWN),
        collected_at=sh(2025, 11, 1, 9, 0), delivered_at=new_day,
    )  # fmt: skip
    TrackingEvent.objects.create(parcel=late, occurred_at=new_day, status=TrackingStatus.DELIVERED)
    # an order edited by something that marked nothing: not looked for
    refunded = Order.objects.get(pk=world.orders["mixed_refund"].pk)
    refunded.refunded_amount = Decimal("150.00")
    refunded.status = OrderStatus.REFUNDED
    refunded.save()
    result = facts_refresh()
    assert result.mode == "incremental"
    assert result.days == {"sales": 1, "parcels": 2, "stations": 0}
    assert not ChangedDay.objects.exists()  # the ledger is emptied
    marked = snapshot()
    facts_rebuild()
    assert snapshot() != marked  # the unmarked refund is missing from the incremental facts
    # a mark without a day: the next refresh looks for that table's rows updated since then
    SalesFact.objects.all().delete()
    SalesPlaceFact.objects.all().delete()
    facts_rebuild()
    full = snapshot()
    edited_at = timezone.now()
    refunded.refunded_amount = Decimal("0.00")
    refunded.save()
    mark_rows_changed_since(edited_at, ["sales"])
    again = facts_refresh()
    assert again.days["sales"] == len(days_of_orders([refunded.pk])) == 1
    assert snapshot() != full
    assert not ChangedDay.objects.exists()
    caught_up = snapshot()
    facts_rebuild()
    assert snapshot() == caught_up
    with pytest.raises(ValueError, match="未知的事实表"):
        mark_days_changed([date(2025, 1, 1)], ["orders"])
