"""Back office for merchants, shops, categories and products."""

from django.contrib import admin

from youpin.catalog.models import Category, Merchant, Product, Shop


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    """Merchants by kind and place."""

    list_display = ("name", "kind", "place", "registered_locally", "is_demo")
    list_filter = ("kind", "registered_locally", "is_demo")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("place",)


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    """Shops per platform."""

    list_display = ("name", "platform", "platform_shop_id", "merchant")
    list_filter = ("platform",)
    search_fields = ("name", "platform_shop_id")
    raw_id_fields = ("merchant",)


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
