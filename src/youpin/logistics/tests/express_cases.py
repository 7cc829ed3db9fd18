"""Parcels for the express-statistic tests, each with what it should count as, by hand.

Every case says where it was collected and delivered (or that it was not in Zhongwei), when
(in Shanghai time, several right at a year boundary), by which carrier, whether it carried an
e-waybill and how it was handed over. The tests count these cases in plain Python and compare
with the statistic computed by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from youpin.logistics.models import Carrier, Parcel, TrackingEvent, TrackingStatus
from youpin.stations.models import Station, StationKind
from youpin.testing.factories import (
    HAIYUAN,
    SHANGHAI,
    SHAPOTOU,
    XINGREN_TOWN,
    ZHONGNING,
    CarrierFactory,
    ParcelFactory,
    StationFactory,
    place,
)

XINGREN_VILLAGE = "640502109200"  # 兴仁村委会, 兴仁镇, 沙坡头区
HAIYUAN_VILLAGE = "640522101208"  # 七百户村委会, 海原县
CITY_PREFIX = "6405"


def sh(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A time in Zhongwei's (Shanghai) time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Case:
    """One parcel as the test builds it, and the facts the statistic should find."""

    name: str
    carrier: str
    sender: str | None
    recipient: str | None
    collected_at: datetime | None
    delivered_at: datetime | None
    e_waybill: bool = True
    pickup_scan_at: str | None = None  # place of the pickup scan when it differs from sender
    delivered_scan_at: str | None = None  # place of the delivery scan (none: recipient)
    counter: str | None = None  # station kind it was left at for pickup
    own_station: str | None = None  # Parcel.station's kind, without counter events
    phone: str = "13995550000"

    @property
    def origin(self) -> str | None:
        """Where it was collected, if in Zhongwei."""
        return self.sender or self.pickup_scan_at

    @property
    def destination(self) -> str | None:
        """Where it was delivered, if in Zhongwei (a counter station's place included)."""
        if self.recipient or self.delivered_scan_at:
            return self.recipient or self.delivered_scan_at
        return station_place(self.counter) if self.counter else None

    def at_station(self, prefix: str = CITY_PREFIX) -> bool:
        """Handed over at a station or locker: left there, or (collected outside) its station."""
        return self.counter is not None or (
            self.own_station is not None and not self.collected_in(prefix)
        )

    def at_locker(self, prefix: str = CITY_PREFIX) -> bool:
        """Handed over at a smart locker."""
        if self.counter is not None:
            return self.counter == StationKind.LOCKER
        return self.own_station == StationKind.LOCKER and self.at_station(prefix)

    def collected_in(self, prefix: str) -> bool:
        """Collected inside a region."""
        return self.origin is not None and self.origin.startswith(prefix)

    def delivered_in(self, prefix: str) -> bool:
        """Delivered (or bound) inside a region."""
        return self.destination is not None and self.destination.startswith(prefix)

    @property
    def hours(self) -> float | None:
        """Collection-to-delivery time in hours."""
        if self.collected_at is None or self.delivered_at is None:
            return None
        return (self.delivered_at - self.collected_at).total_seconds() / 3600


def station_place(kind: str) -> str:
    """Where the test's station of a kind stands."""
    return XINGREN_TOWN if kind == StationKind.TOWNSHIP else HAIYUAN_VILLAGE


CASES = [
    # collected in the first half hour of 2025 (still 2024 in UTC), delivered outside
    Case("out-new-year", "zto", XINGREN_TOWN, None, sh(2025, 1, 1, 0, 30), sh(2025, 1, 3, 10)),
    # collected in the last half hour of 2024: last year
    Case("out-eve", "zto", SHAPOTOU, None, sh(2024, 12, 31, 23, 30), sh(2025, 1, 2, 9)),
    Case(
        "in-station",
        "sf",
        None,
        XINGREN_VILLAGE,
        sh(2025, 3, 1, 8),
        sh(2025, 3, 3, 18),
        counter=StationKind.TOWNSHIP,
    ),
    # delivered a minute before 2026 at a locker
    Case(
        "in-locker-eve",
        "zto",
        None,
        HAIYUAN,
        sh(2025, 12, 29, 9),
        sh(2025, 12, 31, 23, 59),
        counter=StationKind.LOCKER,
    ),
    # delivered ten minutes into 2026: not this year
    Case("in-next-year", "zto", None, HAIYUAN, sh(2025, 12, 30, 9), sh(2026, 1, 1, 0, 10)),
    Case("intra", "sf", ZHONGNING, HAIYUAN, sh(2025, 6, 1, 10), sh(2025, 6, 3, 10)),
    Case("intra-straddle", "zto", SHAPOTOU, ZHONGNING, sh(2025, 12, 31, 22), sh(2026, 1, 2, 10)),
    Case("out-paper", "sf", ZHONGNING, None, sh(2025, 5, 5, 15), None, e_waybill=False),
    # no sender place: collected inside because its pickup scan was
    Case(
        "out-by-scan",
        "sf",
        None,
        None,
        sh(2025, 7, 1, 9),
        sh(2025, 7, 4, 11),
        pickup_scan_at=HAIYUAN_VILLAGE,
    ),
    # no recipient place: delivered inside because its delivery scan was
    Case(
        "in-by-scan",
        "zto",
        None,
        None,
        sh(2025, 8, 1, 9),
        sh(2025, 8, 3, 16),
        delivered_scan_at=XINGREN_VILLAGE,
    ),
    # sent from a station (its own station), delivered to the door: not a station delivery
    Case(
        "intra-from-station",
        "zto",
        XINGREN_TOWN,
        SHAPOTOU,
        sh(2025, 9, 1, 10),
        sh(2025, 9, 2, 15),
        own_station=StationKind.TOWNSHIP,
    ),
    # collected outside, its station a locker (no counter events): a locker delivery
    Case(
        "in-own-locker",
        "sf",
        None,
        HAIYUAN_VILLAGE,
        sh(2025, 10, 1, 10),
        sh(2025, 10, 2, 20),
        own_station=StationKind.LOCKER,
    ),
    Case("pending", "zto", SHAPOTOU, None, None, None),
    Case("prev-in", "sf", None, ZHONGNING, sh(2024, 5, 1, 9), sh(2024, 5, 3, 9)),
    Case("prev-out", "sf", HAIYUAN, None, sh(2024, 2, 1, 9), sh(2024, 2, 4, 9)),
    Case("outside", "zto", None, None, sh(2025, 4, 1, 9), sh(2025, 4, 3, 9)),
]


def _event(parcel: Parcel, at: datetime, status: str, place_code: str | None, **kw: object) -> None:
    """Add one event to a parcel."""
    TrackingEvent.objects.create(
        parcel=parcel,
        occurred_at=at,
        status=status,
        raw_code=status[:3].upper(),
        raw_text=f"{status} 测试",
        place=place(place_code) if place_code else None,
        source="test",
        **kw,
    )


def build(cases: list[Case] = CASES) -> dict[str, Parcel]:
    """Create the carriers, stations, parcels and events of the cases."""
    carriers: dict[str, Carrier] = {
        "zto": CarrierFactory(code="zto", name="中通快递"),
        "sf": CarrierFactory(code="sf", name="顺丰速运"),
    }
    stations: dict[str, Station] = {
        StationKind.TOWNSHIP: StationFactory(kind=StationKind.TOWNSHIP),
        StationKind.LOCKER: StationFactory(
            kind=StationKind.LOCKER, place=place(HAIYUAN_VILLAGE), name="测试快递柜"
        ),
    }
    parcels = {}
    for n, case in enumerate(cases):
        parcel = ParcelFactory(
            carrier=carriers[case.carrier],
            waybill_no=f"T{n:04d}{case.carrier.upper()}",
            sender_place=place(case.sender) if case.sender else None,
            recipient_place=place(case.recipient) if case.recipient else None,
            collected_at=case.collected_at,
            delivered_at=case.delivered_at,
            e_waybill=case.e_waybill,
            recipient_phone=case.phone,
            station=stations[kind] if (kind := case.own_station or case.counter) else None,
            status=TrackingStatus.DELIVERED if case.delivered_at else TrackingStatus.IN_TRANSIT,
        )
        if case.collected_at is not None:
            _event(parcel, case.collected_at, TrackingStatus.PICKED_UP, case.origin)
            _event(parcel, case.collected_at + timedelta(hours=3), TrackingStatus.IN_TRANSIT, None)
        if case.delivered_at is not None:
            if case.counter:
                station = stations[case.counter]
                _event(
                    parcel,
                    case.delivered_at - timedelta(hours=5),
                    TrackingStatus.READY_FOR_PICKUP,
                    station.place_id,
                    station=station,
                )
                _event(
                    parcel,
                    case.delivered_at,
                    TrackingStatus.DELIVERED,
                    station.place_id,
                    station=station,
                )
            else:
                _event(
                    parcel,
                    case.delivered_at,
                    TrackingStatus.DELIVERED,
                    case.recipient or case.delivered_scan_at,
                )
        parcels[case.name] = parcel
    return parcels


def in_year(at: datetime | None, year: int) -> bool:
    """True when a time falls in a calendar year, Shanghai time."""
    return at is not None and at.astimezone(SHANGHAI).year == year
