"""Sending from a station (代寄): accept a villager's parcel under the delivery channel's three
safety rules, then hand it to the carrier with the `picked_up` event."""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from youpin.core.masking import mask_name
from youpin.counter import codes
from youpin.counter.errors import CounterError
from youpin.counter.events import station_event_record
from youpin.counter.models import Shipment, ShipmentState
from youpin.logistics.models import Carrier, Parcel
from youpin.stations.models import Station

ID_RE = re.compile(r"^\d{17}[\dXx]$")
MAX_WEIGHT_G = 50_000


def mask_id_number(number: str) -> str:
    """A resident ID shown as its first 4 and last 4 characters: 6405**********123X."""
    number = number.strip().upper()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@transaction.atomic
def shipment_accept(
    *,
    station: Station,
    sender_name: str,
    sender_id_number: str,
    real_name_checked: bool,
    inspected: bool,
    screening_required: bool,
    screened: bool,
    goods: str,
    weight_g: int,
    carrier_code: str,
    waybill: str,
    user: User | None = None,
) -> Shipment:
    """Accept a parcel to send: refused unless the sender's identity was checked, the goods
    inspected, and screened when they need it. Only the masked name and ID are stored."""
    if not real_name_checked or not ID_RE.match(sender_id_number.strip()):
        raise CounterError("real_name", _("寄件须实名：请查验寄件人身份证并录入证件号"), 400)
    if not sender_name.strip():
        raise CounterError("real_name", _("请录入寄件人姓名"), 400)
    if not inspected:
        raise CounterError("inspection", _("寄件须当面开箱验视"), 400)
    if screening_required and not screened:
        raise CounterError("screening", _("该物品须经安检后才能收寄"), 400)
    if not goods.strip():
        raise CounterError("goods", _("请填写物品名称"), 400)
    if not 0 < weight_g <= MAX_WEIGHT_G:
        raise CounterError("weight", _("重量应在 1 克到 50 千克之间"), 400)
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None:
        raise CounterError("unknown_carrier", _("请选择快递公司"), 400)
    number = codes.normalise_waybill(waybill)
    if not codes.WAYBILL_RE.match(number):
        raise CounterError("bad_waybill", _("运单号应为 6–40 位字母或数字"), 400)
    if Parcel.objects.filter(carrier=carrier, waybill_no=number).exists():
        raise CounterError("waybill_used", _("该电子面单号已被使用"), 409)
    parcel = Parcel.objects.create(
        carrier=carrier,
        waybill_no=number,
        weight_g=weight_g,
        e_waybill=True,
        sender_place=station.place,
        station=station,
    )
    return Shipment.objects.create(
        station=station,
        parcel=parcel,
        sender_name_masked=mask_name(sender_name)[:60],
        sender_id_masked=mask_id_number(sender_id_number),
        real_name_checked=True,
        inspected=True,
        screening_required=screening_required,
        screened=screened,
        goods=goods.strip()[:120],
        weight_g=weight_g,
        accepted_by=user,
    )


@transaction.atomic
def shipment_hand_over(
    *, station: Station, shipment_id: int, now: datetime | None = None
) -> Shipment:
    """Hand an accepted parcel to its carrier's courier: the `picked_up` event, once."""
    moment = now or timezone.now()
    done = Shipment.objects.filter(
        pk=shipment_id, station=station, state=ShipmentState.ACCEPTED
    ).update(state=ShipmentState.HANDED_OVER, handed_over_at=moment, updated_at=moment)
    shipment = (
        Shipment.objects.select_related("parcel__carrier")
        .filter(pk=shipment_id, station=station)
        .first()
    )
    if shipment is None:
        raise CounterError("not_found", _("本站没有这件代寄包裹"), 404)
    if not done:
        raise CounterError("already_handed_over", _("该包裹已交给快递"), 409)
    station_event_record(
        parcel=shipment.parcel,
        station=station,
        raw_code="station_send",
        text=f"【{station.name}】已收寄，交{shipment.parcel.carrier.name}揽收",
        at=moment,
    )
    return shipment
