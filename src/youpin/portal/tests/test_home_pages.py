"""Each role's home page shows its own live figures, equal to the database, nothing more."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.test import Client
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.catalog.models import Merchant, Platform, Product, Shop
from youpin.commerce.models import Order, OrderStatus
from youpin.geo.models import Level, Place
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.portal.tests.pages import count, kpi, page, yuan
from youpin.stations.models import Station, StationKind
from youpin.testing.factories import (
    HAIYUAN,
    SHANGHAI,
    SHAPOTOU,
    XINGREN_TOWN,
    CarrierFactory,
    MerchantFactory,
    OrderFactory,
    ParcelFactory,
    ProductFactory,
    ShopFactory,
    StationFactory,
    place,
    user_with_role,
)

pytestmark = pytest.mark.django_db

CITY = "640500000000"


def _at(year: int, month: int = 6, day: int = 18) -> datetime:
    """A fixed order time in Zhongwei's time zone."""
    return datetime(year, month, day, 20, 0, tzinfo=SHANGHAI)


def _sold_net(orders: list[Order], year: int) -> Decimal:
    """Net of the orders that count as sales (not unpaid, not closed) in a year."""
    unsold = {OrderStatus.PENDING_PAYMENT, OrderStatus.CLOSED}
    return sum(
        (o.net_amount for o in orders if o.status not in unsold and o.ordered_at.year == year),
        Decimal("0.00"),
    )


def _admin_villages(prefix: str) -> QuerySet[Place]:
    """Administrative villages (村委会, or names ending in 村; not 社区, not 虚拟生活区)."""
    named = Q(name__endswith="村委会") | Q(name__endswith="村")
    return Place.objects.filter(named, level=Level.VILLAGE, code__startswith=prefix).exclude(
        name__contains="虚拟"
    )


def _signed_in(client: Client, user: object) -> Client:
    """Sign a user in on the test client."""
    client.force_login(user)  # type: ignore[arg-type]
    return client


# ----------------------------------------------------------------------------- official


@pytest.fixture
def two_counties(zhongwei: None) -> dict[str, object]:
    """Sales, parcels and stations in 海原县 and in 沙坡头区."""
    m_hy = MerchantFactory(name="海原滩羊合作社", place=place(HAIYUAN))
    m_spt = MerchantFactory(name="沙坡头枸杞合作社", place=place(SHAPOTOU))
    shop_hy = ShopFactory(merchant=m_hy)
    shop_spt = ShopFactory(merchant=m_spt)
    hy_orders = [
        OrderFactory(shop=shop_hy, net_amount=Decimal("120.50"), ordered_at=_at(2025)),
        OrderFactory(shop=shop_hy, net_amount=Decimal("80.25"), ordered_at=_at(2025, 11, 11)),
        OrderFactory(
            shop=shop_hy,
            net_amount=Decimal("55.00"),
            ordered_at=_at(2025),
            status=OrderStatus.PENDING_PAYMENT,
        ),
        OrderFactory(shop=shop_hy, net_amount=Decimal("150.00"), ordered_at=_at(2024)),
    ]
    spt_orders = [
        OrderFactory(shop=shop_spt, net_amount=Decimal("9876.54"), ordered_at=_at(2025)),
        OrderFactory(shop=shop_spt, net_amount=Decimal("4321.09"), ordered_at=_at(2024)),
    ]
    hy_township = Place.objects.filter(level=Level.TOWNSHIP, code__startswith="640522").order_by(
        "code"
    )[0]
    hy_village = Place.objects.filter(level=Level.VILLAGE, code__startswith="640522").order_by(
        "code"
    )[0]
    StationFactory(place=hy_township, kind=StationKind.TOWNSHIP)
    StationFactory(place=hy_village, kind=StationKind.VILLAGE)
    StationFactory(place=place(XINGREN_TOWN), kind=StationKind.TOWNSHIP)
    StationFactory(place=place(XINGREN_TOWN), kind=StationKind.TOWNSHIP)
    carrier = CarrierFactory(code="zto")
    for when in (_at(2025), _at(2025, 7), _at(2024)):
        ParcelFactory(carrier=carrier, sender_place=place(HAIYUAN), collected_at=when)
    ParcelFactory(carrier=carrier, sender_place=place(SHAPOTOU), collected_at=_at(2025))
    return {"hy_orders": hy_orders, "spt_orders": spt_orders}


def test_county_official_sees_only_their_county(client: Client, two_counties: dict) -> None:
    """海原县's official sees 海原县's sales, parcels and stations, never 沙坡头区's."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    html = page(_signed_in(client, official), "/?year=2025")
    hy = two_counties["hy_orders"]
    net_2025, net_2024 = _sold_net(hy, 2025), _sold_net(hy, 2024)
    assert kpi(html, "sales-net") == yuan(net_2025)
    growth = ((net_2025 - net_2024) / net_2024 * 100).quantize(Decimal("0.1"))
    assert kpi(html, "sales-growth") == f"{growth:+.1f}%"
    sold_2025 = [
        o for o in hy if o.ordered_at.year == 2025 and o.status != OrderStatus.PENDING_PAYMENT
    ]
    assert kpi(html, "sales-orders") == count(len(sold_2025))
    collected_2025 = Parcel.objects.filter(
        sender_place__code__startswith="640522", collected_at__year=2025
    ).count()
    assert kpi(html, "parcels-collected") == count(collected_2025)
    townships = Station.objects.filter(
        kind=StationKind.TOWNSHIP, place__code__startswith="640522"
    ).count()
    assert kpi(html, "township-stations") == count(townships)
    villages = _admin_villages("640522")
    served = Station.objects.filter(place__level=Level.VILLAGE).values("place_id")
    assert kpi(html, "villages-unserved") == count(villages.exclude(code__in=served).count())
    # The same figure as the coverage page's: one definition of "villages" (村委会).
    coverage = page(_signed_in(client, official), "/villages/unserved/")
    assert kpi(coverage, "coverage-uncovered") == kpi(html, "villages-unserved")
    for spt_order in two_counties["spt_orders"]:
        assert yuan(spt_order.net_amount) not in html
    assert "沙坡头区" not in html
    assert "海原县" in html


def test_city_official_sees_every_county(client: Client, two_counties: dict) -> None:
    """The city official's figures add up the whole city, county by county."""
    official = user_with_role(Role.OFFICIAL, region=place(CITY))
    html = page(_signed_in(client, official), "/?year=2025")
    every = two_counties["hy_orders"] + two_counties["spt_orders"]
    assert kpi(html, "sales-net") == yuan(_sold_net(every, 2025))
    assert kpi(html, "township-stations") == count(
        Station.objects.filter(kind=StationKind.TOWNSHIP, is_active=True).count()
    )
    assert "沙坡头区" in html
    assert "海原县" in html
    assert yuan(_sold_net(two_counties["spt_orders"], 2025)) in html  # the county table


def test_official_page_carries_chart_data_and_map(client: Client, two_counties: dict) -> None:
    """The chart containers and their JSON (years, net per year, county values) are on the page."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    response = _signed_in(client, official).get("/", {"year": "2025"})
    chart = response.context["board"].chart
    assert chart["years"] == [2024, 2025]
    assert chart["net"] == [float(_sold_net(two_counties["hy_orders"], y)) for y in (2024, 2025)]
    assert chart["map"] == [
        {"name": "海原县", "value": float(_sold_net(two_counties["hy_orders"], 2025))}
    ]
    html = response.content.decode()
    assert 'data-chart="trend"' in html
    assert 'data-chart="county-map"' in html
    assert 'id="chart-data"' in html


def test_official_without_sales_is_told_so(client: Client, zhongwei: None) -> None:
    """With no orders at all the page says there is no data instead of drawing an empty chart."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    html = page(_signed_in(client, official))
    assert 'data-testid="no-sales"' in html
    assert kpi(html, "sales-net") == yuan(Decimal("0"))
    assert kpi(html, "sales-growth") == "—"


def test_official_defaults_to_latest_year_with_data(client: Client, two_counties: dict) -> None:
    """Without ?year= the page shows this year, or says it shows the latest year with sales."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    html = page(_signed_in(client, official))
    this_year = timezone.localdate().year
    if this_year > 2025:
        assert 'data-testid="year-fallback"' in html
        assert kpi(html, "sales-net") == yuan(_sold_net(two_counties["hy_orders"], 2025))
    else:
        assert kpi(html, "sales-net") == yuan(_sold_net(two_counties["hy_orders"], this_year))


def test_unserved_villages_list_is_scoped(client: Client, two_counties: dict) -> None:
    """The unserved-villages page lists only the official's villages; htmx gets just the table."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    signed = _signed_in(client, official)
    html = page(signed, "/villages/unserved/")
    served = Station.objects.filter(place__level=Level.VILLAGE).values("place_id")
    expected = _admin_villages("640522").exclude(code__in=served)
    communities = Place.objects.filter(level=Level.VILLAGE, code__startswith="640522").exclude(
        code__in=_admin_villages("640522").values("code")
    )
    assert communities.exists()  # 社区 and 虚拟生活区 are left out of the list
    assert html.count('<td class="mono">6405') == expected.count()
    assert '<td class="mono">640502' not in html
    fragment = page(signed, "/villages/unserved/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment
    assert fragment.count('<td class="mono">6405') == expected.count()


# ----------------------------------------------------------------------------- operator


def test_operator_sees_platform_totals(client: Client, two_counties: dict) -> None:
    """The operator's counts equal the whole tables, from merchants to stations."""
    ProductFactory(merchant=Merchant.objects.first())
    Station.objects.filter(kind=StationKind.VILLAGE).update(is_active=False)
    operator = user_with_role(Role.OPERATOR)
    html = page(_signed_in(client, operator))
    assert kpi(html, "merchants") == count(Merchant.objects.count())
    assert kpi(html, "shops") == count(Shop.objects.count())
    assert kpi(html, "products") == count(Product.objects.count())
    assert kpi(html, "orders") == count(Order.objects.count())
    assert kpi(html, "parcels") == count(Parcel.objects.count())
    assert kpi(html, "stations") == count(Station.objects.filter(is_active=True).count())
    assert (
        f'data-status="in_transit">{count(Parcel.objects.filter(status="in_transit").count())}<'
        in html
    )
    assert 'href="/admin/"' in html
    assert 'href="/api/docs"' in html


def test_superuser_gets_the_operator_page(client: Client, zhongwei: None) -> None:
    """A superuser without a profile acts as the operator."""
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-test-123")
    html = page(_signed_in(client, admin))
    assert 'data-kpi="merchants"' in html


# ----------------------------------------------------------------------------- merchant


@pytest.fixture
def two_merchants(zhongwei: None) -> dict[str, object]:
    """Merchant A with two shops and orders, merchant B with its own orders."""
    a = MerchantFactory(name="甲合作社")
    b = MerchantFactory(name="乙电商公司")
    a_tb = ShopFactory(merchant=a, platform=Platform.TAOBAO)
    a_dy = ShopFactory(merchant=a, platform=Platform.DOUYIN)
    b_tb = ShopFactory(merchant=b, platform=Platform.TAOBAO)
    ProductFactory(merchant=a)
    ProductFactory(merchant=a)
    ProductFactory(merchant=b)
    a_orders = [
        OrderFactory(
            shop=a_tb, net_amount=Decimal("66.60"), ordered_at=_at(2025), buyer_name="赵大山"
        ),
        OrderFactory(
            shop=a_dy, net_amount=Decimal("33.30"), ordered_at=_at(2025, 8), buyer_name="钱二妹"
        ),
        OrderFactory(
            shop=a_dy,
            net_amount=Decimal("11.10"),
            ordered_at=_at(2025, 9),
            status=OrderStatus.REFUNDED,
            buyer_name="孙三",
        ),
    ]
    b_orders = [
        OrderFactory(
            shop=b_tb, net_amount=Decimal("7777.77"), ordered_at=_at(2025), buyer_name="李四海"
        )
    ]
    return {"a": a, "b": b, "a_orders": a_orders, "b_orders": b_orders}


def test_merchant_sees_own_orders_only(client: Client, two_merchants: dict) -> None:
    """Merchant A sees A's sales per platform and A's buyers by name, never B's orders."""
    user = user_with_role(Role.MERCHANT, merchant=two_merchants["a"])
    html = page(_signed_in(client, user), "/?year=2025")
    a_orders = two_merchants["a_orders"]
    assert kpi(html, "sales-net") == yuan(_sold_net(a_orders, 2025))
    assert kpi(html, "products") == count(
        Product.objects.filter(merchant=two_merchants["a"]).count()
    )
    assert kpi(html, "shops") == count(Shop.objects.filter(merchant=two_merchants["a"]).count())
    assert kpi(html, "orders-total") == count(len(a_orders))
    douyin = [o for o in a_orders if o.platform == Platform.DOUYIN]
    assert yuan(_sold_net(douyin, 2025)) in html
    for order in a_orders:
        assert order.platform_order_id in html
        assert order.buyer_name in html  # merchants see their own buyers' names
    for order in two_merchants["b_orders"]:
        assert order.platform_order_id not in html
        assert order.buyer_name not in html
        assert yuan(order.net_amount) not in html
    assert "乙电商公司" not in html


# ----------------------------------------------------------------------------- station keeper


def test_keeper_sees_only_own_station_parcels(client: Client, zhongwei: None) -> None:
    """The keeper's waiting list and weekly count cover their station, recipients masked."""
    mine = StationFactory(name="兴仁镇电商快递兴农超市", opening_hours="07:30-21:00")
    other = StationFactory(name="别处的站点")
    zto = CarrierFactory(code="zto", name="中通快递")
    waiting_mine = [
        ParcelFactory(
            carrier=zto,
            station=mine,
            status=TrackingStatus.READY_FOR_PICKUP,
            recipient_name="王建国",
            recipient_phone="13912345678",
        ),
        ParcelFactory(carrier=zto, station=mine, status=TrackingStatus.READY_FOR_PICKUP),
    ]
    ParcelFactory(carrier=zto, station=mine, status=TrackingStatus.DELIVERED)
    waiting_other = ParcelFactory(
        carrier=zto, station=other, status=TrackingStatus.READY_FOR_PICKUP
    )
    now = timezone.now()
    TrackingEvent.objects.create(
        parcel=waiting_mine[0], occurred_at=now, status=TrackingStatus.READY_FOR_PICKUP
    )
    TrackingEvent.objects.create(
        parcel=waiting_mine[1],
        occurred_at=now - timedelta(days=8),
        status=TrackingStatus.READY_FOR_PICKUP,
    )
    TrackingEvent.objects.create(
        parcel=waiting_other, occurred_at=now, status=TrackingStatus.READY_FOR_PICKUP
    )
    keeper = user_with_role(Role.STATION_KEEPER, station=mine)
    html = page(_signed_in(client, keeper))
    assert "兴仁镇电商快递兴农超市" in html
    assert "07:30-21:00" in html
    assert kpi(html, "waiting") == count(
        Parcel.objects.filter(station=mine, status=TrackingStatus.READY_FOR_PICKUP).count()
    )
    assert kpi(html, "handled-week") == "1"
    for parcel in waiting_mine:
        assert parcel.waybill_no in html
    assert waiting_other.waybill_no not in html
    assert "别处的站点" not in html
    assert "王**" in html
    assert "王建国" not in html
    assert "5678" in html
    assert "13912345678" not in html


# ----------------------------------------------------------------------------- carrier


def test_carrier_sees_only_own_parcels(client: Client, zhongwei: None) -> None:
    """A carrier's statuses, collections this month and year, and delivered share are its own."""
    zto = CarrierFactory(code="zto", name="中通快递")
    yto = CarrierFactory(code="yto", name="圆通速递")
    now = timezone.now()
    this_year_start = datetime(timezone.localdate().year, 1, 1, 0, 30, tzinfo=SHANGHAI)
    mine = [
        ParcelFactory(carrier=zto, status=TrackingStatus.DELIVERED, collected_at=now),
        ParcelFactory(carrier=zto, status=TrackingStatus.DELIVERED, collected_at=this_year_start),
        ParcelFactory(carrier=zto, status=TrackingStatus.IN_TRANSIT, collected_at=now),
        ParcelFactory(carrier=zto, status=TrackingStatus.CANCELLED),
        ParcelFactory(
            carrier=zto, status=TrackingStatus.IN_TRANSIT, collected_at=now, sender_place=None
        ),
    ]
    for _ in range(4):
        ParcelFactory(carrier=yto, status=TrackingStatus.DELIVERED, collected_at=now)
    user = user_with_role(Role.CARRIER, carrier=zto)
    html = page(_signed_in(client, user))
    today = timezone.localdate()

    def in_region(p: Parcel) -> bool:
        """Collected, and sent from inside the city."""
        return p.collected_at is not None and (p.sender_place_id or "").startswith("6405")

    in_month = [
        p
        for p in mine
        if in_region(p)
        and timezone.localtime(p.collected_at).date().replace(day=1) == today.replace(day=1)
    ]
    in_year = [
        p for p in mine if in_region(p) and timezone.localtime(p.collected_at).year == today.year
    ]
    assert kpi(html, "collected-month") == count(len(in_month))
    assert kpi(html, "collected-year") == count(len(in_year))
    assert kpi(html, "parcels-total") == count(len(mine))
    delivered = sum(1 for p in mine if p.status == TrackingStatus.DELIVERED)
    not_cancelled = sum(1 for p in mine if p.status != TrackingStatus.CANCELLED)
    share = (Decimal(delivered) * 100 / not_cancelled).quantize(Decimal("0.1"))
    assert kpi(html, "delivered-share") == f"{share:.1f}%"
    assert f'data-status="delivered">{delivered}<' in html
    assert "中通快递" in html
    assert "圆通速递" not in html
    year_rows = html.split('data-testid="collected-table"', 1)[1].split("</table>", 1)[0]
    assert f'<td class="num">{count(len(in_year))}</td>' in year_rows


# ----------------------------------------------------------------------------- consumer


def test_consumer_sees_own_orders_and_parcels(client: Client, zhongwei: None) -> None:
    """A consumer sees their orders and their parcels' status, never another buyer's orders."""
    me = user_with_role(Role.CONSUMER)
    someone = user_with_role(Role.CONSUMER)
    station = StationFactory(name="镇罗镇兴农超市")
    zto = CarrierFactory(code="zto", name="中通快递")
    waiting = ParcelFactory(carrier=zto, status=TrackingStatus.READY_FOR_PICKUP, station=station)
    moving = ParcelFactory(carrier=zto, status=TrackingStatus.OUT_FOR_DELIVERY)
    mine = [
        OrderFactory(buyer_user=me, parcel=waiting, carrier=zto, waybill_no=waiting.waybill_no),
        OrderFactory(buyer_user=me, parcel=moving, carrier=zto, waybill_no=moving.waybill_no),
        OrderFactory(buyer_user=me, status=OrderStatus.PAID),
    ]
    theirs = OrderFactory(buyer_user=someone, paid_amount=Decimal("4242.42"))
    html = page(_signed_in(client, me))
    assert kpi(html, "orders") == count(Order.objects.filter(buyer_user=me).count())
    assert kpi(html, "parcels") == count(2)
    assert kpi(html, "awaiting-pickup") == "1"
    for order in mine:
        assert order.platform_order_id in html
    assert theirs.platform_order_id not in html
    assert "4,242.42" not in html
    assert waiting.waybill_no in html
    assert "镇罗镇兴农超市" in html
    assert TrackingStatus.OUT_FOR_DELIVERY.label in html
    assert "王小明" not in html  # the buyer name on the order is not shown back
