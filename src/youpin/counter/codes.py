"""Pickup codes, waybill shapes and shelf slots: pure functions, no Django.

Station software in use issues either a shelf-tier-serial code (`3-2-108`: shelf 3, tier
2, the station's running number 108) or a 6-digit number at the inbound scan (see
docs/STATIONS_COUNTER.md and the station practice notes in the shared reference).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from youpin.logistics.carriers import CARRIERS

SERIAL_LIMIT = 10_000  # serials run 1 … 9999, then start again
DIGITS = 6

SHELF_CODE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{1,4})$")
DIGITS_CODE_RE = re.compile(r"^\d{6}$")
PHONE_TAIL_RE = re.compile(r"^\d{4}$")
WAYBILL_RE = re.compile(r"^[A-Z0-9]{6,40}$")


def normalise_waybill(raw: str) -> str:
    """A scanned or typed waybill without spaces or dashes, in upper case."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def normalise_code(raw: str) -> str:
    """A typed pickup code: spaces removed, other dashes (－, –, _) read as `-`."""
    text = re.sub(r"\s", "", raw or "")
    return re.sub(r"[－–—_]", "-", text)


def is_pickup_code(text: str) -> bool:
    """True when the text has the shape of a pickup code of either style."""
    return bool(SHELF_CODE_RE.match(text) or DIGITS_CODE_RE.match(text))


def shelf_code(shelf: int, tier: int, serial: int) -> str:
    """The shelf-tier-serial code, e.g. `3-2-108`."""
    return f"{shelf}-{tier}-{serial}"


def next_serial(serial: int) -> int:
    """The serial after this one, from 1 to 9999 and round again."""
    return serial % (SERIAL_LIMIT - 1) + 1


def random_digits() -> str:
    """A 6-digit code from the system's random source (never starting with 0)."""
    return str(100_000 + secrets.randbelow(900_000))


def phone_tail(phone: str) -> str:
    """The last four digits of a phone number ('' when it has fewer)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


@dataclass(frozen=True)
class WaybillShape:
    """What a waybill's shape says about its carrier."""

    waybill: str
    carriers: tuple[str, ...]  # codes whose pattern it matches, in the reference order
    well_formed: bool  # letters and digits, 6 to 40 of them

    @property
    def carrier(self) -> str | None:
        """The one carrier it can belong to, or None when none or several match."""
        return self.carriers[0] if len(self.carriers) == 1 else None


def waybill_shape(raw: str) -> WaybillShape:
    """Which reference carriers' waybill patterns a number matches."""
    waybill = normalise_waybill(raw)
    matches = tuple(c.code for c in CARRIERS if re.match(c.waybill_pattern, waybill))
    return WaybillShape(waybill, matches, bool(WAYBILL_RE.match(waybill)))


def choose_slot(
    shelves: int, tiers: int, capacity: int, occupied: Mapping[tuple[int, int], int], turn: int
) -> tuple[int, int] | None:
    """The emptiest (shelf, tier), counting from `turn` so ties rotate; None when all are full.

    Shelves and tiers are numbered from 1; `occupied` counts waiting parcels per slot.
    """
    slots = [(s, t) for s in range(1, shelves + 1) for t in range(1, tiers + 1)]
    if not slots:
        return None
    start = turn % len(slots)
    rotated = slots[start:] + slots[:start]
    best = min(rotated, key=lambda slot: occupied.get(slot, 0))
    return best if occupied.get(best, 0) < capacity else None


REMINDER_HOURS = (24, 48)
RETURN_HOURS = 72


def overdue_stage(hours_waiting: float) -> int:
    """0 before 24 h, 1 after 24 h (first reminder), 2 after 48 h, 3 after 72 h (return)."""
    if hours_waiting >= RETURN_HOURS:
        return 3
    if hours_waiting >= REMINDER_HOURS[1]:
        return 2
    if hours_waiting >= REMINDER_HOURS[0]:
        return 1
    return 0
