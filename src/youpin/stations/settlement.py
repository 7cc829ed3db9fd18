"""Reads: a month's station settlement statements, limited to what a scope may see.

Pieces are counted from tracking events recorded at stations (`TrackingEvent.station`), each
parcel once per station, service and month (Asia/Shanghai). The pricing itself is pure:
youpin.stations.settlement_rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.models import Carrier, TrackingEvent, TrackingStatus
from youpin.stations.models import FeeRule, Station, Subsidy
from youpin.stations.settlement_rules import (
    CHECKIN,
    DOOR,
    PAID_SERVICES,
    PICKUP,
    RAW_CODE_KIND,
    FeeRuleTerms,
    Statement,
    SubsidyTerms,
    event_kind,
    raw_codes_of,
    statement_compute,
)

LOCAL = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class SettlementQueryError(ValueError):
    """A settlement request that cannot be answered as asked (bad month, unknown code)."""


def month_parse(text: str) -> date:
    """ "2025-06" → 2025-06-01; a clear error otherwise."""
    match = _MONTH.match((text or "").strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise SettlementQueryError(f"月份应写作 YYYY-MM，如 2025-06；收到：{text!r}")
    return date(int(match[1]), int(match[2]), 1)


def month_window(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, Asia/Shanghai."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=LOCAL),
        datetime.combine(following, time.min, tzinfo=LOCAL),
    )


def settlement_stations(scope: Scope) -> QuerySet[Station]:
    """Stations whose statements the scope may see; merchants and consumers none."""
    qs = Station.objects.select_related("place")
    if scope.role in {Role.OPERATOR, Role.CARRIER}:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(place__code__startswith=scope.region_prefix)
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        return qs.filter(pk=scope.station_id)
    raise PermissionDenied("该角色不能查看站点结算")


def _carrier_filter(scope: Scope, carrier_code: str | None) -> Carrier | None:
    """The carrier to limit to: a carrier account's own, else the one asked for."""
    carrier = None
    if carrier_code:
        carrier = Carrier.objects.filter(code=carrier_code.strip()).first()
        if carrier is None:
            raise SettlementQueryError(f"未知的快递公司代码：{carrier_code}")
    if scope.role == Role.CARRIER:
        if scope.carrier_id is None:
            raise PermissionDenied("该快递公司账户未指定快递公司")
        if carrier is not None and carrier.pk != scope.carrier_id:
            raise PermissionDenied("只能查看本公司的结算")
        carrier = Carrier.objects.get(pk=scope.carrier_id)
    return carrier


def _rules() -> tuple[list[FeeRuleTerms], list[SubsidyTerms]]:
    """Every fee rule and subsidy as pure terms."""
    rules = [
        FeeRuleTerms(
            carrier=r.carrier.code if r.carrier is not None else None,
            service=r.service,
            min_g=r.weight_min_g,
            max_g=r.weight_max_g,
            fee=r.fee,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            rule_id=r.pk,
        )
        for r in FeeRule.objects.select_related("carrier")
    ]
    subsidies = [
        SubsidyTerms(
            service=s.service,
            county=s.county_id,
            amount=s.amount,
            valid_from=s.valid_from,
            valid_to=s.valid_to,
        )
        for s in Subsidy.objects.all()
    ]
    return rules, subsidies


_DELIVERED = Q(raw_code__in=raw_codes_of(PICKUP, DOOR)) | (
    Q(status=TrackingStatus.DELIVERED) & ~Q(raw_code__in=list(RAW_CODE_KIND))
)
_CHECKIN = Q(raw_code__in=raw_codes_of(CHECKIN)) | (
    Q(status=TrackingStatus.READY_FOR_PICKUP) & ~Q(raw_code__in=list(RAW_CODE_KIND))
)


def settlement_statements(
    scope: Scope,
    *,
    month: date,
    station_code: str | None = None,
    carrier_code: str | None = None,
) -> list[Statement]:
    """One statement per station and carrier with station events in the month."""
    stations = settlement_stations(scope)
    if station_code:
        stations = stations.filter(code=station_code.strip())
        if not stations.exists():
            raise SettlementQueryError(f"站点 {station_code} 不存在或不在您的范围内")
    carrier = _carrier_filter(scope, carrier_code)
    start, end = month_window(month)
    events = TrackingEvent.objects.filter(
        station__isnull=False, occurred_at__gte=start, occurred_at__lt=end
    )
    sees_all_stations = scope.role in {Role.OPERATOR, Role.CARRIER} and not station_code
    if not sees_all_stations:
        events = events.filter(station__in=stations)
    if carrier is not None:
        events = events.filter(parcel__carrier=carrier)
    # (station, carrier) → kind → parcel → weight
    pieces: dict[tuple[int, int], dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    rows = events.values_list(
        "station_id", "parcel_id", "parcel__carrier_id", "raw_code", "status", "parcel__weight_g"
    )
    for station_id, parcel_id, carrier_id, raw_code, status, weight in rows.iterator(
        chunk_size=5000
    ):
        kind = event_kind(raw_code, status)
        if kind is not None:
            pieces[(station_id, carrier_id)][kind][parcel_id] = weight
    for kinds in pieces.values():  # delivered to the door is not also a pickup at the counter
        for parcel_id in kinds.get(DOOR, {}):
            kinds.get(PICKUP, {}).pop(parcel_id, None)
    checked_in = events.filter(_CHECKIN).values("parcel_id")
    delivered_later: dict[tuple[int, int], set[int]] = defaultdict(set)
    later = TrackingEvent.objects.filter(
        _DELIVERED, station__isnull=False, occurred_at__gte=start, parcel_id__in=checked_in
    ).values_list("station_id", "parcel__carrier_id", "parcel_id")
    for station_id, carrier_id, parcel_id in later:
        delivered_later[(station_id, carrier_id)].add(parcel_id)
    rules, subsidies = _rules()
    station_rows = {s.pk: s for s in Station.objects.filter(pk__in={k[0] for k in pieces})}
    carrier_rows = {c.pk: c for c in Carrier.objects.filter(pk__in={k[1] for k in pieces})}
    statements = []
    for (station_id, carrier_id), kinds in pieces.items():
        station, carrier_row = station_rows[station_id], carrier_rows[carrier_id]
        checked = kinds.get(CHECKIN, {})
        statements.append(
            statement_compute(
                station=(station.code, station.name),
                carrier=(carrier_row.code, carrier_row.name),
                county=station.place_id[:6] + "000000",
                month=month,
                weights={s: list(kinds.get(s, {}).values()) for s in PAID_SERVICES},
                counts={kind: len(parcels) for kind, parcels in kinds.items()},
                checked_in=len(checked),
                delivered_of_checked_in=len(
                    set(checked) & delivered_later.get((station_id, carrier_id), set())
                ),
                rules=rules,
                subsidies=subsidies,
            )
        )
    statements.sort(key=lambda s: (s.station_code, s.carrier_code))
    return statements
