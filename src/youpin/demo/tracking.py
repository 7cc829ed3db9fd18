"""Tracking timelines of demo parcels: canonical status, Kdniao-style raw code and Chinese text.

Times are integer epoch seconds (UTC). Events after the dataset's end are cut off, so a
parcel's last event gives its current status. Pure (no Django).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from youpin.demo.vocab import CARRIER_NOUNS, SURNAMES

HOUR = 3600
DAY = 86400
CITY_CODE = "640500000000"

# Canonical status → raw code in the Kdniao State/StateEx convention.
PICKED_UP = ("picked_up", "1")
IN_TRANSIT = ("in_transit", "2")
ARRIVED = ("in_transit", "201")
OUT_FOR_DELIVERY = ("out_for_delivery", "202")
READY_FOR_PICKUP = ("ready_for_pickup", "211")
DELIVERED = ("delivered", "301")
DELIVERED_AT_STATION = ("delivered", "311")

# An event: (epoch seconds, status, raw code, raw text, place code, station index).
Event = tuple[int, str, str, str, str | None, int | None]


@dataclass(frozen=True)
class Stop:
    """Where a parcel ends: a city outside (place None) or a Zhongwei place, maybe a station."""

    city: str
    district: str
    place_code: str | None = None
    station_idx: int | None = None
    station_name: str = ""
    station_place: str | None = None


@dataclass(frozen=True)
class Timeline:
    """The events that happened by the dataset's end, the last status and the delivery time."""

    events: list[Event]
    status: str
    delivered_at: int | None


def _city_short(city: str) -> str:
    """杭州市 → 杭州, 阿拉善盟 → 阿拉善."""
    return city.removesuffix("市").removesuffix("盟")


def _courier(rng: random.Random) -> str:
    """A courier as tracking texts name one: 马师傅."""
    return rng.choice(SURNAMES) + "师傅"


def _daytime(rng: random.Random, ts: int) -> int:
    """Move a time outside 08:00–20:00 (Zhongwei) to the next morning: couriers work by day."""
    local = (ts + 8 * HOUR) % DAY
    if local < 8 * HOUR:
        return ts + 8 * HOUR - local + rng.randint(0, 2 * HOUR)
    if local >= 20 * HOUR:
        return ts + DAY + 8 * HOUR - local + rng.randint(0, 2 * HOUR)
    return ts


def _last_mile(rng: random.Random, carrier: str, stop: Stop, t: int) -> list[Event]:
    """Delivery at the destination: to a station for pickup, or to the door."""
    outlet, _ = CARRIER_NOUNS[carrier]
    if stop.station_idx is not None:
        code = f"{rng.randint(1, 9)}-{rng.randint(1, 5)}-{rng.randint(100, 999)}"
        ready = _daytime(rng, t + rng.randint(2 * HOUR, 10 * HOUR))
        picked = _daytime(rng, ready + min(5 * DAY, int(rng.expovariate(1 / (14 * HOUR))) + 600))
        where = stop.station_name
        return [
            (
                ready,
                *READY_FOR_PICKUP,
                f"【中卫市】快件已到达【{where}】，取件码 {code}",
                stop.station_place,
                stop.station_idx,
            ),
            (
                picked,
                *DELIVERED_AT_STATION,
                f"【中卫市】快件已从【{where}】取出，感谢使用",
                stop.station_place,
                stop.station_idx,
            ),
        ]
    out = _daytime(rng, t + rng.randint(2 * HOUR, 10 * HOUR))
    done = out + rng.randint(HOUR // 2, 5 * HOUR)
    who = rng.choice(("本人", "本人", "本人", "家人", "门卫", "快递柜"))
    return [
        (
            out,
            *OUT_FOR_DELIVERY,
            f"【{stop.city}{stop.district}】{stop.district}{outlet}派件员【{_courier(rng)}】正在为您派件",
            stop.place_code,
            None,
        ),
        (done, *DELIVERED, f"【{stop.city}】快件已签收，签收人：{who}", stop.place_code, None),
    ]


def _transit_seconds(rng: random.Random, stop: Stop, near: bool) -> int:
    """Hub to hub: hours inside Zhongwei, a day or two nearby, two to four days far away."""
    if stop.place_code is not None:
        return rng.randint(6 * HOUR, 18 * HOUR)
    if near:
        return rng.randint(18 * HOUR, 40 * HOUR)
    return rng.randint(40 * HOUR, 96 * HOUR)


def outbound(
    rng: random.Random,
    *,
    carrier: str,
    start: int,
    end: int,
    origin_text: str,
    origin_place: str | None,
    stop: Stop,
    near: bool,
    origin_station: int | None = None,
) -> Timeline:
    """A parcel collected in Zhongwei (from a merchant or at a station) and delivered to `stop`."""
    _, hub = CARRIER_NOUNS[carrier]
    t1 = start + rng.randint(2 * HOUR, 8 * HOUR)
    t2 = t1 + _transit_seconds(rng, stop, near)
    if stop.place_code is None:
        dest_hub = f"{_city_short(stop.city)}{hub}"
        depart = f"【中卫市】快件离开【中卫{hub}】，已发往【{dest_hub}】"
        arrive = f"【{stop.city}】快件已到达【{dest_hub}】"
        arrive_place = None
    else:
        depart = f"【中卫市】快件已到达【中卫{hub}】，正在分拣"
        arrive = f"【中卫市】快件离开【中卫{hub}】，已发往【{stop.district}】"
        arrive_place = stop.place_code[:6] + "000000"
    events: list[Event] = [
        (start, *PICKED_UP, origin_text, origin_place, origin_station),
        (t1, *IN_TRANSIT, depart, CITY_CODE, None),
        (t2, *ARRIVED, arrive, arrive_place, None),
        *_last_mile(rng, carrier, stop, t2),
    ]
    return _cut(events, end)


def inbound(
    rng: random.Random,
    *,
    carrier: str,
    start: int,
    end: int,
    origin_city: str,
    origin_district: str,
    stop: Stop,
    hold: bool = False,
) -> Timeline:
    """A parcel from elsewhere in China for a Zhongwei village; `hold` leaves it at the station."""
    outlet, hub = CARRIER_NOUNS[carrier]
    t1 = start + rng.randint(3 * HOUR, 10 * HOUR)
    t2 = t1 + rng.randint(30 * HOUR, 90 * HOUR)
    events: list[Event] = [
        (start, *PICKED_UP, f"【{origin_city}】{origin_district}{outlet}已揽收", None, None),
        (
            t1,
            *IN_TRANSIT,
            f"【{origin_city}】快件离开【{_city_short(origin_city)}{hub}】，已发往【中卫{hub}】",
            None,
            None,
        ),
        (t2, *ARRIVED, f"【中卫市】快件已到达【中卫{hub}】", CITY_CODE, None),
        *_last_mile(rng, carrier, stop, t2),
    ]
    if hold:
        events = events[:-1]
    return _cut(events, end)


def _cut(events: list[Event], end: int) -> Timeline:
    """Keep the events up to the end of the dataset; the last one gives the status."""
    kept = [e for e in events if e[0] <= end]
    if not kept:
        kept = events[:1]
    last = kept[-1]
    delivered = last[0] if last[1] == "delivered" else None
    return Timeline(events=kept, status=last[1], delivered_at=delivered)
