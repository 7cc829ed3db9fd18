"""Back office for merchants, shops, categories and products."""

from django.contrib import admin

from youpin.catalog.models import Category, Merchant, OperatorGroup, Product, Shop, TitleRule


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    """Merchants by kind and place."""

    list_display = ("name", "kind", "place", "registered_locally", "is_demo")
    list_filter = ("kind", "registered_locally", "is_demo")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("place", "operator_group")


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    """Shops per platform."""

    list_display = (
        "name",
        "platform",
        "platform_shop_id",
        "merchant",
        "operating_place",
        "registered_place",
        "shipping_origin",
    )
    list_filter = ("platform",)
    search_fields = ("name", "platform_shop_id")
    raw_id_fields = (
        "merchant",
        "registered_place",
        "operating_place",
        "shipping_origin",
        "operator_group",
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories with their statistics flags."""

    list_display = ("slug", "name", "is_farm_product", "is_service")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Products by category."""

    list_display = ("name", "merchant", "category", "unit_price", "brand_licensed")
    list_filter = ("category", "brand_licensed", "needs_cold_chain")
    search_fields = ("name", "sku")
    raw_id_fields = ("merchant", "origin")


@admin.register(OperatorGroup)
class OperatorGroupAdmin(admin.ModelAdmin):
    """Operators behind several merchants or shops."""

    list_display = ("name", "credit_code")
    search_fields = ("name", "credit_code")


@admin.register(TitleRule)
class TitleRuleAdmin(admin.ModelAdmin):
    """Title words that class order lines without a product as goods or services."""

    list_display = ("word", "item_class", "priority", "enabled")
    list_editable = ("item_class", "priority", "enabled")
    list_display_links = ("word",)
