"""Pure pieces of the express-volume statistic (快递业务量): periods, direction, measures.

No database here: the rules that say which parcel counts where, and the arithmetic on the
counts, are plain functions so they can be read and tested on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext_noop

from youpin.core.periods import SHANGHAI

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class Direction(StrEnum):
    """Which side of the region a parcel crosses: collected inside, delivered inside, or both."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"
    INTRA = "intra"


# Marked for translation (the portal shows them with gettext); Chinese in reports and JSON.
DIRECTION_LABELS = {
    Direction.OUTBOUND: gettext_noop("出港（区内揽收、区外派送）"),
    Direction.INTRA: gettext_noop("区内互寄（区内揽收、区内派送）"),
    Direction.INBOUND: gettext_noop("进港（区外揽收、区内派送）"),
}

# The breakdowns a report can carry, in the order they are printed.
DIMENSIONS = ("year", "month", "day", "county", "township", "carrier", "direction")
DIMENSION_LABELS = {
    "year": "年份",
    "month": "月份",
    "day": "日期",
    "county": "县区",
    "township": "乡镇",
    "carrier": "快递公司",
    "direction": "流向",
}
DEFAULT_DIMENSIONS = ("county", "carrier", "direction", "month")


def parse_dimensions(values: Iterable[str]) -> tuple[str, ...]:
    """Split and check breakdown names ("county,carrier" or repeated; "none" for none).

    Unknown names raise ValueError; the result follows the order of DIMENSIONS.
    """
    wanted: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name or name == "none":
                continue
            if name not in DIMENSIONS:
                raise ValueError(f"未知的分组维度：{name!r}（可选：{', '.join(DIMENSIONS)}）")
            if name not in wanted:
                wanted.append(name)
    return tuple(sorted(wanted, key=DIMENSIONS.index))


def check_period(year: int, month: int | None) -> None:
    """Refuse a year outside 2000–2100 or a month outside 1–12 with a ValueError."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"年份应在 {EARLIEST_YEAR}–{LATEST_YEAR} 之间：{year}")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"月份应在 1–12 之间：{month}")


def period_bounds(year: int, month: int | None = None) -> tuple[datetime, datetime]:
    """The first instant of a year (or one month of it) and of the next one, Shanghai time."""
    if month is None:
        return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def month_starts(year: int, month: int | None = None) -> list[datetime]:
    """Edges of the months of a period: each month's first instant, then the period's end."""
    if month is not None:
        return list(period_bounds(year, month))
    return [datetime(year, m, 1, tzinfo=SHANGHAI) for m in range(1, 13)] + [
        datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    ]


def day_starts(year: int, month: int | None = None) -> list[datetime]:
    """Edges of the days of a period: each local midnight, then the period's end."""
    start, end = period_bounds(year, month)
    first, last = start.date(), end.date()
    days = (last - first).days
    return [
        datetime.combine(first + timedelta(days=i), datetime.min.time(), tzinfo=SHANGHAI)
        for i in range(days + 1)
    ]


def same_day_last_year(day: date) -> date | None:
    """The same calendar day one year earlier; None for 29 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return None


def code_prefix(code: str) -> str:
    """The significant digits of a 12-digit division code: 640500000000 → 6405."""
    significant = code.rstrip("0")
    for depth in (2, 4, 6, 9):
        if len(significant) <= depth:
            return code[:depth]
    return code


def region_contains(prefix: str, code: str | None) -> bool:
    """True when a 12-digit place code lies inside the region with this code prefix."""
    return code is not None and bool(prefix) and code.startswith(prefix)


# Canonical statuses the rules look at (the values of logistics.models.TrackingStatus).
PICKED_UP = "picked_up"
DELIVERED = "delivered"
READY_FOR_PICKUP = "ready_for_pickup"

# One event as the rules see it: (status, place code, code of the place of its station).
EventPlaces = tuple[str, str | None, str | None]


def collected_inside(prefix: str, sender: str | None, events: Iterable[EventPlaces]) -> bool:
    """Collected in the region: the sender place is inside, or (unknown) a pickup scan was."""
    if sender is not None:
        return region_contains(prefix, sender)
    return any(
        status == PICKED_UP and region_contains(prefix, place) for status, place, _ in events
    )


def delivered_inside(prefix: str, recipient: str | None, events: Iterable[EventPlaces]) -> bool:
    """Delivered in the region: the recipient place is inside, or (unknown) the delivery was.

    Without a recipient place, a `delivered` event placed inside, or a `delivered` /
    `ready_for_pickup` event at a station inside, makes the parcel delivered inside.
    """
    if recipient is not None:
        return region_contains(prefix, recipient)
    return any(
        (status == DELIVERED and region_contains(prefix, place))
        or (status in (DELIVERED, READY_FOR_PICKUP) and region_contains(prefix, station_place))
        for status, place, station_place in events
    )


def direction_of(collected_in: bool, delivered_in: bool) -> Direction | None:
    """The direction of a parcel from where it was collected and delivered; None if neither."""
    if collected_in and delivered_in:
        return Direction.INTRA
    if collected_in:
        return Direction.OUTBOUND
    if delivered_in:
        return Direction.INBOUND
    return None


def county_of(code: str) -> str | None:
    """The county (区县) code holding a place, or None for a place above county level."""
    if len(code) != 12 or code[4:6] == "00":
        return None
    return code[:6] + "000000"


def township_of(code: str) -> str | None:
    """The township (乡镇) code holding a place, or None for a county-level place or above."""
    if len(code) != 12 or code[6:9] == "000":
        return None
    return code[:9] + "000"


def growth_percent(current: int, previous: int | None) -> float | None:
    """Year-on-year growth in percent (one decimal); None when the base is missing or zero."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous, 1)


def share_percent(part: int, whole: int) -> float | None:
    """A part of a whole in percent (one decimal); None for an empty whole."""
    if whole <= 0:
        return None
    return round(part * 100 / whole, 1)


def mean_hours(total: float, n: int) -> float | None:
    """An average in hours (one decimal); None when nothing was measured."""
    if n <= 0:
        return None
    return round(total / n, 1)


def median_slice(n: int) -> tuple[int, int]:
    """Offset and length of the middle value(s) of n sorted values (n > 0)."""
    return (n - 1) // 2, 1 if n % 2 else 2


@dataclass(frozen=True)
class Measures:
    """What the statistic counts in one cell (a period, and maybe one county, carrier, …).

    `collected_*` are about parcels collected (揽收) in the region in the period — the plan's
    express volume; `delivered_*` about parcels delivered (派送/签收) in it.
    """

    collected: int = 0
    collected_e_waybill: int = 0
    collected_timed: int = 0
    collected_hours: float = 0.0
    delivered: int = 0
    delivered_at_station: int = 0
    delivered_at_locker: int = 0
    delivered_timed: int = 0
    delivered_hours: float = 0.0

    def __add__(self, other: Measures) -> Measures:
        """Add two cells field by field."""
        return Measures(
            collected=self.collected + other.collected,
            collected_e_waybill=self.collected_e_waybill + other.collected_e_waybill,
            collected_timed=self.collected_timed + other.collected_timed,
            collected_hours=self.collected_hours + other.collected_hours,
            delivered=self.delivered + other.delivered,
            delivered_at_station=self.delivered_at_station + other.delivered_at_station,
            delivered_at_locker=self.delivered_at_locker + other.delivered_at_locker,
            delivered_timed=self.delivered_timed + other.delivered_timed,
            delivered_hours=self.delivered_hours + other.delivered_hours,
        )

    @property
    def e_waybill_share(self) -> float | None:
        """Share of collected parcels that carried an electronic waybill (R14), in percent."""
        return share_percent(self.collected_e_waybill, self.collected)

    @property
    def station_share(self) -> float | None:
        """Share of delivered parcels handed over at a station or locker, in percent."""
        return share_percent(self.delivered_at_station, self.delivered)

    @property
    def locker_share(self) -> float | None:
        """Share of delivered parcels handed over at a smart locker, in percent."""
        return share_percent(self.delivered_at_locker, self.delivered)

    @property
    def collected_mean_hours(self) -> float | None:
        """Average hours from collection to delivery of the collected parcels already delivered."""
        return mean_hours(self.collected_hours, self.collected_timed)

    @property
    def delivered_mean_hours(self) -> float | None:
        """Average hours from collection to delivery of the parcels delivered in the period."""
        return mean_hours(self.delivered_hours, self.delivered_timed)


ZERO = Measures()


def sum_measures(cells: Iterable[Measures]) -> Measures:
    """The sum of several cells."""
    total = ZERO
    for cell in cells:
        total = total + cell
    return total
