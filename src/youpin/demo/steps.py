"""The database steps of a demo load: place points, catalogue and station rows, demo logins."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from youpin.accounts.models import Role
from youpin.accounts.services import user_with_role_upsert
from youpin.catalog.models import Category, Merchant, Product, Shop
from youpin.demo.bulk import next_id
from youpin.demo.coords import centroid, contains, synthetic_point
from youpin.demo.generator import CatalogPlan
from youpin.demo.geography import Geography, PlaceRow, Point
from youpin.demo.network import StationPlan
from youpin.geo.models import CoordSource, Level, Place
from youpin.geo.services import divisions_load
from youpin.logistics.models import Carrier
from youpin.stations.models import Station

DEMO_PASSWORD = "youpin-demo-2025"
CITY_CODE = "640500000000"
HAIYUAN_CODE = "640522000000"
VILLAGE_RADIUS_DEG = 0.08  # villages cluster within about 8 km of their township's anchor
OVERWRITABLE = {CoordSource.NONE, CoordSource.SYNTHETIC}


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: user name, password, role and what it is attached to."""

    username: str
    password: str
    role: str
    description: str


def geography_with_points() -> Geography:
    """Load the divisions (once) and give every village and township a synthetic point.

    Places with surveyed coordinates keep them; points depend only on the place code.
    """
    if not Place.objects.filter(level=Level.VILLAGE).exists():
        divisions_load()
    places = list(Place.objects.all())
    boundaries = {p.code: p.boundary for p in places if p.level == Level.COUNTY and p.boundary}
    rows = [PlaceRow(p.code, p.name, p.level, p.parent_id) for p in places]
    points: dict[str, Point] = {}
    by_code = {p.code: p for p in places}
    changed: list[Place] = []
    townships = [p for p in places if p.level == Level.TOWNSHIP]
    for township in townships:
        boundary = boundaries.get(township.code[:6] + "000000")
        if boundary is None:
            continue
        anchor = synthetic_point(boundary, f"township:{township.code}")
        members = []
        for village in (p for p in places if p.parent_id == township.code):
            point = _keep_or(
                village, synthetic_point(boundary, village.code, anchor, VILLAGE_RADIUS_DEG)
            )
            points[village.code] = point
            members.append(point)
            _set_point(village, point, changed)
        middle = centroid(members) if members else anchor
        point = _keep_or(township, middle if contains(boundary, *middle) else anchor)
        points[township.code] = point
        _set_point(by_code[township.code], point, changed)
    Place.objects.bulk_update(changed, ["lon", "lat", "coord_source"], batch_size=500)
    return Geography.from_rows(rows, points)


def _keep_or(place: Place, point: Point) -> Point:
    """The place's own surveyed point if it has one, else the synthetic one."""
    if place.coord_source not in OVERWRITABLE and place.lon is not None and place.lat is not None:
        return (place.lon, place.lat)
    return point


def _set_point(place: Place, point: Point, changed: list[Place]) -> None:
    """Flag a synthetic point on a place when it has no better one and it differs."""
    if place.coord_source not in OVERWRITABLE:
        return
    if (place.lon, place.lat, place.coord_source) != (point[0], point[1], CoordSource.SYNTHETIC):
        place.lon, place.lat, place.coord_source = point[0], point[1], CoordSource.SYNTHETIC
        changed.append(place)


@dataclass(frozen=True)
class CatalogIds:
    """The first database id of each written plan table."""

    merchant: int
    shop: int
    product: int
    station: int


def catalog_write(catalog: CatalogPlan, stations: list[StationPlan]) -> CatalogIds:
    """Insert merchants, shops, products and stations with explicit ids (base + index)."""
    ids = CatalogIds(next_id(Merchant), next_id(Shop), next_id(Product), next_id(Station))
    categories = dict(Category.objects.values_list("slug", "id"))
    carriers = dict(Carrier.objects.values_list("code", "id"))
    Merchant.objects.bulk_create(
        Merchant(
            id=ids.merchant + m.idx,
            name=m.name,
            kind=m.kind,
            credit_code=m.credit_code,
            place_id=m.place_code,
            registered_locally=m.registered_locally,
            contact_name=m.contact_name,
            contact_phone=m.contact_phone,
            is_demo=True,
        )
        for m in catalog.merchants
    )
    Shop.objects.bulk_create(
        Shop(
            id=ids.shop + s.idx,
            merchant_id=ids.merchant + s.merchant_idx,
            platform=s.platform,
            platform_shop_id=s.platform_shop_id,
            name=s.name,
            is_demo=True,
        )
        for s in catalog.shops
    )
    Product.objects.bulk_create(
        (
            Product(
                id=ids.product + p.idx,
                merchant_id=ids.merchant + p.merchant_idx,
                category_id=categories[p.category],
                name=p.name,
                sku=p.sku,
                unit_price=_decimal(p.price_cents),
                weight_g=p.weight_g,
                origin_id=p.origin_code,
                needs_cold_chain=p.cold_chain,
                brand_licensed=p.brand_licensed,
                is_demo=True,
            )
            for p in catalog.products
        ),
        batch_size=2000,
    )
    Station.objects.bulk_create(
        Station(
            id=ids.station + s.idx,
            code=s.code,
            name=s.name,
            kind=s.kind,
            operator_name=s.operator_name,
            place_id=s.place_code,
            address=s.address,
            lon=s.lon,
            lat=s.lat,
            coord_source=CoordSource.SYNTHETIC if s.lon is not None else CoordSource.NONE,
            opening_hours=s.opening_hours,
            services=list(s.services),
            is_active=s.closed_on is None,
            opened_on=s.opened_on,
            is_demo=True,
        )
        for s in stations
    )
    through = Station.carriers.through
    through.objects.bulk_create(
        (
            through(station_id=ids.station + s.idx, carrier_id=carriers[c])
            for s in stations
            for c in s.carriers
        ),
        batch_size=2000,
    )
    return ids


def _decimal(cents: int) -> Decimal:
    """Integer cents as a Decimal."""
    return Decimal(cents).scaleb(-2)


def logins_upsert(*, merchant: Merchant, station: Station | None) -> list[DemoLogin]:
    """Create or update one demo account per role (and the superuser `admin`)."""
    city = Place.objects.get(code=CITY_CODE)
    haiyuan = Place.objects.get(code=HAIYUAN_CODE)
    zto = Carrier.objects.get(code="zto")
    pw = DEMO_PASSWORD
    user_with_role_upsert(
        username="official",
        password=pw,
        role=Role.OFFICIAL,
        display_name="中卫市商务局",
        region=city,
    )
    user_with_role_upsert(
        username="official_haiyuan",
        password=pw,
        role=Role.OFFICIAL,
        display_name="海原县商务局",
        region=haiyuan,
    )
    user_with_role_upsert(
        username="operator",
        password=pw,
        role=Role.OPERATOR,
        display_name="中卫优品运营中心",
        is_staff=True,
    )
    user_with_role_upsert(
        username="merchant",
        password=pw,
        role=Role.MERCHANT,
        display_name=merchant.name,
        merchant=merchant,
    )
    logins = [
        DemoLogin("admin", _superuser(), "superuser", "超级管理员（/admin/）"),
        DemoLogin("official", pw, Role.OFFICIAL, "中卫市官员，看全市"),
        DemoLogin("official_haiyuan", pw, Role.OFFICIAL, "海原县官员，只看海原县"),
        DemoLogin("operator", pw, Role.OPERATOR, "平台运营方，可进 /admin/"),
        DemoLogin("merchant", pw, Role.MERCHANT, merchant.name),
    ]
    if station is not None:
        user_with_role_upsert(
            username="keeper",
            password=pw,
            role=Role.STATION_KEEPER,
            display_name=station.name,
            station=station,
        )
        logins.append(DemoLogin("keeper", pw, Role.STATION_KEEPER, station.name))
    user_with_role_upsert(
        username="carrier", password=pw, role=Role.CARRIER, display_name=zto.name, carrier=zto
    )
    logins.append(DemoLogin("carrier", pw, Role.CARRIER, zto.name))
    user_with_role_upsert(
        username="consumer", password=pw, role=Role.CONSUMER, display_name="李雪梅"
    )
    logins.append(DemoLogin("consumer", pw, Role.CONSUMER, "消费者李雪梅（兴仁镇）"))
    return logins


def consumer_user_id() -> int:
    """The id of the demo consumer's account."""
    return int(get_user_model().objects.values_list("pk", flat=True).get(username="consumer"))


def _superuser() -> str:
    """Create `admin` with the demo password; an existing `admin` keeps its own password."""
    user, created = get_user_model().objects.get_or_create(username="admin")
    user.is_staff = user.is_superuser = user.is_active = True
    if created:
        user.set_password(DEMO_PASSWORD)
    user.save()
    if created or user.check_password(DEMO_PASSWORD):
        return DEMO_PASSWORD
    return "（已有账户，密码未改）"
