"""The synthetic demo dataset, loaded into the test database at small scales."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from youpin.accounts.models import Profile, Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Merchant, Product, Shop
from youpin.commerce.models import Order, OrderLine
from youpin.commerce.selectors import net_sales_by_year
from youpin.demo.coords import contains
from youpin.demo.models import DemoDataset
from youpin.demo.services import demo_data_delete, demo_data_load
from youpin.demo.trust_extras import BRUSH_SHOP_ID
from youpin.geo.models import CoordSource, Level, Place
from youpin.logistics.carriers import waybill_matches
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.logistics.selectors import collected_by_year
from youpin.stations.coverage import villages_uncovered
from youpin.stations.models import Station, StationKind, township_sign_name

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_USERS = [
    "admin",
    "official",
    "official_haiyuan",
    "operator",
    "merchant",
    "keeper",
    "carrier",
    "consumer",
]
SMALL = 0.01
GROWTH_SCALE = 0.2  # about 5,000 orders a year: yearly growth varies by ±2 points between seeds
OPERATOR = Scope(role=Role.OPERATOR)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the dataset once (seed 1, scale 0.01); then remove it, its users and its points."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        summary = demo_data_load(seed=1, scale=SMALL, force=True)
        yield summary
        demo_data_delete()
        get_user_model().objects.filter(username__in=DEMO_USERS).delete()
        Place.objects.filter(coord_source=CoordSource.SYNTHETIC).update(
            lon=None, lat=None, coord_source=CoordSource.NONE
        )


def _counts() -> dict[str, int]:
    """Rows per demo table."""
    return {
        "merchants": Merchant.objects.filter(is_demo=True).count(),
        "shops": Shop.objects.filter(is_demo=True).count(),
        "products": Product.objects.filter(is_demo=True).count(),
        "stations": Station.objects.filter(is_demo=True).count(),
        "orders": Order.objects.filter(is_demo=True).count(),
        "lines": OrderLine.objects.filter(order__is_demo=True).count(),
        "parcels": Parcel.objects.filter(is_demo=True).count(),
        "events": TrackingEvent.objects.filter(parcel__is_demo=True).count(),
        "datasets": DemoDataset.objects.count(),
    }


def _digest() -> str:
    """A digest of order numbers, amounts and waybills, and of the parcels' waybills."""
    h = hashlib.sha256()
    rows = Order.objects.filter(is_demo=True).order_by("platform", "platform_order_id")
    for row in rows.values_list(
        "platform", "platform_order_id", "paid_amount", "net_amount", "waybill_no"
    ):
        h.update(repr(row).encode())
    for row in (
        Parcel.objects.filter(is_demo=True)
        .order_by("waybill_no")
        .values_list("waybill_no", "status")
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


@pytest.mark.django_db
def test_every_role_has_a_demo_login(demo) -> None:  # type: ignore[no-untyped-def]
    """One login per role, attached as the role needs, and the superuser."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERS)}
    assert set(users) == set(DEMO_USERS)
    assert users["admin"].is_superuser
    assert users["operator"].is_staff
    roles = dict(
        Profile.objects.filter(user__username__in=DEMO_USERS).values_list("user__username", "role")
    )
    assert roles == {
        "official": Role.OFFICIAL,
        "official_haiyuan": Role.OFFICIAL,
        "operator": Role.OPERATOR,
        "merchant": Role.MERCHANT,
        "keeper": Role.STATION_KEEPER,
        "carrier": Role.CARRIER,
        "consumer": Role.CONSUMER,
    }
    profiles = {
        p.user.username: p for p in Profile.objects.select_related("user", "station", "carrier")
    }
    assert profiles["official"].region_id == "640500000000"
    assert profiles["official_haiyuan"].region_id == "640522000000"
    assert profiles["carrier"].carrier.code == "zto"
    assert profiles["keeper"].station.name == "中卫市兴仁镇电商快递兴农超市"
    assert Order.objects.filter(merchant_id=profiles["merchant"].merchant_id).exists()
    assert 5 <= Order.objects.filter(buyer_user=users["consumer"]).count() <= 10
    waiting = Parcel.objects.filter(
        station=profiles["keeper"].station, status=TrackingStatus.READY_FOR_PICKUP
    )
    assert waiting.count() >= 5
    assert {login.username for login in demo.logins} == set(DEMO_USERS)


@pytest.mark.django_db
def test_orders_span_2021_to_2025_on_every_platform(demo) -> None:  # type: ignore[no-untyped-def]
    """About 1,000 orders at scale 0.01, between 2021 and 2025 local time, on all six platforms."""
    # (the brushing sample of demo/trust_extras.py comes on top of the traffic)
    orders = Order.objects.filter(is_demo=True).exclude(shop__platform_shop_id=BRUSH_SHOP_ID)
    assert orders.count() == 1000
    first = timezone.localtime(orders.earliest("ordered_at").ordered_at)
    last = timezone.localtime(orders.latest("ordered_at").ordered_at)
    assert first.year == 2021
    assert last.year == 2025
    assert set(orders.values_list("platform", flat=True)) == {
        "taobao",
        "pinduoduo",
        "douyin",
        "jd",
        "kuaishou",
        "youpin",
    }
    statuses = Counter(orders.values_list("status", flat=True))
    assert statuses["completed"] > 0.8 * 1000
    assert statuses["refunded"] > 0
    assert statuses["closed"] > 0


@pytest.mark.django_db
def test_net_is_paid_minus_refunded(demo) -> None:  # type: ignore[no-untyped-def]
    """Every order's net amount is what was paid less what was refunded."""
    orders = Order.objects.filter(is_demo=True)
    amounts = orders.values_list("paid_amount", "refunded_amount", "net_amount")
    assert all(
        net == paid - refunded for paid, refunded, net in amounts
    )  # in Decimal, not SQLite REAL
    assert orders.filter(refunded_amount__gt=0).exists()
    assert not orders.filter(net_amount__lt=0).exists()


@pytest.mark.django_db
def test_every_waybill_matches_its_carrier(demo) -> None:  # type: ignore[no-untyped-def]
    """Parcel and order waybills have their carrier's observed shape."""
    parcels = Parcel.objects.filter(is_demo=True).values_list("carrier__code", "waybill_no")
    assert parcels
    assert all(waybill_matches(code, number) for code, number in parcels)
    shipped = Order.objects.filter(is_demo=True, parcel__isnull=False)
    assert not shipped.exclude(waybill_no=F("parcel__waybill_no")).exists()
    assert not shipped.exclude(carrier=F("parcel__carrier")).exists()


@pytest.mark.django_db
def test_parcel_status_is_its_last_event(demo) -> None:  # type: ignore[no-untyped-def]
    """A parcel's status is that of its last event, and it was collected at its first."""
    for parcel in Parcel.objects.filter(is_demo=True).prefetch_related("events")[:300]:
        events = sorted(parcel.events.all(), key=lambda e: e.occurred_at)
        assert events[-1].status == parcel.status
        assert events[0].status == TrackingStatus.PICKED_UP
        assert events[0].occurred_at == parcel.collected_at
        assert all(e.source == "demo" for e in events)


@pytest.mark.django_db
def test_villages_have_synthetic_points_inside_their_county(demo) -> None:  # type: ignore[no-untyped-def]
    """Every village got a point flagged synthetic, inside its county's polygon."""
    counties = {p.code: p.boundary for p in Place.objects.filter(level=Level.COUNTY)}
    villages = Place.objects.filter(level=Level.VILLAGE)
    assert villages.count() == 516
    for village in villages:
        assert village.coord_source == CoordSource.SYNTHETIC
        assert contains(counties[village.code[:6] + "000000"], village.lon, village.lat)
    assert not Place.objects.filter(level=Level.TOWNSHIP, lon__isnull=True).exists()


@pytest.mark.django_db
def test_station_network_follows_the_plan(demo) -> None:  # type: ignore[no-untyped-def]
    """Township stations bear the unified sign (not in special zones); many villages lack one."""
    townships = Station.objects.filter(is_demo=True, kind=StationKind.TOWNSHIP).select_related(
        "place"
    )
    assert 30 <= townships.count() <= 40
    for station in townships:
        assert station.name == township_sign_name("中卫市", station.place.name)
        assert station.place.code[6:9] < "400"
        assert station.carriers.count() == 9
    gaps = len(villages_uncovered(OPERATOR))
    assert 0.2 * 443 < gaps < 0.6 * 443


@pytest.mark.django_db
def test_attribution_and_pickup(demo) -> None:  # type: ignore[no-untyped-def]
    """Livestream hosts on Douyin and Kuaishou, group leaders and store pickups on Youpin."""
    live = Order.objects.filter(is_demo=True, platform__in=["douyin", "kuaishou"])
    assert live.exclude(host_id="").count() > 0.4 * live.count()
    assert not Order.objects.filter(is_demo=True, platform="taobao").exclude(host_id="").exists()
    youpin = Order.objects.filter(is_demo=True, platform="youpin")
    assert youpin.exclude(group_leader="").exists()
    assert youpin.filter(pickup_station__isnull=False).exists()
    inside = Order.objects.filter(is_demo=True, destination_place__isnull=False)
    assert inside.exists()
    assert all(
        t.startswith("宁夏回族自治区中卫市")
        for t in inside.values_list("destination_text", flat=True)
    )


@pytest.mark.django_db
def test_rerun_changes_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    """Loading the same seed and scale again reports it is loaded and duplicates nothing."""
    before = _counts()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        again = demo_data_load(seed=1, scale=SMALL)
        out = StringIO()
        call_command("demo-data", "--seed", "1", "--scale", str(SMALL), stdout=out)
    assert not again.generated
    assert _counts() == before
    assert "already loaded" in out.getvalue()
    assert "youpin-demo-2025" in out.getvalue()
    assert "demo accounts" in out.getvalue()


@pytest.mark.django_db
def test_force_regenerates_deterministically(demo) -> None:  # type: ignore[no-untyped-def]
    """Another seed changes the content; the first seed again gives the very same rows."""
    original = _digest()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_data_load(seed=2, scale=SMALL)
        assert DemoDataset.objects.get().seed == 2
        assert _digest() != original
        demo_data_load(seed=1, scale=SMALL, force=True)
    assert _digest() == original
    assert _counts()["datasets"] == 1


@pytest.mark.django_db
def test_sales_and_parcels_grow_like_the_plan(demo) -> None:  # type: ignore[no-untyped-def]
    """At scale 0.2 net sales grow about 12 %/year, parcels collected in Zhongwei about 23 %."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_data_load(seed=1, scale=GROWTH_SCALE)
    net = {year: float(amount) for year, amount, _ in net_sales_by_year(OPERATOR)}
    assert 1.05 <= net[2025] / net[2024] <= 1.20
    assert 1.09 <= (net[2025] / net[2021]) ** 0.25 <= 1.15
    collected = dict(collected_by_year(OPERATOR, region_prefix="6405"))
    assert 1.15 <= collected[2025] / collected[2024] <= 1.32
    assert 1.19 <= (collected[2025] / collected[2021]) ** 0.25 <= 1.27


@pytest.mark.django_db
def test_refuses_in_production(demo, settings) -> None:  # type: ignore[no-untyped-def]
    """The command will not create demo accounts in production."""
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo-data", "--seed", "1", "--scale", "0.01")


def _api_count(client, path: str) -> tuple[int, list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    """Total count and first page of a paginated API list."""
    body = client.get(path).json()
    return body["count"], body["items"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u in DEMO_USERS if u != "admin"])
def test_each_demo_login_sees_only_its_scope(demo, client, username: str) -> None:  # type: ignore[no-untyped-def]
    """Through the API, every demo login's orders and parcels are exactly its role's rows."""
    user = get_user_model().objects.get(username=username)
    profile = Profile.objects.select_related("region").get(user=user)
    client.force_login(user)
    orders, parcels = Order.objects.all(), Parcel.objects.all()
    if profile.role == Role.OFFICIAL:
        prefix = profile.region.code.rstrip("0")  # type: ignore[union-attr]
        orders = orders.filter(merchant__place__code__startswith=prefix)
        parcels = parcels.filter(sender_place__code__startswith=prefix) | parcels.filter(
            recipient_place__code__startswith=prefix
        )
    elif profile.role == Role.MERCHANT:
        orders = orders.filter(merchant=profile.merchant)
        parcels = parcels.filter(orders__merchant=profile.merchant).distinct()
    elif profile.role == Role.STATION_KEEPER:
        orders = orders.filter(pickup_station=profile.station)
        parcels = parcels.filter(station=profile.station)
    elif profile.role == Role.CARRIER:
        orders = orders.none()
        parcels = parcels.filter(carrier=profile.carrier)
    elif profile.role == Role.CONSUMER:
        orders = orders.filter(buyer_user=user)
        parcels = parcels.filter(orders__buyer_user=user).distinct()
    order_count, order_page = _api_count(client, "/api/orders")
    parcel_count, parcel_page = _api_count(client, "/api/parcels")
    assert order_count == orders.count()
    assert parcel_count == min(parcels.distinct().count(), 5000)
    assert {o["id"] for o in order_page} <= set(orders.values_list("id", flat=True))
    assert {p["id"] for p in parcel_page} <= set(parcels.values_list("id", flat=True))
    if profile.role in {Role.MERCHANT, Role.STATION_KEEPER, Role.CARRIER, Role.CONSUMER}:
        assert parcel_count < Parcel.objects.count()
    if profile.role == Role.OFFICIAL and profile.region.code == "640522000000":  # type: ignore[union-attr]
        assert 0 < order_count < Order.objects.count()
    if profile.role not in {Role.MERCHANT, Role.STATION_KEEPER}:
        assert all("*" in o["buyer_phone"] for o in order_page if o["buyer_phone"])
