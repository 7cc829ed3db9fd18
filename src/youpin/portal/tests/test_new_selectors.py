"""The selectors added for the portal keep to the scope like the others."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.selectors import net_sales_by_county, orders_latest
from youpin.geo.selectors import counties_with_boundary, villages_in_region
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.logistics.selectors import (
    carrier_of,
    parcels_awaiting_pickup,
    parcels_collected_count,
    parcels_handled_count,
)
from youpin.stations.models import StationKind
from youpin.stations.selectors import station_counts_by_kind
from youpin.testing.factories import (
    HAIYUAN,
    SHANGHAI,
    SHAPOTOU,
    CarrierFactory,
    MerchantFactory,
    OrderFactory,
    ParcelFactory,
    ShopFactory,
    StationFactory,
    place,
)

pytestmark = pytest.mark.django_db

OPERATOR = Scope(role=Role.OPERATOR)


def test_net_sales_by_county_groups_by_merchant_county(zhongwei: None) -> None:
    """Sales are keyed by the merchant's county; a county official gets only theirs."""
    hy = ShopFactory(merchant=MerchantFactory(place=place(HAIYUAN)))
    spt = ShopFactory(merchant=MerchantFactory(place=place(SHAPOTOU)))
    OrderFactory(shop=hy, net_amount=Decimal("10.00"))
    OrderFactory(shop=hy, net_amount=Decimal("5.50"))
    OrderFactory(shop=spt, net_amount=Decimal("7.00"))
    assert net_sales_by_county(OPERATOR, 2025) == {
        HAIYUAN: Decimal("15.50"),
        SHAPOTOU: Decimal("7.00"),
    }
    official = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code=HAIYUAN)
    assert net_sales_by_county(official) == {HAIYUAN: Decimal("15.50")}
    assert net_sales_by_county(OPERATOR, 2024) == {}


def test_orders_latest_is_newest_first_and_scoped(zhongwei: None) -> None:
    """The latest orders come newest first, limited to the merchant's own."""
    shop = ShopFactory()
    old = OrderFactory(shop=shop, ordered_at=datetime(2024, 1, 1, tzinfo=SHANGHAI))
    new = OrderFactory(shop=shop, ordered_at=datetime(2025, 1, 1, tzinfo=SHANGHAI))
    OrderFactory()
    scope = Scope(role=Role.MERCHANT, merchant_id=shop.merchant_id)
    assert orders_latest(scope) == [new, old]
    assert orders_latest(scope, limit=1) == [new]


def test_parcel_selectors_for_keeper_and_carrier(zhongwei: None) -> None:
    """Awaiting pickup, collected and handled counts stay within the station or carrier."""
    zto, yto = CarrierFactory(code="zto"), CarrierFactory(code="yto")
    st = StationFactory()
    now = timezone.now()
    waiting = ParcelFactory(carrier=zto, station=st, status=TrackingStatus.READY_FOR_PICKUP)
    ParcelFactory(carrier=yto, station=StationFactory(), status=TrackingStatus.READY_FOR_PICKUP)
    ParcelFactory(carrier=zto, collected_at=now)
    ParcelFactory(carrier=zto, collected_at=now, sender_place=place(HAIYUAN))
    ParcelFactory(carrier=yto, collected_at=now)
    TrackingEvent.objects.create(parcel=waiting, occurred_at=now, status=TrackingStatus.IN_TRANSIT)
    keeper = Scope(role=Role.STATION_KEEPER, station_id=st.pk)
    carrier = Scope(role=Role.CARRIER, carrier_id=zto.pk)
    assert list(parcels_awaiting_pickup(keeper)) == [waiting]
    window = {"since": now - timedelta(hours=1), "until": now + timedelta(hours=1)}
    assert parcels_collected_count(carrier, **window) == 2
    assert parcels_collected_count(carrier, **window, region_prefix="640522") == 1
    assert parcels_handled_count(keeper, **window) == 0  # an in-transit scan elsewhere
    TrackingEvent.objects.create(
        parcel=waiting, occurred_at=now, status=TrackingStatus.IN_TRANSIT, station=st
    )
    assert parcels_handled_count(keeper, **window) == 1
    assert carrier_of(carrier) == zto
    assert carrier_of(keeper) is None


def test_station_counts_and_places(zhongwei: None) -> None:
    """Active stations are counted per kind; region helpers find counties and villages."""
    StationFactory(kind=StationKind.TOWNSHIP)
    StationFactory(kind=StationKind.LOCKER)
    StationFactory(kind=StationKind.LOCKER, is_active=False)
    assert station_counts_by_kind(OPERATOR) == {"township": 1, "locker": 1}
    assert [p.code for p in counties_with_boundary("640522")] == [HAIYUAN]
    assert counties_with_boundary("6405").count() == 3
    villages = villages_in_region("640522")
    assert villages.exists()
    assert all(v.code.startswith("640522") and v.level == "village" for v in villages)
