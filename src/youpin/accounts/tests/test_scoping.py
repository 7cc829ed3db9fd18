"""Each role sees only its own rows, in the selectors and through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import scope_for
from youpin.catalog.selectors import merchants_visible
from youpin.commerce.selectors import orders_visible, sales_totals
from youpin.logistics.models import TrackingStatus
from youpin.logistics.selectors import parcels_visible
from youpin.stations.selectors import stations_visible
from youpin.testing.factories import (
    HAIYUAN,
    SHAPOTOU,
    XINGREN_TOWN,
    CarrierFactory,
    MerchantFactory,
    OrderFactory,
    ParcelFactory,
    ShopFactory,
    StationFactory,
    place,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Two merchants in two counties, two carriers, two stations, and a user per role."""

    rows: dict[str, Any]
    users: dict[str, Any]


@pytest.fixture
def world(zhongwei: None) -> World:
    """Build rows on both sides of every scope boundary."""
    zto, yto = CarrierFactory(code="zto"), CarrierFactory(code="yto")
    m_spt = MerchantFactory(name="沙坡头枸杞合作社", place=place(SHAPOTOU))
    m_hy = MerchantFactory(name="海原滩羊合作社", place=place(HAIYUAN))
    st_a = StationFactory(place=place(XINGREN_TOWN))
    st_b = StationFactory(place=place("640522100000"), is_active=False)
    p_spt = ParcelFactory(
        carrier=zto,
        sender_place=place(SHAPOTOU),
        station=st_a,
        status=TrackingStatus.READY_FOR_PICKUP,
    )
    p_hy = ParcelFactory(carrier=yto, sender_place=place(HAIYUAN))
    consumer = user_with_role(Role.CONSUMER)
    o_spt = OrderFactory(
        shop=ShopFactory(merchant=m_spt), parcel=p_spt, pickup_station=st_a, buyer_user=consumer
    )
    o_hy = OrderFactory(
        shop=ShopFactory(merchant=m_hy), parcel=p_hy, paid_amount=250, net_amount=250
    )
    users = {
        "city_official": user_with_role(Role.OFFICIAL, region=place("640500000000")),
        "haiyuan_official": user_with_role(Role.OFFICIAL, region=place(HAIYUAN)),
        "operator": user_with_role(Role.OPERATOR),
        "merchant_spt": user_with_role(Role.MERCHANT, merchant=m_spt),
        "keeper_a": user_with_role(Role.STATION_KEEPER, station=st_a),
        "carrier_zto": user_with_role(Role.CARRIER, carrier=zto),
        "consumer": consumer,
    }
    rows = {
        "m_spt": m_spt,
        "m_hy": m_hy,
        "st_a": st_a,
        "st_b": st_b,
        "p_spt": p_spt,
        "p_hy": p_hy,
        "o_spt": o_spt,
        "o_hy": o_hy,
    }
    return World(rows=rows, users=users)


# user → (orders, parcels, merchants, stations) it must see, by row name.
EXPECTED = {
    "city_official": ({"o_spt", "o_hy"}, {"p_spt", "p_hy"}, {"m_spt", "m_hy"}, {"st_a", "st_b"}),
    "haiyuan_official": ({"o_hy"}, {"p_hy"}, {"m_hy"}, {"st_b"}),
    "operator": ({"o_spt", "o_hy"}, {"p_spt", "p_hy"}, {"m_spt", "m_hy"}, {"st_a", "st_b"}),
    "merchant_spt": ({"o_spt"}, {"p_spt"}, {"m_spt"}, {"st_a"}),
    "keeper_a": ({"o_spt"}, {"p_spt"}, set(), {"st_a"}),
    "carrier_zto": (set(), {"p_spt"}, set(), {"st_a"}),
    "consumer": ({"o_spt"}, {"p_spt"}, set(), {"st_a"}),
}


def _names(world: World, objects: Any) -> set[str]:
    """Map model instances back to their names in the world."""
    ids = {(type(o).__name__, o.pk) for o in objects}
    return {name for name, row in world.rows.items() if (type(row).__name__, row.pk) in ids}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_selectors_scope_each_role(world: World, who: str) -> None:
    """Orders, parcels, merchants and stations visible to a role are exactly its own."""
    scope = scope_for(world.users[who])
    orders, parcels, merchants, stations = EXPECTED[who]
    assert _names(world, orders_visible(scope)) == orders
    assert _names(world, parcels_visible(scope)) == parcels
    assert _names(world, merchants_visible(scope)) == merchants
    assert _names(world, stations_visible(scope)) == stations


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_api_lists_scope_each_role(world: World, client: Client, who: str) -> None:
    """The order and parcel lists of the API hold exactly the role's rows."""
    client.force_login(world.users[who])
    orders, parcels, _, _ = EXPECTED[who]
    got_orders = {o["id"] for o in client.get("/api/orders").json()["items"]}
    got_parcels = {p["id"] for p in client.get("/api/parcels").json()["items"]}
    assert got_orders == {world.rows[n].pk for n in orders}
    assert got_parcels == {world.rows[n].pk for n in parcels}


def test_county_official_sales_exclude_other_counties(world: World) -> None:
    """海原县's official sums only 海原 merchants' sales; the city official sums both."""
    haiyuan = sales_totals(scope_for(world.users["haiyuan_official"]))
    city = sales_totals(scope_for(world.users["city_official"]))
    assert haiyuan.net == world.rows["o_hy"].net_amount
    assert city.net == world.rows["o_hy"].net_amount + world.rows["o_spt"].net_amount


def test_order_of_another_merchant_is_404(world: World, client: Client) -> None:
    """Asking for a row outside the scope answers as if it did not exist."""
    client.force_login(world.users["merchant_spt"])
    assert client.get(f"/api/orders/{world.rows['o_spt'].pk}").status_code == 200
    assert client.get(f"/api/orders/{world.rows['o_hy'].pk}").status_code == 404


def test_personal_data_masked_for_officials(world: World, client: Client) -> None:
    """Officials see buyers masked; the merchant who ships the order sees them whole."""
    client.force_login(world.users["city_official"])
    masked = client.get(f"/api/orders/{world.rows['o_spt'].pk}").json()
    assert masked["buyer_phone"] == "138****1234"
    assert masked["buyer_name"].startswith("王")
    assert "小明" not in masked["buyer_name"]
    client.force_login(world.users["merchant_spt"])
    whole = client.get(f"/api/orders/{world.rows['o_spt'].pk}").json()
    assert whole["buyer_phone"] == "13895551234"


def test_parcel_timeline_scoped_to_carrier(world: World, client: Client) -> None:
    """A carrier reads its own parcel's timeline and gets 404 for another carrier's."""
    client.force_login(world.users["carrier_zto"])
    own = world.rows["p_spt"]
    other = world.rows["p_hy"]
    assert client.get(f"/api/parcels/zto/{own.waybill_no}").status_code == 200
    assert client.get(f"/api/parcels/yto/{other.waybill_no}").status_code == 404


def test_official_without_region_is_refused(zhongwei: None) -> None:
    """An official profile with no region cannot get a scope."""
    from youpin.accounts.models import Profile
    from youpin.testing.factories import UserFactory

    user = UserFactory()
    Profile.objects.create(user=user, role=Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        scope_for(user)
