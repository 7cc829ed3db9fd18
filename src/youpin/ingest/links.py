"""What an imported order is linked to: shop and merchant, catalogue products, refunds.

* Shop: the record's shop id on its platform when the file has one (created for the
  batch merchant when unknown), else the batch merchant's shop on that platform
  (the first one, created when missing). A shop of another merchant than the batch's
  refuses the order.
* Product: the merchant's product with the line's merchant SKU (商家编码), else the one
  whose name is exactly the line's title; none when several match.
* Refunds: the successful refunds stored for an order and imported by its merchant or
  by the operator (a merchant's refund file cannot lower another merchant's sales).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from youpin.catalog.models import Merchant, Platform, Product, Shop
from youpin.commerce.models import Refund
from youpin.ingest.orders_prepare import carrier_stem
from youpin.logistics.models import Carrier
from youpin.stations.models import Station

SHOP_ID_FOR_MERCHANT = "youpin-merchant-{id}"


class LinkError(Exception):
    """An order cannot be linked; `code` and the message go to the rejected rows."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ShopLink:
    """The shop and merchant an order belongs to."""

    shop_id: int
    merchant_id: int


class ShopLinker:
    """Finds (or creates) the shop of each order of one import, remembering the answers."""

    def __init__(self, platform: str, merchant: Merchant | None) -> None:
        """Link orders of `platform` for `merchant` (None: the operator, shop ids required)."""
        self.platform = platform if platform in Platform.values else Platform.OTHER
        self.merchant = merchant
        self._known: dict[str, ShopLink | LinkError] = {}

    def link(self, shop_key: str, shop_name: str) -> ShopLink:
        """The shop of an order with this shop id (may be ''); LinkError when there is none."""
        found = self._known.get(shop_key)
        if found is None:
            try:
                found = self._find(shop_key, shop_name)
            except LinkError as exc:
                found = exc
            self._known[shop_key] = found
        if isinstance(found, LinkError):
            raise found
        return found

    def forget(self) -> None:
        """Drop remembered shops (after a rolled-back transaction may have undone one)."""
        self._known.clear()

    def _find(self, shop_key: str, shop_name: str) -> ShopLink:
        """Look the shop up, creating it for the batch merchant when it is missing."""
        merchant = self.merchant
        if shop_key:
            shop = Shop.objects.filter(platform=self.platform, platform_shop_id=shop_key).first()
            if shop is not None:
                if merchant is not None and shop.merchant_id != merchant.pk:
                    raise LinkError("shop_of_other_merchant", f"店铺 {shop_key} 属于其他商户")
                return ShopLink(shop.pk, shop.merchant_id)
            if merchant is None:
                raise LinkError(
                    "unknown_shop", f"店铺ID {shop_key} 尚未登记，无法确定商户；请指定商户后导入"
                )
            shop = Shop.objects.create(
                merchant=merchant,
                platform=self.platform,
                platform_shop_id=shop_key[:64],
                name=(shop_name or f"{merchant.name}（{shop_key}）")[:120],
            )
            return ShopLink(shop.pk, merchant.pk)
        if merchant is None:
            raise LinkError("missing_shop", "缺少店铺ID，无法确定商户；请指定商户后导入")
        shop = Shop.objects.filter(merchant=merchant, platform=self.platform).order_by("id").first()
        if shop is None:
            label = Platform(self.platform).label
            shop = Shop.objects.create(
                merchant=merchant,
                platform=self.platform,
                platform_shop_id=SHOP_ID_FOR_MERCHANT.format(id=merchant.pk),
                name=(shop_name or f"{merchant.name}（{label}）")[:120],
            )
        return ShopLink(shop.pk, merchant.pk)


class Catalogue:
    """Each merchant's products by merchant SKU and by exact name, loaded once per merchant."""

    def __init__(self) -> None:
        """Start empty; merchants are loaded on first use."""
        self._by_sku: dict[int, dict[str, int | None]] = {}
        self._by_name: dict[int, dict[str, int | None]] = {}

    def product(self, merchant_id: int, sku: str, title: str) -> int | None:
        """The product id of a line, or None when the catalogue has no single match."""
        if merchant_id not in self._by_sku:
            self._load(merchant_id)
        if sku:
            found = self._by_sku[merchant_id].get(sku)
            if found is not None:
                return found
        return self._by_name[merchant_id].get(title) if title else None

    def _load(self, merchant_id: int) -> None:
        """Index one merchant's products; a SKU or name used twice matches nothing."""
        by_sku: dict[str, int | None] = {}
        by_name: dict[str, int | None] = {}
        for pk, sku, name in Product.objects.filter(merchant_id=merchant_id).values_list(
            "id", "sku", "name"
        ):
            if sku:
                by_sku[sku] = None if sku in by_sku else pk
            by_name[name] = None if name in by_name else pk
        self._by_sku[merchant_id] = by_sku
        self._by_name[merchant_id] = by_name


RefundRows = dict[str, list[tuple[int | None, Decimal]]]


def refunds_of(platform: str, order_ids: Sequence[str]) -> RefundRows:
    """Successful stored refunds of these orders: order id → [(importing merchant, amount)]."""
    found: RefundRows = defaultdict(list)
    rows = Refund.objects.filter(
        platform=platform, platform_order_id__in=list(order_ids), succeeded=True
    ).values_list("platform_order_id", "merchant_id", "amount")
    for order_id, merchant_id, amount in rows:
        found[order_id].append((merchant_id, amount))
    return found


def refunded_total(rows: list[tuple[int | None, Decimal]], merchant_id: int) -> Decimal:
    """The refunds that count for an order of `merchant_id`."""
    return sum(
        (amount for who, amount in rows if who is None or who == merchant_id), Decimal("0.00")
    )


def carrier_names() -> dict[str, int]:
    """Carrier ids by name, by name without its generic ending, and by code."""
    names: dict[str, int] = {}
    for pk, code, name in Carrier.objects.values_list("id", "code", "name"):
        names.setdefault(name, pk)
        names.setdefault(carrier_stem(name), pk)
        names.setdefault(code, pk)
    return names


def station_names() -> dict[str, int]:
    """Station ids by exact name (names used twice are left out)."""
    names: dict[str, int | None] = {}
    for pk, name in Station.objects.values_list("id", "name"):
        names[name] = None if name in names else pk
    return {name: pk for name, pk in names.items() if pk is not None}
