"""Canonical events → rows for the staging table: keys, flags, places and stations.

Each event becomes one tuple in `STAGE_COLUMNS` order. Times are UTC text in the form
each database compares correctly (Django's own form on SQLite, ISO with offset on
PostgreSQL). Places are checked against the division table and stations are matched by
name, both through small bounded caches, so a five-million-row file costs one query per
new code rather than one per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from youpin.connectors.records import TrackingEventRecord
from youpin.geo.models import Place
from youpin.ingest.tracking.cache import cached_by_model
from youpin.logistics.models import EventFlag, StatusBasis, TrackingEvent
from youpin.stations.models import Station

STAGE_COLUMNS: tuple[str, ...] = (
    "carrier_id",
    "waybill_no",
    "occurred_at",
    "status",
    "raw_code",
    "raw_text",
    "place_id",
    "raw_place_code",
    "place_name",
    "facility",
    "station_id",
    "source",
    "status_basis",
    "flags",
    "dedupe_key",
    "weight_g",
    "parcel_id",
)

_CACHE_LIMIT = 50_000
_FUTURE = int(EventFlag.FUTURE)
_TIME_ZONE_ASSUMED = int(EventFlag.TIME_ZONE_ASSUMED)
_PLACE_UNKNOWN = int(EventFlag.PLACE_UNKNOWN)
# Positions in a staging row of what decides between two readings of one event.
_STATUS_AT, _RAW_CODE_AT, _SOURCE_AT, _BASIS_AT, _FLAGS_AT, _KEY_AT = 3, 4, 11, 12, 13, 14
# Field lengths, read from the model so a migration cannot leave them behind.
_LENGTHS = {f.name: getattr(f, "max_length", None) for f in TrackingEvent._meta.fields}
_RAW_CODE = _LENGTHS["raw_code"] or 20
_RAW_TEXT = _LENGTHS["raw_text"] or 500
_RAW_PLACE = _LENGTHS["raw_place_code"] or 20
_PLACE_NAME = _LENGTHS["place_name"] or 120
_FACILITY = _LENGTHS["facility"] or 120
_SOURCE = _LENGTHS["source"] or 20
WAYBILL_MAX = 40

# Which field decided a status, as the connectors note it in `extra["status_source"]`.
_PARCEL_LEVEL = frozenset({"state", "State", "StateEx"})


def utc_text(moment: datetime, *, postgres: bool) -> str:
    """An aware time as UTC text: '2024-06-01 01:00:00' (SQLite) or with '+00:00' (PostgreSQL)."""
    text = moment.astimezone(UTC).isoformat(" ")
    return text if postgres else text[:-6]


def dedupe_key(occurred_at: str, raw_text: str, raw_code: str, status: str) -> str:
    """The event's identity within its parcel: its time and words, or its code without words.

    The status and raw code are left out when there is text, so the same trace read
    once by its own code and once by the parcel's overall state is still one event.
    """
    basis = (
        f"{occurred_at}\x1f{raw_text}"
        if raw_text
        else f"{occurred_at}\x1f\x1f{raw_code}\x1f{status}"
    )
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()


def rank(row: tuple[object, ...]) -> tuple[bool, int, str, str, str]:
    """Which reading of one event wins: a known status, then the more specific code, then
    (only to be deterministic) the larger status, raw code and source by code point — the
    order the database applies too (`StageLoader.rank`)."""
    return (
        row[_STATUS_AT] != "unknown",
        int(str(row[_BASIS_AT])),
        str(row[_STATUS_AT]),
        str(row[_RAW_CODE_AT]),
        str(row[_SOURCE_AT]),
    )


def merged(first: tuple[object, ...], second: tuple[object, ...]) -> tuple[object, ...]:
    """One row for two readings of the same event: the better one, with the flags of both."""
    best = second if rank(second) > rank(first) else first
    flags = int(str(first[_FLAGS_AT])) | int(str(second[_FLAGS_AT]))
    return (*best[:_FLAGS_AT], flags, *best[_FLAGS_AT + 1 :])


def status_basis(event: TrackingEventRecord) -> int:
    """How specific the code that decided the event's status was (a `StatusBasis`)."""
    source = event.extra.get("status_source", "")
    if source in _PARCEL_LEVEL:
        return StatusBasis.PARCEL_STATE
    if source == "text" or not event.raw_code:
        return StatusBasis.WORDS
    return StatusBasis.EVENT_CODE


def station_aliases(name: str, code: str) -> set[str]:
    """The names a station goes by in trace texts: its code, its name, its short sign.

    "中卫市兴仁镇电商快递兴农超市" is written "兴仁镇兴农超市" in traces: the city is
    dropped and the unified sign shortened.
    """
    names = {code.strip(), name.strip()}
    short = name.strip()
    city_end = short.find("市")
    if 0 < city_end < 5 and len(short) > city_end + 2:
        short = short[city_end + 1 :]
    names.add(short)
    names.add(short.replace("电商快递兴农超市", "兴农超市"))
    return {n for n in names if n}


@dataclass
class HeldEvent:
    """An event that cannot be applied (its carrier is not ours, or its waybill is bad)."""

    code: str
    reason: str
    event: TrackingEventRecord

    def raw(self) -> dict[str, str]:
        """The event as plain text fields, to keep with the rejected row."""
        e = self.event
        return {
            "waybill_no": e.waybill_no,
            "carrier": e.carrier_code,
            "occurred_at": e.occurred_at.isoformat(),
            "status": str(e.status),
            "raw_code": e.raw_code,
            "raw_text": e.raw_text,
            "place_code": e.place_code or "",
            "source": e.source,
        }


@dataclass
class RowCounts:
    """What converting events to rows noticed."""

    unknown_status: int = 0
    places_unmatched: int = 0
    future: int = 0
    time_zone_assumed: int = 0
    stations_matched: int = 0
    held: int = 0
    unknown_carriers: dict[str, int] = field(default_factory=dict)


class PlaceCheck:
    """Which 12-digit codes are in the division table; one query per chunk for new codes."""

    def __init__(self, lookup: Callable[[Sequence[str]], Iterable[str]] | None = None) -> None:
        self._lookup = lookup or _places_in_table
        self._known: dict[str, bool] = {}

    def prepare(self, codes: Iterable[str]) -> None:
        """Look up the codes not yet seen, in one go."""
        new = sorted({c for c in codes if c not in self._known})
        if not new:
            return
        if len(self._known) + len(new) > _CACHE_LIMIT:
            self._known.clear()
        found = set(self._lookup(new))
        self._known.update((c, c in found) for c in new)

    def exists(self, code: str) -> bool:
        """True when the code is a division we hold (call `prepare` first)."""
        known = self._known.get(code)
        if known is None:
            self.prepare([code])
            known = self._known[code]
        return known


def _places_in_table(codes: Sequence[str]) -> Iterable[str]:
    """The codes of `codes` that are places in the database."""
    found: list[str] = []
    for start in range(0, len(codes), 500):
        part = codes[start : start + 500]
        found += Place.objects.filter(code__in=part).values_list("code", flat=True)
    return found


class StationIndex:
    """Active stations by every name they go by; names used by two stations match neither."""

    def __init__(self) -> None:
        self._by_name: dict[str, int] | None = None

    def find(self, name: str) -> int | None:
        """The station called `name`, or None."""
        if self._by_name is None:
            self._by_name = _STATION_NAMES.get()
        return self._by_name.get(name.strip())


def _station_names() -> dict[str, int]:
    """Read the active stations' names (cached per process; see `cache`)."""
    seen: dict[str, int] = {}
    twice: set[str] = set()
    stations = Station.objects.filter(is_active=True).values_list("id", "name", "code")
    for pk, name, code in stations:
        for alias in station_aliases(name, code):
            if alias in seen and seen[alias] != pk:
                twice.add(alias)
            seen[alias] = pk
    return {k: v for k, v in seen.items() if k not in twice}


_STATION_NAMES = cached_by_model(_station_names, Station)


class ParcelIds:
    """Parcel ids by (carrier id, waybill) for the parcels seen lately, in bounded memory.

    A carrier's export keeps a parcel's scans close together, so most rows of a big file
    find their parcel here and need no lookup in the database. Two generations: when
    the newer fills up, the older is dropped.
    """

    def __init__(self, size: int = 200_000) -> None:
        self._size = size
        self._new: dict[tuple[int, str], int] = {}
        self._old: dict[tuple[int, str], int] = {}

    def get(self, key: tuple[int, str]) -> int | None:
        """The parcel's id, if seen lately."""
        found = self._new.get(key)
        return found if found is not None else self._old.get(key)

    def remember(self, pairs: Iterable[tuple[int, str, int]]) -> None:
        """Keep (carrier id, waybill, parcel id) triples."""
        for carrier_id, waybill, parcel_id in pairs:
            if len(self._new) >= self._size:
                self._old, self._new = self._new, {}
            self._new[(carrier_id, waybill)] = parcel_id


class RowBuilder:
    """Turns canonical events into staging rows, holding back what cannot be applied."""

    def __init__(
        self,
        *,
        carrier_ids: dict[str, int],
        source: str,
        postgres: bool,
        places: PlaceCheck | None = None,
        stations: StationIndex | None = None,
    ) -> None:
        self.carrier_ids = carrier_ids
        self.source = source[:_SOURCE]
        self.postgres = postgres
        self.places = places or PlaceCheck()
        self.stations = stations or StationIndex()
        self.parcel_ids = ParcelIds()
        self.counts = RowCounts()
        self.repeats = 0  # events repeated within one chunk, merged into one row

    def build(
        self, events: Sequence[TrackingEventRecord]
    ) -> tuple[list[tuple[object, ...]], list[HeldEvent]]:
        """Rows for the events that can be applied, one per event, and the events held back.

        An event repeated within `events` gives one row: the better reading (`rank`) with
        the flags of both, which is what the database does with a repeat in a later chunk.
        """
        self.places.prepare(e.place_code for e in events if e.place_code)
        rows: list[tuple[object, ...]] = []
        where: dict[tuple[int, str, str], int] = {}
        held: list[HeldEvent] = []
        for event in events:
            carrier_id = self.carrier_ids.get(event.carrier_code)
            if carrier_id is None:
                held.append(self._hold_carrier(event))
                continue
            waybill = event.waybill_no.strip().upper()
            if not waybill or len(waybill) > WAYBILL_MAX:
                self.counts.held += 1
                reason = f"运单号「{waybill[:60]}」为空或超过 {WAYBILL_MAX} 个字符"
                held.append(HeldEvent("bad_waybill", reason, event))
                continue
            row = self._row(event, carrier_id, waybill)
            identity = (carrier_id, waybill, str(row[_KEY_AT]))
            seen = where.get(identity)
            if seen is None:
                where[identity] = len(rows)
                rows.append(row)
            else:
                self.repeats += 1
                rows[seen] = merged(rows[seen], row)
        return rows, held

    def _row(self, event: TrackingEventRecord, carrier_id: int, waybill: str) -> tuple[object, ...]:
        """The staging row of one event, counting what is doubtful about it."""
        counts = self.counts
        extra = event.extra
        flags = 0
        if extra.get("future"):
            flags |= _FUTURE
            counts.future += 1
        if event.time_zone_assumed:
            flags |= _TIME_ZONE_ASSUMED
            counts.time_zone_assumed += 1
        place_id: str | None = None
        raw_place = ""
        if event.place_code:
            if self.places.exists(event.place_code):
                place_id = event.place_code
            else:
                raw_place = event.place_code
        elif extra.get("area_code"):
            raw_place = extra["area_code"]
        if raw_place:
            flags |= _PLACE_UNKNOWN
            counts.places_unmatched += 1
        status = event.status.value
        if status == "unknown":
            counts.unknown_status += 1
        facility = (event.facility or extra.get("station_name", "")).strip()[:_FACILITY]
        station_id = self.stations.find(facility) if facility else None
        if station_id is not None:
            counts.stations_matched += 1
        occurred = utc_text(event.occurred_at, postgres=self.postgres)
        raw_text = event.raw_text[:_RAW_TEXT]
        raw_code = event.raw_code[:_RAW_CODE]
        weight = extra.get("weight_g", "")
        return (
            carrier_id,
            waybill,
            occurred,
            status,
            raw_code,
            raw_text,
            place_id,
            raw_place[:_RAW_PLACE],
            event.place_name[:_PLACE_NAME],
            facility,
            station_id,
            (event.source or self.source)[:_SOURCE],
            status_basis(event),
            flags,
            dedupe_key(occurred, raw_text, raw_code, status),
            int(weight) if weight.isdigit() and len(weight) < 9 else 0,
            self.parcel_ids.get((carrier_id, waybill)),
        )

    def _hold_carrier(self, event: TrackingEventRecord) -> HeldEvent:
        """Hold an event whose carrier we do not have, counting it by the code given."""
        counts = self.counts
        counts.held += 1
        code = event.carrier_code or ""
        if code in counts.unknown_carriers or len(counts.unknown_carriers) < 1000:
            counts.unknown_carriers[code] = counts.unknown_carriers.get(code, 0) + 1
        if code:
            reason = f"未识别的快递公司「{code}」：请在快递公司表中添加或补全其编码后重新导入"
        else:
            reason = "缺少快递公司：无法确定是哪家快递的运单，请补全后重新导入"
        return HeldEvent("unknown_carrier", reason, event)
