"""The demo's station network, planned from a seed. Pure (no Django).

One merged township 兴农 supermarket in most towns and townships (not in the special
zones), village points at village committees, shops and bus stops in a share of the
villages, community stations and lockers in the towns, two experience stores. Many
villages are left without any service point on purpose: the officials must see the gaps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from youpin.demo.geography import CITY_NAME, Geography, Point, is_community, village_short
from youpin.demo.identifiers import person_name
from youpin.demo.vocab import COMPOUNDS, STREETS
from youpin.logistics.carriers import CARRIER_CODES
from youpin.stations.models import StationKind, township_sign_name

KEEPER_TOWNSHIP = "640502109000"  # 兴仁镇: the demo station keeper's 兴农 supermarket
VILLAGE_COVERAGE = {"640502": 0.65, "640521": 0.60, "640522": 0.45}
EXPERIENCE_TOWNSHIPS = ("640502101000", "640521100000")  # 文昌镇, 宁安镇
JITTER_DEG = 0.002


@dataclass(frozen=True)
class StationPlan:
    """A service point to create; `closed_on` is set for the few that stopped operating."""

    idx: int
    code: str
    name: str
    kind: str
    operator_name: str
    place_code: str
    address: str
    lon: float | None
    lat: float | None
    opening_hours: str
    services: tuple[str, ...]
    carriers: tuple[str, ...]
    opened_on: date
    closed_on: date | None

    @property
    def short_name(self) -> str:
        """The name used in tracking texts: 兴仁镇兴农超市 for a township station."""
        return self.name.removeprefix(CITY_NAME).replace("电商快递兴农超市", "兴农超市")

    def open_on(self, day: date) -> bool:
        """True when the station received parcels on that day."""
        return self.opened_on <= day and (self.closed_on is None or day < self.closed_on)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    """A day drawn uniformly between two dates, both included."""
    return first + timedelta(days=rng.randint(0, (last - first).days))


class _NetworkBuilder:
    """Builds the station plan from one random generator."""

    def __init__(self, geo: Geography, seed: int) -> None:
        """Start an empty plan."""
        self.geo = geo
        self.rng = random.Random(f"youpin-demo:{seed}:stations")
        self.stations: list[StationPlan] = []

    def _point(self, place_code: str) -> Point | None:
        """A point a little off the place's own point."""
        base = self.geo.points.get(place_code)
        if base is None:
            return None
        return (
            round(base[0] + self.rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
            round(base[1] + self.rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
        )

    def _add(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        place_code: str,
        operator: str,
        hours: str,
        services: tuple[str, ...],
        carriers: tuple[str, ...],
        opened_on: date,
        closed_on: date | None = None,
    ) -> None:
        """Append one station with an address and a point near its place."""
        street = self.rng.choice(STREETS)
        address = f"{self.geo.full_address(place_code)}{street}{self.rng.randint(1, 199)}号"
        point = self._point(place_code)
        self.stations.append(
            StationPlan(
                idx=len(self.stations),
                code=code,
                name=name,
                kind=kind,
                operator_name=operator,
                place_code=place_code,
                address=address.removeprefix("宁夏回族自治区"),
                lon=point[0] if point else None,
                lat=point[1] if point else None,
                opening_hours=hours,
                services=services,
                carriers=carriers,
                opened_on=opened_on,
                closed_on=closed_on,
            )
        )

    def _carriers(self, at_least: int) -> tuple[str, ...]:
        """A subset of the carriers, China Post always among them."""
        others = [c for c in CARRIER_CODES if c != "post"]
        count = self.rng.randint(at_least, len(others))
        return ("post", *sorted(self.rng.sample(others, count)))

    def build(self) -> list[StationPlan]:
        """Plan every station."""
        self._townships()
        self._villages()
        self._experience()
        return self.stations

    def _townships(self) -> None:
        """The merged 兴农 supermarkets, named by the unified sign rule."""
        rng = self.rng
        for township in self.geo.regular_townships():
            if township.code != KEEPER_TOWNSHIP and rng.random() > 0.9:
                continue
            county = self.geo.county_of(township.code).name
            services = (
                ("receive", "send", "sell", "cold_storage")
                if rng.random() < 0.5
                else (
                    "receive",
                    "send",
                    "sell",
                )
            )
            self._add(
                code=f"T{township.code[:9]}",
                name=township_sign_name(CITY_NAME, township.name),
                kind=StationKind.TOWNSHIP,
                place_code=township.code,
                operator=rng.choice([f"{county}供销合作社", f"{township.name}{person_name(rng)}"]),
                hours="08:00-21:00",
                services=services,
                carriers=CARRIER_CODES,
                opened_on=_day_between(rng, date(2021, 12, 1), date(2023, 12, 31)),
            )

    def _villages(self) -> None:
        """Village points in a share of the villages; stations and lockers in town communities."""
        rng = self.rng
        for village in self.geo.habitable_villages():
            short = village_short(village.name)
            if is_community(village.name):
                self._community(village.code, short)
                continue
            if rng.random() > VILLAGE_COVERAGE.get(village.code[:6], 0.5):
                continue
            host = rng.choice(["村委会", "便民超市", "公交站"])
            if host == "便民超市":
                host = f"{rng.choice('马王李张杨田海丁白周')}家便民超市"
            elif host == "公交站":
                host = f"{short}公交站"
            services = ("receive", "send", "sell") if rng.random() < 0.5 else ("receive", "send")
            opened = _day_between(rng, date(2021, 6, 1), date(2025, 10, 31))
            closed = (
                date(2025, 6, 30) if opened < date(2024, 6, 30) and rng.random() < 0.04 else None
            )
            self._add(
                code=f"V{village.code}",
                name=f"{short}电商快递服务点（{host}）",
                kind=StationKind.VILLAGE,
                place_code=village.code,
                operator=person_name(rng),
                hours=rng.choice(["08:30-19:00", "09:00-18:00", "08:00-20:00"]),
                services=services,
                carriers=self._carriers(2),
                opened_on=opened,
                closed_on=closed,
            )

    def _community(self, code: str, short: str) -> None:
        """A community station and/or a parcel locker in a town community."""
        rng = self.rng
        if rng.random() < 0.35:
            self._add(
                code=f"C{code}",
                name=f"{short}便民驿站",
                kind=StationKind.COMMUNITY,
                place_code=code,
                operator=person_name(rng),
                hours="08:00-21:30",
                services=("receive", "send", "sell"),
                carriers=self._carriers(5),
                opened_on=_day_between(rng, date(2021, 3, 1), date(2024, 12, 31)),
            )
        if rng.random() < 0.30:
            self._add(
                code=f"L{code}",
                name=f"智能快递柜（{short}{rng.choice(COMPOUNDS)}小区）",
                kind=StationKind.LOCKER,
                place_code=code,
                operator="中卫市智能快递柜运营服务",
                hours="00:00-24:00",
                services=("receive", "send"),
                carriers=self._carriers(4),
                opened_on=_day_between(rng, date(2021, 1, 1), date(2025, 6, 30)),
            )

    def _experience(self) -> None:
        """Youpin experience stores in two county seats."""
        for code in EXPERIENCE_TOWNSHIPS:
            township = self.geo.rows.get(code)
            if township is None:
                continue
            self._add(
                code=f"E{code[:9]}",
                name=f"中卫优品体验店（{township.name}）",
                kind=StationKind.EXPERIENCE,
                place_code=code,
                operator="中卫优品运营中心",
                hours="09:00-21:00",
                services=("sell", "receive"),
                carriers=("post", "sf", "zto"),
                opened_on=date(2022, 5, 1),
            )


def station_plan(geo: Geography, *, seed: int) -> list[StationPlan]:
    """Plan the station network for a seed (the scale does not change the network)."""
    return _NetworkBuilder(geo, seed).build()
