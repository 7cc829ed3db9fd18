"""Merchants, their shops on each platform, and their products."""

from __future__ import annotations

from django.db import models

from youpin.core.models import TimeStamped, money


class MerchantKind(models.TextChoices):
    """What sort of seller a merchant is."""

    FIRM = "firm", "企业"
    COOPERATIVE = "cooperative", "合作社"
    FARMER = "farmer", "农户"
    SHOP = "shop", "个体商户"
    HOST = "host", "主播"


class Merchant(TimeStamped):
    """A seller: a firm, a cooperative, a farmer, a shop or a livestream host."""

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=MerchantKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    place = models.ForeignKey(
        "geo.Place", verbose_name="经营地", on_delete=models.PROTECT, related_name="merchants"
    )
    registered_locally = models.BooleanField("在本地注册纳税", default=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "商户"
        verbose_name_plural = "商户"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Platform(models.TextChoices):
    """Sales channels whose orders Youpin gathers."""

    YOUPIN = "youpin", "中卫优品"
    TAOBAO = "taobao", "淘宝/天猫"
    PINDUODUO = "pinduoduo", "拼多多"
    DOUYIN = "douyin", "抖音"
    JD = "jd", "京东"
    KUAISHOU = "kuaishou", "快手"
    OTHER = "other", "其他"


class Shop(TimeStamped):
    """A merchant's shop on one platform."""

    merchant = models.ForeignKey(
        Merchant, verbose_name="商户", on_delete=models.CASCADE, related_name="shops"
    )
    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    platform_shop_id = models.CharField("平台店铺ID", max_length=64)
    name = models.CharField("店铺名称", max_length=120)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "店铺"
        verbose_name_plural = "店铺"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_shop_id"], name="shop_unique_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"


class Category(models.Model):
    """A product category; farm-product and service categories are flagged for the statistics."""

    slug = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    is_farm_product = models.BooleanField("农产品", default=False)
    is_service = models.BooleanField("服务类", default=False)

    class Meta:
        verbose_name = "品类"
        verbose_name_plural = "品类"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStamped):
    """A product a merchant sells."""

    merchant = models.ForeignKey(
        Merchant, verbose_name="商户", on_delete=models.CASCADE, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name="品类", on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField("商品名称", max_length=200)
    sku = models.CharField("商家编码", max_length=64, blank=True)
    unit_price = money("单价")
    weight_g = models.PositiveIntegerField("重量（克）", default=0)
    origin = models.ForeignKey(
        "geo.Place",
        verbose_name="产地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    needs_cold_chain = models.BooleanField("需冷链", default=False)
    brand_licensed = models.BooleanField("中卫优品品牌授权", default=False)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "商品"
        verbose_name_plural = "商品"
        ordering = ["merchant", "name"]

    def __str__(self) -> str:
        return self.name
