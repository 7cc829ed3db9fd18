"""The retail statistic equals a hand count of the order rows, per definition and per role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from youpin.accounts.scoping import scope_for
from youpin.commerce.models import Order
from youpin.commerce.statistics import (
    RetailQueryError,
    RetailReport,
    Row,
    retail_sales,
)
from youpin.commerce.tests.retail_world import (
    SH,
    Count,
    World,
    build_world,
    hand_allocation,
    hand_count,
    sh,
)

pytestmark = pytest.mark.django_db

Y25 = (sh(2025, 1, 1), sh(2026, 1, 1))
Y24 = (sh(2024, 1, 1), sh(2025, 1, 1))
AFTER = date(2026, 2, 1)  # 2025 is over: whole years are compared


@pytest.fixture
def world(zhongwei: None) -> World:
    """The shared small order book."""
    return build_world()


def report(world: World, who: str = "operator", **kw: Any) -> RetailReport:
    """The statistic for one of the world's users."""
    kw.setdefault("year", 2025)
    kw.setdefault("as_of", AFTER)
    return retail_sales(scope_for(world.users[who]), **kw)


def assert_matches(row: Row, count: Count | None) -> None:
    """A report row holds exactly the hand-counted orders and money."""
    count = count or Count()
    assert (row.current.orders, row.current.gross, row.current.refunded, row.current.net) == (
        count.orders,
        count.gross,
        count.refunded,
        count.net,
    )


def growth(cur: Decimal, prev: Decimal) -> Decimal | None:
    """Hand-computed growth in per cent, two places."""
    return None if prev <= 0 else ((cur - prev) * 100 / prev).quantize(Decimal("0.01"))


def test_total_equals_hand_count(world: World) -> None:
    """Net, gross and orders of 2025 equal the sums of the counted rows."""
    r = report(world)
    assert_matches(r.total, hand_count(*Y25)["all"])
    assert r.total.current.net == r.total.current.gross - r.total.current.refunded


def test_unsold_and_other_sellers_are_left_out_but_shown(world: World) -> None:
    """Unpaid and closed orders never count; sellers outside or unregistered are shown apart."""
    r = report(world)
    names = {v.pk: k for k, v in world.orders.items()}
    total = hand_count(*Y25, key=lambda o: names[o.pk])
    assert {"unpaid", "closed", "outside", "unregistered"}.isdisjoint(total)
    other = hand_count(*Y25, keep=lambda o: not o.merchant.registered_locally
                       or not o.merchant.place_id.startswith("6405"))  # fmt: skip
    assert_matches(r.other_sellers, other["all"])
    assert r.other_sellers.current.orders == 2


def test_year_boundary_in_shanghai_time(world: World) -> None:
    """23:30 on 31 Dec 2024 Shanghai is 2024; 00:10 on 1 Jan 2025 and paid-on-1-Jan are 2025."""
    o = world.orders
    r24 = report(world, year=2024, by=["day"])
    assert_matches(r24.total, hand_count(*Y24)["all"])
    eve = next(row for row in r24.breakdown("day").rows if row.key == "2024-12-31")
    assert (eve.current.orders, eve.current.gross) == (1, o["y24_eve_2330"].paid_amount)
    r25 = report(world, by=["day"])
    jan1 = next(row for row in r25.breakdown("day").rows if row.key == "2025-01-01")
    paid = o["new_year_0010"].paid_amount + o["ordered_2024_paid_2025"].paid_amount
    assert (jan1.current.orders, jan1.current.gross) == (2, paid)
    assert jan1.previous is not None
    assert jan1.previous.orders == 0


def test_order_without_payment_time_is_dated_by_order_time(world: World) -> None:
    """A shipped order with no payment time counts on the day it was ordered."""
    days = {row.key: row for row in report(world, by=["day"]).breakdown("day").rows}
    assert days["2025-02-14"].current.gross == world.orders["no_paid_at"].paid_amount


def test_physical_goods_services_unclassified_and_farm(world: World) -> None:
    """Goods, services and unclassified split exactly and add up to the total; farm ⊂ goods."""
    r = report(world)
    _, by_class = hand_allocation(*Y25)
    assert_matches(r.goods, by_class.get("goods"))
    assert_matches(r.services, by_class.get("services"))
    assert_matches(r.unclassified, by_class.get("unclassified"))
    assert_matches(r.farm, by_class.get("farm"))
    parts = r.goods.current.net + r.services.current.net + r.unclassified.current.net
    assert parts == r.total.current.net
    gross = r.goods.current.gross + r.services.current.gross + r.unclassified.current.gross
    assert gross == r.total.current.gross


def test_category_breakdown_matches_hand_split(world: World) -> None:
    """Each category's share of its orders, cut to the fen, remainder on the largest line."""
    rows = {row.key: row for row in report(world, by=["category"]).breakdown("category").rows}
    by_cat, _ = hand_allocation(*Y25)
    assert set(rows) == {c.slug if c else "-" for c in by_cat}
    for cat, count in by_cat.items():
        row = rows[cat.slug if cat else "-"]
        assert_matches(row, count)
        assert row.group == ("unclassified" if cat is None else row.group)
    assert rows["t-ticket"].group == "services"
    assert rows["t-goji"].group == "farm"
    assert rows["t-wine"].group == "goods"


def test_split_of_one_order_sums_to_the_order(world: World) -> None:
    """100.00 (10.00 refunded) over three equal lines is 33.34/33.33/33.33, summing to the order."""
    o = world.orders["thirds"]
    start, end = sh(2025, 7, 1), sh(2025, 7, 2)
    by_cat, _ = hand_allocation(start, end)
    assert sum((c.gross for c in by_cat.values()), Decimal(0)) == o.paid_amount
    assert sum((c.refunded for c in by_cat.values()), Decimal(0)) == o.refunded_amount
    r = report(world, month=7, by=["category"])
    rows = {row.key: row for row in r.breakdown("category").rows}
    assert rows["t-goji"].current.gross == Decimal("33.34")
    assert rows["t-wine"].current.gross == Decimal("33.33")
    assert rows["-"].current.gross == Decimal("33.33")
    assert rows["t-goji"].current.refunded == Decimal("3.34")
    assert sum((row.current.net for row in rows.values()), Decimal(0)) == o.net_amount


@pytest.mark.parametrize(
    ("dimension", "key_of"),
    [
        ("county", lambda o: o.merchant.place_id[:6].ljust(12, "0")),
        ("township", lambda o: o.merchant.place_id[:9].ljust(12, "0")),
        ("platform", lambda o: o.platform),
        ("merchant", lambda o: str(o.merchant_id)),
        ("month", lambda o: f"{(o.paid_at or o.ordered_at).astimezone(SH):%Y-%m}"),
    ],
)
def test_breakdowns_equal_hand_count(world: World, dimension: str, key_of: Any) -> None:
    """County, township, platform, merchant and month rows equal the rows' own sums."""
    rows = {row.key: row for row in report(world, by=[dimension]).breakdown(dimension).rows}
    expected = hand_count(*Y25, key=key_of)
    for key, count in expected.items():
        assert_matches(rows[key], count)
    assert all(row.current.orders == 0 for k, row in rows.items() if k not in expected)
    net_sum = sum((row.current.net for row in rows.values()), Decimal(0))
    assert net_sum == hand_count(*Y25)["all"].net


def test_county_and_township_labels(world: World) -> None:
    """Counties by name; a seller placed only at county level is 未细化到乡镇."""
    r = report(world, by=["county", "township"])
    counties = {row.key: row.label for row in r.breakdown("county").rows}
    assert counties["640521000000"] == "中宁县"
    towns = {row.key: row.label for row in r.breakdown("township").rows}
    assert towns["640502109000"] == "沙坡头区·兴仁镇"
    assert towns["640521000000"] == "中宁县·（未细化到乡镇）"


def test_hosts_by_id_then_nickname_and_no_host(world: World) -> None:
    """One host ID under two nicknames is one row, labelled with the commoner; none is 无达人."""
    rows = {row.key: row for row in report(world, by=["host"]).breakdown("host").rows}

    def host(o: Order) -> str:
        """The host key the definition gives an order."""
        return o.host_id or (f"昵称:{o.host_nickname}" if o.host_nickname else "-")

    expected = hand_count(*Y25, key=host)
    assert set(rows) == set(expected) | {"H001"}
    for key, count in expected.items():
        assert_matches(rows[key], count)
    assert rows["H001"].label == "阿强（H001）"
    assert rows["-"].label == "无达人"
    assert rows["昵称:小丁"].label == "小丁"


def test_year_on_year_growth(world: World) -> None:
    """Growth compares with the hand count of 2024, in total and per platform."""
    r = report(world, by=["platform", "year"])
    cur, prev = hand_count(*Y25)["all"], hand_count(*Y24)["all"]
    assert r.total.previous is not None
    assert r.total.previous.net == prev.net
    assert r.total.growth_pct == growth(cur.net, prev.net)
    platforms = {row.key: row for row in r.breakdown("platform").rows}
    prev_pf = hand_count(*Y24, key=lambda o: o.platform)
    cur_pf = hand_count(*Y25, key=lambda o: o.platform)
    for key, row in platforms.items():
        p = prev_pf.get(key, Count()).net
        assert row.previous is not None
        assert row.previous.net == p
        assert row.growth_pct == growth(cur_pf.get(key, Count()).net, p)
    years = {row.key: row for row in r.breakdown("year").rows}
    assert years["2025"].growth_pct == r.total.growth_pct
    assert years["2024"].current.net == prev.net


def test_running_year_compares_the_same_days(world: World) -> None:
    """On 30 June 2025 the report covers 1 Jan–30 Jun and compares with 1 Jan–30 Jun 2024."""
    r = report(world, as_of=date(2025, 6, 30))
    assert r.period.partial
    assert (r.comparison.first, r.comparison.last) == (date(2024, 1, 1), date(2024, 6, 30))
    cur = hand_count(sh(2025, 1, 1), sh(2025, 7, 1))["all"]
    prev = hand_count(sh(2024, 1, 1), sh(2024, 7, 1))["all"]
    assert_matches(r.total, cur)
    assert r.total.previous is not None
    assert r.total.previous.net == prev.net  # the November 2024 order is not in the base


def test_leap_day_has_no_counterpart(world: World) -> None:
    """29 Feb 2024 compares with nothing; 1 Mar 2025 compares with 1 Mar 2024."""
    days = {row.key: row for row in report(world, year=2024, by=["day"]).breakdown("day").rows}
    assert days["2024-02-29"].previous is None
    assert days["2024-02-29"].current.gross == world.orders["y24_leap"].paid_amount
    assert days["2024-03-01"].previous is not None


def test_county_official_sees_only_their_county(world: World) -> None:
    """中宁县's official gets 中宁 sellers' sales; the city official gets all Zhongwei sellers."""
    zn = report(world, "zhongning", by=["county"])
    expected = hand_count(*Y25, keep=lambda o: o.merchant.registered_locally
                          and o.merchant.place_id.startswith("640521"))  # fmt: skip
    assert_matches(zn.total, expected["all"])
    assert [row.key for row in zn.breakdown("county").rows] == ["640521000000"]
    city = report(world, "city")
    assert_matches(city.total, hand_count(*Y25)["all"])


def test_merchant_sees_own_sales(world: World) -> None:
    """A merchant's report holds only its own orders."""
    m = world.merchants["spt"]
    r = report(world, "merchant_spt")
    assert_matches(r.total, hand_count(*Y25, keep=lambda o: o.merchant_id == m.pk)["all"])


@pytest.mark.parametrize("who", ["consumer", "carrier", "keeper"])
def test_other_roles_are_refused(world: World, who: str) -> None:
    """Consumers, carriers and station keepers may not see the statistic."""
    with pytest.raises(PermissionDenied):
        report(world, who)


def test_county_filter_and_its_limits(world: World) -> None:
    """--county narrows to a county; another county than the official's is refused."""
    r = report(world, county="640521")
    expected = hand_count(*Y25, keep=lambda o: o.merchant.registered_locally
                          and o.merchant.place_id.startswith("640521"))  # fmt: skip
    assert_matches(r.total, expected["all"])
    with pytest.raises(PermissionDenied):
        report(world, "zhongning", county="640522")
    with pytest.raises(RetailQueryError):
        report(world, county="110101")


@pytest.mark.parametrize(
    "kwargs",
    [{"year": 1999}, {"year": 2025, "month": 13}, {"year": 2025, "by": ["county", "colour"]}],
)
def test_bad_requests_are_refused(world: World, kwargs: dict[str, Any]) -> None:
    """Years outside 2000–2100, months outside 1–12 and unknown dimensions raise."""
    with pytest.raises(RetailQueryError):
        report(world, **kwargs)
