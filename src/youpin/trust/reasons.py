"""Why an order is or is not verified: reason bits and the state they give. Pure.

An order's `reasons` is a set of these bits. Suspicious bits make it suspicious; otherwise
any unverified bit leaves it unverified (legitimately for services and pickup at the store);
with neither it is verified: a real parcel carried it. Informational bits change nothing.
"""

from __future__ import annotations

from enum import IntFlag

from django.utils.translation import gettext_noop


class Reason(IntFlag):
    """One piece of evidence about an order (bits of `OrderVerification.reasons`)."""

    # unverified: no parcel evidence (yet)
    NO_WAYBILL = 1
    SERVICE = 2
    STORE_PICKUP = 4
    CARRIER_NOT_IN_HUB = 8
    NOT_IN_HUB = 16
    NOT_COLLECTED = 32
    NOT_DELIVERED = 64
    RETURNED = 128
    # informational
    REGION_UNCHECKED = 256
    # suspicious
    PICKUP_BEFORE_PAYMENT = 512
    WAYBILL_REUSED = 1024
    NEVER_MOVES = 2048
    SIGNED_OUTSIDE_REGION = 4096
    SHOP_BURST = 8192
    SHARED_CONTACT = 16384
    CONFIRMED_BRUSHING = 32768


UNVERIFIED = (
    Reason.NO_WAYBILL
    | Reason.SERVICE
    | Reason.STORE_PICKUP
    | Reason.CARRIER_NOT_IN_HUB
    | Reason.NOT_IN_HUB
    | Reason.NOT_COLLECTED
    | Reason.NOT_DELIVERED
    | Reason.RETURNED
)
SUSPICIOUS = (
    Reason.PICKUP_BEFORE_PAYMENT
    | Reason.WAYBILL_REUSED
    | Reason.NEVER_MOVES
    | Reason.SIGNED_OUTSIDE_REGION
    | Reason.SHOP_BURST
    | Reason.SHARED_CONTACT
    | Reason.CONFIRMED_BRUSHING
)

VERIFIED, UNVERIFIED_STATE, SUSPICIOUS_STATE = "verified", "unverified", "suspicious"

# Chinese in the API and exports; pages translate them at display (`{% translate label %}`).
LABELS: dict[Reason, str] = {
    Reason.NO_WAYBILL: gettext_noop("无运单号（未发货）"),
    Reason.SERVICE: gettext_noop("服务类订单，无需包裹"),
    Reason.STORE_PICKUP: gettext_noop("到店自提，无运单"),
    Reason.CARRIER_NOT_IN_HUB: gettext_noop("快递公司未知或未接入，无法核对"),
    Reason.NOT_IN_HUB: gettext_noop("运单尚无轨迹（未在物流中心出现）"),
    Reason.NOT_COLLECTED: gettext_noop("尚未揽收"),
    Reason.NOT_DELIVERED: gettext_noop("已揽收，尚未签收"),
    Reason.RETURNED: gettext_noop("包裹退回或取消"),
    Reason.REGION_UNCHECKED: gettext_noop("收货地区或签收地点未知，未核对地区"),
    Reason.PICKUP_BEFORE_PAYMENT: gettext_noop("揽收早于付款"),
    Reason.WAYBILL_REUSED: gettext_noop("同一运单用于多个买家的订单"),
    Reason.NEVER_MOVES: gettext_noop("运单付款后长时间无流转"),
    Reason.SIGNED_OUTSIDE_REGION: gettext_noop("签收地点不在收货人所在区县"),
    Reason.SHOP_BURST: gettext_noop("店铺一小时内订单数 ÷ 买家数过高"),
    Reason.SHARED_CONTACT: gettext_noop("买家电话或地址在多个店铺间聚集"),
    Reason.CONFIRMED_BRUSHING: gettext_noop("已被核实为刷单"),
}

# The signal rule (SignalRule.code) behind each suspicious bit, so a disabled rule or a
# review decision can be traced to the bits it governs.
RULE_BITS: dict[str, Reason] = {
    "pickup_before_payment": Reason.PICKUP_BEFORE_PAYMENT,
    "waybill_reused": Reason.WAYBILL_REUSED,
    "never_moves": Reason.NEVER_MOVES,
    "signed_outside_region": Reason.SIGNED_OUTSIDE_REGION,
    "burst": Reason.SHOP_BURST,
    "shared_contact": Reason.SHARED_CONTACT,
    "above_declared": Reason(0),
}


def state_of(reasons: int) -> str:
    """The verification state given by a set of reason bits."""
    if reasons & SUSPICIOUS:
        return SUSPICIOUS_STATE
    if reasons & UNVERIFIED:
        return UNVERIFIED_STATE
    return VERIFIED


def describe(reasons: int) -> list[str]:
    """The reasons as Chinese phrases, in bit order."""
    return [label for bit, label in LABELS.items() if reasons & bit]


def codes(reasons: int) -> list[str]:
    """The reasons as stable lower-case codes (`never_moves`, …), in bit order."""
    return [str(bit.name).lower() for bit in LABELS if reasons & bit]
