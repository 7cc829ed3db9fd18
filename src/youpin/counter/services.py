"""Writes at the counter: check-in, pick-up, exceptions, returns and overdue handling.

Each operation is one transaction: the custody row, the parcel's event (through
`events.station_event_record`) and the recipient's notification commit together or not
at all. Sending (代寄) is in `shipments.py`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from youpin.counter import codes
from youpin.counter.errors import CounterError
from youpin.counter.events import station_event_record
from youpin.counter.inserts import insert, insert_or_skip
from youpin.counter.models import (
    CodeStyle,
    Custody,
    CustodyState,
    ExceptionKind,
    MessageKind,
    OutboxMessage,
    ShelfLayout,
)
from youpin.counter.notices import arrival_text, reminder_text
from youpin.ingest.tracking.cache import cached_by_model
from youpin.logistics.models import Carrier, Parcel
from youpin.stations.models import Station

CODE_ATTEMPTS = 20

EXCEPTION_EVENTS = {
    ExceptionKind.DAMAGED: ("station_damaged", "快件在【{station}】验视时发现破损"),
    ExceptionKind.REFUSED: ("station_refused", "收件人在【{station}】拒收快件"),
    ExceptionKind.WRONG_ADDRESS: ("station_wrong_address", "快件地址有误，【{station}】无法派发"),
}


def shelf_layout_ensure(station: Station) -> ShelfLayout:
    """The station's shelf layout, created with the default one when it has none."""
    layout = ShelfLayout.objects.filter(station=station).first()
    if layout is not None:
        return layout
    try:
        with transaction.atomic():
            return ShelfLayout.objects.create(station=station)
    except IntegrityError:  # created meanwhile by another request
        return ShelfLayout.objects.get(station=station)


# -- check-in ------------------------------------------------------------------------------


@dataclass
class CheckIn:
    """A parcel checked in: where it lies, its code, and what the keeper should know."""

    custody: Custody
    parcel: Parcel
    created_parcel: bool
    notified: bool
    warnings: list[str] = field(default_factory=list)


def _carriers() -> dict[str, Carrier]:
    """The carriers by code (read once per process, reloaded when the table changes)."""
    return {c.code: c for c in Carrier.objects.all()}


_CARRIERS = cached_by_model(_carriers, Carrier)


def carrier_for_waybill(
    waybill: str, carrier_code: str = "", known: list[Parcel] | None = None
) -> tuple[Carrier, list[str]]:
    """The carrier of a scanned waybill: the keeper's choice, else that of the only parcel we
    hold with this number (`known`, read when not given), else the only carrier whose
    pattern it matches; with warnings about the waybill's shape."""
    shape = codes.waybill_shape(waybill)
    warnings: list[str] = []
    carriers = _CARRIERS.get()
    if carrier_code:
        carrier = carriers.get(carrier_code)
        if carrier is None:
            raise CounterError("unknown_carrier", _("没有这家快递公司"), 400)
        if carrier.code not in shape.carriers:
            warnings.append(_("运单号与该快递公司常见的格式不符，请核对"))
        return carrier, warnings
    if known is None:
        known = _known_parcels(shape.waybill)
    if len(known) == 1:
        return known[0].carrier, warnings
    if shape.carrier is not None and shape.carrier in carriers:
        return carriers[shape.carrier], warnings
    if shape.carriers:
        raise CounterError(
            "carrier_ambiguous",
            _("运单号可能属于多家快递公司，请选择快递公司"),
            422,
            candidates=list(shape.carriers),
        )
    raise CounterError(
        "carrier_unknown", _("无法从运单号识别快递公司，请选择快递公司"), 422, candidates=[]
    )


def _known_parcels(waybill: str) -> list[Parcel]:
    """Parcels we hold under this waybill number, whatever their carrier (two at most), with
    their carriers from the cache (raw SQL: the check-in's hottest read, without the ORM's
    query building)."""
    sql = f"SELECT * FROM {Parcel._meta.db_table} WHERE waybill_no = %s ORDER BY id LIMIT 2"
    found = list(Parcel.objects.raw(sql, [waybill]))
    if found:
        by_id = {c.pk: c for c in _CARRIERS.get().values()}
        for parcel in found:
            if parcel.carrier_id in by_id:
                parcel.carrier = by_id[parcel.carrier_id]
    return found


def _parcel_for(
    carrier: Carrier, waybill: str, phone: str, known: list[Parcel]
) -> tuple[Parcel, bool]:
    """The parcel with this carrier and waybill (among `known`, else read), created with the
    phone when new; (parcel, created)."""
    found = next((p for p in known if p.carrier_id == carrier.pk), None)
    if found is None and len(known) > 1:
        found = Parcel.objects.filter(carrier=carrier, waybill_no=waybill).first()
    created = False
    if found is None:
        fresh = Parcel(carrier=carrier, waybill_no=waybill, recipient_phone=phone)
        if insert_or_skip(fresh):
            found, created = fresh, True
        else:  # created meanwhile by another request
            found = Parcel.objects.get(carrier=carrier, waybill_no=waybill)
    found.carrier = carrier
    return found, created


def _take_serial(station: Station) -> ShelfLayout:
    """Advance the station's running number and read its layout in one statement (an UPDATE:
    concurrent check-ins at the station queue here); the layout is created when missing."""
    table = ShelfLayout._meta.db_table
    sql = (
        f"UPDATE {table} SET serial = serial %% {codes.SERIAL_LIMIT - 1} + 1"
        " WHERE station_id = %s RETURNING id, shelves, tiers, capacity, code_style, serial"
    )
    for _round in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [station.pk])
            row = cursor.fetchone()
        if row is not None:
            pk, shelves, tiers, capacity, style, serial = row
            return ShelfLayout(
                pk=pk, station=station, shelves=shelves, tiers=tiers, capacity=capacity,
                code_style=style, serial=serial,
            )  # fmt: skip
        shelf_layout_ensure(station)
    raise RuntimeError(f"no shelf layout for station {station.pk}")  # pragma: no cover


def _occupancy(station: Station) -> dict[tuple[int, int], int]:
    """Waiting parcels per (shelf, tier) at a station."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT shelf, tier, COUNT(*) FROM {Custody._meta.db_table}"
            " WHERE station_id = %s AND state = %s GROUP BY shelf, tier",
            [station.pk, CustodyState.WAITING.value],
        )
        return {(shelf, tier): n for shelf, tier, n in cursor.fetchall()}


def _waiting_custody(parcel: Parcel) -> Custody | None:
    """The parcel's waiting custody at any station."""
    return Custody.objects.filter(parcel=parcel, state=CustodyState.WAITING).first()


def _refuse_if_waiting(parcel: Parcel, station: Station) -> None:
    """Refuse to check in a parcel that is already waiting somewhere."""
    waiting = _waiting_custody(parcel)
    if waiting is None:
        return
    if waiting.station_id == station.pk:
        raise CounterError(
            "already_waiting",
            _("该包裹已入库，正在等待取件"),
            409,
            pickup_code=waiting.pickup_code,
        )
    raise CounterError("waiting_elsewhere", _("该包裹已在其他站点入库"), 409)


@transaction.atomic
def parcel_check_in(
    *,
    station: Station,
    waybill: str,
    carrier_code: str = "",
    recipient_phone: str = "",
    recipient_name: str = "",
    user: User | None = None,
    now: datetime | None = None,
) -> CheckIn:
    """Check a scanned parcel in: a shelf slot, a pickup code unique among the station's
    waiting parcels, the `ready_for_pickup` event, and the recipient's notice queued."""
    moment = now or timezone.now()
    shape = codes.waybill_shape(waybill)
    if not shape.well_formed:
        raise CounterError("bad_waybill", _("运单号应为 6–40 位字母或数字"), 400)
    phone = "".join(ch for ch in recipient_phone if ch.isdigit())
    if recipient_phone and not 7 <= len(phone) <= 15:
        raise CounterError("bad_phone", _("手机号格式不正确"), 400)
    known = _known_parcels(shape.waybill)
    carrier, warnings = carrier_for_waybill(shape.waybill, carrier_code, known)
    layout = _take_serial(station)  # first write: check-ins at this station queue from here
    serial = layout.serial
    parcel, created = _parcel_for(carrier, shape.waybill, phone, known)
    if not created:  # a new parcel cannot be waiting anywhere
        _refuse_if_waiting(parcel, station)
    changed = []
    if phone and not parcel.recipient_phone:
        parcel.recipient_phone = phone
        changed.append("recipient_phone")
    if recipient_name.strip() and not parcel.recipient_name:
        parcel.recipient_name = recipient_name.strip()[:60]
        changed.append("recipient_name")
    if changed:
        parcel.save(update_fields=[*changed, "updated_at"])
    slot = codes.choose_slot(
        layout.shelves, layout.tiers, layout.capacity, _occupancy(station), serial - 1
    )
    if slot is None:
        raise CounterError("shelves_full", _("货架已满，请先处理滞留件或调整货架布局"), 409)
    custody = _custody_with_code(layout, station, parcel, slot, serial, moment, user)
    station_event_record(
        parcel=parcel,
        station=station,
        raw_code="station_checkin",
        text=f"快件已到达【{station.name}】，请凭取件码取件",
        at=moment,
    )
    notified = False
    if parcel.recipient_phone:
        notice = OutboxMessage(
            custody=custody,
            kind=MessageKind.ARRIVAL,
            phone=parcel.recipient_phone,
            body=arrival_text(
                carrier=carrier.name,
                waybill=parcel.waybill_no,
                station=station.name,
                code=custody.pickup_code,
                hours=station.opening_hours,
            ),
        )
        insert(notice)
        notified = True
    else:
        warnings.append(_("没有收件人手机号，未发送取件通知"))
    return CheckIn(custody, parcel, created, notified, warnings)


def _custody_with_code(
    layout: ShelfLayout,
    station: Station,
    parcel: Parcel,
    slot: tuple[int, int],
    serial: int,
    moment: datetime,
    user: User | None,
) -> Custody:
    """Insert the custody with a fresh code, trying the next one when the database says the
    code is taken (a 6-digit clash, or a serial come round while an old parcel still waits)."""
    for _attempt in range(CODE_ATTEMPTS):
        if layout.code_style == CodeStyle.DIGITS:
            code = codes.random_digits()
        else:
            code = codes.shelf_code(slot[0], slot[1], serial)
        custody = Custody(
            parcel=parcel,
            station=station,
            shelf=slot[0],
            tier=slot[1],
            pickup_code=code,
            phone_tail=codes.phone_tail(parcel.recipient_phone),
            checked_in_at=moment,
            checked_in_by=user,
        )
        if insert_or_skip(custody):
            return custody
        _refuse_if_waiting(parcel, station)  # the parcel itself came in meanwhile
        if layout.code_style != CodeStyle.DIGITS:
            serial = _take_serial(station).serial
    raise CounterError("no_code", _("暂时无法分配取件码，请重试"), 503)


# -- pick-up -------------------------------------------------------------------------------


@dataclass
class PickUp:
    """The parcels handed over in one pick-up (all the recipient's waiting parcels)."""

    custodies: list[Custody]


def _tail_matches(custody: Custody, tail: str) -> bool:
    """True when the 4 digits given are the recipient's (compared in constant time)."""
    return bool(custody.phone_tail) and hmac.compare_digest(custody.phone_tail, tail)


def pickup_target(
    station: Station, *, code: str = "", phone_tail: str = "", waybill: str = ""
) -> Custody:
    """The waiting parcel a pick-up names, by code + phone tail or by waybill; else an error
    that says no more than "not found" (codes are short: nothing may be learnt by guessing)."""
    waiting = Custody.objects.filter(station=station, state=CustodyState.WAITING)
    if code:
        code = codes.normalise_code(code)
        if not codes.is_pickup_code(code) or not codes.PHONE_TAIL_RE.match(phone_tail):
            raise CounterError("bad_input", _("请输入取件码和收件人手机后 4 位"), 400)
        custody = waiting.select_related("parcel").filter(pickup_code=code).first()
        if custody is None or not _tail_matches(custody, phone_tail):
            raise CounterError("not_found", _("取件码或手机尾号不正确"), 404)
        return custody
    number = codes.normalise_waybill(waybill)
    if not codes.WAYBILL_RE.match(number):
        raise CounterError("bad_input", _("请扫描运单号，或输入取件码和手机尾号"), 400)
    custody = waiting.select_related("parcel").filter(parcel__waybill_no=number).first()
    if custody is None:
        raise CounterError("not_found", _("本站没有该运单号的待取包裹"), 404)
    return custody


@transaction.atomic
def parcel_pick_up(
    *,
    station: Station,
    code: str = "",
    phone_tail: str = "",
    waybill: str = "",
    user: User | None = None,
    now: datetime | None = None,
) -> PickUp:
    """Hand over the named parcel and every other parcel waiting at the station for the same
    recipient phone; each leaves its slot by a conditional UPDATE, so of two clerks picking
    up the same parcel at once exactly one succeeds (the other gets `already_picked_up`)."""
    moment = now or timezone.now()
    target = pickup_target(station, code=code, phone_tail=phone_tail, waybill=waybill)
    group = [target.pk]
    phone = target.parcel.recipient_phone
    if phone:
        group += list(
            Custody.objects.filter(
                station=station, state=CustodyState.WAITING, parcel__recipient_phone=phone
            )
            .exclude(pk=target.pk)
            .order_by("checked_in_at")
            .values_list("pk", flat=True)
        )
    taken: list[int] = []
    for pk in group:
        done = Custody.objects.filter(pk=pk, state=CustodyState.WAITING).update(
            state=CustodyState.PICKED_UP, closed_at=moment, closed_by=user
        )
        if done:
            taken.append(pk)
    if target.pk not in taken:
        raise CounterError("already_picked_up", _("该包裹刚刚已被取走"), 409)
    custodies = list(Custody.objects.filter(pk__in=taken).select_related("parcel__carrier"))
    for custody in custodies:
        station_event_record(
            parcel=custody.parcel,
            station=station,
            raw_code="station_pickup",
            text=f"已在【{station.name}】取件签收",
            at=moment,
        )
    return PickUp(sorted(custodies, key=lambda c: c.checked_in_at))


# -- exceptions, overdue and returns -----------------------------------------------------------


def _waiting_by_waybill(station: Station, waybill: str) -> Custody:
    """The parcel waiting at the station with this waybill, locked for the change."""
    number = codes.normalise_waybill(waybill)
    custody = (
        Custody.objects.select_for_update()
        .select_related("parcel__carrier")
        .filter(station=station, parcel__waybill_no=number, state=CustodyState.WAITING)
        .first()
    )
    if custody is None:
        raise CounterError("not_found", _("本站没有该运单号的待取包裹"), 404)
    return custody


@transaction.atomic
def custody_exception_record(
    *,
    station: Station,
    waybill: str,
    kind: str,
    note: str = "",
    user: User | None = None,
    now: datetime | None = None,
) -> Custody:
    """Mark a waiting parcel damaged, refused or wrongly addressed: it leaves the shelf (the
    slot is freed), goes on the return list, and the `delivery_failed` event is recorded."""
    moment = now or timezone.now()
    if kind not in ExceptionKind.values:
        raise CounterError("bad_kind", _("异常类型不正确"), 400)
    custody = _waiting_by_waybill(station, waybill)
    raw_code, text = EXCEPTION_EVENTS[ExceptionKind(kind)]
    custody.state = CustodyState.EXCEPTION
    custody.exception_kind = kind
    custody.note = note.strip()[:200]
    custody.closed_at = moment
    custody.closed_by = user
    custody.save(update_fields=["state", "exception_kind", "note", "closed_at", "closed_by"])
    station_event_record(
        parcel=custody.parcel,
        station=station,
        raw_code=raw_code,
        text=text.format(station=station.name),
        at=moment,
    )
    return custody


@transaction.atomic
def custody_return(
    *, station: Station, waybill: str, user: User | None = None, now: datetime | None = None
) -> Custody:
    """Hand a parcel on the return list (an exception, or waiting over 72 h) back to its
    carrier, with the `return_to_sender` event."""
    moment = now or timezone.now()
    number = codes.normalise_waybill(waybill)
    custody = (
        Custody.objects.select_for_update()
        .select_related("parcel__carrier")
        .filter(station=station, parcel__waybill_no=number)
        .filter(state__in=[CustodyState.WAITING, CustodyState.EXCEPTION])
        .order_by("-checked_in_at")
        .first()
    )
    if custody is None:
        raise CounterError("not_found", _("本站没有该运单号的待退回包裹"), 404)
    if custody.state == CustodyState.WAITING and custody.reminder_stage < 3:
        raise CounterError("not_overdue", _("该包裹未超过 72 小时，也未登记异常，不能退回"), 409)
    custody.state = CustodyState.RETURNED
    custody.closed_at = moment
    custody.closed_by = user
    custody.save(update_fields=["state", "closed_at", "closed_by"])
    station_event_record(
        parcel=custody.parcel,
        station=station,
        raw_code="station_return",
        text=f"快件由【{station.name}】退回{custody.parcel.carrier.name}",
        at=moment,
    )
    return custody


@dataclass
class OverdueSweep:
    """What one pass over the waiting parcels did."""

    reminders_24: int = 0
    reminders_48: int = 0
    to_return: int = 0


def custody_overdue_sweep(
    *, station: Station | None = None, now: datetime | None = None
) -> OverdueSweep:
    """Send the 24 h and 48 h reminders and put parcels waiting over 72 h on the return list
    (the `on_hold` event); each parcel in its own transaction, each stage once."""
    moment = now or timezone.now()
    result = OverdueSweep()
    due = Custody.objects.filter(
        state=CustodyState.WAITING,
        reminder_stage__lt=3,
        checked_in_at__lte=moment - timedelta(hours=codes.REMINDER_HOURS[0]),
    )
    if station is not None:
        due = due.filter(station=station)
    for pk in list(due.values_list("pk", flat=True)):
        stage = _overdue_step(pk, moment)
        if stage == 1:
            result.reminders_24 += 1
        elif stage == 2:
            result.reminders_48 += 1
        elif stage == 3:
            result.to_return += 1
    return result


@transaction.atomic
def _overdue_step(pk: int, moment: datetime) -> int:
    """Bring one waiting parcel to its overdue stage; the stage reached, 0 when nothing changed."""
    custody = (
        Custody.objects.select_for_update()
        .select_related("parcel", "station")
        .filter(pk=pk, state=CustodyState.WAITING)
        .first()
    )
    if custody is None:
        return 0
    hours = (moment - custody.checked_in_at).total_seconds() / 3600
    stage = codes.overdue_stage(hours)
    if stage <= custody.reminder_stage:
        return 0
    station = custody.station
    if stage == 3:
        station_event_record(
            parcel=custody.parcel,
            station=station,
            raw_code="station_overdue",
            text=f"快件在【{station.name}】超过 72 小时未取，待退回",
            at=moment,
        )
    elif custody.parcel.recipient_phone:
        OutboxMessage.objects.create(
            custody=custody,
            kind=MessageKind.REMINDER_24 if stage == 1 else MessageKind.REMINDER_48,
            phone=custody.parcel.recipient_phone,
            body=reminder_text(
                stage=stage,
                station=station.name,
                code=custody.pickup_code,
                hours=station.opening_hours,
            ),
        )
    custody.reminder_stage = stage
    custody.save(update_fields=["reminder_stage"])
    return stage
