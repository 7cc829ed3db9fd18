"""Reads of merchants, shops and products, limited to what a scope may see."""

from __future__ import annotations

from django.db.models import QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Merchant, Product, Shop


def merchants_visible(scope: Scope) -> QuerySet[Merchant]:
    """Merchants the scope may see: all, its region's, or its own."""
    qs = Merchant.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(place__code__startswith=scope.region_prefix)
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        return qs.filter(pk=scope.merchant_id)
    return qs.none()


def shops_visible(scope: Scope) -> QuerySet[Shop]:
    """Shops of the merchants the scope may see."""
    return Shop.objects.filter(merchant__in=merchants_visible(scope))


def products_visible(scope: Scope) -> QuerySet[Product]:
    """Products in scope: merchants their own, officials their region's, others all."""
    qs = Product.objects.select_related("category", "merchant")
    if scope.role in {Role.OFFICIAL, Role.MERCHANT}:
        return qs.filter(merchant__in=merchants_visible(scope))
    return qs
