"""Station settlement: classify station events, price pieces by rules, the 妥投率. Pure.

A statement covers one station, one carrier and one calendar month. Pieces are parcels
(each counted once per service and month); fees come from rules (carrier × service ×
weight band, valid on the month's first day) and subsidies per piece (by service, optionally
one county). docs/STATIONS.md gives the definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Services a station is paid for.
PICKUP = "pickup"  # the recipient picked the parcel up at the station (station_pickup)
DOOR = "door"  # the station delivered it to the recipient's door (station_door_delivery)
SEND = "send"  # the station took a parcel in and handed it to the carrier (station_send)
PAID_SERVICES: dict[str, str] = {PICKUP: "到站自取", DOOR: "送货上门", SEND: "代寄"}

# Other counted kinds of station event.
CHECKIN = "checkin"
EXCEPTION = "exception"
OVERDUE = "overdue"
RETURN = "return"
EVENT_KINDS: dict[str, str] = {
    CHECKIN: "入站",
    PICKUP: "到站自取",
    DOOR: "送货上门",
    SEND: "代寄",
    EXCEPTION: "异常（破损、拒收、地址错误）",
    OVERDUE: "滞留超期",
    RETURN: "退回",
}

# The counter's raw codes (source="station"), then canonical statuses for events at a
# station that came with another code (carrier feeds, the demo).
COUNTER_CODES: dict[str, str] = {
    "station_checkin": CHECKIN,
    "station_pickup": PICKUP,
    "station_door_delivery": DOOR,
    "station_send": SEND,
    "station_damaged": EXCEPTION,
    "station_refused": EXCEPTION,
    "station_wrong_address": EXCEPTION,
    "station_overdue": OVERDUE,
    "station_return": RETURN,
}
RAW_CODE_KIND: dict[str, str] = COUNTER_CODES  # TrackingEvent.raw_code holds 40 characters


def raw_codes_of(*kinds: str) -> list[str]:
    """The counter codes of some kinds."""
    return sorted(code for code, kind in RAW_CODE_KIND.items() if kind in kinds)


STATUS_KIND: dict[str, str] = {
    "ready_for_pickup": CHECKIN,
    "delivered": PICKUP,
    "picked_up": SEND,
    "delivery_failed": EXCEPTION,
    "on_hold": OVERDUE,
    "return_to_sender": RETURN,
}


def event_kind(raw_code: str, status: str) -> str | None:
    """What a station event counts as: its counter code first, else its canonical status."""
    return RAW_CODE_KIND.get(raw_code) or STATUS_KIND.get(status)


@dataclass(frozen=True)
class FeeRuleTerms:
    """A fee per piece: carrier code (None = any), service, weight band [min, max) grams."""

    carrier: str | None
    service: str
    min_g: int
    max_g: int | None
    fee: Decimal
    valid_from: date
    valid_to: date | None = None
    rule_id: int | None = None

    def valid_on(self, day: date) -> bool:
        """True when the rule applies on a day."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def fits(self, carrier: str, service: str, weight_g: int) -> bool:
        """True when the rule prices a piece of this carrier, service and weight."""
        return (
            self.service == service
            and (self.carrier is None or self.carrier == carrier)
            and self.min_g <= weight_g
            and (self.max_g is None or weight_g < self.max_g)
        )

    @property
    def band(self) -> str:
        """The weight band as people read it: 0–3000 g, ≥ 3000 g."""
        return band_label(self.min_g, self.max_g)


@dataclass(frozen=True)
class SubsidyTerms:
    """A subsidy per piece of a service, in one county (None = everywhere)."""

    service: str
    county: str | None
    amount: Decimal
    valid_from: date
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        """True when the subsidy applies on a day."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def band_label(min_g: int, max_g: int | None) -> str:
    """A weight band as text."""
    return f"≥ {min_g} g" if max_g is None else f"{min_g}–{max_g} g"


@dataclass(frozen=True)
class FeeLine:
    """Pieces of one service in one weight band, priced by one rule (or by none)."""

    service: str
    band: str
    pieces: int
    fee: Decimal | None
    amount: Decimal
    rule_id: int | None

    @property
    def priced(self) -> bool:
        """False when no rule matched: the pieces are listed, worth nothing until a rule exists."""
        return self.fee is not None


@dataclass(frozen=True)
class SubsidyLine:
    """Pieces of one service times the subsidy per piece."""

    service: str
    pieces: int
    per_piece: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    """One station's settlement with one carrier for one month."""

    station_code: str
    station_name: str
    carrier_code: str
    carrier_name: str
    month: date
    counts: dict[str, int]
    lines: list[FeeLine]
    subsidies: list[SubsidyLine]
    checked_in: int
    delivered_of_checked_in: int
    fees_total: Decimal = ZERO
    subsidies_total: Decimal = ZERO
    unpriced_pieces: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Fees plus subsidies."""
        return self.fees_total + self.subsidies_total

    @property
    def delivery_rate_pct(self) -> Decimal | None:
        """妥投率: of the parcels checked in this month, the share delivered since (per cent)."""
        return delivery_rate_pct(self.delivered_of_checked_in, self.checked_in)

    @property
    def month_label(self) -> str:
        """YYYY-MM."""
        return f"{self.month:%Y-%m}"


def delivery_rate_pct(delivered: int, checked_in: int) -> Decimal | None:
    """Delivered ÷ checked in as a percentage with one decimal; None without check-ins."""
    if checked_in <= 0:
        return None
    return (Decimal(100) * delivered / checked_in).quantize(Decimal("0.1"))


def rule_for(
    rules: Sequence[FeeRuleTerms], *, carrier: str, service: str, weight_g: int, day: date
) -> FeeRuleTerms | None:
    """The rule pricing a piece: the carrier's own before any-carrier, then the latest start."""
    fitting = [r for r in rules if r.valid_on(day) and r.fits(carrier, service, weight_g)]
    if not fitting:
        return None
    return max(fitting, key=lambda r: (r.carrier is not None, r.valid_from, -(r.rule_id or 0)))


def subsidy_for(
    subsidies: Sequence[SubsidyTerms], *, service: str, county: str, day: date
) -> SubsidyTerms | None:
    """The subsidy for a service in a county: the county's own before the general one."""
    fitting = [
        s
        for s in subsidies
        if s.service == service and s.valid_on(day) and s.county in (None, county)
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda s: (s.county is not None, s.valid_from))


def statement_compute(
    *,
    station: tuple[str, str],
    carrier: tuple[str, str],
    county: str,
    month: date,
    weights: Mapping[str, Sequence[int]],
    counts: Mapping[str, int],
    checked_in: int,
    delivered_of_checked_in: int,
    rules: Sequence[FeeRuleTerms],
    subsidies: Sequence[SubsidyTerms],
) -> Statement:
    """Price the month's pieces: `weights` lists each paid service's pieces by weight (grams)."""
    first = month.replace(day=1)
    lines: list[FeeLine] = []
    unpriced = 0
    for service in PAID_SERVICES:
        groups: dict[FeeRuleTerms | None, int] = {}
        for weight in weights.get(service, ()):
            rule = rule_for(rules, carrier=carrier[0], service=service, weight_g=weight, day=first)
            groups[rule] = groups.get(rule, 0) + 1
        priced = sorted((r for r in groups if r is not None), key=lambda r: (r.min_g, r.max_g or 0))
        for rule in priced:
            n = groups[rule]
            amount = (rule.fee * n).quantize(CENT)
            lines.append(FeeLine(service, rule.band, n, rule.fee, amount, rule.rule_id))
        if None in groups:
            unpriced += groups[None]
            lines.append(FeeLine(service, "无适用规则", groups[None], None, ZERO, None))
    subsidy_lines: list[SubsidyLine] = []
    for service in PAID_SERVICES:
        n = len(weights.get(service, ()))
        terms = subsidy_for(subsidies, service=service, county=county, day=first)
        if n and terms is not None:
            amount = (terms.amount * n).quantize(CENT)
            subsidy_lines.append(SubsidyLine(service, n, terms.amount, amount))
    notes = []
    if unpriced:
        notes.append(f"{unpriced} 件没有适用的计费规则，未计费用；补充规则后重新生成即可。")
    return Statement(
        station_code=station[0],
        station_name=station[1],
        carrier_code=carrier[0],
        carrier_name=carrier[1],
        month=first,
        counts={kind: int(counts.get(kind, 0)) for kind in EVENT_KINDS},
        lines=lines,
        subsidies=subsidy_lines,
        checked_in=checked_in,
        delivered_of_checked_in=delivered_of_checked_in,
        fees_total=sum((line.amount for line in lines), ZERO),
        subsidies_total=sum((line.amount for line in subsidy_lines), ZERO),
        unpriced_pieces=unpriced,
        notes=notes,
    )
