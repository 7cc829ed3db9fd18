"""factory_boy factories for tests: small, valid rows in Zhongwei's real places."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from youpin.accounts.models import Profile, Role
from youpin.catalog.models import Category, Merchant, MerchantKind, Platform, Product, Shop
from youpin.commerce.models import Order, OrderLine, OrderStatus
from youpin.geo.models import Place
from youpin.logistics.models import Carrier, Parcel, TrackingEvent, TrackingStatus
from youpin.stations.models import Station, StationKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Real codes from the NBS 2023 table shipped in youpin/geo/data.
SHAPOTOU = "640502000000"
ZHONGNING = "640521000000"
HAIYUAN = "640522000000"
XINGREN_TOWN = "640502109000"  # 兴仁镇, 沙坡头区


def place(code: str) -> Place:
    """Fetch a loaded place by code (the test database holds the real divisions)."""
    return Place.objects.get(code=code)


class CategoryFactory(factory.django.DjangoModelFactory):
    """A product category."""

    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"品类{n}")
    is_farm_product = True


class MerchantFactory(factory.django.DjangoModelFactory):
    """A merchant in 沙坡头区 unless told otherwise."""

    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"测试商户{n}")
    kind = MerchantKind.FIRM
    place = factory.LazyFunction(lambda: place(SHAPOTOU))


class ShopFactory(factory.django.DjangoModelFactory):
    """A merchant's Taobao shop."""

    class Meta:
        model = Shop

    merchant = factory.SubFactory(MerchantFactory)
    platform = Platform.TAOBAO
    platform_shop_id = factory.Sequence(lambda n: f"shop{n:06d}")
    name = factory.LazyAttribute(lambda o: f"{o.merchant.name}旗舰店")


class ProductFactory(factory.django.DjangoModelFactory):
    """A product of a merchant."""

    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"中宁枸杞 {n} 号 500g")
    unit_price = Decimal("59.00")
    weight_g = 600


class CarrierFactory(factory.django.DjangoModelFactory):
    """A carrier."""

    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"carrier{n}")
    name = factory.Sequence(lambda n: f"快递{n}")


class StationFactory(factory.django.DjangoModelFactory):
    """A township station in 兴仁镇."""

    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"ST{n:05d}")
    name = factory.Sequence(lambda n: f"测试站点{n}")
    kind = StationKind.TOWNSHIP
    place = factory.LazyFunction(lambda: place(XINGREN_TOWN))


class OrderFactory(factory.django.DjangoModelFactory):
    """A paid order of 100 CNY from a shop."""

    class Meta:
        model = Order

    shop = factory.SubFactory(ShopFactory)
    merchant = factory.LazyAttribute(lambda o: o.shop.merchant)
    platform = factory.LazyAttribute(lambda o: o.shop.platform)
    platform_order_id = factory.Sequence(lambda n: f"{3000000000000000000 + n}")
    status = OrderStatus.COMPLETED
    goods_amount = Decimal("100.00")
    paid_amount = Decimal("100.00")
    net_amount = Decimal("100.00")
    ordered_at = factory.LazyFunction(lambda: datetime(2025, 6, 18, 20, 0, tzinfo=SHANGHAI))
    buyer_name = "王小明"
    buyer_phone = "13895551234"
    destination_text = "宁夏回族自治区中卫市沙坡头区兴仁镇兴仁村12号"


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A line of an order."""

    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    title = "中宁枸杞 500g"
    quantity = 1
    unit_price = Decimal("100.00")
    amount = Decimal("100.00")


class ParcelFactory(factory.django.DjangoModelFactory):
    """A parcel sent from 沙坡头区."""

    class Meta:
        model = Parcel

    carrier = factory.SubFactory(CarrierFactory)
    waybill_no = factory.Sequence(lambda n: f"YT{7000000000000 + n}")
    status = TrackingStatus.IN_TRANSIT
    weight_g = 800
    sender_place = factory.LazyFunction(lambda: place(SHAPOTOU))
    recipient_name = "李华"
    recipient_phone = "13995550000"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a usable password `pw-test-123`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")

    @factory.post_generation
    def saved(self: Any, create: bool, extracted: object, **kwargs: object) -> None:
        """Persist the password set above."""
        if create:
            self.save()


def user_with_role(role: Role, **attached: Any) -> Any:
    """Create a user with a role, attached to a region, merchant, station or carrier."""
    user: Any = UserFactory()
    Profile.objects.create(user=user, role=role, **attached)
    return user


# -- trust (issue 8): tracking events and parcels with a derived state ---------------------


class TrackingEventFactory(factory.django.DjangoModelFactory):
    """One tracking event of a parcel."""

    class Meta:
        model = TrackingEvent

    parcel = factory.SubFactory(ParcelFactory)
    occurred_at = factory.LazyFunction(lambda: datetime(2025, 6, 19, 9, 0, tzinfo=SHANGHAI))
    status = TrackingStatus.PICKED_UP
    raw_text = factory.LazyAttribute(lambda o: f"{o.status}")


def parcel_with_events(
    carrier: Carrier,
    events: list[tuple[str, datetime, str | None]],
    **fields: Any,
) -> Parcel:
    """A parcel and its events [(status, time, place code or None)], with the state derived.

    The derived columns follow the tracking loader: first pickup, first delivery, last event,
    and the status of the last event.
    """
    parcel: Any = ParcelFactory(carrier=carrier, **fields)
    for status, at, code in events:
        TrackingEventFactory(
            parcel=parcel, status=status, occurred_at=at, place=place(code) if code else None
        )
    pickups = [at for status, at, _ in events if status == TrackingStatus.PICKED_UP]
    deliveries = [at for status, at, _ in events if status == TrackingStatus.DELIVERED]
    parcel.collected_at = min(pickups) if pickups else None
    parcel.delivered_at = min(deliveries) if deliveries else None
    parcel.last_event_at = max((at for _, at, _ in events), default=None)
    parcel.status = max(events, key=lambda e: e[1])[0] if events else TrackingStatus.PENDING
    parcel.save()
    result: Parcel = parcel
    return result
