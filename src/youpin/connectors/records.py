"""Canonical records every connector produces, whatever platform or carrier it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrderState(StrEnum):
    """Canonical order statuses (the values of commerce.models.OrderStatus)."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CLOSED = "closed"
    REFUNDED = "refunded"


class ParcelState(StrEnum):
    """Canonical tracking statuses (the values of logistics.models.TrackingStatus)."""

    PENDING = "pending"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    DELIVERY_DELAYED = "delivery_delayed"
    ON_HOLD = "on_hold"
    RETURN_TO_SENDER = "return_to_sender"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


@dataclass
class OrderLineRecord:
    """One product line as the platform exported it."""

    title: str
    quantity: int = 1
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    refunded_amount: Decimal | None = None
    refund_status: str = ""
    platform_line_id: str = ""
    platform_product_id: str = ""
    merchant_sku: str = ""
    sku_text: str = ""


@dataclass
class OrderRecord:
    """One order as a platform exported it, in canonical fields; None means 'not in this file'."""

    platform: str
    platform_order_id: str
    status: OrderState | None = None
    raw_status: str = ""
    shop_id: str = ""
    shop_name: str = ""
    goods_amount: Decimal | None = None
    shipping_amount: Decimal | None = None
    discount_platform: Decimal | None = None
    discount_merchant: Decimal | None = None
    discount_host: Decimal | None = None
    paid_amount: Decimal | None = None
    refunded_amount: Decimal | None = None
    created_at: datetime | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    completed_at: datetime | None = None
    buyer_account: str = ""
    buyer_name: str = ""
    buyer_phone: str = ""
    address: str = ""
    waybill_no: str = ""
    carrier_name: str = ""
    host_id: str = ""
    host_nickname: str = ""
    traffic_source: str = ""
    traffic_type: str = ""
    traffic_channel: str = ""
    group_leader: str = ""
    pickup_point: str = ""
    lines: list[OrderLineRecord] = field(default_factory=list)
    source_rows: list[int] = field(default_factory=list)


@dataclass
class RefundRecord:
    """An after-sales refund that nets against an order, whenever it arrives."""

    platform: str
    platform_order_id: str
    refund_id: str
    amount: Decimal
    status: str = ""
    kind: str = ""
    applied_at: datetime | None = None
    agreed_at: datetime | None = None
    succeeded: bool = True
    source_row: int | None = None


@dataclass
class TrackingEventRecord:
    """One tracking event: canonical status beside the provider's raw code and text."""

    waybill_no: str
    carrier_code: str
    occurred_at: datetime
    status: ParcelState
    raw_code: str = ""
    raw_text: str = ""
    place_code: str | None = None
    place_name: str = ""
    facility: str = ""
    source: str = ""
    time_zone_assumed: bool = False
    extra: dict[str, str] = field(default_factory=dict)
