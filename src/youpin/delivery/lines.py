"""Parcels onto the fixed freight lines running that day, up to their capacity (pure).

A delivery parcel whose stop is a station on a line that runs that day rides the line: the
first line (in the order given) with room left on one of its departures, in departure order.
Room is the line's capacity per departure in kg and dm³ (the vehicle's, or the bus line's
parcel hold), counted with the same rounding as the vans (`build.demand`). Cold-chain parcels
only ride a cold line (a bus never is). What does not fit goes to the vans: the caller routes it.
Pickups do not ride lines (the timetable runs out from the hub).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from youpin.delivery.build import ParcelItem, demand
from youpin.routing.problem import JobKind


@dataclass(frozen=True, slots=True)
class LineSpec:
    """A freight line that runs today: its stations (stop keys) in order and its departures."""

    id: int
    name: str
    stops: tuple[str, ...]
    minutes: tuple[int, ...]
    departures: tuple[int, ...]
    capacity_kg: int
    capacity_dm3: int
    cold: bool = False
    #: The vehicle running it (its id), or None for a bus line's hold.
    vehicle: str | None = None


@dataclass(slots=True)
class LineRun:
    """One departure of a line with the parcels it carries."""

    line: int
    departure: int
    parcels: list[int] = field(default_factory=list)
    weight_g: int = 0
    volume_cm3: int = 0
    #: Parcels per stop key.
    per_stop: dict[str, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class LineAssignment:
    """The runs of every line today and the parcels left for the vans."""

    runs: list[LineRun]
    rest: list[ParcelItem]

    def parcel_run(self) -> dict[int, LineRun]:
        """The run each line parcel rides."""
        return {p: run for run in self.runs for p in run.parcels}


def assign_to_lines(parcels: Sequence[ParcelItem], lines: Sequence[LineSpec]) -> LineAssignment:
    """Put every delivery parcel for a line's station on that line while there is room."""
    runs = [LineRun(line.id, dep) for line in lines for dep in line.departures]
    by_line: dict[int, list[LineRun]] = {}
    for run in runs:
        by_line.setdefault(run.line, []).append(run)
    rest: list[ParcelItem] = []
    for parcel in sorted(parcels, key=lambda p: p.id):
        placed = False
        if parcel.kind is JobKind.DELIVERY:
            for line in lines:
                if parcel.stop not in line.stops or (parcel.cold and not line.cold):
                    continue
                for run in by_line.get(line.id, []):
                    kg, dm3 = demand(run.weight_g + parcel.weight_g, run.volume_cm3 + parcel.volume)
                    if kg <= line.capacity_kg and dm3 <= line.capacity_dm3:
                        run.parcels.append(parcel.id)
                        run.per_stop.setdefault(parcel.stop, []).append(parcel.id)
                        run.weight_g += parcel.weight_g
                        run.volume_cm3 += parcel.volume
                        placed = True
                        break
                if placed:
                    break
        if not placed:
            rest.append(parcel)
    return LineAssignment(runs, rest)
