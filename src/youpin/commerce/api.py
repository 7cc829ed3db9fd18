"""API: the orders a caller may see, personal data masked unless the role needs it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from youpin.accounts.scoping import request_scope
from youpin.commerce.models import Order
from youpin.commerce.selectors import orders_visible
from youpin.core.masking import mask_address, mask_name, mask_phone

router = Router(tags=["orders"])


def _unmasked(context: dict[str, Any] | None) -> bool:
    """Whether the caller's role may see buyers' personal data."""
    request = (context or {}).get("request")
    return request is not None and request_scope(request).may_see_personal_data


class OrderPublic(Schema):
    """An order as the API shows it; buyer details masked unless the role ships it."""

    id: int
    platform: str
    platform_order_id: str
    merchant_id: int
    shop_id: int
    status: str
    raw_status: str
    paid_amount: Decimal
    refunded_amount: Decimal
    net_amount: Decimal
    ordered_at: datetime
    paid_at: datetime | None
    destination_place_code: str | None
    destination_text: str
    buyer_name: str
    buyer_phone: str
    carrier_code: str | None
    waybill_no: str
    host_nickname: str
    is_demo: bool

    @staticmethod
    def resolve_destination_place_code(obj: Order) -> str | None:
        """The NBS code of the resolved destination."""
        return obj.destination_place_id

    @staticmethod
    def resolve_carrier_code(obj: Order) -> str | None:
        """The carrier's code, if known."""
        return obj.carrier.code if obj.carrier else None

    @staticmethod
    def resolve_destination_text(obj: Order, context: dict[str, Any]) -> str:
        """The address, with house details hidden unless unmasked."""
        text = obj.destination_text
        return text if _unmasked(context) else mask_address(text)

    @staticmethod
    def resolve_buyer_name(obj: Order, context: dict[str, Any]) -> str:
        """The buyer's name, masked unless unmasked."""
        return obj.buyer_name if _unmasked(context) else mask_name(obj.buyer_name)

    @staticmethod
    def resolve_buyer_phone(obj: Order, context: dict[str, Any]) -> str:
        """The buyer's phone, masked unless unmasked."""
        return obj.buyer_phone if _unmasked(context) else mask_phone(obj.buyer_phone)


@router.get("", response=list[OrderPublic], summary="可见订单列表")
@paginate(PageNumberPagination, page_size=50)
def order_list(request: HttpRequest, platform: str | None = None) -> QuerySet[Order]:
    """List the orders the caller may see, newest first (count is the full total)."""
    qs = orders_visible(request_scope(request)).select_related("carrier")
    if platform:
        qs = qs.filter(platform=platform)
    return qs.order_by("-ordered_at", "-id")


@router.get("/{order_id}", response=OrderPublic, summary="订单详情")
def order_detail(request: HttpRequest, order_id: int) -> Order:
    """One order, if the caller may see it (otherwise 404, as if it did not exist)."""
    order = orders_visible(request_scope(request)).select_related("carrier").filter(pk=order_id)
    found = order.first()
    if found is None:
        raise Http404("订单不存在或无权查看")
    return found
