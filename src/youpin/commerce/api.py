"""API: the orders a caller may see, personal data masked unless the role needs it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from youpin.accounts.scoping import Scope, scope_for
from youpin.commerce.models import Order
from youpin.commerce.selectors import orders_visible
from youpin.core.masking import mask_address, mask_name, mask_phone

router = Router(tags=["orders"])


class OrderPublic(Schema):
    """An order as the API shows it."""

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


def order_out(order: Order, scope: Scope) -> OrderPublic:
    """Render an order for a scope, masking the buyer unless the role handles it in person."""
    unmasked = scope.may_see_personal_data
    return OrderPublic(
        id=order.pk,
        platform=order.platform,
        platform_order_id=order.platform_order_id,
        merchant_id=order.merchant_id,
        shop_id=order.shop_id,
        status=order.status,
        raw_status=order.raw_status,
        paid_amount=order.paid_amount,
        refunded_amount=order.refunded_amount,
        net_amount=order.net_amount,
        ordered_at=order.ordered_at,
        paid_at=order.paid_at,
        destination_place_code=order.destination_place_id,
        destination_text=order.destination_text
        if unmasked
        else mask_address(order.destination_text),
        buyer_name=order.buyer_name if unmasked else mask_name(order.buyer_name),
        buyer_phone=order.buyer_phone if unmasked else mask_phone(order.buyer_phone),
        carrier_code=order.carrier.code if order.carrier else None,
        waybill_no=order.waybill_no,
        host_nickname=order.host_nickname,
        is_demo=order.is_demo,
    )


@router.get("", response=list[OrderPublic], summary="可见订单列表")
@paginate(PageNumberPagination, page_size=50)
def order_list(request: HttpRequest, platform: str | None = None) -> list[OrderPublic]:
    """List the orders the caller may see, newest first."""
    scope = scope_for(request.user)
    qs = orders_visible(scope).select_related("carrier").order_by("-ordered_at", "-id")
    if platform:
        qs = qs.filter(platform=platform)
    return [order_out(o, scope) for o in qs[:5000]]


@router.get("/{order_id}", response=OrderPublic, summary="订单详情")
def order_detail(request: HttpRequest, order_id: int) -> OrderPublic:
    """One order, if the caller may see it (otherwise 404, as if it did not exist)."""
    scope = scope_for(request.user)
    order = orders_visible(scope).select_related("carrier").filter(pk=order_id).first()
    if order is None:
        raise Http404("订单不存在或无权查看")
    return order_out(order, scope)
