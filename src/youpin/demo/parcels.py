"""Demo parcels without an order: sends at stations, and inbound parcels for villagers. Pure."""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING

from youpin.demo.identifiers import person_name, phone
from youpin.demo.network import KEEPER_TOWNSHIP
from youpin.demo.seasons import END_TS
from youpin.demo.tracking import DAY, Stop, inbound, outbound
from youpin.demo.vocab import CARRIER_NOUNS, NEAR_PROVINCES
from youpin.logistics.carriers import carrier_spec

if TYPE_CHECKING:
    from youpin.demo.network import StationPlan
    from youpin.demo.seasons import Day
    from youpin.demo.stream import Batch, DemoStream
    from youpin.demo.traffic import MonthPlan

KEEPER_WAITING = 8  # parcels still waiting at the keeper's station at the end


def _weight(ctx: DemoStream, mu: float) -> int:
    """A parcel weight in grams, log-normal around e**mu, between 100 g and 20 kg."""
    return max(100, min(20_000, int(ctx.rng.lognormvariate(mu, 0.8))))


def station_sends(ctx: DemoStream, b: Batch, plan: MonthPlan) -> None:
    """Parcels handed in at stations (personal sends, WeChat sellers) and carried out of Zhongwei.

    Before any station of the network is open, they are handed in at carriers' own outlets.
    """
    first_day = plan.month.days[0].day
    pairs = [
        (s, w) for s, w in zip(ctx.senders, ctx.sender_weights, strict=True) if s.open_on(first_day)
    ]
    if plan.sends == 0:
        return
    rng = ctx.rng
    picked: list[StationPlan | None] = [None] * plan.sends
    if pairs:
        cum = tuple(accumulate(w for _, w in pairs))
        picked = list(rng.choices([s for s, _ in pairs], cum_weights=cum, k=plan.sends))
    for (_day, ts), station in zip(ctx.times(plan.month, plan.sends), picked, strict=True):
        carrier = ctx.national_carrier(station.carriers if station is not None else None)
        _, province, city, district = ctx.far_address()
        if station is not None:
            where, place = station.short_name, station.place_code
        else:
            township = rng.choice(ctx.townships)
            where, place = f"{township.name}{CARRIER_NOUNS[carrier][0]}", township.code
        origin = f"【中卫市】【{where}】已收件，{carrier_spec(carrier).name}已揽收"
        timeline = outbound(
            rng,
            carrier=carrier,
            start=ts,
            end=END_TS,
            origin_text=origin,
            origin_place=place,
            stop=Stop(city=city, district=district),
            near=province in NEAR_PROVINCES,
            origin_station=station.idx if station is not None else None,
        )
        ctx.parcel(
            b,
            carrier=carrier,
            timeline=timeline,
            weight_g=_weight(ctx, 7.2),
            cold=False,
            sender=place,
            recipient=None,
            name=person_name(rng),
            tel=phone(rng),
            station=station,
        )


def _receiving_station(ctx: DemoStream, village: str, carrier: str, day: Day) -> StationPlan | None:
    """The station that takes an inbound parcel: one serving its carrier, else the township's."""
    station = ctx.station_for(village, day)
    if station is not None and carrier not in station.carriers:
        town = ctx.at_township.get(village[:9] + "000")
        station = town if town is not None and town.open_on(day.day) else None
    return station


def inbound_parcels(ctx: DemoStream, b: Batch, plan: MonthPlan) -> None:
    """Parcels from elsewhere in China for Zhongwei's villagers, many left at stations."""
    rng = ctx.rng
    for day, ts in ctx.times(plan.month, plan.inbound):
        village = ctx.village()
        carrier = ctx.national_carrier()
        station = _receiving_station(ctx, village, carrier, day)
        _, _, city, district = ctx.far_address()
        timeline = inbound(
            rng,
            carrier=carrier,
            start=ts,
            end=END_TS,
            origin_city=city,
            origin_district=district,
            stop=ctx.stop(village, station),
        )
        ctx.parcel(
            b,
            carrier=carrier,
            timeline=timeline,
            weight_g=_weight(ctx, 6.8),
            cold=False,
            sender=None,
            recipient=village,
            name=person_name(rng),
            tel=phone(rng),
            station=station,
        )


def keeper_waiting(ctx: DemoStream, b: Batch) -> None:
    """A few parcels that reached the keeper's 兴农 supermarket in the last days and wait there."""
    station = ctx.keeper
    villages = [v.code for v in ctx.villages if v.code.startswith(KEEPER_TOWNSHIP[:9])]
    if station is None or not villages:
        return
    rng = ctx.rng
    for _ in range(KEEPER_WAITING):
        village = rng.choice(villages)
        carrier = ctx.national_carrier()
        _, _, city, district = ctx.far_address()
        timeline = inbound(
            rng,
            carrier=carrier,
            start=END_TS - rng.randint(6 * DAY, 8 * DAY),
            end=END_TS,
            origin_city=city,
            origin_district=district,
            stop=ctx.stop(village, station),
            hold=True,
        )
        ctx.parcel(
            b,
            carrier=carrier,
            timeline=timeline,
            weight_g=_weight(ctx, 6.8),
            cold=False,
            sender=None,
            recipient=village,
            name=person_name(rng),
            tel=phone(rng),
            station=station,
        )
