"""The parcel list and timeline pages: every event canonical and raw, scoped, masked, mapped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.geo.models import CoordSource, Place
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.portal.tests.pages import page
from youpin.stations.models import StationKind
from youpin.testing.factories import (
    HAIYUAN,
    SHANGHAI,
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

VILLAGE = "640502109200"  # 兴仁村委会


def _timeline_parcel() -> Parcel:
    """A parcel from 沙坡头区 to a village of 兴仁镇, left at a station, with raw codes."""
    carrier = CarrierFactory(code="zto", name="中通快递")
    station = StationFactory(kind=StationKind.TOWNSHIP, name="兴仁镇电商快递兴农超市")
    parcel = ParcelFactory(
        carrier=carrier,
        waybill_no="ZT1234567890",
        sender_place=place(SHAPOTOU),
        recipient_place=place(VILLAGE),
        recipient_name="李华明",
        recipient_phone="13995551234",
        station=station,
        status=TrackingStatus.DELIVERED,
    )
    start = datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI)
    events = [
        (0, TrackingStatus.PICKED_UP, "1", "【沙坡头区】营业点已揽收", SHAPOTOU, None),
        (5, TrackingStatus.IN_TRANSIT, "2", "快件离开【中卫转运中心】", None, None),
        (
            30,
            TrackingStatus.READY_FOR_PICKUP,
            "211",
            "快件已到达【兴仁镇电商快递兴农超市】，取件码 8-4-130，电话 13995551234",
            XINGREN_TOWN,
            station,
        ),
        (40, TrackingStatus.DELIVERED, "301", "快件已签收，签收人：李华明", XINGREN_TOWN, station),
        (41, TrackingStatus.UNKNOWN, "X99", "系统消息 99", None, None),
    ]
    for hours, status, code, text, where, at in events:
        TrackingEvent.objects.create(
            parcel=parcel,
            occurred_at=start + timedelta(hours=hours),
            status=status,
            raw_code=code,
            raw_text=text,
            place=place(where) if where else None,
            station=at,
            source="kdniao",
        )
    return parcel


def _url(parcel: Parcel) -> str:
    """The timeline page of a parcel."""
    return f"/parcels/{parcel.carrier.code}/{parcel.waybill_no}/"


def test_timeline_shows_canonical_and_raw_events(client: Client, zhongwei: None) -> None:
    """Each event shows its Chinese status, raw code and raw text, time, place and station."""
    parcel = _timeline_parcel()
    client.force_login(user_with_role(Role.OPERATOR))
    html = page(client, _url(parcel))
    for label in ("已揽收", "运输中", "待取件", "已签收", "未知"):
        assert label in html
    for code in ("211", "301", "X99"):
        assert f'data-testid="event-raw-code">{code}<' in html
    assert "系统消息 99" in html
    assert "2025-06-02 15:00" in html  # 30 hours after 09:00 on 1 June, Shanghai time
    assert '兴仁镇 <span class="muted mono">640502109000</span>' in html
    assert "兴仁镇电商快递兴农超市" in html
    assert "进港" not in html
    assert "区内互寄" in html
    assert html.count('data-testid="event-status"') == 5


def test_operator_sees_personal_data_masked_keeper_unmasked(client: Client, zhongwei: None) -> None:
    """Roles that do not hand parcels over see names and phones masked, in texts too."""
    parcel = _timeline_parcel()
    client.force_login(user_with_role(Role.OPERATOR))
    html = page(client, _url(parcel))
    assert "李**" in html
    assert "139****1234" in html
    assert "13995551234" not in html
    client.force_login(user_with_role(Role.STATION_KEEPER, station=parcel.station))
    html = page(client, _url(parcel))
    assert "李华明" in html
    assert "13995551234" in html


def test_parcels_outside_the_scope_are_404(client: Client, zhongwei: None) -> None:
    """Another carrier, an official of another county and an unknown waybill all get 404."""
    parcel = _timeline_parcel()
    other = CarrierFactory(code="sf", name="顺丰速运")
    client.force_login(user_with_role(Role.CARRIER, carrier=other))
    assert client.get(_url(parcel)).status_code == 404
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    assert client.get(_url(parcel)).status_code == 404
    client.force_login(user_with_role(Role.CARRIER, carrier=parcel.carrier))
    assert client.get(_url(parcel)).status_code == 200
    assert client.get("/parcels/zto/NOPE000000/").status_code == 404


def test_timeline_needs_a_login(client: Client, zhongwei: None) -> None:
    """Anonymous readers are sent to the login page."""
    parcel = _timeline_parcel()
    response = client.get(_url(parcel))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_orders_the_parcel_carries_are_linked_when_visible(client: Client, zhongwei: None) -> None:
    """The merchant whose order the parcel carries sees it linked; another merchant cannot see
    the parcel at all."""
    parcel = _timeline_parcel()
    merchant = MerchantFactory()
    order = OrderFactory(shop=ShopFactory(merchant=merchant), parcel=parcel)
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    html = page(client, _url(parcel))
    assert f'href="/api/orders/{order.pk}"' in html
    assert order.platform_order_id in html
    client.force_login(user_with_role(Role.MERCHANT, merchant=MerchantFactory()))
    assert client.get(_url(parcel)).status_code == 404
    client.force_login(user_with_role(Role.OPERATOR))
    assert order.platform_order_id in page(client, _url(parcel))


def test_map_shows_places_with_coordinates_and_says_when_synthetic(
    client: Client, zhongwei: None
) -> None:
    """Places with coordinates become map points; synthetic ones are flagged under the map."""
    parcel = _timeline_parcel()
    client.force_login(user_with_role(Role.OPERATOR))
    html = page(client, _url(parcel))
    assert 'data-testid="no-points"' in html
    Place.objects.filter(code=XINGREN_TOWN).update(
        lon=105.31, lat=37.49, coord_source=CoordSource.SYNTHETIC
    )
    html = page(client, _url(parcel))
    assert 'data-chart="parcel-map"' in html
    assert '"value": [105.31, 37.49]' in html
    assert 'data-testid="synthetic-coords"' in html
    Place.objects.filter(code=XINGREN_TOWN).update(coord_source=CoordSource.SURVEYED)
    assert 'data-testid="synthetic-coords"' not in page(client, _url(parcel))


# ----------------------------------------------------------------------------- list


def _many(n: int, carrier_code: str = "zto", status: str = TrackingStatus.IN_TRANSIT) -> None:
    """Create n parcels of a carrier."""
    carrier = CarrierFactory(code=carrier_code, name=carrier_code.upper())
    for _ in range(n):
        ParcelFactory(carrier=carrier, status=status)


def test_list_filters_and_paginates(client: Client, zhongwei: None) -> None:
    """Status and carrier filters narrow the list; 50 a page with a pager."""
    _many(55, "zto")
    _many(3, "sf", TrackingStatus.DELIVERED)
    client.force_login(user_with_role(Role.OPERATOR))
    html = page(client, "/parcels/")
    assert "共 58 件" in html
    assert html.count("/parcels/zto/") + html.count("/parcels/sf/") == 50
    assert 'data-testid="pager"' in html
    second = page(client, "/parcels/?page=2")
    assert second.count('href="/parcels/zto/') + second.count('href="/parcels/sf/') == 8
    delivered = page(client, "/parcels/?status=delivered")
    assert "共 3 件" in delivered
    assert "共 55 件" in page(client, "/parcels/?carrier=zto")
    assert "共 58 件" in page(client, "/parcels/?carrier=nobody&status=bogus")


def test_carrier_lists_only_its_own_parcels(client: Client, zhongwei: None) -> None:
    """A carrier sees its own parcels and no carrier filter."""
    _many(2, "zto")
    _many(4, "sf")
    user = user_with_role(Role.CARRIER, carrier=CarrierFactory(code="sf"))
    client.force_login(user)
    html = page(client, "/parcels/")
    assert "共 4 件" in html
    assert 'name="carrier"' not in html


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.CONSUMER])
def test_list_is_403_for_roles_without_parcels(client: Client, zhongwei: None, role: Role) -> None:
    """Merchants and consumers reach their parcels through orders, not the list."""
    attached = {"merchant": MerchantFactory()} if role == Role.MERCHANT else {}
    client.force_login(user_with_role(role, **attached))
    assert client.get("/parcels/").status_code == 403


def test_county_official_lists_parcels_of_their_county(client: Client, zhongwei: None) -> None:
    """An official sees parcels sent from or to their county only."""
    carrier = CarrierFactory(code="zto")
    ParcelFactory(carrier=carrier, sender_place=place(HAIYUAN))
    ParcelFactory(carrier=carrier, sender_place=place(SHAPOTOU))
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    assert "共 1 件" in page(client, "/parcels/")
