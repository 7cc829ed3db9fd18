"""The demo's orders, order lines, parcels and tracking events as rows, month by month. Pure.

Rows are tuples in the column order below; times are epoch seconds (UTC) and amounts
integer cents, which the writer turns into what the database wants. The same seed,
scale and id bases give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from youpin.demo.generator import CatalogPlan, MerchantPlan, ProductPlan
from youpin.demo.geography import Geography, is_community
from youpin.demo.identifiers import Scrambler, WaybillMaker
from youpin.demo.network import KEEPER_TOWNSHIP, StationPlan
from youpin.demo.orders import build_order
from youpin.demo.parcels import inbound_parcels, keeper_waiting, station_sends
from youpin.demo.rand import DemoRandom
from youpin.demo.seasons import HOUR_CUM, HOURS, Day, Month
from youpin.demo.tracking import HOUR, Stop, Timeline
from youpin.demo.traffic import LINE_COUNTS, MonthPlan, product_weight, quantity_table
from youpin.demo.vocab import (
    CARRIER_SHARES,
    COMPOUND_SUFFIXES,
    COMPOUNDS,
    DESTINATIONS,
    HOST_NICKNAMES,
    SERVICE_CATEGORIES,
    STREETS,
)

ORDER_COLUMNS = (
    "id",
    "platform",
    "platform_order_id",
    "shop_id",
    "merchant_id",
    "status",
    "raw_status",
    "goods_amount",
    "shipping_amount",
    "discount_platform",
    "discount_merchant",
    "discount_host",
    "paid_amount",
    "refunded_amount",
    "net_amount",
    "ordered_at",
    "paid_at",
    "shipped_at",
    "completed_at",
    "destination_text",
    "destination_place_id",
    "buyer_name",
    "buyer_phone",
    "buyer_user_id",
    "carrier_id",
    "waybill_no",
    "parcel_id",
    "host_id",
    "host_nickname",
    "traffic_source",
    "group_leader",
    "pickup_station_id",
    "is_demo",
)
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "platform_line_id",
    "product_id",
    "title",
    "sku",
    "quantity",
    "unit_price",
    "amount",
    "refunded_amount",
)
PARCEL_COLUMNS = (
    "id",
    "carrier_id",
    "waybill_no",
    "status",
    "weight_g",
    "volume_cm3",
    "cold_chain",
    "e_waybill",
    "sender_place_id",
    "recipient_place_id",
    "recipient_name",
    "recipient_phone",
    "station_id",
    "collected_at",
    "delivered_at",
    "is_demo",
)
EVENT_COLUMNS = (
    "parcel_id",
    "occurred_at",
    "status",
    "raw_code",
    "raw_text",
    "place_id",
    "station_id",
    "source",
)

CONSUMER_MONTHS = frozenset(range(41, 60, 2))  # ten orders for the demo consumer, mid-2024 on
SOURCE = "demo"


@dataclass(frozen=True)
class IdBases:
    """Database ids: row n of a plan gets base + n; carriers and the consumer by their own ids."""

    merchant: int
    shop: int
    product: int
    station: int
    order: int
    parcel: int
    carriers: dict[str, int]
    consumer_user: int | None = None


@dataclass
class Batch:
    """Rows of one month, per table."""

    orders: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    parcels: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)


def _order_id_makers(rng: random.Random) -> dict[str, Scrambler]:
    """Scramblers for each platform's order numbers."""
    return {
        "taobao": Scrambler(18, rng),
        "pinduoduo": Scrambler(15, rng),
        "douyin": Scrambler(17, rng),
        "jd": Scrambler(11, rng),
        "kuaishou": Scrambler(14, rng),
        "youpin": Scrambler(8, rng),
    }


class DemoStream:
    """Generates the month batches from the plans; one instance, one pass."""

    def __init__(
        self,
        geo: Geography,
        catalog: CatalogPlan,
        stations: list[StationPlan],
        plans: list[MonthPlan],
        *,
        seed: int,
        scale: float,
        ids: IdBases,
    ) -> None:
        """Index the plans and seed the generator."""
        self.geo = geo
        self.catalog = catalog
        self.stations = stations
        self.plans = plans
        self.ids = ids
        self.rng = rng = DemoRandom(f"youpin-demo:{seed}:{scale}:traffic")
        self.waybill = WaybillMaker(rng)
        self.order_numbers = _order_id_makers(rng)
        self.order_serial = dict.fromkeys(self.order_numbers, 0)
        self.next_order = ids.order
        self.next_parcel = ids.parcel
        self.merchants: dict[int, MerchantPlan] = {m.idx: m for m in catalog.merchants}
        self.products_of: dict[int, list[ProductPlan]] = {}
        for p in catalog.products:
            self.products_of.setdefault(p.merchant_idx, []).append(p)
        self._product_cum: dict[tuple[int, int], tuple[float, ...]] = {}
        self._index_places()
        self._index_stations()
        self.hosts = self._hosts()
        self.carrier_codes = list(CARRIER_SHARES)
        self.carrier_cum = tuple(accumulate(CARRIER_SHARES.values()))
        self.dest_cum = tuple(accumulate(d[3] for d in DESTINATIONS))

    # ----- indexes -------------------------------------------------------------------------
    def _index_places(self) -> None:
        """Villages where orders and parcels go, weighted: town communities more, Haiyuan less."""
        county_factor = {"640502": 1.3, "640521": 1.1, "640522": 0.8}
        self.villages = self.geo.habitable_villages()
        self.townships = self.geo.regular_townships()
        weights = [
            county_factor.get(v.code[:6], 1.0) * (1.5 if is_community(v.name) else 1.0)
            for v in self.villages
        ]
        self.village_cum = tuple(accumulate(weights))
        xingren = [v for v in self.villages if v.code.startswith(KEEPER_TOWNSHIP[:9])]
        self.consumer_village = (xingren or self.villages)[0].code

    def _index_stations(self) -> None:
        """Stations by village and township; stations that take parcels to send."""
        self.at_village: dict[str, StationPlan] = {}
        self.at_township: dict[str, StationPlan] = {}
        for s in self.stations:
            if s.kind == "township":
                self.at_township[s.place_code] = s
            elif s.kind in {"village", "community", "locker"}:
                self.at_village.setdefault(s.place_code, s)
        send_weight = {
            "township": 6.0,
            "village": 1.0,
            "community": 2.0,
            "locker": 1.5,
            "experience": 0.5,
        }
        self.senders = [s for s in self.stations if "send" in s.services]
        self.sender_weights = [send_weight[s.kind] for s in self.senders]
        self.keeper = self.at_township.get(KEEPER_TOWNSHIP)

    def _hosts(self) -> dict[int, list[tuple[str, str]]]:
        """Livestream hosts selling for each Douyin and Kuaishou shop: (host id, nickname)."""
        rng = self.rng
        pool = {
            "douyin": [(f"{rng.randrange(10**10, 10**11)}", n) for n in HOST_NICKNAMES],
            "kuaishou": [(f"{rng.randrange(10**8, 10**9)}", n) for n in HOST_NICKNAMES],
        }
        hosts: dict[int, list[tuple[str, str]]] = {}
        for shop in self.catalog.shops:
            if shop.platform in pool:
                hosts[shop.idx] = rng.sample(pool[shop.platform], rng.randint(1, 3))
        return hosts

    # ----- small draws ---------------------------------------------------------------------
    def product_cum(self, merchant_idx: int, month: int) -> tuple[float, ...]:
        """Cumulative product weights of a merchant in a month, cached."""
        key = (merchant_idx, month)
        cum = self._product_cum.get(key)
        if cum is None:
            cum = tuple(
                accumulate(product_weight(p, month) for p in self.products_of[merchant_idx])
            )
            self._product_cum[key] = cum
        return cum

    def village(self) -> str:
        """A village code drawn by weight."""
        return self.rng.choices(self.villages, cum_weights=self.village_cum)[0].code

    def zhongwei_address(self, code: str) -> str:
        """A written address in a Zhongwei village or community."""
        rng = self.rng
        row = self.geo.rows[code]
        if is_community(row.name):
            tail = (
                f"{rng.choice(COMPOUNDS)}{rng.choice(COMPOUND_SUFFIXES)}{rng.randint(1, 30)}号楼"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"
            )
        else:
            tail = f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        return self.geo.full_address(code) + tail

    def far_address(self) -> tuple[str, str, str, str]:
        """A written address elsewhere in China, with its province, city and district."""
        rng = self.rng
        province, city, district, _ = rng.choices(DESTINATIONS, cum_weights=self.dest_cum)[0]
        head = province if province == city else province + city
        tail = (
            f"{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.choice(COMPOUNDS)}"
            f"{rng.choice(COMPOUND_SUFFIXES)}{rng.randint(1, 30)}栋"
            f"{rng.randint(1, 28)}0{rng.randint(1, 4)}"
        )
        return head + district + tail, province, city, district

    def station_for(self, village_code: str, day: Day) -> StationPlan | None:
        """Where a parcel for a village waits: its own point, else the township's supermarket."""
        own = self.at_village.get(village_code)
        if own is not None and own.open_on(day.day) and self.rng.random() < 0.85:
            return own
        town = self.at_township.get(village_code[:9] + "000")
        if town is not None and town.open_on(day.day) and self.rng.random() < 0.7:
            return town
        return None

    def stop(self, village_code: str, station: StationPlan | None) -> Stop:
        """The end of a parcel's journey inside Zhongwei."""
        county = self.geo.county_of(village_code).name
        township = self.geo.township_of(village_code).name
        if station is None:
            return Stop(city="中卫市", district=county + township, place_code=village_code)
        return Stop(
            city="中卫市",
            district=county + township,
            place_code=village_code,
            station_idx=station.idx,
            station_name=station.short_name,
            station_place=station.place_code,
        )

    def station_of(self, stop: Stop) -> StationPlan | None:
        """The station a stop ends at, if any."""
        return self.stations[stop.station_idx] if stop.station_idx is not None else None

    def national_carrier(self, allowed: tuple[str, ...] | None = None) -> str:
        """A carrier by national market share, among those allowed."""
        while True:
            code = self.rng.choices(self.carrier_codes, cum_weights=self.carrier_cum)[0]
            if allowed is None or code in allowed:
                return code

    # ----- rows ----------------------------------------------------------------------------
    def parcel(
        self,
        b: Batch,
        *,
        carrier: str,
        timeline: Timeline,
        weight_g: int,
        cold: bool,
        sender: str | None,
        recipient: str | None,
        name: str,
        tel: str,
        station: StationPlan | None,
    ) -> tuple[int, str]:
        """Append a parcel and its events; return its id and waybill number."""
        pid = self.next_parcel
        self.next_parcel += 1
        waybill = self.waybill(carrier)
        station_base = self.ids.station
        b.parcels.append(
            (
                pid,
                self.ids.carriers[carrier],
                waybill,
                timeline.status,
                weight_g,
                weight_g * 3 + 1500,
                cold,
                self.rng.random() < 0.98,
                sender,
                recipient,
                name,
                tel,
                station_base + station.idx if station is not None else None,
                timeline.events[0][0],
                timeline.delivered_at,
                True,
            )
        )
        for ts, status, code, text, place, st in timeline.events:
            b.events.append(
                (
                    pid,
                    ts,
                    status,
                    code,
                    text,
                    place,
                    station_base + st if st is not None else None,
                    SOURCE,
                )
            )
        return pid, waybill

    def batches(self) -> Iterator[Batch]:
        """Yield one batch of rows per month, oldest first."""
        for plan in self.plans:
            batch = Batch()
            self._orders(batch, plan)
            station_sends(self, batch, plan)
            inbound_parcels(self, batch, plan)
            if plan.month.index == len(self.plans) - 1:
                keeper_waiting(self, batch)
            yield batch

    def times(self, month: Month, count: int) -> list[tuple[Day, int]]:
        """Days and times of `count` events of a month, in day order."""
        rng = self.rng
        days = sorted(rng.choices(range(len(month.days)), cum_weights=month.day_cum, k=count))
        hours = rng.choices(HOURS, cum_weights=HOUR_CUM, k=count)
        out = []
        for i, h in zip(days, hours, strict=True):
            day = month.days[i]
            if day.day.month == 11 and day.day.day == 11 and rng.random() < 0.25:
                h = 0  # the Double 11 midnight rush
            out.append((day, day.midnight + h * HOUR + rng.randrange(HOUR)))
        return out

    def _orders(self, b: Batch, plan: MonthPlan) -> None:
        """The month's orders with their lines and parcels."""
        rng = self.rng
        times = self.times(plan.month, plan.orders)
        slots = [(shop, first) for shop, first, count in plan.slots for _ in range(count)]
        rng.shuffle(slots)
        want_consumer = plan.month.index in CONSUMER_MONTHS and self.ids.consumer_user is not None
        for (day, ts), (shop, first) in zip(times, slots, strict=True):
            if build_order(self, b, plan.month, day, ts, shop, first, want_consumer):
                want_consumer = False

    def lines(self, first: ProductPlan, month: int) -> list[tuple[ProductPlan, int]]:
        """The first product and up to two more distinct ones of the merchant, with quantities."""
        rng = self.rng
        products = self.products_of[first.merchant_idx]
        cum = self.product_cum(first.merchant_idx, month)
        wanted = 1 if first.category in SERVICE_CATEGORIES else rng.choices(*LINE_COUNTS)[0]
        picked: list[tuple[ProductPlan, int]] = []
        seen: set[int] = set()
        for n in range(wanted):
            p = first if n == 0 else rng.choices(products, cum_weights=cum)[0]
            if p.idx in seen:
                continue
            seen.add(p.idx)
            values, weights = quantity_table(p)
            picked.append((p, rng.choices(values, weights)[0]))
        return picked
